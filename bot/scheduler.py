"""APScheduler jobs: the scheduler only decides *when*; the reminder rules and what was already
sent live in bot/services/reminders.py and the database.

Jobs are kept in memory and rebuilt at every start-up (nothing is pickled). A reminder that fell
due while the bot was down is found in the database by the first check, which runs right after
start; `catch_up` also sends today's summary when the bot starts after 09:00.

The app calls ``scheduler.start()`` inside the running event loop (AsyncIOScheduler needs one)
and ``scheduler.shutdown(wait=False)`` on stop.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.dates import DISPLAY_TZ
from bot.services.reminders import Reminders

log = logging.getLogger(__name__)

DUE_JOB_ID = "reminders_due"
DAILY_JOB_ID = "daily_summary"
DAILY_AT = time(9, 0)
# A summary held up (a busy loop, a suspended machine) is still worth sending until midday.
DAILY_GRACE = timedelta(hours=3)


def create_scheduler(
    reminders: Reminders,
    tz: str = DISPLAY_TZ,
    check_every: timedelta = timedelta(minutes=10),
) -> AsyncIOScheduler:
    """Two jobs: reminders every `check_every` (first right after start), summary at 09:00."""
    zone = ZoneInfo(tz)
    every = max(1, int(check_every.total_seconds()))
    scheduler = AsyncIOScheduler(
        timezone=zone,
        jobstores={"default": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": every},
    )
    scheduler.add_job(
        _send_due,
        IntervalTrigger(seconds=every, timezone=zone),
        args=(reminders,),
        id=DUE_JOB_ID,
        name=DUE_JOB_ID,
        next_run_time=datetime.now(zone),
        replace_existing=True,
    )
    scheduler.add_job(
        _send_daily_summary,
        CronTrigger(hour=DAILY_AT.hour, minute=DAILY_AT.minute, timezone=zone),
        args=(reminders, tz),
        id=DAILY_JOB_ID,
        name=DAILY_JOB_ID,
        misfire_grace_time=int(DAILY_GRACE.total_seconds()),
        replace_existing=True,
    )
    return scheduler


async def catch_up(reminders: Reminders, tz: str, now: datetime) -> None:
    """At start-up: send what fell due while the bot was down, and today's summary if 09:00
    has passed. Whatever was sent already is recorded, so this never sends anything twice."""
    await _send_due(reminders)
    local = now.astimezone(ZoneInfo(tz))
    if local.time() >= DAILY_AT:
        await _send_summary_for(reminders, local.date())


async def _send_due(reminders: Reminders) -> None:
    try:
        await reminders.send_due()
    except Exception as exc:
        # The type only: a message could quote a report. The next run tries again.
        log.error("reminders check failed: %s", type(exc).__name__)


async def _send_daily_summary(reminders: Reminders, tz: str) -> None:
    await _send_summary_for(reminders, datetime.now(ZoneInfo(tz)).date())


async def _send_summary_for(reminders: Reminders, local_date: date) -> None:
    try:
        await reminders.send_daily_summary(local_date)
    except Exception as exc:
        log.error("daily summary failed: %s", type(exc).__name__)
