"""APScheduler jobs for volunteers: when to look for training reminders, task deadlines and
the weekly lesson. What is due and whether it was sent is decided by
bot/services/volunteers/reminders.py against the database.

- Each scheduled session has two date jobs, ``training:<id>:24h`` and ``training:<id>:1h``,
  holding the session's id only. They live in memory and are rebuilt from the database at
  every start-up (nothing is pickled); moving a session re-plans them, cancelling drops them.
- A sweep every few minutes, and one right at start-up, catches anything a job missed (a
  reminder due while the bot was down is sent once if the session has not started).
- Task deadlines are swept the same way; the lesson goes out on Mondays at 10:00 Almaty.

The volunteers' clock can be shifted for end-to-end tests (TEST_CLOCK_OFFSET_SECONDS): the
services then believe it is later than it is, and every job runs at the real moment that
corresponds to its shifted time. In production the offset is 0.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services.dates import from_db, utc_now
from bot.services.volunteers.reminders import VolunteerReminders
from bot.services.volunteers.rules import TRAINING_REMINDERS

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "volunteers_sweep"
LESSON_JOB_ID = "volunteers_lesson"
LESSON_DAY, LESSON_AT = 0, time(10, 0)  # Monday, 10:00 local
SWEEP_EVERY = timedelta(minutes=5)


class ShiftedClock:
    """`now()` for the volunteers' services: the real time plus a test-only offset."""

    def __init__(self, offset_seconds: float = 0.0) -> None:
        self.offset = timedelta(seconds=offset_seconds)

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def real(self, moment: datetime) -> datetime:
        """The real moment at which the services' clock shows `moment`."""
        return moment - self.offset


def job_id(training_id: int, which: str) -> str:
    return f"training:{training_id}:{which}"


class VolunteerJobs:
    """The planner of training reminders (see `Planner` in the trainings service)."""

    def __init__(self, reminders: VolunteerReminders, clock: ShiftedClock, tz: str) -> None:
        self._reminders = reminders
        self._clock = clock
        self._zone = ZoneInfo(tz)
        self._scheduler: BaseScheduler | None = None

    def attach(self, scheduler: BaseScheduler) -> None:
        self._scheduler = scheduler
        scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=int(SWEEP_EVERY.total_seconds()), timezone=self._zone),
            id=SWEEP_JOB_ID,
            name=SWEEP_JOB_ID,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        scheduler.add_job(
            self.lesson,
            CronTrigger(
                day_of_week=LESSON_DAY,
                hour=LESSON_AT.hour,
                minute=LESSON_AT.minute,
                timezone=self._zone,
            ),
            id=LESSON_JOB_ID,
            name=LESSON_JOB_ID,
            misfire_grace_time=int(timedelta(hours=6).total_seconds()),
            replace_existing=True,
        )

    async def start(self) -> None:
        """At start-up: send what fell due while the bot was down, then plan every session
        ahead from the database."""
        await self.sweep()
        local = self._clock().astimezone(self._zone)
        if local.weekday() > LESSON_DAY or local.time() >= LESSON_AT:
            await self.lesson()
        try:
            upcoming = await self._reminders.upcoming_trainings()
        except Exception as exc:
            log.error("planning training reminders failed: %s", type(exc).__name__)
            return
        for training in upcoming:
            self.plan(training.id, from_db(training.starts_at))

    def plan(self, training_id: int, starts_at: datetime) -> None:
        if self._scheduler is None:
            return  # not running yet: start() plans from the database
        real_now = utc_now()
        for which, before in TRAINING_REMINDERS.items():
            ident = job_id(training_id, which)
            run_at = self._clock.real(starts_at - before)
            if run_at <= real_now:
                self._remove(ident)  # past: the sweep and start-up catch-up own it
                continue
            self._scheduler.add_job(
                self.fire,
                DateTrigger(run_date=run_at),
                args=(training_id,),
                id=ident,
                name=ident,
                misfire_grace_time=None,  # however late: the service decides if still useful
                replace_existing=True,
            )

    def drop(self, training_id: int) -> None:
        for which in TRAINING_REMINDERS:
            self._remove(job_id(training_id, which))

    def _remove(self, ident: str) -> None:
        if self._scheduler is not None and self._scheduler.get_job(ident) is not None:
            self._scheduler.remove_job(ident)

    async def fire(self, training_id: int) -> None:
        try:
            await self._reminders.send_training_reminders(training_id)
        except Exception as exc:
            # The type only: the next sweep tries again.
            log.error("training reminder failed: %s", type(exc).__name__)

    async def sweep(self) -> None:
        for check in (
            self._reminders.send_training_reminders,
            self._reminders.send_task_reminders,
        ):
            try:
                await check()
            except Exception as exc:
                log.error("volunteers' reminders check failed: %s", type(exc).__name__)

    async def lesson(self) -> None:
        try:
            await self._reminders.send_lesson(self._clock().astimezone(self._zone).date())
        except Exception as exc:
            log.error("weekly lesson failed: %s", type(exc).__name__)
