"""What a live client (the sandbox page) reads from the emulator: the journal, chats, menus."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.devtools.emulator import BotApiEmulator
from bot.devtools.emulator.journal import Journal
from tests.emulator.conftest import GROUP_ID, TOKEN, USER_ID, make_bot

OTHER = 1002


@pytest.fixture
async def live() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, journal=True) as emulator:
        emulator.add_user(USER_ID, first_name="Aigerim", language_code="kk")
        emulator.add_user(OTHER, first_name="Olga", language_code="ru")
        emulator.add_group(GROUP_ID, "Moderators", member_ids=[USER_ID, OTHER])
        yield emulator


@pytest.fixture
async def live_bot(live: BotApiEmulator) -> AsyncIterator[Bot]:
    bot = make_bot(live.base_url)
    yield bot
    await bot.session.close()


def kinds(events: list[dict] | None) -> list[tuple[str, int]]:
    assert events is not None
    return [(event["kind"], event["chat_id"]) for event in events]


def button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=data, callback_data=data)]]
    )


async def test_journal_is_off_unless_asked(emu: BotApiEmulator) -> None:
    with pytest.raises(ValueError, match="journal"):
        emu.events()


async def test_journal_orders_every_change_a_client_must_show(
    live: BotApiEmulator, live_bot: Bot
) -> None:
    start = live.events()[-1]["seq"]
    live.send_text(USER_ID, "/start")
    sent = await live_bot.send_message(USER_ID, "<b>Hi</b>", reply_markup=button("a"))
    await live_bot.edit_message_text("Hello", chat_id=USER_ID, message_id=sent.message_id)
    await live_bot.send_chat_action(USER_ID, "typing")
    await live_bot.delete_messages(USER_ID, [sent.message_id, 999])
    events = live.events(start)
    assert kinds(events) == [
        ("message", USER_ID),
        ("message", USER_ID),
        ("edit", USER_ID),
        ("action", USER_ID),
        ("delete", USER_ID),
    ]
    assert events[1]["message_id"] == events[2]["message_id"] == sent.message_id
    assert events[3]["action"] == "typing"
    assert events[4]["message_ids"] == [sent.message_id]  # the missing one is not reported
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


async def test_reply_keyboard_changes_are_events_and_a_one_time_one_hides(
    live: BotApiEmulator, live_bot: Bot
) -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📞 Phone", request_contact=True)],
            [KeyboardButton(text="📍 Here", request_location=True)],
        ],
        one_time_keyboard=True,
    )
    start = live.events()[-1]["seq"]
    await live_bot.send_message(USER_ID, "share?", reply_markup=markup)
    assert ("keyboard", USER_ID) in kinds(live.events(start))
    mark = live.events()[-1]["seq"]
    update = live.press_reply_button(USER_ID, "📞 Phone", phone_number="+77010000001")
    contact = update["message"]["contact"]
    assert (contact["phone_number"], contact["user_id"]) == ("+77010000001", USER_ID)
    assert live.reply_keyboard(USER_ID) is None
    assert kinds(live.events(mark)) == [("keyboard", USER_ID), ("message", USER_ID)]

    await live_bot.send_message(USER_ID, "where?", reply_markup=markup)
    update = live.press_reply_button(USER_ID, "📍 Here", location=(51.2, 51.4))
    assert update["message"]["location"] == {"latitude": 51.2, "longitude": 51.4}
    await live_bot.send_message(USER_ID, "thanks", reply_markup=ReplyKeyboardRemove())
    assert live.reply_keyboard(USER_ID) is None


async def test_a_callback_answer_with_text_is_a_toast_for_who_pressed(
    live: BotApiEmulator, live_bot: Bot
) -> None:
    card = await live_bot.send_message(GROUP_ID, "card", reply_markup=button("take"))
    quiet = live.press_button(OTHER, card.message_id, "take", chat_id=GROUP_ID)
    await live_bot.answer_callback_query(quiet["callback_query"]["id"])
    start = live.events()[-1]["seq"]
    loud = live.press_button(USER_ID, card.message_id, "take", chat_id=GROUP_ID)
    await live_bot.answer_callback_query(
        loud["callback_query"]["id"], text="Only moderators", show_alert=True
    )
    toasts = [e for e in live.events(start) if e["kind"] == "toast"]
    assert toasts == [
        {
            "seq": toasts[0]["seq"],
            "kind": "toast",
            "chat_id": GROUP_ID,
            "user_id": USER_ID,
            "text": "Only moderators",
            "show_alert": True,
        }
    ]


async def test_new_people_and_chats_are_events(live: BotApiEmulator) -> None:
    start = live.events()[-1]["seq"]
    live.add_user(1003, first_name="Dana", language_code="kk")
    assert kinds(live.events(start)) == [("chat", 1003)]
    chats = live.chats()
    assert [c["id"] for c in chats] == [USER_ID, OTHER, 1003, GROUP_ID]
    assert chats[-1]["type"] == "supergroup"


async def test_a_waiting_reader_wakes_on_the_next_message(live: BotApiEmulator) -> None:
    start = live.events()[-1]["seq"]
    waiting = asyncio.create_task(live.wait_for_events(start, timeout=30))
    await asyncio.sleep(0)
    assert not waiting.done()
    live.send_text(OTHER, "сәлем")
    events = await asyncio.wait_for(waiting, 10)
    assert kinds(events) == [("message", OTHER)]
    assert await live.wait_for_events(events[-1]["seq"], timeout=0.01) == []


async def test_a_reader_that_fell_behind_is_told_to_reload() -> None:
    journal = Journal(capacity=3)
    for _ in range(5):
        journal.record("chat", 1)
    assert journal.since(0) is None
    assert [e.seq for e in journal.since(2) or []] == [3, 4, 5]
    assert journal.since(5) == []
    with pytest.raises(ValueError, match="kind"):
        journal.record("gossip", 1)


async def test_command_menu_follows_telegrams_scope_and_language_order(
    live: BotApiEmulator, live_bot: Bot
) -> None:
    def menu(*names: str) -> list[BotCommand]:
        return [BotCommand(command=name, description=name.title()) for name in names]

    assert live.commands_for(USER_ID) == []
    await live_bot.set_my_commands(menu("start"))
    await live_bot.set_my_commands(menu("start", "report"), language_code="kk")
    await live_bot.set_my_commands(menu("queue"), scope=BotCommandScopeChat(chat_id=GROUP_ID))

    def names(chat_id: int, user_id: int | None = None, language: str | None = None) -> list:
        return [c["command"] for c in live.commands_for(chat_id, user_id, language)]

    assert names(USER_ID) == ["start", "report"]  # her app is in Kazakh
    assert names(OTHER) == ["start"]  # Russian: no Russian list, so the default one
    assert names(GROUP_ID, USER_ID) == ["queue"]  # the group's own menu wins over default
    await live_bot.set_my_commands(
        menu("case"), scope=BotCommandScopeChatMember(chat_id=GROUP_ID, user_id=OTHER)
    )
    assert names(GROUP_ID, OTHER) == ["case"]
    assert names(GROUP_ID, USER_ID) == ["queue"]
    await live_bot.set_my_commands(menu("help"), scope=BotCommandScopeAllPrivateChats())
    assert names(USER_ID) == ["help"]  # all_private_chats comes before default
    assert names(USER_ID, language="kk") == ["help"]
    await live_bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=GROUP_ID))
    await live_bot.set_my_commands(menu("stats"), scope=BotCommandScopeAllGroupChats())
    assert names(GROUP_ID, USER_ID) == ["stats"]
    stored = await live_bot.get_my_commands(
        scope=BotCommandScopeChatMember(chat_id=GROUP_ID, user_id=OTHER)
    )
    assert [c.command for c in stored] == ["case"]


async def test_control_api_serves_chats_menus_and_events(live: BotApiEmulator) -> None:
    async with aiohttp.ClientSession() as http:

        async def get(action: str, **query: object) -> object:
            url = f"{live.base_url}/_control/{action}"
            async with http.get(url, params={k: str(v) for k, v in query.items()}) as resp:
                body = await resp.json()
                assert resp.status == 200, body
                return body["result"]

        chats = await get("chats")
        assert GROUP_ID in [c["id"] for c in chats]
        assert await get("commands_for", chat_id=GROUP_ID, user_id=USER_ID) == []
        start = live.events()[-1]["seq"]
        waiting = asyncio.create_task(get("wait_for_events", after=start, timeout=30))
        await asyncio.sleep(0.05)
        live.send_text(USER_ID, "hello")
        events = await asyncio.wait_for(waiting, 10)
        assert kinds(events) == [("message", USER_ID)]


async def test_stopping_releases_a_waiting_reader() -> None:
    emulator = BotApiEmulator(token=TOKEN, journal=True)
    await emulator.start()
    waiting = asyncio.create_task(emulator.wait_for_events(0, timeout=60))
    await asyncio.sleep(0.05)
    await emulator.stop()
    assert await asyncio.wait_for(waiting, 10) == []
