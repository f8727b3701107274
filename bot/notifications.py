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

from bot.config import Settings
from bot.handlers.moderation.cards import CardPublisher
from bot.handlers.report.texts import status_label
from bot.services.moderation import GROUP_RECIPIENT
from bot.services.outbox import RecipientGoneError, RetryLaterError
from bot.services.users import UserService


def render(payload: dict[str, Any]) -> str:
    case = escape(str(payload.get("case", "")))
    kind = payload.get("kind")
    if kind in MODERATOR_KINDS:
        return MODERATOR_KINDS[kind](payload)
    if kind == "banned":
        return _(
            "A moderator has closed the filing of new reports from your account. Your earlier "
            "reports stay as they are. You can still call the Anti-Corruption Agency: 1424."
        )
    if kind == "unbanned":
        return _("You can file reports in the bot again.")
    if kind == "question":
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


def _untaken(payload: dict[str, Any]) -> str:
    return _("⏰ Case {case} has waited {hours} h and nobody has taken it. /case {case}").format(
        case=escape(str(payload.get("case"))), hours=payload.get("hours")
    )


def _stale(payload: dict[str, Any]) -> str:
    return _(
        "⏰ Case {case} has waited {days} days for more information from the reporter. "
        "Consider closing it or asking again. /case {case}"
    ).format(case=escape(str(payload.get("case"))), days=payload.get("days"))


def _daily(payload: dict[str, Any]) -> str:
    return _(
        "☀️ <b>Good morning.</b> In your regions: {open} open cases, {overdue} waiting over "
        "48 hours, {new} new in the last day, {mine} assigned to you. /queue"
    ).format(**{key: payload.get(key, 0) for key in ("open", "overdue", "new", "mine")})


MODERATOR_KINDS = {"mod_untaken": _untaken, "mod_stale": _stale, "mod_daily": _daily}


class TelegramSender:
    """The outbox's `send`: the only place that turns a pseudonym back into a chat."""

    def __init__(
        self, bot: Bot, users: UserService, i18n: I18n, cards: CardPublisher, settings: Settings
    ) -> None:
        self._bot = bot
        self._users = users
        self._i18n = i18n
        self._cards = cards
        self._settings = settings

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> None:
        try:
            await self._send(recipient, payload)
        except TelegramForbiddenError as exc:
            if recipient != GROUP_RECIPIENT:
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

    async def _send(self, recipient: str, payload: dict[str, Any]) -> None:
        if recipient == GROUP_RECIPIENT:
            group = self._settings.moderator_chat_id
            if group is None:
                raise RecipientGoneError
            chat_id, locale = group, self._settings.group_locale
        else:
            user = await self._users.get(recipient)
            if user is None or not user.is_active:
                raise RecipientGoneError
            chat_id = await self._users.chat_id(user)
            locale = user.locale or self._settings.default_locale
        if payload.get("kind") == "card":
            await self._cards.post(
                self._bot,
                int(payload["report_id"]),
                chat_id,
                "group" if recipient == GROUP_RECIPIENT else recipient,
                locale,
            )
            return
        with self._i18n.context(), self._i18n.use_locale(locale):
            text = render(payload)
        await self._bot.send_message(chat_id, text)
