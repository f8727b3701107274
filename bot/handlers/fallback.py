"""Last router: whatever nobody else handled still gets a short, useful answer."""

from __future__ import annotations

import time

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.replies import acknowledge
from bot.views.common import (
    button_expired_text,
    main_menu,
    unknown_command_text,
    unknown_text_text,
    unsupported_content_text,
)


def get_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(unknown_text, F.text)
    router.message.register(unsupported_content)
    router.callback_query.register(stale_button)
    return router


async def unknown_command(message: Message, state: FSMContext) -> None:
    # Mid-flow, keep the step: the user only mistyped a command.
    if await state.get_state() is not None:
        await message.reply(unknown_command_text(in_flow=True))
        return
    await message.reply(unknown_command_text(in_flow=False), reply_markup=main_menu())


async def unknown_text(message: Message, state: FSMContext) -> None:
    if await state.get_state() is not None:
        await message.reply(unknown_text_text(in_flow=True))
        return
    await message.reply(unknown_text_text(in_flow=False), reply_markup=main_menu())


class HintThrottle:
    """One "cannot use this" hint per chat every few seconds: a burst of stickers gets one
    answer instead of a burst of replies that would run into Telegram's per-chat limit."""

    def __init__(self, seconds: float = 3.0) -> None:
        self._seconds = seconds
        self._last: dict[int, float] = {}

    def allow(self, chat_id: int) -> bool:
        now = time.monotonic()
        if now - self._last.get(chat_id, -self._seconds) < self._seconds:
            return False
        if len(self._last) > 10_000:
            self._last = {c: t for c, t in self._last.items() if now - t < self._seconds}
        self._last[chat_id] = now
        return True


async def unsupported_content(message: Message, hint_throttle: HintThrottle) -> None:
    if not hint_throttle.allow(message.chat.id):
        return
    await message.reply(unsupported_content_text())


async def stale_button(query: CallbackQuery) -> None:
    await acknowledge(query, button_expired_text(), alert=True)
