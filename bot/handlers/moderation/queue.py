"""/queue with its filters and pages: open cases in the moderator's regions."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.handlers.moderation.access import IsModerator
from bot.handlers.moderation.casefile import STATUS_WORDS
from bot.replies import acknowledge
from bot.services.moderation import ModerationService
from bot.services.regions import region_from_text
from bot.services.risk_areas import get_area
from bot.views.callbacks import QueueCallback
from bot.views.moderation import queue_view


def get_router() -> Router:
    router = Router(name="moderation-queue")
    mod = IsModerator()
    router.message.register(queue, Command("queue"), mod)
    router.callback_query.register(queue_page, QueueCallback.filter(), mod)
    return router


async def queue(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    flt = QueueCallback(page=0)
    for word in (command.args or "").lower().split():
        if word in ("old", "oldest"):
            flt.order = "old"
        elif word in ("mine", "free"):
            flt.who = word
        elif word in STATUS_WORDS:
            flt.status = STATUS_WORDS[word]
        elif get_area(word) is not None:
            flt.area = word
        elif (region := region_from_text(word)) is not None:
            flt.region = region.code
    text, markup = await _queue_screen(flt, moderator, moderation, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def queue_page(
    query: CallbackQuery,
    callback_data: QueueCallback,
    moderator: Moderator,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    text, markup = await _queue_screen(callback_data, moderator, moderation, i18n.current_locale)
    await query.message.edit_text(text, reply_markup=markup)


async def _queue_screen(
    flt: QueueCallback, moderator: Moderator, moderation: ModerationService, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
    page = await moderation.queue(
        moderator,
        flt.page,
        status=flt.status or None,
        mine=flt.who == "mine",
        unassigned=flt.who == "free",
        region=flt.region or None,
        area=flt.area or None,
        newest_first=flt.order != "old",
    )
    return queue_view(page, flt, locale)
