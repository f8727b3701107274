"""/stats with a chart and /export as CSV, each within the moderator's regions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.handlers.moderation.access import IsModerator
from bot.services.dates import utc_now
from bot.services.reporting import ReportingService
from bot.services.stats import PERIODS, render_chart
from bot.views.stats import chart_labels, export_caption, export_usage, stats_caption, stats_usage

# Period words in the three languages moderators type them in.
PERIOD_WORDS = {
    "апта": "week",
    "неделя": "week",
    "ай": "month",
    "месяц": "month",
    "жыл": "year",
    "год": "year",
}


def get_router() -> Router:
    router = Router(name="moderation-reporting")
    router.message.register(stats, Command("stats"), IsModerator())
    router.message.register(export, Command("export"), IsModerator())
    return router


def _period(command: CommandObject) -> str:
    word = (command.args or "month").strip().lower()
    return PERIOD_WORDS.get(word, word)


async def stats(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    reporting: ReportingService,
    i18n: I18n,
) -> None:
    period = _period(command)
    if period not in PERIODS:
        await message.reply(stats_usage())
        return
    locale = i18n.current_locale
    result = await reporting.stats(moderator.regions, period, utc_now())
    chart = await asyncio.to_thread(render_chart, result, chart_labels(locale))
    await message.answer_photo(
        BufferedInputFile(chart, "stats.png"), caption=stats_caption(result, locale)
    )


async def export(
    message: Message, command: CommandObject, moderator: Moderator, reporting: ReportingService
) -> None:
    period = _period(command)
    if period not in PERIODS:
        await message.reply(export_usage())
        return
    end = utc_now()
    start = end - PERIODS[period]
    data = await reporting.export(moderator.regions, start, end + timedelta(seconds=1))
    name = f"adal-{period}-{end:%Y%m%d}.csv"
    await message.answer_document(BufferedInputFile(data, name), caption=export_caption())
