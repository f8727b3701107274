"""Names of the volunteering codes in the reader's language: kinds of work, availability,
statuses of volunteers, tasks and seats, and moments."""

from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.services.dates import format_local_time, from_db

SKILL_LABELS = {
    "procurement": __("Procurement monitoring"),
    "construction": __("Construction sites and schools"),
    "land": __("Land and agriculture"),
    "ecology": __("Ecology"),
    "legal": __("Legal help"),
    "social": __("Social sphere"),
    "media": __("Media and social networks"),
}
AVAILABILITY_LABELS = {
    "weekdays": __("Weekdays, daytime"),
    "evenings": __("Weekday evenings"),
    "weekends": __("Weekends"),
}


def skill_label(key: str | None) -> str:
    label = SKILL_LABELS.get(key or "")
    return str(label) if label is not None else "—"


def skills_label(keys: tuple[str, ...] | list[str]) -> str:
    return ", ".join(skill_label(key) for key in keys) or "—"


def availability_label(keys: tuple[str, ...] | list[str]) -> str:
    return ", ".join(str(AVAILABILITY_LABELS[k]) for k in keys if k in AVAILABILITY_LABELS) or "—"


def volunteer_status_label(status: str) -> str:
    return {
        "pending": _("Application under review"),
        "active": _("Active volunteer"),
        "paused": _("On a pause"),
        "rejected": _("Application rejected"),
        "left": _("Volunteering stopped"),
    }.get(status, status)


def task_status_label(status: str) -> str:
    return {
        "new": _("Not given to anyone"),
        "pool": _("Open to the region's volunteers"),
        "offered": _("Offered, waiting for an answer"),
        "in_progress": _("In progress"),
        "submitted": _("Findings under review"),
        "done": _("Done"),
        "cancelled": _("Cancelled"),
    }.get(status, status)


def seat_label(status: str | None) -> str:
    return {
        "joined": _("you are coming"),
        "waiting": _("you are on the waiting list"),
        "declined": _("you cannot come"),
        "attended": _("you attended"),
    }.get(status or "", _("no answer yet"))


def moment(stored: str, locale: str) -> str:
    """A stored UTC time as people read it in Almaty: long date and 24-hour time."""
    return format_local_time(from_db(stored), locale)


def moment_of(value: datetime, locale: str) -> str:
    return format_local_time(value, locale)


def volunteer_number(volunteer_id: int) -> str:
    return f"№{volunteer_id}"
