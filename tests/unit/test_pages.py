"""Pages that fit Telegram (bot/views/pages.py): whatever the lines hold, every page fits its
budget, nothing is lost or reordered, and text from outside is escaped."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.devtools.emulator.formatting import parse_text
from bot.views.pages import Line, clip, paginate, titled, visible_length
from tests.properties import budget

SECTIONS = ["", "<b>Status changes</b>", "<b>Questions and answers</b>"]
lines = st.lists(
    st.builds(
        Line,
        head=st.sampled_from(["", "<i>10:00</i> · <b>Moderator:</b> ", "#1 · "]),
        body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000),
        tail=st.sampled_from(["", " 📎 2 files"]),
        section=st.sampled_from(SECTIONS),
    ),
    max_size=12,
)


@settings(max_examples=budget(200), deadline=None)
@given(lines=lines, budget=st.integers(min_value=300, max_value=3700))
def test_every_page_fits_and_nothing_is_lost(lines: list[Line], budget: int) -> None:
    pages = paginate(lines, budget)
    assert pages
    for page in pages:
        plain, _entities = parse_text(page, "HTML")  # our tags only: it parses
        assert visible_length(page) == len(plain) <= budget
    # Every character of every body is there, in order (cuts add «…» and drop the spaces
    # around them; titles and heads come in between).
    shown = iter(_bare(html.unescape("".join(pages))))
    assert all(char in shown for char in _bare("".join(line.body for line in lines)))


def _bare(text: str) -> str:
    return re.sub(r"\s|…", "", text)


def test_a_long_word_is_cut_and_kept() -> None:
    word = "ж" * 2500
    pages = paginate([Line("<b>A:</b> ", word)], 1000)
    assert len(pages) == 3
    assert _bare("".join(pages)).count("ж") == 2500


def test_a_section_title_opens_every_page_that_continues_it() -> None:
    body = "слово " * 400  # 2 400 characters
    pages = paginate([Line("", body, section="<b>Notes</b>")] * 3, 1000)
    assert len(pages) > 3
    assert all(page.startswith("<b>Notes</b>\n") for page in pages)


def test_titles_count_pages() -> None:
    pages = titled(["a", "b"], lambda page, pages: f"<b>T</b> {page}/{pages}")
    assert pages == ["<b>T</b> 1/2\na", "<b>T</b> 2/2\nb"]


def test_visible_length_and_clip() -> None:
    assert visible_length("<b>a &lt; b</b> &amp;") == len("a < b &")
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"
    assert Line("<b>x</b> ", "<i>&").html() == "<b>x</b> &lt;i&gt;&amp;"
