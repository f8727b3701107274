"""Renders outbox payloads in the recipient's language and sends them through the Bot API."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.report.texts import status_label
from bot.services.outbox import RecipientGoneError, RetryLaterError
from bot.services.users import UserService


def render(payload: dict[str, Any]) -> str:
    case = escape(str(payload.get("case", "")))
    if payload.get("kind") == "question":
        return _(
            "❓ A moderator has a question about your report {case}:\n\n{question}\n\n"
            "Answer with /mytips: open the case and tap «Answer or add information»."
        ).format(case=case, question=escape(str(payload.get("question", ""))))
    text = _("ℹ️ The status of your report {case} has changed: {status}.").format(
        case=case, status=status_label(str(payload.get("status")))
    )
    if payload.get("reason"):
        text += "\n" + _("Reason: {reason}").format(reason=escape(str(payload["reason"])))
    if payload.get("duplicate_of"):
        text += "\n" + _("Same as case: {case}").format(case=escape(str(payload["duplicate_of"])))
    return text


class TelegramSender:
    """The outbox's `send`: the only place that turns a pseudonym back into a chat."""

    def __init__(self, bot: Bot, users: UserService, i18n: I18n) -> None:
        self._bot = bot
        self._users = users
        self._i18n = i18n

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> None:
        user = await self._users.get(recipient)
        if user is None or not user.is_active:
            raise RecipientGoneError
        chat_id = await self._users.chat_id(user)
        with self._i18n.context(), self._i18n.use_locale(user.locale or "kk"):
            text = render(payload)
        try:
            await self._bot.send_message(chat_id, text)
        except TelegramForbiddenError as exc:
            await self._users.set_active(recipient, active=False)
            raise RecipientGoneError from exc
        except TelegramRetryAfter as exc:
            raise RetryLaterError(exc.retry_after) from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise RetryLaterError(30) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message:
                raise RecipientGoneError from exc
            raise
