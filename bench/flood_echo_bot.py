"""A bare aiogram echo bot, for bench/flood.py to measure next to Adal on the same emulator.

    BOT_TOKEN=... TELEGRAM_API_BASE=http://127.0.0.1:PORT python bench/flood_echo_bot.py

No database, no middlewares of ours: aiogram's own polling and one handler that answers every
message with its text. Whatever Adal costs on top of this is ours.
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def echo(message: Message) -> None:
    await message.answer(message.text or "?")


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"])
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api))
    dispatcher = Dispatcher()
    dispatcher.message.register(echo)
    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
