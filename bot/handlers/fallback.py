"""Last router: whatever nobody else handled still gets a short, useful answer."""

from __future__ import annotations

import time

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.keyboards.common import main_menu


def get_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(unknown_text, F.text)
    router.message.register(unsupported_content)
    router.callback_query.register(stale_button)
    return router


async def unknown_command(message: Message, state: FSMContext) -> None:
    # Mid-flow, keep the step: the user only mistyped a command.
    if await state.get_state() is not None:
        text = _("Unknown command. Your progress is kept: continue, or send /cancel to stop.")
        await message.reply(text)
        return
    await message.reply(_("Unknown command. See /help for the list."), reply_markup=main_menu())


async def unknown_text(message: Message, state: FSMContext) -> None:
    if await state.get_state() is not None:
        await message.reply(_("Please answer the question above, or send /cancel to stop."))
        return
    await message.reply(
        _("I did not understand that. Please use the menu buttons below or /help."),
        reply_markup=main_menu(),
    )


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
    await message.reply(
        _("I cannot use this kind of message here. Please send text or use the buttons.")
    )


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer valid."), show_alert=True)
