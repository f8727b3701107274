"""/stats and /export for moderators: the chart's words, the caption and the usage lines."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from babel.numbers import format_decimal

from bot.domain import STATUSES
from bot.services.regions import all_regions
from bot.services.risk_areas import all_areas
from bot.services.stats import ChartLabels, Stats
from bot.views.labels import status_label


def chart_labels(locale: str) -> ChartLabels:
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


def stats_usage() -> str:
    return _("Use /stats week, /stats month or /stats year.")


def export_usage() -> str:
    return _("Use /export week, /export month or /export year.")


def export_caption() -> str:
    return _("Cases in your regions for the period. Reporters' identities are not included.")
