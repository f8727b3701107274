"""The outbox's `send`: renders a payload in the recipient's language and calls the Bot API.

It is the only place that turns a pseudonym back into a chat, and it translates Telegram's
errors into the outbox's terms: gone (blocked, deleted, chat not found) or wait (429). Other
errors propagate, and the outbox retries them with backoff.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.utils.i18n import I18n

from bot.delivery import news
from bot.delivery.cards import CardDesk
from bot.delivery.volunteers import VolunteerDelivery
from bot.domain import CARDS_RECIPIENT, DIRECT_PREFIX, GROUP_RECIPIENT
from bot.services.moderation import GROUP_CHAT_KEY
from bot.services.outbox import Receipt, RecipientGoneError, RetryLaterError
from bot.services.users import UserService
from bot.views.followup import submitted_keyboard, submitted_text
from bot.views.notifications import render

# An edit that cannot land because the message is not there (or not editable) any more.
_EDIT_TARGET_GONE = ("message to edit not found", "message can't be edited")


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        *,
        users: UserService,
        i18n: I18n,
        cards: CardDesk,
        group_chat_id: int | None,
        group_locale: str,
        default_locale: str,
        news: news.NewsDelivery | None = None,
        volunteers: VolunteerDelivery | None = None,
    ) -> None:
        self._news = news
        self._bot = bot
        self._users = users
        self._i18n = i18n
        self._cards = cards
        self._group_chat_id = group_chat_id
        self._group_locale = group_locale
        self._default_locale = default_locale
        self._volunteers = volunteers

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> Receipt | None:
        try:
            return await self._send(recipient, payload)
        except TelegramForbiddenError as exc:
            if not recipient.startswith("@"):
                await self._users.set_active(recipient, active=False)
            raise RecipientGoneError from exc
        except TelegramRetryAfter as exc:
            raise RetryLaterError(exc.retry_after) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in exc.message:
                raise RecipientGoneError from exc
            raise

    async def _send(self, recipient: str, payload: dict[str, Any]) -> Receipt | None:
        kind = payload.get("kind")
        if recipient == CARDS_RECIPIENT:
            return await self._cards.refresh(self._bot, int(payload["report_id"]))
        if recipient.startswith(DIRECT_PREFIX):
            await self._confirm(payload)
            return None
        if kind == "news_channel" and self._news is not None:
            return await self._news.channel(self._bot, recipient, payload)
        if self._volunteers is not None and self._volunteers.handles(recipient, payload):
            await self._volunteers.send(self._bot, recipient, payload, self._chat_of)
            return None
        chat_id, locale = await self._chat_of(recipient)
        if kind in news.KINDS and self._news is not None:
            return await self._news.to_person(self._bot, recipient, chat_id, locale, payload)
        if kind == "card":
            chat_key = GROUP_CHAT_KEY if recipient == GROUP_RECIPIENT else recipient
            return await self._cards.post(self._bot, int(payload["report_id"]), chat_id, chat_key)
        with self._i18n.context(), self._i18n.use_locale(locale):
            text, markup = render(payload)
        await self._bot.send_message(chat_id, text, reply_markup=markup)
        return None

    async def _chat_of(self, recipient: str) -> tuple[int, str]:
        if recipient == GROUP_RECIPIENT:
            if self._group_chat_id is None:
                raise RecipientGoneError
            return self._group_chat_id, self._group_locale
        user = await self._users.get(recipient)
        if user is None or not user.is_active:
            raise RecipientGoneError
        return await self._users.chat_id(user), user.locale or self._default_locale

    async def _confirm(self, payload: dict[str, Any]) -> None:
        """The case number and code replace the summary the reporter pressed Submit under.

        Editing the same message again changes nothing the reporter sees, so a repeat after a
        crash is harmless; only when that message is gone is a new one sent.
        """
        chat_id, message_id = int(payload["chat_id"]), payload.get("message_id")
        with self._i18n.context(), self._i18n.use_locale(str(payload["locale"])):
            text = submitted_text(str(payload["case"]), payload.get("code"))
            markup = submitted_keyboard()
        if message_id is not None:
            try:
                await self._bot.edit_message_text(
                    text, chat_id=chat_id, message_id=int(message_id), reply_markup=markup
                )
                return
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return
                if not any(reason in exc.message for reason in _EDIT_TARGET_GONE):
                    raise
        await self._bot.send_message(chat_id, text, reply_markup=markup)
