"""Times in a case thread never put an answer before its question (bot/views/times.py)."""

from __future__ import annotations

import pytest

from bot.views import times


def thread_time(stored: str, author: str, locale: str) -> str:
    # Babel separates "2026 ж." and "г." with a narrow no-break space; compare words.
    return times.thread_time(stored, author, locale).replace("\u202f", " ")


def hour_range(stored: str, locale: str) -> str:
    return times.hour_range(stored, locale).replace("\u202f", " ")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("kk", "2026 жылғы 23 қараша, 14:00–15:00"), ("ru", "23 ноября 2026 г., 14:00–15:00")],
)
def test_a_reporters_message_shows_the_hour_it_fell_in(locale: str, expected: str) -> None:
    assert thread_time("2026-11-23T09:00:00Z", "reporter", locale) == expected  # UTC+5


def test_a_moderators_message_shows_the_minute() -> None:
    assert thread_time("2026-11-23T09:25:13Z", "moderator", "ru") == "23 ноября 2026 г., 14:25"


def test_the_answer_is_never_shown_before_the_question() -> None:
    """A question at 14:25 and the answer at 14:40 (stored as 14:00): the answer reads
    14:00–15:00, a span that holds 14:40, never «14:00» alone."""
    question = thread_time("2026-11-23T09:25:00Z", "moderator", "kk")
    answer = thread_time("2026-11-23T09:00:00Z", "reporter", "kk")
    assert question.endswith("14:25")
    assert answer.endswith("14:00–15:00")


def test_the_last_hour_of_the_day_ends_at_midnight() -> None:
    assert hour_range("2026-11-23T18:00:00Z", "ru") == "23 ноября 2026 г., 23:00–00:00"
