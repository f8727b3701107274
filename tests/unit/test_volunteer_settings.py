"""The volunteers' settings: the group's id, and the clock offset that only tests use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from bot import console
from bot.config import Settings
from bot.volunteer_jobs import ShiftedClock


def test_the_volunteers_group_and_the_offset_are_read_and_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VOLUNTEER_CHAT_ID", "-1001234567890")
    monkeypatch.setenv("TEST_CLOCK_OFFSET_SECONDS", "86400.5")
    settings = Settings(_env_file=None)
    assert settings.volunteer_chat_id == -1001234567890
    assert settings.test_clock_offset_seconds == 86400.5
    monkeypatch.setenv("VOLUNTEER_CHAT_ID", "the volunteers")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
    monkeypatch.delenv("VOLUNTEER_CHAT_ID")
    monkeypatch.setenv("TEST_CLOCK_OFFSET_SECONDS", "soon")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
    # Both have a hint in Kazakh and Russian when they are wrong.
    assert {"volunteer_chat_id", "test_clock_offset_seconds"} <= set(console.SETTING_HINTS)


def test_unset_means_no_group_and_the_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VOLUNTEER_CHAT_ID", "TEST_CLOCK_OFFSET_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.volunteer_chat_id is None and settings.test_clock_offset_seconds == 0
    clock = ShiftedClock(settings.test_clock_offset_seconds)
    assert abs(clock() - datetime.now(UTC)) < timedelta(seconds=2)


def test_a_shifted_clock_and_its_real_moments_agree() -> None:
    clock = ShiftedClock(3600)
    now = clock()
    assert abs(now - datetime.now(UTC) - timedelta(hours=1)) < timedelta(seconds=2)
    assert clock.real(now) <= datetime.now(UTC)
    assert clock.real(now + timedelta(minutes=5)) - clock.real(now) == timedelta(minutes=5)
