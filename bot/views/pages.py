"""Fitting what grows into Telegram messages.

Telegram takes at most 4096 characters of text in a message (1024 in a caption), counted
after it has parsed the HTML. A view that can grow (a case's history, its audit log, the list
of moderators) is drawn as lines and cut here into pages that fit; a line longer than a page
is itself cut. Text from outside arrives raw in `Line.body` and is escaped here, so nothing a
person typed can open a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# A page's lines; the rest of the message is its title (at most TITLE_ROOM characters).
PAGE_BUDGET = 3700
TITLE_ROOM = MESSAGE_LIMIT - PAGE_BUDGET
_TAG = re.compile(r"<[^>]*>")
_CUT_NEAR = 200  # a long text is cut at a space within this many characters of the limit


def visible_length(text: str) -> int:
    """How many characters Telegram counts in an HTML text drawn here: tags do not count,
    an entity counts as one. Everything from outside is escaped, so every «<» opens a tag of
    ours."""
    return len(html.unescape(_TAG.sub("", text)))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters of a raw text, with «…» when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a view: `head` and `tail` are HTML of ours, `body` is raw text from
    outside. `section` is the title of the part it belongs to, repeated at the top of a page
    that goes on with that part."""

    head: str
    body: str = ""
    tail: str = ""
    section: str = ""

    def html(self) -> str:
        return self.head + html.escape(self.body, quote=False) + self.tail


def paginate(lines: Sequence[Line], budget: int = PAGE_BUDGET) -> list[str]:
    """The lines as pages of at most `budget` visible characters each, in order; a section's
    title opens the section and every page that continues it. Never an empty list."""
    pages: list[list[str]] = [[]]
    used = 0
    section = None
    for line in _fitted(lines, budget):
        opens = line.section != section
        parts = [line.section] if line.section and opens else []
        parts.append(line.html())
        size = sum(visible_length(part) + 1 for part in parts)
        if pages[-1] and used + size > budget:
            pages.append([])
            used = 0
            if line.section and not opens:
                parts.insert(0, line.section)
                size += visible_length(line.section) + 1
        pages[-1].extend(parts)
        used += size
        section = line.section
    return ["\n".join(page) for page in pages]


def titled(pages: Sequence[str], title: Callable[[int, int], str]) -> list[str]:
    """Each page under its title; `title(page, pages)` counts from 1."""
    return [title(n + 1, len(pages)) + "\n" + page for n, page in enumerate(pages)]


def _fitted(lines: Sequence[Line], budget: int) -> list[Line]:
    """Lines cut so that each fits a page with its section's title."""
    fitted: list[Line] = []
    for line in lines:
        room = budget - visible_length(line.section) - 2
        fixed = visible_length(line.head) + visible_length(line.tail)
        if fixed + len(line.body) <= room:
            fitted.append(line)
            continue
        rest, head = line.body, line.head
        while rest:
            width = room - visible_length(head) - 1  # one for the «…» that marks the cut
            if len(rest) + visible_length(line.tail) <= width:
                fitted.append(Line(head, rest, line.tail, line.section))
                break
            cut = _cut(rest, width)
            fitted.append(Line(head, rest[:cut].rstrip() + "…", "", line.section))
            rest, head = rest[cut:].lstrip(), "…"
    return fitted


def _cut(text: str, width: int) -> int:
    space = text.rfind(" ", max(1, width - _CUT_NEAR), width)
    return space if space > 0 else width
