"""Fitting views that grow into Telegram's limits: pages of whole entries, long entries split.

Telegram counts a message's length after parsing its HTML: 4096 characters for a text, 1024
for a caption. A view made of a fixed head and a list of entries (a case thread, a list of
reports) is cut into pages that each hold the head and as many whole entries as fit; an entry
too long for any page is split at a line or word break into pieces marked as continued.

Lengths are counted in UTF-16 code units, which is never less than what Telegram counts, so
a page that fits here fits there whatever the text holds (emoji included).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import escape, unescape

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]*>")
CONTINUED = "…"
# Zero-width joiner and variation selectors bind to the character before them.
JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def shown_length(html: str) -> int:
    """How long `html` is once Telegram has parsed it (tags gone, entities decoded), in UTF-16
    code units. Only for our own markup, where every `<` of a value is escaped."""
    plain = unescape(_TAG.sub("", html))
    return len(plain) + sum(1 for char in plain if ord(char) > 0xFFFF)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a view: `head` is trusted HTML (escaped already), `body` raw text that is
    escaped here. Pieces of a split body repeat no head; they start with `CONTINUED`."""

    head: str
    body: str = ""

    def html(self) -> str:
        return self.head + escape(self.body)


def _break_at(text: str, room: int) -> int:
    """Where to cut `text` so that the first part is at most `room` long: after the last line
    break, else the last space, else anywhere that does not part a letter from its marks."""
    window = text[:room]
    for separator in ("\n", " "):
        cut = window.rfind(separator)
        if cut > room // 2:
            return cut + 1
    cut = min(room, len(text) - 1)
    while cut > 1 and _joined(text[cut - 1], text[cut]):
        cut -= 1
    return cut


def _joined(before: str, after: str) -> bool:
    """Would a cut between these two characters part what is drawn as one (a letter and its
    marks, an emoji sequence)?"""
    return (
        unicodedata.category(after).startswith("M")
        or after in JOINERS
        or before == "\u200d"
        or "\U000e0020" <= after <= "\U000e007f"  # tags of a subdivision flag
        or "\U0001f3fb" <= after <= "\U0001f3ff"  # skin tones
    )


def split_entry(entry: Entry, room: int) -> list[Entry]:
    """`entry` in pieces that each show at most `room` characters."""
    pieces: list[Entry] = []
    head, body = entry.head, entry.body
    while shown_length(head) + shown_length(escape(body)) > room:
        space = room - shown_length(head)
        if space < 1:
            raise ValueError("a head longer than the page")
        # UTF-16 lengths: astral characters count twice, so cut by that measure.
        cut = _break_at(body, _fitting_prefix(body, space))
        pieces.append(Entry(head, body[:cut]))
        head, body = CONTINUED, body[cut:]
    pieces.append(Entry(head, body))
    return pieces


def shorten(text: str, room: int) -> str:
    """`text` (raw, not yet escaped) cut to show at most `room` characters, ending in `…`
    where it was cut: for a value that must fit one message (a notification)."""
    if shown_length(escape(text)) <= room:
        return text
    cut = _break_at(text, _fitting_prefix(text, max(room - 1, 1)))
    return text[:cut].rstrip() + CONTINUED


def _fitting_prefix(text: str, space: int) -> int:
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > space:
            return max(index, 1)
    return len(text)


@dataclass(frozen=True, slots=True)
class Pages:
    """Page texts, oldest first, and the page to open first: the one where the newest entry
    begins (an entry split over pages is read from its start)."""

    texts: list[str]
    first: int


def paginate(
    head: str,
    entries: list[Entry],
    *,
    limit: int = MESSAGE_LIMIT,
    footer_room: int = 40,
    separator: str = "\n",
) -> Pages:
    """Pages that each start with `head` and hold whole entries (or pieces of one too long for
    a page), in order. The pages are filled from the newest entry backwards, so the page opened
    first is a full one. `footer_room` is kept free for a page number line the caller may add.
    Always at least one page.
    """
    room = limit - shown_length(head) - footer_room - len(separator)
    pieces = [
        (index, piece) for index, entry in enumerate(entries) for piece in split_entry(entry, room)
    ]
    pages: list[list[tuple[int, Entry]]] = []
    current: list[tuple[int, Entry]] = []
    used = 0
    for index, piece in reversed(pieces):
        size = shown_length(piece.html()) + len(separator)
        if current and used + size > room:
            pages.append(current)
            current, used = [], 0
        current.insert(0, (index, piece))
        used += size
    pages.append(current)
    pages.reverse()
    newest = len(entries) - 1
    first = next(
        (number for number, page in enumerate(pages) if any(i == newest for i, _ in page)),
        len(pages) - 1,
    )
    texts = [separator.join([head, *(piece.html() for _, piece in page)]) for page in pages]
    return Pages(texts, first)
