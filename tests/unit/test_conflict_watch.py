"""Another copy of the bot with the same token: told once per incident, not once per poll."""

from __future__ import annotations

import logging

import pytest

from bot.intake.conflict import QUIET, REMIND, ConflictWatch


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.intake.conflict"]


def test_one_line_when_it_starts_a_reminder_while_it_lasts_one_when_it_is_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    clock = Clock()
    watch = ConflictWatch(clock)
    assert not watch.active
    # Two copies fight: a conflict, a poll that got through, every two seconds.
    while clock.now < 1000.0 + REMIND:
        watch.conflict(webhook=False)
        clock.now += 1
        watch.polled()
        clock.now += 1
    assert watch.active
    assert len(lines(caplog)) == 1 and "polls getUpdates" in lines(caplog)[0]
    watch.conflict(webhook=False)  # ten minutes on
    assert len(lines(caplog)) == 2 and "301 conflicts in 10 min" in lines(caplog)[1]
    clock.now += QUIET - 1
    watch.polled()
    assert watch.active and len(lines(caplog)) == 2  # not quiet for long enough yet
    clock.now += 1
    watch.polled()
    assert not watch.active
    assert len(lines(caplog)) == 3 and "has stopped (301 conflicts)" in lines(caplog)[2]
    watch.conflict(webhook=True)  # a new incident: told again, with what the other copy did
    assert len(lines(caplog)) == 4 and "set a webhook" in lines(caplog)[3]


def test_a_poll_without_an_incident_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    watch = ConflictWatch(Clock())
    for _ in range(3):
        watch.polled()
    assert lines(caplog) == [] and not watch.active
