"""Replies that must never abort a handler."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery

log = logging.getLogger(__name__)


async def acknowledge(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press if Telegram still takes the answer.

    The answer only stops the button's spinner (or shows a short alert). It fails when the
    query is older than Telegram keeps it, which is exactly what a replayed update after a
    crash looks like; the handler's real work must go on regardless.
    """
    try:
        await query.answer(text, show_alert=alert)
    except TelegramAPIError as exc:
        log.debug("callback answer not delivered: %s", type(exc).__name__)
