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
    high, low = result.median_first_response_hours, result.median_first_response_low_hours
    if high is not None and low is not None:
        lines.append(
            _(
                "Median time to first response: {low}–{high} h (reports are timed to the hour, "
                "so only this range is known)"
            ).format(low=_hours(low, locale), high=_hours(high, locale))
        )
    return "\n".join(lines)


def _hours(value: float, locale: str) -> str:
    return format_decimal(round(value, 1), locale=locale)


def stats_usage() -> str:
    return _("Use /stats week, /stats month or /stats year.")


def export_usage() -> str:
    return _(
        "Use /export week, /export month or /export year: an Excel file (XLSX). Add csv for a "
        "CSV file for other programs, for example /export month csv."
    )


def export_caption() -> str:
    return _("Cases in your regions for the period. Reporters' identities are not included.")


def export_headers() -> dict[str, str]:
    """The XLSX header of each export column, in the reader's language (CSV keeps the codes,
    which programs read)."""
    return {
        "case_number": _("Case number"),
        "created_at_utc": _("Filed (UTC, to the hour)"),
        "region": _("Region code"),
        "area": _("Area code"),
        "settlement": _("Place"),
        "occurred": _("When it happened"),
        "involved": _("Who is involved"),
        "amount_kzt": _("Amount, ₸"),
        "status": _("Status code"),
        "anonymity": _("Reporting mode"),
        "evidence_files": _("Files"),
        "assignee": _("Moderator number"),
        "first_response_at_utc": _("First response (UTC)"),
        "updated_at_utc": _("Last change (UTC)"),
        "description": _("What happened"),
    }
