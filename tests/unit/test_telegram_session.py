"""The JSON-body session (bot/telegram_session.py) against the project's Bot API emulator: the
same requests arrive as with aiogram's form-encoded session, files still go as multipart, and
Telegram's errors are aiogram's exceptions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.devtools.emulator import BotApiEmulator
from bot.telegram_session import JsonBodySession

TOKEN = "123456:TEST-TOKEN"
USER = 1001
TEXT = "Сәлем, <b>Айгүл</b>! Өтінішіңіз қабылданды: KZ27-000001 & «₸ 1 500 000»"


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        emulator.add_user(USER, first_name="Айгүл")
        yield emulator


def bot_with(session_type: type[AiohttpSession], base_url: str) -> Bot:
    return Bot(
        TOKEN,
        session=session_type(api=TelegramAPIServer.from_base(base_url)),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def requests(bot: Bot) -> None:
    """The kinds of request the bot makes: defaults, nested objects, lists of ids and of
    objects, enums, numbers, booleans (False too)."""
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Білім беру", callback_data="rp:area:edu")]]
    )
    sent = await bot.send_message(
        USER,
        TEXT,
        reply_markup=keyboard,
        disable_notification=False,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    await bot.edit_message_text(
        text=TEXT + " ✅", chat_id=USER, message_id=sent.message_id, reply_markup=None
    )
    await bot.send_message(
        USER,
        "➡️",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="📍 Орналасқан жер", request_location=True)]],
            resize_keyboard=True,
        ),
    )
    await bot.send_message(USER, "ok", reply_markup=ReplyKeyboardRemove(), parse_mode=None)
    await bot.send_message(
        USER,
        "plain *text*",
        entities=[MessageEntity(type="bold", offset=0, length=5)],
        parse_mode=None,
    )
    await bot.send_chat_action(USER, "typing")
    await bot.delete_messages(USER, [sent.message_id, sent.message_id + 100])
    await bot.set_my_commands(
        [BotCommand(command="report", description="Өтініш беру")],
        scope=BotCommandScopeChat(chat_id=USER),
        language_code="kk",
    )


def recorded(emu: BotApiEmulator) -> list[tuple[str, dict[str, Any]]]:
    calls = [(method, dict(params)) for method, params in emu.calls if method != "getMe"]
    emu.calls.clear()
    return calls


async def test_requests_arrive_as_aiogram_would_send_them(emu: BotApiEmulator) -> None:
    outcomes = {}
    for session_type in (AiohttpSession, JsonBodySession):
        bot = bot_with(session_type, emu.base_url)
        try:
            await requests(bot)
        finally:
            await bot.session.close()
        outcomes[session_type] = recorded(emu)
    form, as_json = outcomes[AiohttpSession], outcomes[JsonBodySession]
    assert [method for method, _ in as_json] == [method for method, _ in form]
    assert len(form) >= 8
    for (method, sent_as_form), (_, sent_as_json) in zip(form, as_json, strict=True):
        # The second bot edits and deletes its own messages.
        for each in (sent_as_form, sent_as_json):
            each.pop("message_id", None)
            if "message_ids" in each:
                each["message_ids"] = [n - each["message_ids"][0] for n in each["message_ids"]]
        assert sent_as_json == sent_as_form, method


async def test_a_file_still_goes_as_multipart(emu: BotApiEmulator) -> None:
    bot = bot_with(JsonBodySession, emu.base_url)
    try:
        document = BufferedInputFile("Өтініштер\n".encode(), filename="export.csv")
        message = await bot.send_document(USER, document, caption=TEXT)
    finally:
        await bot.session.close()
    assert message.document is not None and message.document.file_name == "export.csv"
    method, params = emu.calls[-1]
    assert method == "sendDocument"
    assert params["_uploads"][next(iter(params["_uploads"]))]["size"] == len(
        "Өтініштер\n".encode()
    )
    assert params["caption"] == TEXT


async def test_telegrams_refusals_and_lost_connections_are_aiograms_errors(
    emu: BotApiEmulator,
) -> None:
    bot = bot_with(JsonBodySession, emu.base_url)
    try:
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(424242, "hi")
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(USER, "")  # empty text is left out, as the form does
    finally:
        await bot.session.close()
    unreachable = bot_with(JsonBodySession, "http://127.0.0.1:9")
    try:
        with pytest.raises(TelegramNetworkError):
            await unreachable.send_message(USER, "hi")
    finally:
        await unreachable.session.close()


def test_the_body_is_json_with_nested_objects_as_objects() -> None:
    bot = bot_with(JsonBodySession, "http://127.0.0.1:9")
    session = bot.session
    assert isinstance(session, JsonBodySession)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Иә", callback_data="x")]]
    )
    body = session.json_body(bot, SendMessage(chat_id=USER, text=TEXT, reply_markup=keyboard))
    assert body is not None
    decoded = json.loads(body)
    assert decoded == {
        "chat_id": USER,
        "text": TEXT,
        "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Иә", "callback_data": "x"}]]},
    }
    assert "Сәлем".encode() in body  # UTF-8 as it is, not \\u escapes
