"""Numbers and odd arguments after moderators' commands (issue 8 §3).

One parser reads every number a person types (bot/services/numbers.py): ASCII digits only,
within bounds. `²` (a digit to `str.isdigit`, an error to `int`), twenty-digit numbers (an
OverflowError in SQLite) and a Telegram id no Telegram user can have get a usage answer. Then
a property test: random arguments after every command that takes one, from a moderator who is
also a superadmin and from a citizen; no handler raises, and every answer fits Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aiogram.utils.i18n import I18n
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bot.config import Settings
from bot.db.connection import Database
from bot.services.numbers import (
    ROW_ID_MAX,
    TELEGRAM_USER_ID_MAX,
    parse_number,
    parse_row_id,
    parse_user_id,
)
from bot.views.common import button_expired_text
from bot.views.moderation import assign_usage_text, mod_add_usage, mod_remove_usage
from tests import updates as u
from tests.conftest import Chat, render
from tests.properties import budget
from tests.telegram_rules import check
from tests.unit.test_moderation import CITIZEN, file_case, invariants, moderation_settings  # noqa: F401
from tests.unit.test_report_flow import onboard

BOSS = 910  # a superadmin and a moderator of all regions
TWENTY_DIGITS = "99999999999999999999"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" #12 ", 12),
        ("007", 7),
        ("²", None),
        ("1²", None),
        ("٣", None),  # an Arabic-Indic three
        ("1_000", None),
        ("+5", None),
        ("-5", None),
        ("1.5", None),
        ("0", None),
        ("", None),
        ("#", None),
        (TWENTY_DIGITS, None),
    ],
)
def test_one_parser_for_numbers(text: str, expected: int | None) -> None:
    assert parse_number(text, maximum=ROW_ID_MAX) == expected


def test_bounds() -> None:
    assert parse_user_id(str(TELEGRAM_USER_ID_MAX)) == TELEGRAM_USER_ID_MAX
    assert parse_user_id(str(TELEGRAM_USER_ID_MAX + 1)) is None  # no Telegram user has it
    assert parse_row_id(str(ROW_ID_MAX)) == ROW_ID_MAX
    assert parse_row_id(str(ROW_ID_MAX + 1)) is None  # SQLite would overflow


@examples(max_examples=budget(300), deadline=None)
@given(text=st.text(max_size=30))
def test_the_parser_takes_only_ascii_digits(text: str) -> None:
    value = parse_number(text, maximum=ROW_ID_MAX)
    if value is not None:
        digits = text.strip().removeprefix("#")
        assert digits.isascii() and digits.isdigit() and int(digits) == value
        assert 1 <= value <= ROW_ID_MAX


@pytest.fixture
def settings(db_path: Any) -> Settings:
    return moderation_settings(db_path, admin_ids=(BOSS,))


@pytest.fixture
async def boss(chat: Chat, i18n: I18n) -> Chat:
    person = u.user(BOSS, "ru")
    await onboard(chat, person, "ru")
    await chat.send(u.text(person, f"/mod_add {BOSS} all"))
    await file_case(chat, i18n, "confidential")
    return chat


@pytest.fixture
def handler_errors() -> Iterator[list[logging.LogRecord]]:
    """What the errors router logged: a handler that raised."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.ERROR)
    logger = logging.getLogger("bot.handlers.errors")
    logger.addHandler(keep)
    yield records
    logger.removeHandler(keep)


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/assign KZ27-000001 ²", assign_usage_text),
        ("/assign KZ27-000001 " + TWENTY_DIGITS, assign_usage_text),
        ("/assign KZ27-000001 1.5", assign_usage_text),
        ("/mod_add ² KZ-27", mod_add_usage),
        ("/mod_add " + TWENTY_DIGITS + " KZ-27", mod_add_usage),
        (f"/mod_add {TELEGRAM_USER_ID_MAX + 1} KZ-27", mod_add_usage),
        ("/mod_add 0 KZ-27", mod_add_usage),
        ("/mod_remove ²", mod_remove_usage),
        ("/mod_remove " + TWENTY_DIGITS, mod_remove_usage),
        ("/mod_remove -1", mod_remove_usage),
    ],
)
async def test_odd_numbers_get_a_usage_answer(
    boss: Chat,
    db: Database,
    i18n: I18n,
    handler_errors: list[logging.LogRecord],
    command: str,
    usage: Any,
) -> None:
    moderators = await db.fetchall("SELECT * FROM moderators")
    texts = await boss.texts(u.text(u.user(BOSS, "ru"), command))
    assert texts == [render(i18n, usage, "ru")]
    assert handler_errors == []
    assert await db.fetchall("SELECT * FROM moderators") == moderators  # nobody was added


@pytest.mark.parametrize(
    "data",
    [
        f"md:take:{TWENTY_DIGITS}:",
        "md:take:-1:",
        f"pg:h:{TWENTY_DIGITS}:0",
        f"pg:a:1:{TWENTY_DIGITS}",
        f"pg:r:0:{TWENTY_DIGITS}",
        f"q:{TWENTY_DIGITS}",
        "q:-5",
    ],
)
async def test_odd_numbers_in_buttons_are_refused_or_clamped(
    boss: Chat, i18n: I18n, handler_errors: list[logging.LogRecord], data: str
) -> None:
    replies = await boss.send(u.callback(u.user(BOSS, "ru"), data))
    shown = check(replies)
    assert handler_errors == []
    assert shown  # an answer: the button is refused, or the nearest page is shown
    if data.startswith("md:"):
        assert shown == [render(i18n, button_expired_text, "ru")]


COMMANDS_WITH_ARGUMENTS = [
    "/queue",
    "/case",
    "/status",
    "/ask",
    "/note",
    "/assign",
    "/audit",
    "/ban",
    "/unban",
    "/stats",
    "/export",
    "/mod_add",
    "/mod_remove",
    "/ban_tag",
    "/unban_tag",
]
numberish = st.from_regex(r"[#@]?[0-9²³¹٣٤]{1,25}", fullmatch=True)
words = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    numberish,
    st.sampled_from(["KZ27-000001", "KZ-27", "all", "me", "csv", "year", "rejected", "@x<y"]),
)
arguments = st.lists(words, max_size=4).map(" ".join)


@examples(
    max_examples=budget(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=st.sampled_from(COMMANDS_WITH_ARGUMENTS), args=arguments, as_citizen=st.booleans())
async def test_no_handler_raises_on_any_argument(
    boss: Chat,
    handler_errors: list[logging.LogRecord],
    command: str,
    args: str,
    as_citizen: bool,
) -> None:
    person = u.user(CITIZEN if as_citizen else BOSS, "ru")
    replies = await boss.send(u.text(person, f"{command} {args}".strip()))
    check(replies)
    assert handler_errors == [], (command, args)
