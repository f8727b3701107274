"""Invisible-only text is blank; real text in any script stays as typed (issue 8 §5)."""

from __future__ import annotations

import unicodedata

import pytest
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from hypothesis import given
from hypothesis import strategies as st

from bot.services.drafts import check_description, check_involved, check_settlement
from bot.services.text import (
    BIDI_CLOSERS,
    BIDI_OPENERS,
    COLLAPSIBLE,
    TextError,
    fit,
    is_visible,
    optional,
    tidy,
    visible_count,
)
from tests import updates as u
from tests.conftest import Chat, translate
from tests.unit.test_report_flow import DESCRIPTION, onboard, to_step

ZWSP, WJ, ZWJ, ZWNJ, RLM, BOM = "\u200b", "\u2060", "\u200d", "\u200c", "\u200f", "\ufeff"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one emoji drawn from four, joined by ZWJ
ENGLAND = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # a flag of tags
ARABIC = "مرحبا بالعالم"
PERSIAN = "می\u200cخواهم"  # ZWNJ inside a word is spelling, not junk
HEBREW_ISOLATE = "שלום \u2067עולם\u2069"

# --- explicit cases from the issue ---------------------------------------------------------


@pytest.mark.parametrize(
    "blank",
    [
        ZWSP * 2,  # a settlement of two zero-width spaces
        ZWSP * 40,  # a description of forty
        WJ,  # "who is involved" = U+2060
        "\u0301\u0301\u0308",  # combining marks only
        "\x01\x02\x7f\x1b",  # control characters only
        "\u3164\u3164",  # Hangul fillers draw nothing
        "\u2800 \u2800",  # the blank Braille pattern
        f" {RLM}{BOM}\u202e \n\t",
    ],
)
def test_invisible_only_text_is_blank(blank: str) -> None:
    assert visible_count(blank) == 0
    with pytest.raises(TextError) as caught:
        fit(blank, maximum=100)
    assert caught.value.reason == "blank"
    assert optional(blank, maximum=100) is None


@pytest.mark.parametrize(
    "text",
    ["Әлия", "Өскемен, Ұлытау, Қарағанды, Іле, Үржар, Һ", ARABIC, PERSIAN, HEBREW_ISOLATE],
)
def test_real_text_is_kept_exactly(text: str) -> None:
    assert tidy(text) == text == fit(text, maximum=100)


def test_kazakh_letters_all_count() -> None:
    assert visible_count("Әлия") == 4
    assert visible_count("әғқңөұүһі ӘҒҚҢӨҰҮҺІ") == 18


@pytest.mark.parametrize("emoji", [FAMILY, ENGLAND, "❤️", "👍🏽"])
def test_emoji_sequences_survive_at_the_edges(emoji: str) -> None:
    for text in (emoji, f"Рақмет {emoji}", f"{emoji} рақмет", f"{ZWSP}{emoji}{ZWSP}"):
        assert emoji in tidy(text)
    assert visible_count(FAMILY) == 4  # four people, three joiners
    assert fit(emoji, maximum=50)


def test_invisible_edges_are_stripped_and_runs_collapsed() -> None:
    assert tidy(f"{ZWSP}{BOM} Орал {WJ}{ZWSP}") == "Орал"
    assert tidy(f"Ақ{ZWSP * 40}сай") == f"Ақ{ZWSP}сай"
    assert tidy(f"Ақ{ZWSP}{WJ}{BOM}сай") == f"Ақ{ZWSP}сай"
    assert tidy("a\x00b\x1bc") == "abc"
    assert tidy("line one  \r\nline two") == "line one\nline two"
    assert tidy("  Теректі \n ауданы ", single_line=True) == "Теректі ауданы"


def test_minimums_count_visible_characters_only() -> None:
    with pytest.raises(TextError) as caught:
        check_settlement(f"О{ZWSP * 5}")
    assert (caught.value.reason, caught.value.details["length"]) == ("too_short", 1)
    with pytest.raises(TextError):
        check_description(f"{'а' * 29}{ZWSP * 30}")
    assert check_description(DESCRIPTION) == DESCRIPTION
    with pytest.raises(TextError):
        check_involved(WJ)
    assert check_involved(f"{WJ}ТОО «Құрылыс»{WJ}") == "ТОО «Құрылыс»"


def test_a_maximum_counts_what_is_stored() -> None:
    with pytest.raises(TextError) as caught:
        fit("я" * 11, maximum=10)
    assert caught.value.details == {"maximum": 10, "length": 11}
    assert fit(f"{ZWSP * 5}{'я' * 10}{ZWSP * 5}", maximum=10) == "я" * 10


# --- properties -----------------------------------------------------------------------------

INVISIBLE = sorted(COLLAPSIBLE | {ZWJ, ZWNJ, RLM, "\u202e", "\u2066", "\x00", "\x7f", " ", "\n"})
anything = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
invisible_only = st.text(alphabet=st.sampled_from([*INVISIBLE, "\u0301", "\u3164"]), max_size=60)
kazakh = st.text(alphabet=st.sampled_from("абвгдеәғқңөұүһіӘҒҚҢӨҰҮҺІ ,.!?0123456789-"), max_size=80)


@given(anything, st.booleans())
def test_tidy_is_idempotent(text: str, single_line: bool) -> None:
    once = tidy(text, single_line=single_line)
    assert tidy(once, single_line=single_line) == once


@given(anything, st.booleans())
def test_tidy_never_loses_or_reorders_a_visible_character(text: str, single_line: bool) -> None:
    kept = [c for c in tidy(text, single_line=single_line) if is_visible(c)]
    assert kept == [c for c in text if is_visible(c)]


BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(anything)
def test_tidy_leaves_no_junk_at_the_edges(text: str) -> None:
    value = tidy(text)
    paired = bool(BIDI_OPENERS & set(value)) and bool(BIDI_CLOSERS & set(value))
    for edge in (value[:1], value[-1:]):
        if edge:
            assert not edge.isspace()
            assert unicodedata.category(edge) != "Cc"
            tag = "\U000e0020" <= edge <= "\U000e007f"
            assert unicodedata.category(edge) != "Cf" or tag or (paired and edge in BIDI)


def test_a_lone_bidi_override_at_an_edge_goes() -> None:
    assert tidy("\u202eOral") == "Oral"
    assert tidy(f"{ARABIC}\u2069") == ARABIC


@given(anything)
def test_no_control_character_survives_but_line_breaks_and_tabs(text: str) -> None:
    assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in tidy(text))


@given(invisible_only)
def test_any_mix_of_invisible_characters_is_blank(text: str) -> None:
    with pytest.raises(TextError) as caught:
        fit(text, maximum=1000)
    assert caught.value.reason == "blank"


@given(kazakh.filter(lambda t: t.strip() != ""), st.text(st.sampled_from(INVISIBLE), max_size=8))
def test_padding_with_invisible_characters_changes_nothing_real(core: str, pad: str) -> None:
    clean = tidy(core)
    assert tidy(pad + core + pad) == clean
    if visible_count(core):
        assert fit(pad + core + pad, maximum=1000) == clean


@given(kazakh)
def test_ordinary_single_spaced_kazakh_is_stored_as_typed(text: str) -> None:
    typed = " ".join(text.split())
    assert tidy(typed) == typed
    assert tidy(typed, single_line=True) == typed


# --- at the steps where people type -------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "blank"),
    [("settlement", ZWSP * 2), ("description", ZWSP * 40), ("involved", WJ)],
)
async def test_blank_answers_are_refused_at_their_step(
    chat: Chat, i18n: I18n, db, step: str, blank: str
) -> None:
    person = u.user(970, "kk")
    await onboard(chat, person, "kk")
    await to_step(chat, person, step)
    replies = await chat.send(u.text(person, blank))
    texts = [r.text for r in replies if isinstance(r, SendMessage)]
    expected = "There is no visible text in this message. Please write it in words."
    assert texts == [translate(i18n, expected, "kk")]
    state = await db.fetchone("SELECT state FROM fsm_state WHERE state IS NOT NULL")
    assert state["state"] == f"ReportFlow:{step}"  # still asked, nothing stored
