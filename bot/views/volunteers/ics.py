"""An .ics file (RFC 5545) for one training session, written by hand: a dozen lines do not
need a library, and the few rules that matter are kept here.

- Times are written in UTC (``DTSTART:20261125T140000Z``), RFC 5545's "date with UTC time".
  Asia/Almaty moved from UTC+6 to UTC+5 in March 2024 and many phones still carry the old
  zone data: a ``TZID=Asia/Almaty`` time would show an hour late on them, a UTC time never
  does. ``X-WR-TIMEZONE`` tells calendars that honour it to show the event in Almaty time.
- ``UID`` is stable per session and ``SEQUENCE`` grows with every move, so importing the
  file again updates the event instead of adding a second one.
- Text values are escaped (backslash, semicolon, comma, newline), lines end with CRLF and
  are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.repositories.trainings import Training
from bot.services.dates import from_db

LINE_OCTETS = 75


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets; each continuation line starts
    with one space (which counts towards its 75)."""
    pieces: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += ch
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _is_link(place: str) -> bool:
    return place.startswith(("https://", "http://")) and not any(ch.isspace() for ch in place)


def training_calendar(training: Training, locale: str, now: datetime, description: str) -> bytes:
    """The session in `locale`; `description` is the session's text plus anything the reader
    needs (drawn by the caller in the reader's language)."""
    start = from_db(training.starts_at)
    end = start + timedelta(minutes=training.minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Adal//Volunteer training sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-TIMEZONE:Asia/Almaty",
        "BEGIN:VEVENT",
        f"UID:adal-training-{training.id}@adal",
        f"DTSTAMP:{_utc(now)}",
        f"SEQUENCE:{training.sequence}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape_text(training.title(locale))}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(training.place)}",
    ]
    if _is_link(training.place):
        lines.append(f"URL:{training.place}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
