"""Properties of the amount parser (bot/services/amounts.py) over text nobody thought of.

Each property restates a rule from the module's docstring; the examples in test_amounts.py
show the rules on hand-picked inputs, these check them on whatever hypothesis can find.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from bot.services.amounts import MAX_AMOUNT, MULTIPLIERS, AmountError, format_tenge, parse_amount

REASONS = {"empty", "format", "negative", "zero", "too_large"}
# "Spaces of any width (ordinary, no-break, narrow no-break, thin) group thousands."
SPACES = [" ", "\u00a0", "\u202f", "\u2009"]
CURRENCY_AFTER = ["₸", "тг", "тнг", "тенге", "теңге", "kzt", "tenge", "tg"]
CURRENCY_BEFORE = ["₸", "kzt"]

amounts = st.integers(1, MAX_AMOUNT)
# Arbitrary text, and text built from the pieces amounts are made of, so that hypothesis also
# reaches the branches behind the regular expressions, not only the "format" refusal.
amountish = st.lists(
    st.one_of(
        st.sampled_from([*"0123456789-−.,", *SPACES, *MULTIPLIERS, *CURRENCY_AFTER, "000"]),
        st.text(max_size=2),
    ),
    max_size=12,
).map("".join)
free_text = st.one_of(st.text(), amountish)
whitespace = st.text(alphabet=[*SPACES, "\t", "\n", "\u3000"], max_size=3)


def outcome(text: str) -> int | str:
    """The amount, or the reason it was refused: two inputs compare as the parser sees them."""
    try:
        return parse_amount(text)
    except AmountError as exc:
        return exc.reason


def expected(value: Decimal) -> int | str:
    """What the module promises for a number: whole tenge, rounded half up, within limits."""
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole == 0:
        return "zero"
    return "too_large" if whole > MAX_AMOUNT else whole


def grouped(number: int, separator: str) -> str:
    """``1500000`` -> ``1<sep>500<sep>000``, as people group thousands."""
    return f"{number:,}".replace(",", separator)


@given(free_text)
def test_any_text_gives_an_amount_in_range_or_an_amount_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountError as exc:
        assert exc.reason in REASONS
    else:
        assert type(value) is int
        assert 1 <= value <= MAX_AMOUNT


@given(free_text, whitespace, whitespace)
def test_whitespace_around_the_text_changes_nothing(text: str, before: str, after: str) -> None:
    assert outcome(before + text + after) == outcome(text)


@given(amounts, st.sampled_from(["kk", "ru"]))
def test_a_formatted_amount_parses_back(amount: int, locale: str) -> None:
    assert parse_amount(format_tenge(amount, locale)) == amount


@given(amounts, st.sampled_from([*SPACES, ".", ","]))
def test_whole_tenge_with_or_without_grouping(amount: int, separator: str) -> None:
    assert parse_amount(str(amount)) == amount
    assert parse_amount(grouped(amount, separator)) == amount


@given(
    st.integers(0, MAX_AMOUNT),
    st.one_of(st.integers(0, 9).map(str), st.integers(0, 99).map("{:02d}".format)),
    st.sampled_from([" ", ".", ","]),
    st.sampled_from([".", ","]),
)
def test_tiyn_are_rounded_half_up(whole: int, tiyn: str, separator: str, decimal: str) -> None:
    if separator == decimal:
        separator = " "  # one character cannot be both (the module refuses "1.500.50")
    text = f"{grouped(whole, separator)}{decimal}{tiyn}"
    assert outcome(text) == expected(Decimal(f"{whole}.{tiyn}"))


@given(
    st.integers(0, 20_000),
    st.text(alphabet="0123456789", max_size=4),
    st.sampled_from(sorted(MULTIPLIERS)),
    st.sampled_from([".", ","]),
    st.sampled_from(["", " "]),
    st.sampled_from(["", "."]),
    st.booleans(),
)
def test_a_plain_decimal_before_a_multiplier_word(
    whole: int, fraction: str, word: str, decimal: str, space: str, dot: str, upper: bool
) -> None:
    number = f"{whole}{decimal}{fraction}" if fraction else str(whole)
    text = f"{number}{space}{word}{dot}"
    value = Decimal(f"{whole}.{fraction or 0}") * MULTIPLIERS[word]
    assert outcome(text.upper() if upper else text) == expected(value)


@given(
    amounts,
    st.sampled_from(CURRENCY_AFTER),
    st.sampled_from(["", " ", "\u00a0"]),
    st.sampled_from(["", "."]),
    st.booleans(),
)
def test_the_currency_after_the_amount_is_ignored(
    amount: int, currency: str, space: str, dot: str, upper: bool
) -> None:
    suffix = f"{space}{currency}{dot}"
    assert parse_amount(grouped(amount, " ") + (suffix.upper() if upper else suffix)) == amount


@given(amounts, st.sampled_from(CURRENCY_BEFORE), st.sampled_from(["", " "]), st.booleans())
def test_the_currency_before_the_amount_is_ignored(
    amount: int, currency: str, space: str, upper: bool
) -> None:
    prefix = f"{currency}{space}"
    assert parse_amount((prefix.upper() if upper else prefix) + grouped(amount, " ")) == amount


@given(amounts, st.sampled_from(["-", "−"]), st.sampled_from(["", " "]))
def test_a_negative_amount_is_refused_as_negative(amount: int, minus: str, space: str) -> None:
    assert outcome(f"{minus}{space}{grouped(amount, ' ')}") == "negative"


@given(st.integers(MAX_AMOUNT + 1, 10**40), st.sampled_from(["", " "]))
def test_more_than_the_limit_is_refused_as_too_large(amount: int, separator: str) -> None:
    assert outcome(grouped(amount, separator) if separator else str(amount)) == "too_large"
