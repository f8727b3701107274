"""/stats with a chart and /export as CSV, each within the moderator's regions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from bot.db.connection import Database
from bot.db.repositories.moderators import Moderator
from bot.handlers.moderation.access import IsModerator
from bot.handlers.report.texts import status_label
from bot.services.dates import utc_now
from bot.services.export import export_csv
from bot.services.regions import all_regions
from bot.services.reports import STATUSES
from bot.services.risk_areas import all_areas
from bot.services.stats import PERIODS, ChartLabels, Scope, Stats, collect, render_chart


def get_router() -> Router:
    router = Router(name="moderation-reports")
    router.message.register(stats, Command("stats"), IsModerator())
    router.message.register(export, Command("export"), IsModerator())
    return router


def _period(command: CommandObject) -> str:
    word = (command.args or "month").strip().lower()
    aliases = {
        "апта": "week",
        "неделя": "week",
        "ай": "month",
        "месяц": "month",
        "жыл": "year",
        "год": "year",
    }
    return aliases.get(word, word)


async def stats(
    message: Message, command: CommandObject, moderator: Moderator, db: Database, i18n: I18n
) -> None:
    period = _period(command)
    if period not in PERIODS:
        await message.reply(_("Use /stats week, /stats month or /stats year."))
        return
    locale = i18n.current_locale
    result = await collect(db, Scope(moderator.regions), period, utc_now())
    chart = await asyncio.to_thread(render_chart, result, chart_labels(result, locale))
    await message.answer_photo(
        BufferedInputFile(chart, "stats.png"), caption=stats_caption(result, locale)
    )


def chart_labels(result: Stats, locale: str) -> ChartLabels:
    return ChartLabels(
        title=_("Reports"),  # the chart adds the period in local dates under it
        by_status_title=_("By status"),
        by_region_title=_("By region"),
        by_area_title=_("By area"),
        empty=_("No reports in this period"),
        status_names={status: status_label(status) for status in STATUSES},
        region_names={r.code: r.name(locale) for r in all_regions()},
        area_names={a.key: a.name(locale) for a in all_areas()},
    )


def stats_caption(result: Stats, locale: str) -> str:
    lines = [_("Reports: {total}").format(total=result.total)]
    if result.resolved_share is not None:
        lines.append(_("Resolved: {share}%").format(share=round(result.resolved_share * 100)))
    if result.median_first_response_hours is not None:
        hours = format_decimal(round(result.median_first_response_hours, 1), locale=locale)
        lines.append(_("Median time to first response: {hours} h").format(hours=hours))
    return "\n".join(lines)


async def export(
    message: Message, command: CommandObject, moderator: Moderator, db: Database
) -> None:
    period = _period(command)
    if period not in PERIODS:
        await message.reply(_("Use /export week, /export month or /export year."))
        return
    end = utc_now()
    start = end - PERIODS[period]
    data = await export_csv(db, Scope(moderator.regions), start, end + timedelta(seconds=1))
    name = f"adal-{period}-{end:%Y%m%d}.csv"
    await message.answer_document(
        BufferedInputFile(data, name),
        caption=_("Cases in your regions for the period. Reporters' identities are not included."),
    )
