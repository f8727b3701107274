"""Money amounts as people type them in chat, and showing them back in tenge.

People write amounts the way they say them: ``150 000``, ``1,5 млн``, ``300 мың``,
``2 млрд тенге``, ``1 500 000 ₸``. The report only needs whole tenge: tiyn are rarely
meaningful in a bribe or a contract, so fractions are rounded half up (``1500,50`` -> 1501).

Separators, because they are ambiguous, follow these rules:

* Spaces of any width (ordinary, no-break, narrow no-break, thin) group thousands.
* A dot or a comma followed by exactly three digits groups thousands (``150.000`` and
  ``150,000`` are both 150 000): nobody writes tiyn with three digits, so it cannot be a
  fraction. The grouping character must be the same throughout (``1.500.000``).
* A dot or a comma followed by one or two digits at the end is the fraction
  (``1500,50``, ``1 500 000.5``, ``1.500.000,50``).
* Before a multiplier word (``тыс``, ``мың``, ``млн``, ``миллион``, ``млрд``, ``трлн`` ...)
  the number must be a plain decimal: ``1,5 млн`` and ``1.5 млн`` are one and a half
  million, ``1.250 млн`` is 1 250 000. Grouped numbers before a word (``100 200 300 тыс``,
  ``1 500 тыс``) are refused: they more often are several numbers than one, and asking
  again is cheaper than a wrong amount in a report.

Errors carry a reason code, never user-facing text; the handlers translate the codes.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

MAX_AMOUNT = 10**13  # tenge; larger is a typo (the whole state budget is below that)

# Longer than any sensible amount ("1 500 000 000 000,00 тенге" is 26); stops silly input early.
_MAX_TEXT_LENGTH = 64

_THOUSAND = ("тыс", "тысяч", "тысяча", "тысячи", "тыщ", "мың", "к", "k")
_MILLION = ("млн", "миллион", "миллиона", "миллионов", "mln", "million")
_BILLION = ("млрд", "миллиард", "миллиарда", "миллиардов", "mlrd", "bln", "billion")
_TRILLION = ("трлн", "триллион", "триллиона", "триллионов", "trln", "trillion")
MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(_THOUSAND, 10**3),
    **dict.fromkeys(_MILLION, 10**6),
    **dict.fromkeys(_BILLION, 10**9),
    **dict.fromkeys(_TRILLION, 10**12),
}

_CURRENCY = r"(?:₸|тг|тнг|тенге|теңге|kzt|tenge|tg)\.?"
_CURRENCY_AFTER = re.compile(rf"\s*{_CURRENCY}$")
_CURRENCY_BEFORE = re.compile(r"^(?:₸|kzt)\s*")
_WITH_WORD = re.compile(r"^(?P<number>.*?\d)\s*(?P<word>[^\W\d_]+)\.?$")

_PLAIN = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[ .,])\d{3}(?:(?P=sep)\d{3})*(?:(?P<dec>[.,])\d{1,2})?$")
_SIMPLE_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")


class AmountError(ValueError):
    """The text is not a usable amount.

    ``reason`` is one of ``"empty"``, ``"format"``, ``"negative"``, ``"zero"``, ``"too_large"``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_amount(text: str) -> int:
    """Read an amount typed by a person and return whole tenge (rounded half up)."""
    cleaned = _normalize(text)
    if not cleaned:
        raise AmountError("empty")
    if len(cleaned) > _MAX_TEXT_LENGTH:
        raise AmountError("format")
    negative = cleaned.startswith("-")
    value = _parse_unsigned(cleaned.lstrip("-").lstrip())
    if negative:
        raise AmountError("negative")
    return _checked(value)


def format_tenge(amount: int, locale: str) -> str:
    """Whole tenge with the locale's grouping and the sign, e.g. ``1 500 000 ₸``.

    Babel's ``format_currency`` prints ``KZT`` for ``ru`` and adds ``,00``; people in
    Kazakhstan write whole tenge with the sign in both languages.
    """
    return f"{format_decimal(amount, locale=locale)} ₸"


def _normalize(text: str) -> str:
    """Lower-case, one ordinary space for any run of spaces, a plain minus, no currency."""
    cleaned = re.sub(r"\s+", " ", text.replace("\u2212", "-")).strip().lower()
    cleaned = _CURRENCY_AFTER.sub("", cleaned)
    return _CURRENCY_BEFORE.sub("", cleaned).strip()


def _parse_unsigned(text: str) -> Decimal:
    """Number with an optional multiplier word after it, without a sign."""
    match = _WITH_WORD.match(text)
    if match is None:
        return _parse_number(text)
    multiplier = MULTIPLIERS.get(match["word"])
    number = match["number"].strip()
    if multiplier is None or not _SIMPLE_DECIMAL.match(number):
        raise AmountError("format")
    return Decimal(number.replace(",", ".")) * multiplier


def _parse_number(text: str) -> Decimal:
    """A number without a word: plain, or grouped by thousands (see the module docstring)."""
    if _PLAIN.match(text):
        return Decimal(text.replace(",", "."))
    match = _GROUPED.match(text)
    if match is None or match["sep"] == match["dec"]:
        raise AmountError("format")
    digits = text.replace(match["sep"], "")
    if match["dec"]:
        digits = digits.replace(match["dec"], ".")
    return Decimal(digits)


def _checked(value: Decimal) -> int:
    """Round to whole tenge and apply the limits; huge values never reach ``quantize``."""
    if value > MAX_AMOUNT + 1:
        raise AmountError("too_large")
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole == 0:
        raise AmountError("zero")
    if whole > MAX_AMOUNT:
        raise AmountError("too_large")
    return whole
