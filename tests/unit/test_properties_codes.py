"""Properties of the follow-up code format (bot/services/codes.py).

A code is the only way back to an anonymous case, so however a person retypes it (lower case,
spaces, dashes, a keyboard left in Cyrillic layout), it must read as the same code, and no
text may crash the reader.
"""

from __future__ import annotations

from types import SimpleNamespace
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from bot.services import codes
from bot.services.codes import ALPHABET, FollowUpCode, new_code, parse_code

# What a person may type for each symbol, written out here rather than read from the module:
# Crockford's O -> 0 and I, L -> 1, and the letters of the Russian and Kazakh keyboard layouts
# that look like them (Kazakh І is Latin I, Kazakh Ү is Latin Y).
LOOK_ALIKES = {
    "0": "OoОо",
    "1": "IiLlІі",
    "3": "Зз",
    "A": "Аа",
    "B": "Вв",
    "C": "Сс",
    "E": "Ее",
    "H": "Нн",
    "K": "Кк",
    "M": "Мм",
    "P": "Рр",
    "T": "Тт",
    "X": "Хх",
    "Y": "УуҮү",
}
# What people put between the groups, or that a phone inserts.
SEPARATORS = st.text(alphabet=[" ", "-", "‐", "–", "—", ".", "_", "/", "\n", "\u00a0"], max_size=2)

follow_up_codes = st.builds(
    FollowUpCode,
    locator=st.text(alphabet=ALPHABET, min_size=4, max_size=4),
    secret=st.text(alphabet=ALPHABET, min_size=12, max_size=12),
)


@given(st.data())
def test_every_new_code_reads_back_as_itself(data: st.DataObject) -> None:
    # new_code draws from `secrets`; here hypothesis draws instead, so it can search the space.
    def choice(alphabet: str) -> str:
        return data.draw(st.sampled_from(alphabet))

    with patch.object(codes, "secrets", SimpleNamespace(choice=choice)):
        code = new_code()
    assert parse_code(code.display) == code
    assert parse_code(code.display.lower()) == code


@given(follow_up_codes)
def test_display_is_four_groups_of_four_that_read_back(code: FollowUpCode) -> None:
    groups = code.display.split("-")
    assert [len(group) for group in groups] == [4, 4, 4, 4]
    assert "".join(groups) == code.locator + code.secret
    assert parse_code(code.display) == code


@given(st.text())
def test_any_text_is_a_well_formed_code_or_none(text: str) -> None:
    parsed = parse_code(text)
    if parsed is not None:
        assert len(parsed.locator) == 4 and len(parsed.secret) == 12
        assert set(parsed.locator + parsed.secret) <= set(ALPHABET)
        assert parse_code(parsed.display) == parsed


@given(follow_up_codes, st.data())
def test_retyped_codes_read_as_the_same_code(code: FollowUpCode, data: st.DataObject) -> None:
    typed = []
    for symbol in code.locator + code.secret:
        typed.append(data.draw(SEPARATORS))
        variants = symbol + symbol.lower() + LOOK_ALIKES.get(symbol, "")
        typed.append(data.draw(st.sampled_from(variants)))
    typed.append(data.draw(SEPARATORS))
    assert parse_code("".join(typed)) == code


@given(follow_up_codes, st.integers(0, 15), st.sampled_from(["U", "u", "Ж", "Ё", "Қ", "Ә", "Ұ"]))
def test_a_symbol_outside_the_alphabet_is_not_a_code(
    code: FollowUpCode, position: int, stranger: str
) -> None:
    raw = code.locator + code.secret
    assert parse_code(raw[:position] + stranger + raw[position + 1 :]) is None


@given(follow_up_codes, st.sampled_from(ALPHABET))
def test_one_symbol_too_few_or_too_many_is_not_a_code(code: FollowUpCode, extra: str) -> None:
    assert parse_code(code.display[:-1]) is None
    assert parse_code(code.display + extra) is None


def test_kazakh_layout_letters_read_as_the_latin_ones_they_look_like() -> None:
    # Found by the property above: Kazakh І (U+0406) and Ү (U+04AE) made a code unreadable.
    assert parse_code("к7qd 3mxa 9trf 2hwү") == FollowUpCode("K7QD", "3MXA9TRF2HWY")
    assert parse_code("K7QD-3MXA-9TRF-2HWІ") == FollowUpCode("K7QD", "3MXA9TRF2HW1")
