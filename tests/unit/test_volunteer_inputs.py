"""Free input of the volunteering flows, with hypothesis: phone numbers, names, texts, dates
and numbers never crash a parser, and what they accept is always in shape."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.volunteers.inputs import (
    InputError,
    check_line,
    check_name,
    check_text,
    contact_phone,
    parse_capacity,
    parse_moment,
    parse_phone,
    parse_ref,
)
from bot.services.volunteers.rules import MAX_CAPACITY, MAX_NAME
from tests.properties import budget

KZ_NUMBER = re.compile(r"^\+77\d{9}$")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed",
    [
        "+77011234567",
        "+7 701 123 45 67",
        "+7 (701) 123-45-67",
        "87011234567",
        "8 701 123 45 67",
        "8-701-123-45-67",
        "7011234567",
        "77011234567",
        "\u200b+7\u00a0701\u202f123\u202f45\u202f67",  # what phones paste
        "8 (701) 123–45–67",
    ],
)
def test_usual_shapes_of_one_number(typed: str) -> None:
    assert parse_phone(typed) == "+77011234567"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "phone"),
        ("²²²", "phone"),
        ("+7 701 123 45 6", "phone"),
        ("+8 701 123 45 67", "phone"),
        ("8 (901) 123-45-67", "phone_not_kz"),  # a Russian mobile
        ("+998 90 123 45 67", "phone"),
        ("+7 701 123 45 67 доб. 2", "phone"),
        ("７０１１２３４５６７", "phone"),  # full-width digits are not what people mean
        ("1" * 1000, "phone"),
    ],
)
def test_what_is_not_a_kazakhstan_number(typed: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_phone(typed)
    assert caught.value.reason == reason


@settings(max_examples=budget(400), deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_clean_number_or_a_clear_no(text: str) -> None:
    try:
        number = parse_phone(text)
    except InputError as exc:
        assert exc.reason in ("phone", "phone_not_kz")
    else:
        assert KZ_NUMBER.match(number)


@settings(max_examples=budget(300), deadline=None)
@given(
    national=st.from_regex(r"7[0-9]{9}", fullmatch=True),
    prefix=st.sampled_from(["+7", "8", "7", ""]),
    separator=st.sampled_from(["", " ", "-", "\u00a0"]),
    brackets=st.booleans(),
)
def test_every_way_of_writing_a_number_reads_back_the_same(
    national: str, prefix: str, separator: str, brackets: bool
) -> None:
    code = f"({national[:3]})" if brackets else national[:3]
    parts = [code, national[3:6], national[6:8], national[8:]]
    typed = prefix + separator + separator.join(parts)
    assert parse_phone(typed) == "+7" + national


@settings(max_examples=budget(200), deadline=None)
@given(st.text(max_size=30))
def test_a_shared_contact_is_plus_and_digits(raw: str) -> None:
    try:
        number = contact_phone(raw)
    except InputError:
        return
    assert re.fullmatch(r"\+[0-9]{7,15}", number)


def test_a_shared_contact_with_a_leading_8_becomes_plus_7() -> None:
    assert contact_phone("87017654321") == "+77017654321"
    assert contact_phone("77017654321") == "+77017654321"
    assert contact_phone("+998901234567") == "+998901234567"


@settings(max_examples=budget(400), deadline=None)
@given(st.text(max_size=150))
def test_names_are_letters_within_the_limit(text: str) -> None:
    try:
        name = check_name(text)
    except InputError as exc:
        assert exc.reason in ("too_long", "name_short", "name_chars")
    else:
        assert 2 <= len(name) <= MAX_NAME
        assert "<" not in name and "\n" not in name and name == name.strip()
        assert sum(ch.isalpha() for ch in name) >= 2


def test_names_people_have() -> None:
    assert check_name("  Әсел   Құрманғалиқызы ") == "Әсел Құрманғалиқызы"
    assert check_name("Жан-Поль О’Коннор") == "Жан-Поль О’Коннор"
    for bad in ("\u200b\u200b", "<b>Иван</b>", "Иван 2", "A", "x" * 101):
        with pytest.raises(InputError):
            check_name(bad)


@settings(max_examples=budget(300), deadline=None)
@given(st.text(max_size=400), st.integers(min_value=1, max_value=300))
def test_texts_fit_their_limit_or_are_refused(text: str, limit: int) -> None:
    for check in (check_text, check_line):
        try:
            value = check(text, limit)
        except InputError as exc:
            assert exc.reason in ("too_long", "too_short")
        else:
            assert 1 <= len(value) <= limit
            assert any(ch.isalnum() for ch in value)
    with pytest.raises(InputError):
        check_text("\u200b \u2060 \ufeff", 100)  # invisible only


@settings(max_examples=budget(300), deadline=None)
@given(st.text(max_size=40))
def test_moments_are_in_the_future_within_a_year(text: str) -> None:
    try:
        moment = parse_moment(text, NOW, "Asia/Almaty")
    except InputError as exc:
        assert exc.reason in ("moment", "moment_time", "moment_past", "moment_far")
    else:
        assert NOW < moment <= NOW + timedelta(days=366)
        assert moment.tzinfo is not None


def test_moments_are_read_in_almaty_time() -> None:
    assert parse_moment("25.11.2026 19:00", NOW, "Asia/Almaty") == datetime(
        2026, 11, 25, 14, 0, tzinfo=UTC
    )
    # A date alone is a deadline at 18:00.
    assert parse_moment("25.11.2026", NOW, "Asia/Almaty") == datetime(
        2026, 11, 25, 13, 0, tzinfo=UTC
    )
    with pytest.raises(InputError) as caught:
        parse_moment("25.11.2026", NOW, "Asia/Almaty", date_only_hour=None)
    assert caught.value.reason == "moment_time"
    for bad, reason in (
        ("23.11.2026 13:59", "moment_past"),
        ("01.01.2030 10:00", "moment_far"),
        ("31.02.2027 10:00", "moment"),
        ("25.11.2026 25:00", "moment"),
    ):
        with pytest.raises(InputError) as caught:
            parse_moment(bad, NOW, "Asia/Almaty")
        assert caught.value.reason == reason


@settings(max_examples=budget(200), deadline=None)
@given(st.text(max_size=12))
def test_capacity_is_a_whole_number_in_range(text: str) -> None:
    try:
        number = parse_capacity(text)
    except InputError as exc:
        assert exc.reason == "number" and exc.details == {"maximum": MAX_CAPACITY}
    else:
        assert 1 <= number <= MAX_CAPACITY


def test_capacity_refuses_superscripts_and_zero() -> None:
    for bad in ("²", "0", "1001", "-5", "1.5", "двадцать"):
        with pytest.raises(InputError):
            parse_capacity(bad)
    assert parse_capacity(" 25 ") == 25


@settings(max_examples=budget(200), deadline=None)
@given(st.text(max_size=15))
def test_references_are_numbers_or_none(text: str) -> None:
    found = parse_ref(text)
    assert found is None or (isinstance(found, int) and found >= 0)
    assert parse_ref("#12") == parse_ref("№ 12") == parse_ref("12") == 12
