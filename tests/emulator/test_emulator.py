"""The emulator through a real aiogram Bot: wire format, Telegram semantics and faults."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    Update,
)

from bot.devtools.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP_ID, USER_ID, FakeClock, make_bot

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=d[:10] or "?", callback_data=d)] for d in datas
        ]
    )


async def api(http: aiohttp.ClientSession, emu: BotApiEmulator, method: str, **params: Any):
    """A raw JSON-body Bot API call: (HTTP status, decoded body)."""
    async with http.post(f"{emu.base_url}/bot{emu.token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


# --- basics -----------------------------------------------------------------------------------


async def test_get_me_identifies_the_bot(emu: BotApiEmulator, tg: Bot) -> None:
    me = await tg.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "adal_test_bot", True)
    assert emu.calls[-1][0] == "getMe"


async def test_wrong_token_is_unauthorized(emu: BotApiEmulator) -> None:
    other = make_bot(emu.base_url, token="999:WRONG")
    with pytest.raises(TelegramUnauthorizedError):
        await other.get_me()
    await other.session.close()


async def test_unknown_method_is_404_like_telegram(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await api(http, emu, "sendTelepathy", chat_id=USER_ID)
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.mark.parametrize("encoding", ["json", "form", "query"])
async def test_every_request_encoding_is_understood(
    emu: BotApiEmulator, http: aiohttp.ClientSession, encoding: str
) -> None:
    params = {"chat_id": str(USER_ID), "text": "hi", "disable_notification": "true"}
    url = f"{emu.base_url}/bot{emu.token}/sendMessage"
    kwargs: dict[str, Any] = {
        "json": {"json": params},
        "form": {"data": params},
        "query": {"params": params},
    }[encoding]
    async with http.post(url, **kwargs) as resp:
        body = await resp.json()
    assert body["ok"] is True and body["result"]["text"] == "hi"
    assert emu.calls[-1][1]["chat_id"] == USER_ID
    assert emu.calls[-1][1]["disable_notification"] is True


# --- getUpdates -------------------------------------------------------------------------------


async def test_updates_stay_until_a_higher_offset_confirms_them(
    emu: BotApiEmulator, tg: Bot
) -> None:
    ids = [emu.send_text(USER_ID, f"m{i}")["update_id"] for i in range(3)]
    first = await tg.get_updates()
    again = await tg.get_updates(offset=ids[0])
    assert [u.update_id for u in first] == [u.update_id for u in again] == ids
    assert emu.pending_update_count == 3
    rest = await tg.get_updates(offset=ids[1])
    assert [u.message.text for u in rest if u.message] == ["m1", "m2"]
    assert (emu.pending_update_count, emu.confirmed_offset) == (2, ids[1])
    assert await tg.get_updates(offset=ids[2] + 1) == []
    assert emu.pending_update_count == 0


@pytest.mark.parametrize(("limit", "expected"), [(1, 1), (2, 2), (100, 3)])
async def test_limit_caps_the_batch(
    emu: BotApiEmulator, tg: Bot, limit: int, expected: int
) -> None:
    for i in range(3):
        emu.send_text(USER_ID, str(i))
    assert len(await tg.get_updates(limit=limit)) == expected


async def test_negative_offset_keeps_only_the_last_updates(emu: BotApiEmulator, tg: Bot) -> None:
    ids = [emu.send_text(USER_ID, str(i))["update_id"] for i in range(5)]
    last_two = await tg.get_updates(offset=-2)
    assert [u.update_id for u in last_two] == ids[-2:]
    assert emu.pending_update_count == 2


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: BotApiEmulator, tg: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(tg.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    emu.send_text(USER_ID, "wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None and updates[0].message.text == "wake up"
    assert time.monotonic() - started < 1.0


async def test_long_poll_without_updates_waits_for_the_timeout(
    emu: BotApiEmulator, tg: Bot
) -> None:
    started = time.monotonic()
    assert await tg.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2.0


async def test_second_poller_terminates_the_first_with_409(emu: BotApiEmulator, tg: Bot) -> None:
    older = asyncio.create_task(tg.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert await tg.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(older, 2)


async def test_user_actions_from_another_thread_wake_the_long_poll(
    emu: BotApiEmulator, tg: Bot
) -> None:
    poll = asyncio.create_task(tg.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await asyncio.to_thread(emu.send_location, USER_ID, 43.24, 76.89)
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message is not None and update.message.location is not None
    assert update.message.location.latitude == 43.24


async def test_allowed_updates_filters_later_updates(emu: BotApiEmulator, tg: Bot) -> None:
    await tg.get_updates(allowed_updates=["message"])
    emu.send_callback(USER_ID, 1, "forged")
    emu.send_text(USER_ID, "kept")
    updates = await tg.get_updates()
    assert [u.message.text for u in updates if u.message] == ["kept"]
    assert all(u.callback_query is None for u in updates)


async def test_backlog_of_20000_updates_is_served_quickly(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    chat = {"id": 7, "type": "private", "first_name": "Bench"}
    sender = {"id": 7, "is_bot": False, "first_name": "Bench"}
    emu.enqueue_many(
        [
            {"message": {"message_id": i, "date": 0, "chat": chat, "from": sender, "text": "x"}}
            for i in range(1, 20_001)
        ]
    )
    started = time.monotonic()
    offset, received = 0, 0
    while True:
        _, body = await api(http, emu, "getUpdates", offset=offset, limit=100)
        if not body["result"]:
            break
        received += len(body["result"])
        offset = body["result"][-1]["update_id"] + 1
    assert received == 20_000
    assert emu.pending_update_count == 0
    assert time.monotonic() - started < 8.0
    status, _ = await api(http, emu, "sendMessage", chat_id=7, text="injected chats are known")
    assert status == 200


# --- sendMessage validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("", None, "message text is empty"),
        ("   \n ", None, "message text is empty"),
        ("<b></b>", "HTML", "message text is empty"),
        ("x" * 4097, None, "message is too long"),
        ("&lt;" * 4097, "HTML", "message is too long"),
        ("a < b", "HTML", "can't parse entities: Unsupported start tag"),
        ("<foo>x</foo>", "HTML", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>bold", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "HTML", 'expected "</b>", found "</i>"'),
        ("x</b>", "HTML", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', "HTML", 'Tag "span" must have class "tg-spoiler"'),
        ("Итого: 5.", "MarkdownV2", "Character '.' is reserved"),
        ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
    ],
)
async def test_send_message_rejects_what_telegram_rejects(
    tg: Bot, text: str, parse_mode: str | None, error: str
) -> None:
    with pytest.raises(TelegramBadRequest) as caught:
        await tg.send_message(USER_ID, text, parse_mode=parse_mode)
    assert error in caught.value.message


@pytest.mark.parametrize(
    "text",
    ["x" * 4096, "я" * 4096, "<b>" + "я" * 4096 + "</b>", "&lt;" * 4096, "&#1103;" * 4096],
)
async def test_length_is_counted_after_entity_parsing(tg: Bot, text: str) -> None:
    message = await tg.send_message(USER_ID, text, parse_mode="HTML")
    assert message.text is not None and len(message.text) == 4096


async def test_html_becomes_plain_text_with_utf16_entities(tg: Bot) -> None:
    html = (
        "😀 <b>Сәлем</b>, <i>әлем</i> &amp; "
        "<a href='https://adal.kz/?a=1&amp;b=2'>сілтеме</a> <code>x&lt;y</code>"
    )
    message = await tg.send_message(USER_ID, html, parse_mode="HTML")
    assert message.text == "😀 Сәлем, әлем & сілтеме x<y"
    found = [(e.type, e.offset, e.length, e.url) for e in message.entities or []]
    assert found == [
        ("bold", 3, 5, None),
        ("italic", 10, 4, None),
        ("text_link", 17, 7, "https://adal.kz/?a=1&b=2"),
        ("code", 25, 3, None),
    ]


async def test_unknown_chat_is_not_found(tg: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await tg.send_message(424242, "hello?")


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        ("a" * 64, True),
        ("a" * 65, False),
        ("ж" * 32, True),  # 64 bytes in UTF-8
        ("ж" * 33, False),  # 33 characters, but 66 bytes
        ("a" * 63 + "ж", False),  # 65 bytes
    ],
)
async def test_callback_data_limit_is_64_utf8_bytes(tg: Bot, data: str, accepted: bool) -> None:
    send = tg.send_message(USER_ID, "menu", reply_markup=keyboard(data))
    if accepted:
        message = await send
        assert message.reply_markup is not None
        assert message.reply_markup.model_dump() == keyboard(data).model_dump()
    else:
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await send


async def test_inline_button_needs_an_action(tg: Bot) -> None:
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="dead")]])
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await tg.send_message(USER_ID, "menu", reply_markup=markup)


async def test_reply_keyboard_is_tracked_but_not_echoed(emu: BotApiEmulator, tg: Bot) -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📞 Share", request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    message = await tg.send_message(USER_ID, "share?", reply_markup=markup)
    assert message.reply_markup is None  # Telegram's Message only carries inline keyboards
    assert emu.bot_messages(USER_ID)[-1]["_reply_keyboard"]["keyboard"][0][0]["request_contact"]
    with pytest.raises(AssertionError, match="no reply button"):
        emu.press_reply_button(USER_ID, "Share")
    update = emu.press_reply_button(USER_ID, "📞 Share")
    assert update["message"]["text"] == "📞 Share"
    assert emu.reply_keyboard(USER_ID) is None  # one-time keyboards hide after use
    await tg.send_message(USER_ID, "bye", reply_markup=ReplyKeyboardRemove())
    assert emu.reply_keyboard(USER_ID) is None


async def test_reply_target_must_exist_unless_allowed(emu: BotApiEmulator, tg: Bot) -> None:
    user_message = emu.send_text(USER_ID, "question")["message"]["message_id"]
    reply = await tg.send_message(
        USER_ID, "answer", reply_parameters=ReplyParameters(message_id=user_message)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "question"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await tg.send_message(USER_ID, "x", reply_parameters=ReplyParameters(message_id=999))
    lenient = ReplyParameters(message_id=999, allow_sending_without_reply=True)
    assert (await tg.send_message(USER_ID, "x", reply_parameters=lenient)).reply_to_message is None


async def test_message_ids_are_shared_by_user_and_bot(emu: BotApiEmulator, tg: Bot) -> None:
    first = emu.send_text(USER_ID, "one")["message"]["message_id"]
    bot_message = await tg.send_message(USER_ID, "two")
    third = emu.send_text(USER_ID, "three")["message"]["message_id"]
    assert [first, bot_message.message_id, third] == [1, 2, 3]
    assert bot_message.from_user is not None and bot_message.from_user.id == emu.bot_id


# --- edits and deletes ------------------------------------------------------------------------


async def test_edit_updates_state_and_rejects_no_op(emu: BotApiEmulator, tg: Bot) -> None:
    sent = await tg.send_message(USER_ID, "v1", reply_markup=keyboard("a"))
    waiter = asyncio.create_task(emu.wait_for_edit(USER_ID, sent.message_id, timeout=2))
    edited = await tg.edit_message_text(
        "<b>v2</b>",
        chat_id=USER_ID,
        message_id=sent.message_id,
        parse_mode="HTML",
        reply_markup=keyboard("a"),
    )
    assert edited.edit_date is not None and edited.text == "v2"
    assert (await waiter)["text"] == "v2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await tg.edit_message_text(
            "<b>v2</b>",
            chat_id=USER_ID,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("a"),
        )
    await tg.edit_message_text("v3", chat_id=USER_ID, message_id=sent.message_id)
    current = emu.bot_messages(USER_ID)[-1]
    assert current["text"] == "v3" and "reply_markup" not in current  # omitted markup removes it


@pytest.mark.parametrize(
    ("message_id", "error"),
    [(999, "message to edit not found"), (1, "message can't be edited")],
)
async def test_edit_of_missing_or_foreign_message_fails(
    emu: BotApiEmulator, tg: Bot, message_id: int, error: str
) -> None:
    emu.send_text(USER_ID, "user's own message")  # message_id 1
    with pytest.raises(TelegramBadRequest, match=error):
        await tg.edit_message_text("x", chat_id=USER_ID, message_id=message_id)


async def test_edit_reply_markup_and_caption(emu: BotApiEmulator, tg: Bot) -> None:
    photo = await tg.send_photo(USER_ID, BufferedInputFile(PNG, "a.png"), caption="old")
    await tg.edit_message_reply_markup(
        chat_id=USER_ID, message_id=photo.message_id, reply_markup=keyboard("k")
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await tg.edit_message_reply_markup(
            chat_id=USER_ID, message_id=photo.message_id, reply_markup=keyboard("k")
        )
    edited = await tg.edit_message_caption(
        chat_id=USER_ID, message_id=photo.message_id, caption="new", reply_markup=keyboard("k")
    )
    assert edited.caption == "new" and edited.reply_markup is not None
    assert edited.reply_markup.model_dump() == keyboard("k").model_dump()


async def test_delete_hides_messages_but_keeps_history(emu: BotApiEmulator, tg: Bot) -> None:
    user_message = emu.send_text(USER_ID, "secret phone")["message"]["message_id"]
    sent = await tg.send_message(USER_ID, "bye")
    assert await tg.delete_message(USER_ID, sent.message_id) is True
    assert await tg.delete_message(USER_ID, user_message) is True
    assert emu.bot_messages(USER_ID) == [] and emu.user_messages(USER_ID) == []
    assert emu.all_bot_messages(USER_ID)[0]["_deleted"] is True
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await tg.delete_message(USER_ID, sent.message_id)
    assert await tg.delete_messages(USER_ID, [sent.message_id, 12345]) is True


# --- blocking, flood control and faults -------------------------------------------------------


async def test_blocked_chat_answers_403(emu: BotApiEmulator, tg: Bot) -> None:
    emu.block_chat(USER_ID)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await tg.send_message(USER_ID, "hello")
    emu.unblock_chat(USER_ID)
    assert (await tg.send_message(USER_ID, "hello again")).text == "hello again"


async def test_private_chat_flood_control(emu: BotApiEmulator, tg: Bot, clock: FakeClock) -> None:
    emu.flood_control = True
    await tg.send_message(USER_ID, "1")
    clock.advance(0.3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await tg.send_message(USER_ID, "2")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in caught.value.message
    clock.advance(0.7)
    assert (await tg.send_message(USER_ID, "2")).text == "2"


async def test_group_flood_control_is_20_per_minute(
    emu: BotApiEmulator, tg: Bot, clock: FakeClock
) -> None:
    emu.add_group(GROUP_ID, member_ids=[USER_ID])
    emu.flood_control = True
    for i in range(20):
        await tg.send_message(GROUP_ID, str(i))
        clock.advance(1.0)
    with pytest.raises(TelegramRetryAfter) as caught:
        await tg.send_message(GROUP_ID, "21st")
    assert caught.value.retry_after == 40  # the first send frees its slot 60 s after it


async def test_global_flood_control_is_30_per_second(
    emu: BotApiEmulator, tg: Bot, clock: FakeClock
) -> None:
    emu.flood_control = True
    for user in range(1, 31):
        emu.add_user(user)
        await tg.send_message(user, "broadcast")
    emu.add_user(31)
    with pytest.raises(TelegramRetryAfter):
        await tg.send_message(31, "broadcast")
    clock.advance(1.0)
    assert (await tg.send_message(31, "broadcast")).chat.id == 31


@pytest.mark.parametrize(
    ("status", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")]
)
async def test_injected_server_errors(
    emu: BotApiEmulator, tg: Bot, status: int, description: str
) -> None:
    emu.fail_next(1, status=status, methods={"sendMessage"})
    assert (await tg.get_me()).id == emu.bot_id  # other methods are unaffected
    with pytest.raises(TelegramServerError, match=description):
        await tg.send_message(USER_ID, "x")
    assert (await tg.send_message(USER_ID, "x")).text == "x"
    assert emu.api_errors[-1]["status"] == status


async def test_dropped_connection_is_a_network_error(emu: BotApiEmulator, tg: Bot) -> None:
    emu.drop_next(1, methods={"sendMessage"})
    with pytest.raises(TelegramNetworkError):
        await tg.send_message(USER_ID, "lost")
    assert (await tg.send_message(USER_ID, "delivered")).text == "delivered"
    assert [m["text"] for m in emu.bot_messages(USER_ID)] == ["delivered"]


async def test_latency_applies_only_to_named_methods(emu: BotApiEmulator, tg: Bot) -> None:
    emu.set_latency(0.3, {"getMe"})
    started = time.monotonic()
    await tg.send_message(USER_ID, "fast")
    fast = time.monotonic() - started
    await tg.get_me()
    slow = time.monotonic() - started - fast
    assert fast < 0.25 <= 0.3 <= slow + 0.01


# --- files ------------------------------------------------------------------------------------


async def test_uploaded_photo_round_trips_through_get_file(emu: BotApiEmulator, tg: Bot) -> None:
    message = await tg.send_photo(USER_ID, BufferedInputFile(PNG, "dot.png"), caption="dot")
    assert message.photo is not None and len(message.photo) >= 2
    assert len({size.file_id for size in message.photo}) == len(message.photo)
    largest = message.photo[-1]
    file = await tg.get_file(largest.file_id)
    assert file.file_size == len(PNG) and file.file_path
    downloaded = await tg.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == PNG
    again = await tg.send_photo(USER_ID, largest.file_id)
    assert again.photo is not None and again.photo[-1].file_id == largest.file_id


async def test_user_document_is_downloadable(emu: BotApiEmulator, tg: Bot) -> None:
    payload = b"%PDF-1.4 report"
    update = emu.send_document(
        USER_ID, content=payload, file_name="report.pdf", mime_type="application/pdf"
    )
    file = await tg.get_file(update["message"]["document"]["file_id"])
    assert file.file_path is not None and file.file_path.endswith(".pdf")
    downloaded = await tg.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == payload


async def test_get_file_refuses_files_over_20_mb(emu: BotApiEmulator, tg: Bot) -> None:
    update = emu.send_document(
        USER_ID, content=b"0" * (20 * 1024 * 1024 + 1), file_name="big.bin", mime_type="x/y"
    )
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await tg.get_file(update["message"]["document"]["file_id"])


async def test_unknown_file_id_is_rejected(tg: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await tg.send_document(USER_ID, "no-such-file")


@pytest.mark.parametrize("kind", ["document", "video", "photo_url"])
async def test_media_kinds_build_valid_messages(emu: BotApiEmulator, tg: Bot, kind: str) -> None:
    if kind == "document":
        message = await tg.send_document(USER_ID, BufferedInputFile(b"%PDF", "report.pdf"))
        assert message.document is not None
        assert (message.document.file_name, message.document.mime_type) == (
            "report.pdf",
            "application/pdf",
        )
    elif kind == "video":
        message = await tg.send_video(USER_ID, BufferedInputFile(b"\x00" * 32, "clip.mp4"))
        assert message.video is not None and message.video.file_size == 32
    else:
        message = await tg.send_photo(USER_ID, "https://example.org/cat.jpg")
        assert message.photo is not None and message.photo[-1].file_size == 0
    assert emu.bot_messages(USER_ID)[-1]["message_id"] == message.message_id


async def test_media_group_with_attach_uploads(emu: BotApiEmulator, tg: Bot) -> None:
    media = [
        InputMediaPhoto(
            media=BufferedInputFile(PNG, f"{i}.png"), caption="album" if i == 0 else None
        )
        for i in range(3)
    ]
    messages = await tg.send_media_group(USER_ID, media)
    assert len(messages) == 3
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert [m.caption for m in messages] == ["album", None, None]
    assert len(emu.bot_messages(USER_ID)) == 3


@pytest.mark.parametrize(
    ("media", "error"),
    [
        ([InputMediaPhoto(media=BufferedInputFile(PNG, "a.png"))], "wrong number of media"),
        (
            [
                InputMediaPhoto(media=BufferedInputFile(PNG, "a.png")),
                InputMediaDocument(media=BufferedInputFile(b"doc", "a.txt")),
            ],
            "can't be mixed",
        ),
    ],
)
async def test_invalid_media_groups(tg: Bot, media: list[Any], error: str) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await tg.send_media_group(USER_ID, media)


# --- callbacks, commands and other methods ---------------------------------------------------


async def test_press_button_delivers_a_callback_the_bot_can_answer(
    emu: BotApiEmulator, tg: Bot
) -> None:
    menu = await tg.send_message(USER_ID, "menu", reply_markup=keyboard("lang:kk", "lang:ru"))
    with pytest.raises(AssertionError, match="no button with callback_data 'lang:en'"):
        emu.press_button(USER_ID, menu.message_id, "lang:en")
    emu.press_button(USER_ID, menu.message_id, "lang:ru")
    [update] = await tg.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "lang:ru"
    assert query.message is not None and query.message.message_id == menu.message_id
    assert await tg.answer_callback_query(query.id, text="OK", show_alert=True)
    assert emu.callback_answers[-1] == {
        "callback_query_id": query.id,
        "text": "OK",
        "show_alert": True,
        "url": None,
        "cache_time": None,
    }
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await tg.answer_callback_query(query.id)


async def test_forged_callback_for_a_missing_message(emu: BotApiEmulator) -> None:
    raw = emu.send_callback(USER_ID, 777, "admin:delete_all")
    update = Update.model_validate(raw)
    assert update.callback_query is not None
    assert isinstance(update.callback_query.message, InaccessibleMessage)
    with pytest.raises(AssertionError, match="no live bot message 777"):
        emu.press_button(USER_ID, 777, "admin:delete_all")


async def test_commands_are_stored_per_scope_and_language(emu: BotApiEmulator, tg: Bot) -> None:
    commands = [BotCommand(command="start", description="Бастау")]
    scope = BotCommandScopeAllPrivateChats()
    assert await tg.set_my_commands(commands, scope=scope, language_code="kk")
    assert emu.commands[("all_private_chats", "kk")] == [
        {"command": "start", "description": "Бастау"}
    ]
    stored = await tg.get_my_commands(scope=scope, language_code="kk")
    assert [c.model_dump() for c in stored] == [c.model_dump() for c in commands]
    assert await tg.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await tg.set_my_commands([BotCommand(command="Start!", description="x")])
    assert await tg.delete_my_commands(scope=scope, language_code="kk")
    assert emu.commands == {}


async def test_copy_forward_chat_action_and_get_chat(emu: BotApiEmulator, tg: Bot) -> None:
    emu.add_group(GROUP_ID, title="Moderators", member_ids=[USER_ID])
    source = emu.send_photo(USER_ID, caption="evidence")["message"]["message_id"]
    copied = await tg.copy_message(GROUP_ID, USER_ID, source, caption="case #1")
    forwarded = await tg.forward_message(GROUP_ID, USER_ID, source)
    group_messages = emu.bot_messages(GROUP_ID)
    assert group_messages[0]["message_id"] == copied.message_id
    assert group_messages[0]["caption"] == "case #1" and group_messages[0]["photo"]
    assert forwarded.forward_origin is not None and forwarded.caption == "evidence"
    assert await tg.send_chat_action(USER_ID, "typing")
    chat = await tg.get_chat(GROUP_ID)
    assert (chat.type, chat.title) == ("supergroup", "Moderators")


async def test_wait_for_bot_message_uses_stable_indices(emu: BotApiEmulator, tg: Bot) -> None:
    first = await tg.send_message(USER_ID, "loading…")
    await tg.delete_message(USER_ID, first.message_id)
    after = emu.sent_count(USER_ID)
    waiter = asyncio.create_task(emu.wait_for_bot_message(USER_ID, after=after, timeout=2))
    await tg.send_message(USER_ID, "result")
    assert (await waiter)["text"] == "result"
    match = await emu.wait_for_bot_message(
        USER_ID, predicate=lambda m: m.get("text") == "result", timeout=1
    )
    assert match["message_id"] == 2
    with pytest.raises(TimeoutError, match=r"#0 id=1 'loading…' \(deleted\)"):
        await emu.wait_for_bot_message(USER_ID, after=2, timeout=0.1)


async def test_control_api_round_trip(
    emu: BotApiEmulator, tg: Bot, http: aiohttp.ClientSession
) -> None:
    control = f"{emu.base_url}/_control"
    async with http.post(f"{control}/add_user", json={"user_id": 2002}) as resp:
        assert (await resp.json())["result"]["id"] == 2002
    photo = base64.b64encode(PNG).decode()
    async with http.post(f"{control}/send_photo", json={"user_id": 2002, "content": photo}):
        pass
    [update] = await tg.get_updates()
    assert update.message is not None and update.message.photo is not None
    await tg.send_message(2002, "got it", reply_markup=keyboard("ok"))
    async with http.get(f"{control}/bot_messages", params={"chat_id": "2002"}) as resp:
        [message] = (await resp.json())["result"]
    assert message["text"] == "got it"
    press = {"user_id": 2002, "message_id": message["message_id"], "callback_data": "nope"}
    async with http.post(f"{control}/press_button", json=press) as resp:
        assert resp.status == 409
    async with http.post(f"{control}/faults", json={"fail_next": {"n": 1, "status": 502}}):
        pass
    with pytest.raises(TelegramServerError):
        await tg.get_me()
    async with http.get(f"{control}/calls") as resp:
        assert [call[0] for call in (await resp.json())["result"]][-1] == "getMe"


async def test_get_chat_member_tells_the_bots_standing_in_a_group(
    emu: BotApiEmulator, tg: Bot
) -> None:
    emu.add_group(GROUP_ID, member_ids=[USER_ID])
    me = await tg.get_me()
    assert (await tg.get_chat_member(GROUP_ID, me.id)).status == "administrator"
    assert (await tg.get_chat_member(GROUP_ID, USER_ID)).status == "member"
    emu.set_bot_status(GROUP_ID, "restricted")
    assert (await tg.get_chat_member(GROUP_ID, me.id)).status == "restricted"
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await tg.send_message(GROUP_ID, "hello")
    emu.set_bot_status(GROUP_ID, "left")
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await tg.send_message(GROUP_ID, "hello")
