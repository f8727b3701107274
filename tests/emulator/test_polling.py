"""An unchanged aiogram Dispatcher polling the emulator, and the standalone CLI."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.devtools.emulator import BotApiEmulator
from tests.emulator.conftest import TOKEN, USER_ID

REPO_ROOT = Path(__file__).resolve().parents[2]


def demo_router() -> Router:
    """A tiny bot: /start shows a button, the button edits the message."""
    router = Router()
    menu = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Қазақша", callback_data="lang:kk")]]
    )

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("<b>Сәлем!</b> Тілді таңдаңыз", reply_markup=menu)

    @router.callback_query(F.data == "lang:kk")
    async def chosen(query: CallbackQuery) -> None:
        await query.answer("✓")
        if isinstance(query.message, Message):
            await query.message.edit_text("Таңдалды: қазақша")

    return router


async def test_dispatcher_polling_end_to_end(emu: BotApiEmulator, tg: Bot) -> None:
    tg.default.parse_mode = "HTML"
    dp = Dispatcher()
    dp.include_router(demo_router())
    polling = asyncio.create_task(
        dp.start_polling(tg, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        emu.send_text(USER_ID, "/start")
        menu = await emu.wait_for_bot_message(USER_ID, timeout=5)
        assert menu["text"] == "Сәлем! Тілді таңдаңыз"
        assert menu["entities"] == [{"type": "bold", "offset": 0, "length": 6}]
        emu.press_button(USER_ID, menu["message_id"], "lang:kk")
        edited = await emu.wait_for_edit(USER_ID, menu["message_id"], timeout=5)
        assert edited["text"] == "Таңдалды: қазақша" and "reply_markup" not in edited
        assert emu.callback_answers[0]["text"] == "✓"
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)
    methods = {name for name, _ in emu.calls}
    assert {"getMe", "getUpdates", "sendMessage", "answerCallbackQuery"} <= methods
    assert emu.confirmed_offset >= 2  # the dispatcher confirmed the /start update


async def test_standalone_cli_serves_the_api() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.devtools.emulator",
        "--port",
        "0",
        "--token",
        TOKEN,
        "--user",
        str(USER_ID),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        base_url = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            url = f"{base_url}/bot{TOKEN}/sendMessage"
            async with http.post(url, data={"chat_id": str(USER_ID), "text": "hi"}) as resp:
                body = await resp.json()
        assert body["ok"] is True and body["result"]["chat"]["id"] == USER_ID
    finally:
        process.terminate()
        await process.wait()
