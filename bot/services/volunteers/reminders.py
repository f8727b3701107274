"""Volunteers' reminders: training sessions (24 h and 1 h before), task deadlines (48 h and
24 h before, and an overdue flag to the task's creator), and the weekly micro-lesson.

The scheduler only decides *when* to look (bot/volunteer_jobs.py); what is due, and whether it
was sent, is decided here against the database. Each reminder is recorded in
``reminders_sent`` in the same transaction as its outbox rows, under a subject that includes
the time it is about (a moved session or deadline gets fresh reminders). So:

- a reminder fires once, however many jobs, sweeps and restarts look at it;
- a reminder that fell due while the bot was down is sent once, late, if the session has not
  started yet (only the latest due one: at 30 minutes before, "1 h" is sent, "24 h" is
  recorded as passed), and dropped once it has started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.db.connection import Database
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.trainings import Training, TrainingRepository
from bot.db.repositories.volunteer_reminders import SentReminders
from bot.db.repositories.volunteer_tasks import TaskRepository
from bot.db.repositories.volunteers import VolunteerRepository
from bot.domain import VOLUNTEERS_RECIPIENT, Priority
from bot.services.dates import from_db, to_db, utc_now
from bot.services.outbox import Outbox
from bot.services.volunteers.lessons import Lesson, all_lessons
from bot.services.volunteers.rules import TASK_REMINDERS, TRAINING_REMINDERS
from bot.services.volunteers.trainings import training_payload

log = logging.getLogger(__name__)


class VolunteerReminders:
    def __init__(
        self,
        *,
        db: Database,
        trainings: TrainingRepository,
        tasks: TaskRepository,
        volunteers: VolunteerRepository,
        moderators: ModeratorRepository,
        outbox: Outbox,
        volunteer_group: bool,
        now: Callable[[], datetime] = utc_now,
        lessons: Callable[[], tuple[Lesson, ...]] = all_lessons,
    ) -> None:
        self._db = db
        self._trainings = trainings
        self._tasks = tasks
        self._volunteers = volunteers
        self._moderators = moderators
        self._outbox = outbox
        self._group = volunteer_group
        self._now = now
        self._lessons = lessons
        self._sent = SentReminders(db)

    def now(self) -> datetime:
        return self._now()

    async def upcoming_trainings(self) -> list[Training]:
        return await self._trainings.scheduled_after(to_db(self._now()))

    # Training sessions

    async def send_training_reminders(self, training_id: int | None = None) -> int:
        """Queue what is due for one session (a job fired) or all (a sweep); return how many
        volunteers were reminded."""
        now = self._now()
        queued = 0
        async with self._db.transaction():
            if training_id is not None:
                found = await self._trainings.get(training_id)
                trainings = [found] if found is not None else []
            else:
                trainings = await self._trainings.scheduled_after(to_db(now))
            for training in trainings:
                queued += await self._remind_training(training, now)
        if queued:
            log.info("training reminders queued: %d", queued)
        return queued

    async def _remind_training(self, training: Training, now: datetime) -> int:
        start = from_db(training.starts_at)
        if training.status != "scheduled" or start <= now:
            return 0  # cancelled or started: a reminder not sent by now is dropped
        which = await self._fresh(
            "training", TRAINING_REMINDERS, start, now, f"{training.id}@{training.starts_at}"
        )
        if which is None:
            return 0
        payload = training_payload(training, "vol_training_reminder")
        payload["before"] = which
        queued = 0
        for seat in await self._trainings.seats(training.id, ("joined",)):
            volunteer = await self._volunteers.get(seat.volunteer_id)
            if volunteer is None or volunteer.status not in ("active", "paused"):
                continue
            await self._outbox.enqueue(volunteer.pseudonym, payload)
            queued += 1
        if self._group:
            await self._outbox.enqueue(VOLUNTEERS_RECIPIENT, payload)
        return queued

    # Task deadlines

    async def send_task_reminders(self) -> int:
        now = self._now()
        horizon = max(TASK_REMINDERS.values())
        queued = 0
        async with self._db.transaction():
            for task in await self._tasks.due_for_reminders(to_db(now + horizon)):
                deadline = from_db(task.deadline)
                base = {
                    "task": task.id,
                    "title": task.title,
                    "skill": task.skill,
                    "region": task.region,
                    "deadline": task.deadline,
                }
                if deadline <= now:
                    if await self._claim("task_overdue", f"{task.id}@{task.deadline}", now):
                        creator = await self._moderators.get(task.creator)
                        if creator is not None and creator.active:
                            await self._outbox.enqueue(
                                creator.pseudonym,
                                {"kind": "vol_task_overdue", **base, "status": task.status},
                            )
                            queued += 1
                    continue
                if task.assignee is None or task.status not in ("offered", "in_progress"):
                    continue
                which = await self._fresh(
                    "task", TASK_REMINDERS, deadline, now, f"{task.id}@{task.deadline}"
                )
                holder = await self._volunteers.get(task.assignee)
                if which is None or holder is None:
                    continue
                await self._outbox.enqueue(
                    holder.pseudonym, {"kind": "vol_task_deadline", **base, "before": which}
                )
                queued += 1
        if queued:
            log.info("task reminders queued: %d", queued)
        return queued

    # Weekly lessons

    async def send_lesson(self, week_of: date) -> int:
        """This week's lesson to every active volunteer, once per ISO week, in turn."""
        lessons = self._lessons()
        if not lessons:
            return 0
        year, week, _ = week_of.isocalendar()
        week_key = f"{year}-W{week:02d}"
        now = self._now()
        queued = 0
        async with self._db.transaction():
            volunteers = await self._volunteers.active_in(None)
            if not volunteers:
                return 0  # nobody to teach yet: the first lesson waits for the first volunteer
            sent_before = await self._sent.count("lesson")
            if not await self._claim("lesson", week_key, now):
                return 0
            lesson = lessons[sent_before % len(lessons)]
            for volunteer in volunteers:
                await self._outbox.enqueue(
                    volunteer.pseudonym,
                    {"kind": "vol_lesson", "lesson": lesson.key},
                    priority=Priority.BULK,
                    dedupe=f"vol_lesson:{week_key}:{volunteer.id}",
                )
                queued += 1
        log.info("weekly lesson queued: %d", queued)
        return queued

    # Helpers

    async def _fresh(
        self,
        prefix: str,
        offsets: dict[str, timedelta],
        moment: datetime,
        now: datetime,
        subject: str,
    ) -> str | None:
        """Record every reminder now due for `moment`; the latest one that was not recorded
        before is the one to send (None: nothing new)."""
        due = [key for key, before in offsets.items() if moment - before <= now]
        fresh = [key for key in due if await self._claim(f"{prefix}_{key}", subject, now)]
        return min(fresh, key=lambda key: offsets[key]) if fresh else None

    async def _claim(self, kind: str, subject: str, now: datetime) -> bool:
        return await self._sent.claim(kind, subject, to_db(now))
