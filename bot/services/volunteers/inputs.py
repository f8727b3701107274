"""Free input of the volunteering flows: names, phone numbers, texts, dates, numbers.

Each parser returns the clean value or raises InputError with a reason code (and the limits
involved) that the handlers turn into words. Only ASCII digits count as digits: «²» or «٣»
is not a number a person meant to type.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.volunteers.rules import (
    DEFAULT_DEADLINE_HOUR,
    MAX_AHEAD,
    MAX_CAPACITY,
    MAX_NAME,
)


class InputError(ValueError):
    """Input that does not fit; `reason` is a code, `details` the numbers to show."""

    def __init__(self, reason: str, **details: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


# Spaces (also no-break and thin ones phones insert), dashes of every width, brackets, dots.
_PHONE_SEPARATORS = frozenset(" \t-().\u00a0\u2009\u202f\u2010\u2011\u2012\u2013\u2014")
_NAME_MARKS = frozenset(" -'’ʼ.`")
_MOMENT = re.compile(
    r"^(?P<d>[0-9]{1,2})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?:[ ,T]+(?P<hh>[0-9]{1,2})[:.](?P<mm>[0-9]{2}))?$"
)
_REF = re.compile(r"^[#№]?\s*(?P<n>[0-9]{1,9})$")


def _visible(text: str) -> str:
    """NFC, without format characters (zero-width spaces, direction marks, BOM)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def parse_phone(text: str) -> str:
    """A typed Kazakhstan number in any usual shape, as +77XXXXXXXXX.

    «+7 701 123 45 67», «8 (701) 123-45-67», «87011234567» and «7011234567» are the same
    number. Kazakhstan's numbers (mobile and landline) start with 7 after the country code.
    """
    text = _visible(text).strip()
    if len(text) > 40:
        raise InputError("phone")
    digits: list[str] = []
    plus = False
    for ch in text:
        if ch in "0123456789":
            digits.append(ch)
        elif ch == "+" and not digits and not plus:
            plus = True
        elif ch not in _PHONE_SEPARATORS:
            raise InputError("phone")
    number = "".join(digits)
    if plus:
        if len(number) != 11 or number[0] != "7":
            raise InputError("phone")
    elif len(number) == 11 and number[0] in "78":
        number = "7" + number[1:]
    elif len(number) == 10:
        number = "7" + number
    else:
        raise InputError("phone")
    if number[1] != "7":
        raise InputError("phone_not_kz")
    return "+" + number


def contact_phone(raw: str) -> str:
    """A number shared with Telegram's contact button (Telegram checked it): +digits.

    A Kazakhstan number written with a leading 8 becomes +7; a foreign one stays as it is.
    """
    digits = "".join(ch for ch in raw if ch in "0123456789")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    if not 7 <= len(digits) <= 15:
        raise InputError("phone")
    return "+" + digits


def check_name(text: str) -> str:
    """A full name: letters of any script, spaces, hyphens, apostrophes and dots."""
    value = " ".join(_visible(text).split())
    if len(value) > MAX_NAME:
        raise InputError("too_long", maximum=MAX_NAME, length=len(value))
    if sum(ch.isalpha() for ch in value) < 2:
        raise InputError("name_short")
    for ch in value:
        if not (ch.isalpha() or ch in _NAME_MARKS or unicodedata.category(ch).startswith("M")):
            raise InputError("name_chars")
    return value


def check_text(text: str, maximum: int, minimum: int = 1) -> str:
    """Free text kept as written (line breaks too), within its limit."""
    value = _visible(text).strip()
    if len(value) > maximum:
        raise InputError("too_long", maximum=maximum, length=len(value))
    if len(value) < minimum or not any(ch.isalnum() for ch in value):
        raise InputError("too_short", minimum=minimum, length=len(value))
    return value


def check_line(text: str, maximum: int) -> str:
    """One line (a title, a lot number): spaces and line breaks folded into single spaces."""
    return check_text(" ".join(_visible(text).split()), maximum)


def parse_moment(
    text: str, now: datetime, tz: str, *, date_only_hour: int | None = DEFAULT_DEADLINE_HOUR
) -> datetime:
    """«25.12.2026 19:00» (or only the date, which then means `date_only_hour`:00) in the
    zone `tz`, as an aware UTC moment that lies in the future and at most a year ahead."""
    match = _MOMENT.match(_visible(text).strip())
    if match is None:
        raise InputError("moment")
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    if match["hh"] is None:
        if date_only_hour is None:
            raise InputError("moment_time")
        hour, minute = date_only_hour, 0
    else:
        hour, minute = int(match["hh"]), int(match["mm"])
    try:
        local = datetime(year, int(match["m"]), int(match["d"]), hour, minute, tzinfo=ZoneInfo(tz))
    except ValueError:
        raise InputError("moment") from None
    moment = local.astimezone(UTC)
    if moment <= now:
        raise InputError("moment_past")
    if moment - now > MAX_AHEAD:
        raise InputError("moment_far")
    return moment


def parse_capacity(text: str) -> int:
    value = _visible(text).strip()
    if not value or len(value) > 5 or any(ch not in "0123456789" for ch in value):
        raise InputError("number", maximum=MAX_CAPACITY)
    number = int(value)
    if not 1 <= number <= MAX_CAPACITY:
        raise InputError("number", maximum=MAX_CAPACITY)
    return number


def parse_ref(text: str) -> int | None:
    """A volunteer's or task's number as people write it: 12, #12, №12."""
    match = _REF.match(_visible(text).strip())
    return int(match["n"]) if match else None


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start) // timedelta(minutes=1))
