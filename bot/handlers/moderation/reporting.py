"""/stats with a chart, and /export as XLSX (or CSV on request), within the moderator's
regions: `/export [week|month|year] [csv]`, the words in any order."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, FSInputFile, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.handlers.moderation.access import IsModerator
from bot.services.dates import utc_now
from bot.services.reporting import ReportingService
from bot.services.stats import PERIODS, render_chart
from bot.views.stats import (
    chart_labels,
    export_caption,
    export_headers,
    export_usage,
    stats_caption,
    stats_usage,
)

# Period words in the three languages moderators type them in.
FORMAT_WORDS = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx"}
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


def _export_args(command: CommandObject) -> tuple[str, str] | None:
    """(period, format) from the words in any order: a month in XLSX unless said otherwise."""
    period, fmt = "month", "xlsx"
    for word in (command.args or "").lower().split():
        if word in FORMAT_WORDS:
            fmt = FORMAT_WORDS[word]
        elif PERIOD_WORDS.get(word, word) in PERIODS:
            period = PERIOD_WORDS.get(word, word)
        else:
            return None
    return period, fmt


async def export(
    message: Message, command: CommandObject, moderator: Moderator, reporting: ReportingService
) -> None:
    wanted = _export_args(command)
    if wanted is None:
        await message.reply(export_usage())
        return
    period, fmt = wanted
    end = utc_now()
    start = end - PERIODS[period]
    path = await reporting.export(
        moderator.regions, start, end + timedelta(seconds=1), fmt=fmt, headers=export_headers()
    )
    try:
        name = f"adal-{period}-{end:%Y%m%d}.{fmt}"
        await message.answer_document(FSInputFile(path, name), caption=export_caption())
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
