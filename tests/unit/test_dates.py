"""Typed dates, local display and stored UTC moments (bot/services/dates.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from bot.services.dates import (
    WHEN_CHOICES,
    DateError,
    coarse_hour,
    format_day,
    format_local_time,
    from_db,
    parse_exact_date,
    to_db,
    utc_now,
)

TODAY = date(2026, 11, 23)
ALMATY = ZoneInfo("Asia/Almaty")
NNBSP = "\u202f"


def test_when_choices() -> None:
    assert WHEN_CHOICES == ("today", "week", "month", "earlier")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.11.2026", date(2026, 11, 5)),
        ("5.11.2026", date(2026, 11, 5)),
        ("5.1.2026", date(2026, 1, 5)),
        ("05/11/2026", date(2026, 11, 5)),
        ("05-11-2026", date(2026, 11, 5)),
        ("2026-11-05", date(2026, 11, 5)),
        ("2026.11.05", date(2026, 11, 5)),
        ("5.11.26", date(2026, 11, 5)),
        ("05.11.00", date(2000, 11, 5)),
        ("  23.11.2026 ", TODAY),
        ("29.02.2024", date(2024, 2, 29)),
        ("01.01.2000", date(2000, 1, 1)),
    ],
)
def test_parse_exact_date(text: str, expected: date) -> None:
    assert parse_exact_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("вчера", "format"),
        ("5 ноября", "format"),
        ("05.11", "format"),
        ("31.02.2026", "format"),
        ("29.02.2025", "format"),
        ("00.11.2026", "format"),
        ("05.13.2026", "format"),
        ("05.11/2026", "format"),  # mixed separators
        ("05.11.226", "format"),
        ("2026-13-01", "format"),
        ("0000-01-01", "format"),
        ("24.11.2026", "future"),
        ("01.01.2027", "future"),
        ("5.11.99", "future"),  # two digits are 20YY: 2099
        ("31.12.1999", "too_old"),
        ("1999-06-01", "too_old"),
        ("01.01.0999", "too_old"),
    ],
)
def test_parse_exact_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_exact_date(text, TODAY)
    assert caught.value.reason == reason


def test_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="future"):
        parse_exact_date("24.11.2026", TODAY)


@pytest.mark.parametrize("day", [date(2026, 1, 15), date(2026, 7, 15)])
def test_almaty_is_utc_plus_five_all_year(day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=ALMATY)
    assert moment.utcoffset() == timedelta(hours=5)


@pytest.mark.parametrize("day", [date(2026, 11, 22), date(2000, 1, 1), date(2026, 3, 8)])
def test_format_day_matches_babel_in_russian(day: date) -> None:
    assert format_day(day, "ru") == format_date(day, format="long", locale="ru")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        # Not Babel's «2026 ж. 22 қараша»: a Kazakh sentence writes the year in full.
        ("kk", "2026 жылғы 22 қараша"),
        ("ru", "22 ноября 2026 г."),
    ],
)
def test_format_day_literal(locale: str, expected: str) -> None:
    assert format_day(date(2026, 11, 22), locale).replace(NNBSP, " ") == expected


KAZAKH_MONTHS = [
    *("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым"),
    *("шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
]


@pytest.mark.parametrize("month", range(1, 13))
def test_kazakh_dates_name_every_month_in_full(month: int) -> None:
    text = format_day(date(2000, month, 1), "kk")
    assert text == f"2000 жылғы 1 {KAZAKH_MONTHS[month - 1]}"
    assert " ж." not in text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("kk", "2026 жылғы 23 қараша, 19:00"), ("ru", "23 ноября 2026 г., 19:00")],
)
def test_format_local_time_literal(locale: str, expected: str) -> None:
    moment = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert format_local_time(moment, locale).replace(NNBSP, " ") == expected


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 23, 14, 5, tzinfo=UTC),
        datetime(2026, 7, 15, 0, 30, tzinfo=UTC),
        datetime(2026, 12, 31, 19, 0, tzinfo=UTC),  # already 1 January in Almaty
    ],
)
def test_format_local_time_is_almaty_date_and_time(moment: datetime, locale: str) -> None:
    local = moment.astimezone(ALMATY)
    text = format_local_time(moment, locale)
    assert text == f"{format_day(local.date(), locale)}, {local:%H:%M}"


def test_format_local_time_crosses_midnight() -> None:
    text = format_local_time(datetime(2026, 12, 31, 19, 30, tzinfo=UTC), "ru")
    assert text.replace(NNBSP, " ") == "1 января 2027 г., 00:30"


def test_format_local_time_converts_any_offset_and_other_zones() -> None:
    moment = datetime(2026, 11, 23, 17, 0, tzinfo=timezone(timedelta(hours=3)))  # 14:00 UTC
    assert format_local_time(moment, "ru").endswith(", 19:00")
    assert format_local_time(moment, "ru", tz="UTC").endswith(", 14:00")


def test_format_local_time_refuses_naive() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_local_time(datetime(2026, 11, 23, 14, 0), "kk")


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 14, 59, 59, 999999, tzinfo=UTC), datetime(2026, 11, 23, 14)),
        (datetime(2026, 11, 23, 14, 0, tzinfo=UTC), datetime(2026, 11, 23, 14)),
        (datetime(2026, 11, 23, 19, 42, 7, tzinfo=ALMATY), datetime(2026, 11, 23, 14)),
        (datetime(2026, 11, 23, 0, 10, tzinfo=ALMATY), datetime(2026, 11, 22, 19)),
    ],
)
def test_coarse_hour(moment: datetime, expected: datetime) -> None:
    result = coarse_hour(moment)
    assert result == expected.replace(tzinfo=UTC)
    assert result.tzinfo == UTC


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 23, 14, 0, tzinfo=UTC), "2026-11-23T14:00:00Z"),
        (datetime(2026, 11, 23, 19, 0, 5, tzinfo=ALMATY), "2026-11-23T14:00:05Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), "2026-01-02T03:04:05Z"),
    ],
)
def test_to_db(moment: datetime, text: str) -> None:
    assert to_db(moment) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T14:00:00Z", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
        ("2026-11-23T19:00:00+05:00", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
        ("2026-11-23T14:00:00+00:00", datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
    ],
)
def test_from_db(text: str, expected: datetime) -> None:
    result = from_db(text)
    assert result == expected
    assert result.tzinfo == UTC


@pytest.mark.parametrize("text", ["2026-11-23T14:00:00", "2026-11-23 14:00:00", "not a date"])
def test_from_db_refuses_text_without_a_zone(text: str) -> None:
    with pytest.raises(ValueError):
        from_db(text)


def test_db_round_trip_and_text_order() -> None:
    moments = [datetime(2026, 11, 23, hour, tzinfo=UTC) for hour in (9, 10, 23)]
    texts = [to_db(moment) for moment in moments]
    assert [from_db(text) for text in texts] == moments
    assert sorted(texts) == texts


@pytest.mark.parametrize("function", [coarse_hour, to_db])
def test_naive_moments_are_refused(function: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        function(datetime(2026, 11, 23, 14, 0))
