"""When something happened, and showing stored times to people.

Times are kept in UTC and shown in Asia/Almaty, which is UTC+5 all year since March 2024
(the ``tzdata`` package ships the zone, so the host's copy does not matter). Report times
are stored only to the hour: the exact minute can point at one person in a small office.

Errors carry a reason code, never user-facing text; the handlers translate the codes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format, get_month_names

WHEN_CHOICES = ("today", "week", "month", "earlier")
DISPLAY_TZ = "Asia/Almaty"
OLDEST_DATE = date(2000, 1, 1)

# Day first, as people write in Kazakhstan: 05.11.2026, 5/11/2026, 5-11-26. Same separator.
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})$")
# Year first, as machines and some phones write: 2026-11-05, 2026.11.05.
_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$")
_DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class DateError(ValueError):
    """The text is not a usable date; ``reason`` is ``"format"``, ``"future"`` or ``"too_old"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_exact_date(text: str, today: date) -> date:
    """Read a typed date, day first or ISO: ``05.11.2026``, ``5/11/2026``, ``2026-11-05``.

    A two-digit year is 20YY (``5.11.26`` is 2026): earlier ones are refused as too old
    anyway. ``today`` is the reporter's date in Asia/Almaty, passed in so the check is
    testable and right near midnight.
    """
    match = _DAY_FIRST.match(text.strip()) or _YEAR_FIRST.match(text.strip())
    if match is None:
        raise DateError("format")
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000
    try:
        day = date(year, int(match["m"]), int(match["d"]))
    except ValueError:
        raise DateError("format") from None
    if day > today:
        raise DateError("future")
    if day < OLDEST_DATE:
        raise DateError("too_old")
    return day


def format_day(d: date, locale: str) -> str:
    """Long date: kk ``2026 жылғы 22 қараша``, ru ``22 ноября 2026 г.``.

    Babel (CLDR) writes Kazakh as ``2026 ж. 22 қараша``, an abbreviation a Kazakh writer uses
    in tables, not in a sentence; the full form «2026 жылғы 22 қараша» is what official and
    everyday Kazakh text writes (docs/style-guide.md). Other locales keep Babel's long date.
    """
    if locale.split("_")[0] == "kk":
        month = get_month_names("wide", context="format", locale="kk")[d.month]
        return f"{d.year} жылғы {d.day} {month}"
    return format_date(d, format="long", locale=locale)


def format_local_time(moment: datetime, locale: str, tz: str = DISPLAY_TZ) -> str:
    """A stored UTC moment as people in Kazakhstan read it: long date, then 24-hour time.

    2026-11-23 14:00 UTC gives kk ``2026 жылғы 23 қараша, 19:00`` and ru
    ``23 ноября 2026 г., 19:00``. Babel's ``format="long"`` would add seconds and the zone
    name, and ``"short"`` (``23.11.26``) is easy to misread, so the long date and the
    ``HH:mm`` time are joined with the locale's own date-time pattern (``{1}, {0}``).
    """
    local = _aware(moment).astimezone(ZoneInfo(tz))
    pattern = str(get_datetime_format("long", locale=locale)).replace("'", "")
    time_text = format_time(local.time(), format="short", locale=locale)
    return pattern.replace("{0}", time_text).replace("{1}", format_day(local.date(), locale))


def utc_now() -> datetime:
    """The current moment, aware and in UTC."""
    return datetime.now(UTC)


def local_today(tz: str = DISPLAY_TZ) -> date:
    """Today where the people are: until 05:00 in Almaty the UTC date is still yesterday."""
    return datetime.now(ZoneInfo(tz)).date()


def coarse_hour(moment: datetime) -> datetime:
    """Truncate to the hour, in UTC (report times are stored to the hour for privacy).

    Almaty is a whole number of hours from UTC, so the local hour is the same hour.
    """
    return _aware(moment).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def to_db(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z`` and whole seconds, e.g. ``2026-11-23T14:00:00Z``.

    Fixed width, so text comparison in SQLite orders moments correctly. Microseconds are
    dropped.
    """
    return _aware(moment).astimezone(UTC).strftime(_DB_FORMAT)


def from_db(text: str) -> datetime:
    """Read a stored moment back as an aware UTC datetime.

    Accepts ``Z`` or an explicit offset; text without an offset is refused, because
    guessing its zone is how times silently shift by five hours.
    """
    return _aware(datetime.fromisoformat(text)).astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware moment (UTC)")
    return moment


def ceil_second(moment: datetime) -> str:
    """``to_db`` of the moment rounded up to a whole second.

    Stored times have whole seconds, so ``t >= moment`` is ``t >= ceil_second(moment)`` and
    ``t < moment`` is ``t < ceil_second(moment)`` in text comparison.
    """
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return to_db(moment)
