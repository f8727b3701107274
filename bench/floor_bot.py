"""The floor for bench/throughput.py: a bare aiogram 3 bot that makes exactly the Bot API calls
Adal made for each step of the report flow (the same methods, texts and keyboards, in the same
order), and nothing else: no database, no middleware, no state but a step counter per chat,
aiogram's own polling and session, like bench/echo_bot.py.

    BOT_TOKEN=... TELEGRAM_API_BASE=http://127.0.0.1:PORT FLOOR_SCRIPT=steps.json \
        .venv/bin/python bench/floor_bot.py

FLOOR_SCRIPT is written by bench/throughput.py from one user's pass through Adal: for each
update of the flow, the calls Adal made in answer, with the user's chat, the pressed message
and the query's id left as "$chat", "$pressed" and "$query" to fill in. What this bot costs
per update is what any aiogram bot pays to show the report flow's answers; Adal's durable
intake, sealed state, database and dispatch come on top of it.

FLOOR_SESSION=json sends through Adal's own session (bot/telegram_session.py, JSON bodies)
instead of aiogram's form-encoding one: the floor for a bot that already takes that cut.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

STEPS: list[list[tuple[str, dict[str, Any]]]] = json.loads(
    Path(os.environ["FLOOR_SCRIPT"]).read_text()
)
REPO = str(Path(__file__).resolve().parents[1])
dispatcher = Dispatcher()
step_of: dict[int, int] = {}


def filled(value: Any, chat: int, pressed: int | None, query: str | None) -> Any:
    if value == "$chat":
        return chat
    if value == "$pressed":
        return pressed
    if value == "$query":
        return query
    if isinstance(value, dict):
        return {key: filled(item, chat, pressed, query) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, chat, pressed, query) for item in value]
    return value


async def replay(bot: Bot, chat: int, pressed: int | None, query: str | None) -> None:
    step = step_of.get(chat, 0)
    step_of[chat] = step + 1
    for name, params in STEPS[step % len(STEPS)]:
        if query is None and "$query" in params.values():
            continue
        method = getattr(methods, name[0].upper() + name[1:])
        await bot(method(**filled(params, chat, pressed, query)))


@dispatcher.message()
async def on_message(message: Message, bot: Bot) -> None:
    await replay(bot, message.chat.id, None, None)


@dispatcher.callback_query()
async def on_press(query: CallbackQuery, bot: Bot) -> None:
    pressed = query.message.message_id if query.message else None
    await replay(bot, query.from_user.id, pressed, query.id)


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"])
    if os.environ.get("FLOOR_SESSION") == "json":
        sys.path.insert(0, REPO)
        from bot.telegram_session import JsonBodySession

        session: AiohttpSession = JsonBodySession(api=api)
    else:
        session = AiohttpSession(api=api)
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
