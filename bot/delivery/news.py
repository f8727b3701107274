"""Delivering the news feature's outbox messages: items and digests to subscribers (in their
language, at send time), posts to channels, the editor's progress message, feed drafts.

A subscriber who unsubscribed after a message was queued is skipped (NotWantedError), not
counted as a failure. A channel that refuses a post is reported to the editor in words, in
the transaction that deletes the row, and not retried: its setup has to change first.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import parse_scope
from bot.db.repositories.news import NewsItem, NewsRepository
from bot.services.broadcasts import Broadcasts
from bot.services.news import CHANNEL_PREFIX
from bot.services.outbox import NotWantedError, Outbox, Receipt
from bot.services.subscriptions import Subscriptions
from bot.views.news import digest_message, item_message
from bot.views.news_editor import (
    channel_error_text,
    feed_draft_keyboard,
    feed_draft_text,
    progress_text,
)

log = logging.getLogger(__name__)

KINDS = frozenset(
    {
        "news",
        "digest",
        "news_channel",
        "news_channel_error",
        "broadcast_progress",
        "news_feed_draft",
    }
)
_NOT_ADMIN = ("need administrator rights", "not enough rights", "bot is not a member")


class NewsDelivery:
    def __init__(
        self,
        *,
        repo: NewsRepository,
        subscriptions: Subscriptions,
        broadcasts: Broadcasts,
        outbox: Outbox,
        i18n: I18n,
    ) -> None:
        self._repo = repo
        self._subscriptions = subscriptions
        self._broadcasts = broadcasts
        self._outbox = outbox
        self._i18n = i18n
        self._published: dict[int, NewsItem] = {}  # items do not change once they went out

    async def channel(self, bot: Bot, recipient: str, payload: dict[str, Any]) -> Receipt | None:
        chat_id = int(recipient.removeprefix(CHANNEL_PREFIX))
        item = await self._item(int(payload["item"]))
        if item is None:
            return None
        locale = str(payload.get("locale") or "kk")
        try:
            await self._send_item(bot, chat_id, item, locale)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            reason = _channel_reason(exc.message)
            log.warning("channel post refused: %s", type(exc).__name__)
            owner = payload.get("owner")
            if not owner:
                return None

            async def tell_editor() -> None:
                await self._outbox.enqueue(
                    str(owner),
                    {
                        "kind": "news_channel_error",
                        "item": item.id,
                        "channel": str(chat_id),
                        "reason": reason,
                    },
                )

            return tell_editor
        return None

    async def to_person(
        self, bot: Bot, recipient: str, chat_id: int, locale: str, payload: dict[str, Any]
    ) -> Receipt | None:
        kind = payload["kind"]
        if kind in ("news", "digest") and await self._subscriptions.get(recipient) is None:
            raise NotWantedError
        if kind == "news":
            item = await self._item(int(payload["item"]))
            if item is None:
                raise NotWantedError
            await self._send_item(bot, chat_id, item, locale)
        elif kind == "digest":
            await self._digest(bot, chat_id, locale, payload)
        elif kind == "broadcast_progress":
            return await self._progress(bot, chat_id, locale, int(payload["job"]))
        elif kind == "news_feed_draft":
            item = await self._repo.item(int(payload["item"]))
            if item is None or item.status != "draft":
                raise NotWantedError
            feed = await self._repo.feed(item.feed_id) if item.feed_id else None
            with self._i18n.context(), self._i18n.use_locale(locale):
                text = feed_draft_text(item, feed.title or feed.url if feed else None)
                markup = feed_draft_keyboard(item.id)
            await bot.send_message(chat_id, text, reply_markup=markup)
        elif kind == "news_channel_error":
            with self._i18n.context(), self._i18n.use_locale(locale):
                text = channel_error_text(
                    int(payload["item"]), str(payload["channel"]), str(payload["reason"])
                )
            await bot.send_message(chat_id, text)
        return None

    async def _item(self, item_id: int) -> NewsItem | None:
        if item_id not in self._published:
            item = await self._repo.item(item_id)
            if item is None or item.status != "published":
                return None
            if len(self._published) > 200:
                self._published.clear()
            self._published[item_id] = item
        return self._published[item_id]

    async def _send_item(self, bot: Bot, chat_id: int, item: NewsItem, locale: str) -> None:
        with self._i18n.context(), self._i18n.use_locale(locale):
            text, markup = item_message(item, locale)
        if item.photo:
            await bot.send_photo(chat_id, item.photo, caption=text, reply_markup=markup)
        else:
            await bot.send_message(chat_id, text, reply_markup=markup)

    async def _digest(self, bot: Bot, chat_id: int, locale: str, payload: dict[str, Any]) -> None:
        items = [item for i in payload["items"] if (item := await self._item(int(i)))]
        if not items:
            raise NotWantedError
        with self._i18n.context(), self._i18n.use_locale(locale):
            text, markup = digest_message(
                items,
                frequency=str(payload["frequency"]),
                slot=str(payload["slot"]),
                day=date.fromisoformat(str(payload["day"])),
                scope=parse_scope(str(payload["regions"])),
                received=int(payload["received"]),
                resolved=int(payload["resolved"]),
                reader=locale,
            )
        await bot.send_message(chat_id, text, reply_markup=markup)

    async def _progress(self, bot: Bot, chat_id: int, locale: str, job_id: int) -> Receipt | None:
        progress = await self._broadcasts.progress(job_id)
        if progress is None:
            return None
        item = await self._repo.item(progress.job.news_id) if progress.job.news_id else None
        title = (item.title_kk or item.title_ru or "") if item else ""
        with self._i18n.context(), self._i18n.use_locale(locale):
            text = progress_text(progress, title, locale)
        message_id = progress.job.progress_message_id
        if message_id is not None:
            try:
                await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
                return None
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return None
                if "message to edit not found" not in exc.message:
                    raise
        sent = await bot.send_message(chat_id, text, reply_markup=_none())

        async def remember() -> None:
            await self._broadcasts.remember_progress_message(job_id, sent.message_id)

        return remember


def _none() -> InlineKeyboardMarkup | None:
    return None


def _channel_reason(message: str) -> str:
    if any(words in message for words in _NOT_ADMIN):
        return "not_admin"
    if "chat not found" in message:
        return "not_found"
    return message[:120]
