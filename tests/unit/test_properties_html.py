"""Whatever a person types, escaped with ``html.escape`` and put into a view, Telegram accepts the
message and shows exactly what was typed (checked with the emulator's copy of Telegram's HTML
parser, bot/devtools/emulator/formatting.py).

Names, places, descriptions and answers go into HTML views; one unescaped ``<`` would make
Telegram refuse the whole message ("can't parse entities").
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from bot.devtools.emulator.formatting import parse_html

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
MARK = "\ue000"  # a private-use character: stands for the typed text in the expected result

# Arbitrary text, and text made of the pieces that break HTML: brackets, ampersands, tags
# (whole, broken, unknown), entities (known, unknown, out of range) and quotes.
HTML_PIECES = [
    *"<>&\"'/;=#",
    "<b>",
    "</b>",
    "<i",
    "</",
    "<br/>",
    "<script>",
    '<a href="x">',
    "&amp;",
    "&lt;",
    "&gt",
    "&#60;",
    "&#x3C;",
    "&#1114112;",
    "&nbsp;",
    "<<>>",
]
typed = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.text(max_size=3)), max_size=10).map(
        "".join
    ),
)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def catalogue_templates() -> list[str]:
    """Every msgid and translation with a placeholder: the views people's text goes into."""
    found = set()
    for lang in ("kk", "ru"):
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle, locale=lang):
                for text in (message.id, message.string):
                    for variant in text if isinstance(text, tuple) else (text,):
                        if variant and PLACEHOLDER.search(variant):
                            found.add(variant)
    return sorted(found)


TEMPLATES = catalogue_templates()


@given(typed, typed, typed)
def test_escaped_text_in_tags_reads_back_exactly(first: str, second: str, third: str) -> None:
    source = f"<b>{escape(first)}</b>\n<i>{escape(second)}</i> · {escape(third)}"
    plain, entities = parse_html(source)
    assert plain == f"{first}\n{second} · {third}"
    # Entity offsets count UTF-16 units, so emoji and other astral characters shift them right.
    expected = []
    if first:
        expected.append({"type": "bold", "offset": 0, "length": utf16(first)})
    if second:
        expected.append({"type": "italic", "offset": utf16(first) + 1, "length": utf16(second)})
    assert entities == expected


@given(st.sampled_from(TEMPLATES), typed)
def test_escaped_text_in_any_catalogue_view_reads_back(template: str, text: str) -> None:
    plain, _ = parse_html(PLACEHOLDER.sub(lambda _: escape(text), template))
    marked, _ = parse_html(PLACEHOLDER.sub(MARK, template))
    assert plain == marked.replace(MARK, text)


def test_the_templates_were_found() -> None:
    assert len(TEMPLATES) > 50
    assert any("{value}" in template and "<b>" in template for template in TEMPLATES)
