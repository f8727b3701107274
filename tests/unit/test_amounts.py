"""Amounts typed in chat and shown in tenge (bot/services/amounts.py)."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from bot.services.amounts import MAX_AMOUNT, AmountError, format_tenge, parse_amount

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space
THIN = "\u2009"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150000", 150_000),
        ("150 000", 150_000),
        (f"150{NBSP}000", 150_000),
        (f"150{NNBSP}000", 150_000),
        (f"150{THIN}000", 150_000),
        ("  150   000  ", 150_000),
        ("1 500 000", 1_500_000),
        ("100 200 300", 100_200_300),
        # A dot or comma before exactly three digits groups thousands (no one has 3-digit tiyn).
        ("150.000", 150_000),
        ("150,000", 150_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        # Multiplier words, Russian and Kazakh, with and without a dot or a space.
        ("1,5 млн", 1_500_000),
        ("1.5 млн", 1_500_000),
        ("1,5млн", 1_500_000),
        ("1.250 млн", 1_250_000),
        ("5 млн.", 5_000_000),
        ("2 млрд", 2_000_000_000),
        ("1 млрд", 1_000_000_000),
        ("1.2 миллиона", 1_200_000),
        ("3 миллионов", 3_000_000),
        ("1 миллион", 1_000_000),
        ("2 миллиарда", 2_000_000_000),
        ("1 миллиард", 1_000_000_000),
        ("1,2 трлн", 1_200_000_000_000),
        ("300 тыс", 300_000),
        ("300 тыс.", 300_000),
        ("300 тысяч", 300_000),
        ("300 мың", 300_000),
        ("500к", 500_000),
        ("1.5 mln", 1_500_000),
        ("1,5 МЛН", 1_500_000),
        # Currency in any of the usual spellings, before or after.
        ("1,5 млн тенге", 1_500_000),
        ("1,5 млн. тенге", 1_500_000),
        ("1 500 000 ₸", 1_500_000),
        (f"1{NNBSP}500{NNBSP}000{NBSP}₸", 1_500_000),
        ("1500000₸", 1_500_000),
        ("₸ 1500", 1_500),
        ("150000 тг", 150_000),
        ("150000 тг.", 150_000),
        ("150 000 теңге", 150_000),
        ("150 000 KZT", 150_000),
        ("300 мың теңге", 300_000),
        # Tiyn are rounded half up to whole tenge.
        ("1500,50", 1_501),
        ("1500.50", 1_501),
        ("1500,49", 1_500),
        ("1500,5", 1_501),
        ("1 500 000,50", 1_500_001),
        ("1.500.000,25", 1_500_000),
        ("1,500,000.75", 1_500_001),
        ("0,5", 1),
        ("1,0000005 млн", 1_000_001),
        (str(MAX_AMOUNT), MAX_AMOUNT),
        ("10 трлн", MAX_AMOUNT),
    ],
)
def test_parse_amount(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("тенге", "empty"),
        ("abc", "format"),
        ("много", "format"),
        ("млн", "format"),
        ("1,5,6", "format"),
        ("1.5.6", "format"),
        ("1.500,000", "format"),  # the grouping character must not change
        ("150.000.00", "format"),
        ("150000.000", "format"),  # three decimals but no thousands grouping: ambiguous
        ("12 34", "format"),  # two numbers
        ("100 200 300 тыс", "format"),  # grouped number before a word: likely several numbers
        ("1 500 тыс", "format"),
        ("1,5 млн 300 тыс", "format"),
        ("5 долларов", "format"),
        ("1e6", "format"),
        ("+500", "format"),
        ("-abc", "format"),
        ("1" * 80, "format"),
        ("-500", "negative"),
        ("−500", "negative"),  # U+2212 MINUS SIGN
        ("- 1,5 млн", "negative"),
        ("0", "zero"),
        ("0 тенге", "zero"),
        ("0,4", "zero"),
        ("0 млн", "zero"),
        (str(MAX_AMOUNT + 1), "too_large"),
        ("11 трлн", "too_large"),
        ("99999 млрд", "too_large"),
        ("9" * 40, "too_large"),
    ],
)
def test_parse_amount_rejects(text: str, reason: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.reason == reason


def test_amount_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="format"):
        parse_amount("abc")


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize("amount", [1, 999, 1_000, 150_000, 1_500_000, MAX_AMOUNT])
def test_format_tenge_uses_babel_grouping(amount: int, locale: str) -> None:
    assert format_tenge(amount, locale) == f"{format_decimal(amount, locale=locale)} ₸"


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_format_tenge_literal(locale: str) -> None:
    # Babel groups kk and ru thousands with a no-break space, so the sum never wraps.
    text = format_tenge(1_500_000, locale)
    assert text.replace(NBSP, " ").replace(NNBSP, " ") == "1 500 000 ₸"
    assert " " not in text.removesuffix(" ₸")
    assert "KZT" not in text
    assert ",00" not in text


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize("amount", [7, 150_000, 1_500_000, 2_000_000_000, MAX_AMOUNT])
def test_formatted_amount_parses_back(amount: int, locale: str) -> None:
    assert parse_amount(format_tenge(amount, locale)) == amount
