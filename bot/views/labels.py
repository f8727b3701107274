"""Names of codes in the reader's language: statuses, anonymity levels, regions, areas, files."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.services.dates import format_day
from bot.services.regions import get_region
from bot.services.risk_areas import get_area


def status_label(status: str) -> str:
    labels = {
        "received": _("Received"),
        "review": _("Under review"),
        "need_info": _("Needs more information"),
        "forwarded": _("Forwarded to the authorities"),
        "resolved": _("Resolved"),
        "rejected": _("Rejected"),
        "duplicate": _("Duplicate of another case"),
    }
    return labels.get(status, status)


def anonymity_label(level: str | None) -> str:
    return {
        "anonymous": _("Anonymous"),
        "confidential": _("Confidential"),
        "open": _("Open"),
    }.get(level or "", "—")


def when_label(occurred: str | None, locale: str) -> str:
    fixed = {
        "today": _("Today"),
        "week": _("This week"),
        "month": _("This month"),
        "earlier": _("Earlier"),
    }
    if occurred in fixed:
        return fixed[occurred]
    if occurred:
        return format_day(date.fromisoformat(occurred), locale)
    return "—"


def area_name(key: str | None, locale: str) -> str:
    area = get_area(key) if key else None
    return area.name(locale) if area else "—"


def region_name(code: str | None, locale: str) -> str:
    region = get_region(code) if code else None
    return region.name(locale) if region else "—"


def files_label(count: int) -> str:
    if not count:
        return _("none")
    return ngettext("{count} file", "{count} files", count).format(count=count)


def language_label(locale: str | None) -> str:
    """A language named in its own language, so everybody recognises their own."""
    return {"kk": "Қазақша", "ru": "Русский"}.get(locale or "", "—")
