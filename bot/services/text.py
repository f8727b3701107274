"""Free text people type: what counts as visible, and tidying it before it is stored.

A settlement of two zero-width spaces or a description of forty of them looks blank on a card,
yet has a length. So every minimum counts *visible* characters: letters, digits, punctuation
and symbols (Unicode categories L, N, P and S), minus a few letters and symbols that draw
nothing (Hangul fillers, the blank Braille pattern). Combining marks are kept but do not count
on their own: a text of nothing but accents is blank.

Tidying removes what nobody meant to type and keeps everything a language needs:

- at both edges: whitespace, control characters and invisible format characters (zero-width
  spaces, word joiners, BOM, bidi marks and overrides, invisible fillers);
- inside: control characters other than line breaks and tabs; a run of two or more invisible
  characters of the "spacing" kind (ZWSP, word joiner, BOM, invisible operators, soft hyphen,
  fillers) becomes its first one;
- never touched inside: ZWJ and ZWNJ (emoji sequences, Persian and Kurdish words), variation
  selectors, tag characters (subdivision flags), bidi marks, embeddings and isolates (they come
  in pairs in Arabic and Hebrew text, and a pair is kept even at an edge), and every letter,
  mark and symbol.

Nothing here knows about Telegram or a particular field: handlers and services of both the
citizens' and the moderators' side call `fit` with their own limits.
"""

from __future__ import annotations

import unicodedata

# Letters and symbols that draw nothing: favourites for "blank" names and texts.
INVISIBLE_GRAPHIC = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})
# Invisible characters that may be collapsed inside a text: they only space or join nothing.
COLLAPSIBLE = frozenset(
    {"\u00ad", "\u180e", "\u200b", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff"}
    | INVISIBLE_GRAPHIC
)
KEPT_CONTROLS = frozenset("\n\t")
# Bidi embeddings, overrides and isolates open and close in pairs (Arabic, Hebrew): a paired
# one at an edge is part of the text; a lone one (an override that flips what follows) is not.
BIDI_OPENERS = frozenset("\u202a\u202b\u202d\u202e\u2066\u2067\u2068")
BIDI_CLOSERS = frozenset("\u202c\u2069")


def _is_tag(char: str) -> bool:
    return "\U000e0020" <= char <= "\U000e007f"


def is_visible(char: str) -> bool:
    """A letter, digit, punctuation mark or symbol that draws something."""
    return unicodedata.category(char)[0] in "LNPS" and char not in INVISIBLE_GRAPHIC


def visible_count(text: str) -> int:
    return sum(1 for char in text if is_visible(char))


def _edge_junk(char: str, bidi_paired: bool) -> bool:
    """Stripped at either edge: spaces, controls, invisible format characters and fillers."""
    if char.isspace() or char in INVISIBLE_GRAPHIC:
        return True
    if bidi_paired and (char in BIDI_OPENERS or char in BIDI_CLOSERS):
        return False
    category = unicodedata.category(char)
    # Tag characters end a subdivision flag (🏴 + tags): never cut them off the end.
    return category == "Cc" or (category == "Cf" and not _is_tag(char))


def _drop_controls(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        char for char in text if char in KEPT_CONTROLS or unicodedata.category(char) != "Cc"
    )


def _collapse_invisible(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in COLLAPSIBLE and out and out[-1] in COLLAPSIBLE:
            continue
        out.append(char)
    return "".join(out)


def _strip_edges(text: str) -> str:
    paired = not BIDI_OPENERS.isdisjoint(text) and not BIDI_CLOSERS.isdisjoint(text)
    start, end = 0, len(text)
    while start < end and _edge_junk(text[start], paired):
        start += 1
    while end > start and _edge_junk(text[end - 1], paired):
        end -= 1
    return text[start:end]


def tidy(text: str, *, single_line: bool = False) -> str:
    """The text as it should be stored: see the module's docstring. Idempotent.

    `single_line` also turns every run of whitespace (line breaks included) into one space,
    for short fields like a place name.
    """
    text = _collapse_invisible(_drop_controls(text))
    if single_line:
        text = " ".join(text.split())
    else:
        # Trailing spaces at line ends are invisible too; the lines themselves stay.
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _strip_edges(text)


class TextError(ValueError):
    """Text that does not fit: ``reason`` is ``blank`` (nothing visible), ``too_short`` or
    ``too_long``; ``details`` holds ``length`` and ``minimum`` or ``maximum`` for the message
    the handler writes."""

    def __init__(self, reason: str, **details: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def fit(text: str, *, maximum: int, minimum: int = 1, single_line: bool = False) -> str:
    """Tidy `text` and check it: at least `minimum` visible characters, at most `maximum`
    characters stored. Raises TextError."""
    value = tidy(text, single_line=single_line)
    visible = visible_count(value)
    if visible == 0:
        raise TextError("blank", minimum=minimum, length=0)
    if visible < minimum:
        raise TextError("too_short", minimum=minimum, length=visible)
    if len(value) > maximum:
        raise TextError("too_long", maximum=maximum, length=len(value))
    return value


def optional(text: str | None, *, maximum: int) -> str | None:
    """A text that may be absent (a caption): tidied, None when nothing visible is left.
    Raises TextError only when it is too long."""
    if text is None:
        return None
    try:
        return fit(text, maximum=maximum)
    except TextError as exc:
        if exc.reason == "too_long":
            raise
        return None
