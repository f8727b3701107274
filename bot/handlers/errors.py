"""Errors in handlers: log the kind (never the content) and tell the user calmly."""

from __future__ import annotations

import logging
import traceback

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import ErrorEvent, Update

from bot.db.health import StorageAlarm, storage_problem
from bot.services.users import UserService
from bot.views.common import not_saved_text, something_went_wrong_text

log = logging.getLogger(__name__)


def get_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router


async def on_error(
    event: ErrorEvent,
    users: UserService,
    storage_alarm: StorageAlarm,
    pseudonym: str | None = None,
) -> bool:
    update, exc = event.update, event.exception
    problem = storage_problem(exc)
    if problem is not None:
        # A full or read-only disk fails every write: one log line per incident, and a calm
        # "try again later" to each person whose action was not saved.
        storage_alarm.failed(problem, "handler")
        await _tell(update, not_saved_text())
        return True
    # Frames only: an exception's message may quote what the user typed.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("handler failed on update %s: %s\n%s", update.update_id, type(exc).__name__, frames)
    if isinstance(exc, TelegramForbiddenError) and pseudonym is not None:
        await users.set_active(pseudonym, active=False)
        return True
    if isinstance(exc, TelegramAPIError):
        return True  # Telegram itself refused; another message would likely fail the same way.
    await _tell(update, something_went_wrong_text())
    return True


async def _tell(update: Update, text: str) -> None:
    try:
        if update.message is not None:
            await update.message.answer(text)
        elif update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
    except TelegramAPIError:
        log.warning("could not tell the user about the error on update %s", update.update_id)
