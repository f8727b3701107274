"""When things happened, as a reader should see it.

Reporters' messages are stored to the hour (a precise minute can point at one person in a
small office), so showing "14:00" under a moderator's question of 14:25 would put the answer
before the question. A reporter's time is shown as the hour it fell in, «14:00–15:00»;
everything else to the minute.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time

from bot.services.dates import DISPLAY_TZ, format_day, format_local_time, from_db


def exact_time(stored: str, locale: str) -> str:
    """A moment stored to the second: date and time to the minute."""
    return format_local_time(from_db(stored), locale)


def hour_range(stored: str, locale: str, tz: str = DISPLAY_TZ) -> str:
    """A moment stored to the hour: the date and the hour it fell in, «14:00–15:00»."""
    start = from_db(stored).astimezone(ZoneInfo(tz))
    end = start + timedelta(hours=1)
    span = (
        f"{format_time(start.time(), format='short', locale=locale)}"
        f"–{format_time(end.time(), format='short', locale=locale)}"
    )
    return f"{format_day(start.date(), locale)}, {span}"


def thread_time(stored: str, author: str, locale: str) -> str:
    """The time of a case thread message: a reporter's to the hour, a moderator's exactly."""
    return hour_range(stored, locale) if author == "reporter" else exact_time(stored, locale)
