"""Wiring only: the volunteers' services, their scheduler jobs and their delivery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.reports import ReportRepository
from bot.db.repositories.trainings import TrainingRepository
from bot.db.repositories.volunteer_tasks import TaskRepository
from bot.db.repositories.volunteers import VolunteerRepository
from bot.delivery.volunteers import VolunteerDelivery
from bot.services.moderation import ModerationService
from bot.services.outbox import Outbox
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.recognition import RecognitionService
from bot.services.volunteers.reminders import VolunteerReminders
from bot.services.volunteers.tasks import TaskService
from bot.services.volunteers.trainings import TrainingService
from bot.volunteer_jobs import ShiftedClock, VolunteerJobs


@dataclass(frozen=True, slots=True)
class Volunteering:
    people: VolunteerService
    tasks: TaskService
    trainings: TrainingService
    recognition: RecognitionService
    reminders: VolunteerReminders
    jobs: VolunteerJobs
    clock: ShiftedClock

    def handler_data(self) -> dict[str, Any]:
        """What handlers ask for by name (Dispatcher workflow data)."""
        return {
            "volunteers": self.people,
            "vol_tasks": self.tasks,
            "trainings": self.trainings,
            "recognition": self.recognition,
        }

    def delivery(self, i18n: I18n, settings: Settings) -> VolunteerDelivery:
        return VolunteerDelivery(
            i18n=i18n,
            people=self.people,
            trainings=self.trainings,
            recognition=self.recognition,
            volunteer_chat_id=settings.volunteer_chat_id,
            now=self.clock,
        )


def create_volunteering(
    settings: Settings,
    db: Database,
    keyring: Keyring,
    *,
    outbox: Outbox,
    moderation: ModerationService,
    clock: ShiftedClock | None = None,
) -> Volunteering:
    clock = clock or ShiftedClock(settings.test_clock_offset_seconds)
    volunteers = VolunteerRepository(db)
    tasks = TaskRepository(db)
    trainings = TrainingRepository(db)
    moderators = ModeratorRepository(db)
    audit = AuditRepository(db)
    group = settings.volunteer_chat_id is not None
    reminders = VolunteerReminders(
        db=db,
        trainings=trainings,
        tasks=tasks,
        volunteers=volunteers,
        moderators=moderators,
        outbox=outbox,
        volunteer_group=group,
        now=clock,
    )
    jobs = VolunteerJobs(reminders, clock, settings.timezone)
    training_service = TrainingService(
        db=db,
        repo=trainings,
        volunteers=volunteers,
        audit=audit,
        outbox=outbox,
        volunteer_group=group,
        planner=jobs,
        now=clock,
    )
    people = VolunteerService(
        db=db,
        repo=volunteers,
        tasks=tasks,
        trainings=training_service,
        moderators=moderators,
        audit=audit,
        outbox=outbox,
        keyring=keyring,
        moderator_group=settings.moderator_chat_id is not None,
        now=clock,
    )
    return Volunteering(
        people=people,
        tasks=TaskService(
            db=db,
            repo=tasks,
            volunteers=volunteers,
            trainings=trainings,
            moderators=moderators,
            reports=ReportRepository(db),
            moderation=moderation,
            audit=audit,
            outbox=outbox,
            now=clock,
        ),
        trainings=training_service,
        recognition=RecognitionService(
            db=db, volunteers=volunteers, audit=audit, outbox=outbox, people=people, now=clock
        ),
        reminders=reminders,
        jobs=jobs,
        clock=clock,
    )
