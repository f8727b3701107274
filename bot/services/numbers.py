"""Numbers people type after a command: one parser for all of them.

`str.isdigit()` and `int()` accept much more than a person means: superscripts («²» is a
digit to `isdigit` and an error to `int`), digits of other scripts («٣»), underscores
(«1_000»), signs and spaces; and a number of twenty digits overflows SQLite's integers. Here a
number is ASCII digits only (an optional leading «#», as /mods shows moderator numbers), and
within the bounds of what it counts.
"""

from __future__ import annotations

import re

# Telegram: "user identifiers have at most 52 significant bits", so a larger number is no
# Telegram user, whatever it is.
TELEGRAM_USER_ID_MAX = 2**52 - 1
# Moderator numbers and case ids are SQLite row ids: signed 64-bit.
ROW_ID_MAX = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")  # 19 digits hold every 64-bit number


def parse_number(text: str, *, maximum: int, minimum: int = 1) -> int | None:
    """The number written in `text` (ASCII digits, optional «#»), if within bounds."""
    text = text.strip()
    if text.startswith("#"):
        text = text[1:]
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_user_id(text: str) -> int | None:
    """A Telegram user id typed by a superadmin."""
    return parse_number(text, maximum=TELEGRAM_USER_ID_MAX)


def parse_row_id(text: str) -> int | None:
    """A moderator number (from /mods) or another row id."""
    return parse_number(text, maximum=ROW_ID_MAX)


def is_row_id(value: int) -> bool:
    """Whether a number that arrived already parsed (a button's data) can name a row."""
    return 1 <= value <= ROW_ID_MAX
