"""Pages that fit Telegram (bot/views/entry_pages.py): any entries, any text, nothing lost."""

from __future__ import annotations

from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.views.entry_pages import CONTINUED, Entry, paginate, shorten, shown_length, split_entry
from tests.properties import budget
from tests.telegram_fit import fits

FAMILY = "👨\u200d👩\u200d👧"
text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(["<", "&", ">", " ", "\n", "\u200d", "\U0001f468", "é", "ә"]),
    ),
    max_size=3000,
)


@settings(max_examples=budget(60), deadline=None)
@given(st.lists(text, max_size=8), st.integers(min_value=300, max_value=4096))
def test_every_page_fits_and_every_entry_is_kept_in_order(bodies: list[str], limit: int) -> None:
    head = "<b>Head</b> &amp; more"
    entries = [Entry(f"{n}: ", body) for n, body in enumerate(bodies)]
    pages = paginate(head, entries, limit=limit)
    assert 0 <= pages.first < len(pages.texts)
    for page in pages.texts:
        assert page.startswith(head)
        assert shown_length(page) <= limit
    # Reassembled from the pieces, every body is there, whole and in order.
    pieces = [p for e in entries for p in split_entry(e, limit - shown_length(head) - 41)]
    assert "".join(unescape(p.html()) for p in pieces).replace(CONTINUED, "") == "".join(
        f"{n}: {body}".replace(CONTINUED, "") for n, body in enumerate(bodies)
    )


def test_a_split_never_parts_an_emoji_sequence() -> None:
    body = FAMILY * 400
    pieces = split_entry(Entry("", body), 101)
    assert len(pieces) > 1
    for piece in pieces:
        assert piece.body.replace(FAMILY, "") == ""  # only whole families in every piece


def test_the_first_page_is_where_the_newest_entry_begins() -> None:
    entries = [Entry("a: ", "x" * 100), Entry("b: ", "y " * 3000)]
    pages = paginate("H", entries, limit=1000)
    assert pages.texts[pages.first].count("b: ") == 1
    assert pages.first < len(pages.texts) - 1  # the rest of it follows


def test_html_in_a_body_is_escaped_and_counted_as_shown() -> None:
    pages = paginate("<b>H</b>", [Entry("", "<" * 5000)], limit=4096)
    for page in pages.texts:
        fits(page)


def test_shorten_keeps_short_values_and_marks_a_cut() -> None:
    assert shorten("короткий", 100) == "короткий"
    cut = shorten("слово " * 100, 50)
    assert cut.endswith(CONTINUED) and shown_length(cut) <= 50
