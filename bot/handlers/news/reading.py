"""Readers open an item in full from a digest, or the rest of a digest's list."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n

from bot.handlers.news.compose import send_item
from bot.replies import acknowledge
from bot.services.digests import Digests
from bot.services.news import NewsService
from bot.services.subscriptions import Subscriptions
from bot.views.callbacks import ReadCallback
from bot.views.news import item_gone_text, more_message
from bot.views.subscriptions import not_subscribed_text

FREQUENCY = {"d": "daily", "w": "weekly"}
SLOT = {"m": "morning", "e": "evening"}


def get_router() -> Router:
    router = Router(name="news-reading")
    router.callback_query.register(read, ReadCallback.filter(F.digest == ""))
    router.callback_query.register(more, ReadCallback.filter(F.digest != ""))
    return router


async def read(
    query: CallbackQuery, callback_data: ReadCallback, news: NewsService, bot: Bot, i18n: I18n
) -> None:
    item = await news.published(callback_data.id)
    if item is None or query.message is None:
        await acknowledge(query, item_gone_text(), alert=True)
        return
    await acknowledge(query)
    await send_item(bot, query.message.chat.id, item, i18n.current_locale, i18n)


def _digest(code: str) -> tuple[str, str, date] | None:
    try:
        return (
            FREQUENCY[code[0]],
            SLOT[code[1]],
            date(int(code[2:6]), int(code[6:8]), int(code[8:10])),
        )
    except (KeyError, ValueError, IndexError):
        return None


async def more(
    query: CallbackQuery,
    callback_data: ReadCallback,
    digests: Digests,
    subscriptions: Subscriptions,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    found = _digest(callback_data.digest)
    sub = await subscriptions.get(pseudonym) if pseudonym else None
    if found is None or sub is None or query.message is None:
        await acknowledge(query, not_subscribed_text() if found else item_gone_text(), alert=True)
        return
    items = await digests.items_for(sub, *found)
    text, markup = more_message(
        items, max(0, callback_data.page), callback_data.digest, i18n.current_locale
    )
    await acknowledge(query)
    await query.message.answer(text, reply_markup=markup)  # type: ignore[union-attr]
