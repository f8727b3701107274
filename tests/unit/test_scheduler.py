"""The reminder schedule (bot/scheduler.py): jobs, triggers, start-up catch-up, a real start."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import scheduler as scheduler_module
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.scheduler import DAILY_JOB_ID, DUE_JOB_ID, catch_up, create_scheduler
from bot.services.outbox import Outbox
from bot.services.reminders import Reminders
from tests.conftest import Clock
from tests.unit.test_reminders import add_moderator, add_report, queued

ALMATY = ZoneInfo("Asia/Almaty")
TODAY = date(2026, 11, 23)


@pytest.fixture
def clock_start() -> datetime:
    return datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 10:00 in Almaty


@pytest.fixture
def reminders(db: Database, keyring: Keyring, clock: Clock) -> Reminders:
    outbox = Outbox(db, OutboxRepository(db), keyring, now=clock)
    return Reminders(db, ModeratorRepository(db), outbox, now=clock)


class Broken:
    """Stands in for Reminders: every call fails with text that must never reach the log."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def send_due(self) -> int:
        self.calls.append("due")
        raise ValueError("KZ27-000001 кто взял деньги")

    async def send_daily_summary(self, local_date: date) -> int:
        self.calls.append(f"daily {local_date.isoformat()}")
        raise ValueError("KZ27-000001 кто взял деньги")


def test_two_jobs_with_the_right_triggers(reminders: Reminders) -> None:
    scheduler = create_scheduler(reminders, "Asia/Almaty", check_every=timedelta(minutes=10))
    assert str(scheduler.timezone) == "Asia/Almaty"
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {DUE_JOB_ID, DAILY_JOB_ID}

    due = jobs[DUE_JOB_ID]
    assert isinstance(due.trigger, IntervalTrigger)
    assert due.trigger.interval == timedelta(seconds=600)
    # The first check runs right after start, not ten minutes later.
    assert abs(due.next_run_time - datetime.now(UTC)) < timedelta(seconds=5)
    assert due.args == (reminders,)

    daily = jobs[DAILY_JOB_ID]
    assert isinstance(daily.trigger, CronTrigger)
    fields = {f.name: str(f) for f in daily.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["second"]) == ("9", "0", "0")
    assert str(daily.trigger.timezone) == "Asia/Almaty"
    after = datetime(2026, 11, 23, 10, 0, tzinfo=ALMATY)
    assert daily.trigger.get_next_fire_time(None, after) == datetime(
        2026, 11, 24, 4, 0, tzinfo=UTC
    )
    before = datetime(2026, 11, 23, 8, 59, tzinfo=ALMATY)
    assert daily.trigger.get_next_fire_time(None, before) == datetime(
        2026, 11, 23, 4, 0, tzinfo=UTC
    )


async def test_catch_up_after_nine_sends_todays_summary_once(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    await add_moderator(db, "almaty", "KZ-27")
    _, case = await add_report(db, "KZ-27", clock.now - timedelta(hours=50))

    await catch_up(reminders, "Asia/Almaty", clock.now)
    await catch_up(reminders, "Asia/Almaty", clock.now + timedelta(minutes=5))
    items = await queued(db, keyring)
    assert sorted((r, p["kind"]) for r, p in items) == [
        ("all", "mod_daily"),
        ("all", "mod_untaken"),
        ("almaty", "mod_daily"),
        ("almaty", "mod_untaken"),
    ]
    assert {p["date"] for _, p in items if p["kind"] == "mod_daily"} == {"2026-11-23"}
    assert {p["case"] for _, p in items if p["kind"] == "mod_untaken"} == {case}


async def test_catch_up_before_nine_sends_no_summary(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=ALMATY)
    await catch_up(reminders, "Asia/Almaty", clock.now)
    assert await queued(db, keyring) == []

    # Late in the local evening the UTC date is still the same, and the local one is used.
    clock.now = datetime(2026, 11, 23, 23, 30, tzinfo=ALMATY)
    await catch_up(reminders, "Asia/Almaty", clock.now.astimezone(UTC))
    assert [p["date"] for _, p in await queued(db, keyring)] == ["2026-11-23"]


async def test_job_failures_are_logged_by_type_only(caplog: pytest.LogCaptureFixture) -> None:
    broken: Any = Broken()  # duck-typed stand-in for Reminders
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await catch_up(broken, "Asia/Almaty", datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
        await scheduler_module._send_daily_summary(broken, "Asia/Almaty")
    today = datetime.now(ALMATY).date().isoformat()
    assert broken.calls == ["due", "daily 2026-11-23", f"daily {today}"]
    assert len(caplog.records) == 3
    assert all("ValueError" in r.getMessage() for r in caplog.records)
    assert "KZ27" not in caplog.text
    assert "деньги" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.filterwarnings("error")
async def test_starts_and_stops_in_the_running_loop(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    await add_report(db, "KZ-27", clock.now - timedelta(hours=49))
    scheduler = create_scheduler(reminders, check_every=timedelta(minutes=1))
    ran = asyncio.Event()
    scheduler.add_listener(
        lambda event: ran.set() if event.job_id == DUE_JOB_ID else None,
        EVENT_JOB_EXECUTED | EVENT_JOB_ERROR,
    )
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert jobs[DUE_JOB_ID].coalesce is True
        assert jobs[DUE_JOB_ID].max_instances == 1
        assert jobs[DUE_JOB_ID].misfire_grace_time == 60
        assert jobs[DAILY_JOB_ID].misfire_grace_time is not None
        # The first check runs right after start, and finishes before the shutdown.
        await asyncio.wait_for(ran.wait(), timeout=0.2)
        assert [p["kind"] for _, p in await queued(db, keyring)] == ["mod_untaken"]
    finally:
        scheduler.shutdown(wait=False)
    for _ in range(20):  # AsyncIOScheduler shuts down on the loop's next turn
        if not scheduler.running:
            break
        await asyncio.sleep(0.005)
    assert not scheduler.running
