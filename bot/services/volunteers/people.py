"""Becoming a volunteer, the moderators' decision, and the volunteer's own choices.

A volunteer's full name and phone number are sealed, bound to their pseudonym. They are read
back in two places only: for the volunteer themself (/me), and for a moderator whose regions
cover the volunteer's region (`identity`, audited). Nothing else, no log, no list, no task
another volunteer sees, carries them. Audit rows name a volunteer by number only, so that
after a deletion they point at nobody.

Every action writes its change, its audit row and the messages it causes in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.db.repositories.volunteer_tasks import TaskRepository
from bot.db.repositories.volunteers import NewVolunteer, Volunteer, VolunteerRepository
from bot.domain import GROUP_RECIPIENT
from bot.services.dates import to_db, utc_now
from bot.services.moderation import NotAllowedError
from bot.services.outbox import Outbox
from bot.services.regions import get_region
from bot.services.volunteers.audit import record, refusal, subject
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import check_name, check_text
from bot.services.volunteers.rules import (
    AVAILABILITY,
    MAX_REASON,
    PAGE,
    SKILLS,
    join_keys,
)
from bot.services.volunteers.trainings import TrainingService

LIVE = ("pending", "active", "paused")  # statuses of someone who has not left


@dataclass(frozen=True, slots=True)
class Application:
    name: str
    region: str
    phone: str  # +digits, already checked
    skills: tuple[str, ...]
    availability: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class VolunteerPage:
    volunteers: list[Volunteer]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE))


class VolunteerService:
    def __init__(
        self,
        *,
        db: Database,
        repo: VolunteerRepository,
        tasks: TaskRepository,
        trainings: TrainingService,
        moderators: ModeratorRepository,
        audit: AuditRepository,
        outbox: Outbox,
        keyring: Keyring,
        moderator_group: bool,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._tasks = tasks
        self._trainings = trainings
        self._moderators = moderators
        self._audit = audit
        self._outbox = outbox
        self._keyring = keyring
        self._group = moderator_group
        self._now = now

    # Reading

    async def get(self, pseudonym: str | None) -> Volunteer | None:
        return await self._repo.by_pseudonym(pseudonym) if pseudonym else None

    async def by_id(self, volunteer_id: int) -> Volunteer | None:
        return await self._repo.get(volunteer_id)

    def own_identity(self, volunteer: Volunteer) -> Identity:
        return Identity(
            self._unseal(volunteer.name_enc, volunteer.pseudonym, "name"),
            self._unseal(volunteer.phone_enc, volunteer.pseudonym, "phone"),
        )

    async def unlocks(self, volunteer: Volunteer) -> set[str]:
        return await self._repo.unlocks(volunteer.id)

    # Applying

    async def apply(self, pseudonym: str, application: Application) -> Volunteer:
        name = check_name(application.name)
        if get_region(application.region) is None:
            raise VolunteerActionError("region")
        skills = join_keys(application.skills, SKILLS)
        availability = join_keys(application.availability, AVAILABILITY)
        if not skills or not availability or not application.phone.startswith("+"):
            raise VolunteerActionError("incomplete")
        async with self._db.transaction():
            existing = await self._repo.by_pseudonym(pseudonym)
            if existing is not None and existing.status in LIVE:
                raise VolunteerActionError("already")
            volunteer_id = await self._repo.apply(
                NewVolunteer(
                    pseudonym=pseudonym,
                    region=application.region,
                    name_enc=self._seal(name, pseudonym, "name"),
                    phone_enc=self._seal(application.phone, pseudonym, "phone"),
                    skills=skills,
                    availability=availability,
                    applied_on=self._now().date().isoformat(),
                )
            )
            await self._log(None, "vol_apply", volunteer_id, application.region)
            payload = {"kind": "vol_application", "volunteer": volunteer_id}
            if self._group:
                await self._outbox.enqueue(GROUP_RECIPIENT, payload)
            else:
                for moderator in await self._moderators.for_region(application.region):
                    await self._outbox.enqueue(moderator.pseudonym, payload)
            found = await self._repo.get(volunteer_id)
        assert found is not None
        return found

    # Moderators

    async def for_moderator(
        self, moderator: Moderator | None, volunteer_id: int, *, action: str, actor_key: str | None
    ) -> Volunteer:
        """The volunteer, if this moderator covers their region; else audit and refuse."""
        volunteer = await self._repo.get(volunteer_id)
        if moderator is None or volunteer is None or not moderator.covers(volunteer.region):
            await refusal(
                self._audit, self._stamp(), moderator, actor_key, action, subject(volunteer_id)
            )
            raise NotAllowedError(action)
        return volunteer

    async def approve(self, moderator: Moderator, volunteer: Volunteer) -> None:
        async with self._db.transaction():
            if not await self._repo.set_status(
                volunteer.id, "active", expected=("pending",), decided_by=moderator.id
            ):
                raise VolunteerActionError("decided")
            await self._log(moderator, "vol_approve", volunteer.id, "active")
            await self._repo.count(volunteer.region, "approved")
            await self._outbox.enqueue(volunteer.pseudonym, {"kind": "vol_approved"})

    async def reject(self, moderator: Moderator, volunteer: Volunteer, reason: str) -> None:
        reason = check_text(reason, MAX_REASON)
        async with self._db.transaction():
            if not await self._repo.set_status(
                volunteer.id,
                "rejected",
                expected=("pending",),
                decided_by=moderator.id,
                reason=reason,
            ):
                raise VolunteerActionError("decided")
            await self._log(moderator, "vol_reject", volunteer.id, "rejected")
            await self._outbox.enqueue(
                volunteer.pseudonym, {"kind": "vol_rejected", "reason": reason}
            )

    async def identity(self, moderator: Moderator, volunteer: Volunteer) -> Identity:
        """Name and phone for a moderator of the volunteer's region; the reading is audited."""
        if not moderator.covers(volunteer.region):
            raise NotAllowedError("identity")
        await self._log(moderator, "vol_identity", volunteer.id, None)
        return self.own_identity(volunteer)

    async def page(
        self,
        moderator: Moderator,
        page: int,
        *,
        status: str | None = None,
        region: str | None = None,
        skill: str | None = None,
    ) -> VolunteerPage:
        page = max(0, page)
        found, total = await self._repo.page(
            moderator.regions, status, region, skill, page * PAGE, PAGE
        )
        return VolunteerPage(found, total, page)

    # The volunteer's own choices

    async def pause(self, volunteer: Volunteer) -> None:
        await self._own_status(volunteer, "paused", ("active",), "vol_pause")

    async def resume(self, volunteer: Volunteer) -> None:
        await self._own_status(volunteer, "active", ("paused",), "vol_resume")

    async def leave(self, volunteer: Volunteer) -> None:
        """Stop volunteering; tasks in hand go back to their moderators, seats ahead to the
        waiting lists."""
        async with self._db.transaction():
            await self._own_status(volunteer, "left", LIVE, "vol_leave")
            await self._release_tasks(volunteer)
            await self._trainings.release(volunteer)

    async def set_show_name(self, volunteer: Volunteer, show: bool) -> None:
        async with self._db.transaction():
            await self._repo.set_show_name(volunteer.id, show)
            await self._log(None, "vol_show_name", volunteer.id, str(int(show)))

    async def delete(self, volunteer: Volunteer) -> None:
        """Everything about the volunteer goes; the region's anonymous counts stay."""
        async with self._db.transaction():
            await self._release_tasks(volunteer)
            await self._trainings.release(volunteer)
            await self._tasks.forget_volunteer(volunteer.id)
            await self._repo.count(volunteer.region, "deleted")
            await self._repo.delete(volunteer.id)
            await self._log(None, "vol_delete", volunteer.id, None)

    async def _own_status(
        self, volunteer: Volunteer, status: str, expected: tuple[str, ...], action: str
    ) -> None:
        async with self._db.transaction():
            if not await self._repo.set_status(volunteer.id, status, expected=expected):
                raise VolunteerActionError("status")
            await self._log(None, action, volunteer.id, status)

    async def _release_tasks(self, volunteer: Volunteer) -> None:
        """Tasks the volunteer holds go back to their creators, who are told."""
        at = self._stamp()
        for task in await self._tasks.held_by(volunteer.id):
            await self._tasks.move(
                task.id,
                "new",
                expected=("offered", "in_progress", "submitted"),
                at=at,
                assignee=None,
            )
            await self._tasks.add_event(task.id, "released", at)
            creator = await self._moderators.get(task.creator)
            if creator is not None and creator.active:
                await self._outbox.enqueue(
                    creator.pseudonym,
                    {"kind": "vol_task_released", "task": task.id, "title": task.title},
                )

    # Helpers

    def _seal(self, value: str, pseudonym: str, what: str) -> bytes:
        return self._keyring.seal(value.encode(), f"volunteer-{what}:{pseudonym}".encode())

    def _unseal(self, blob: bytes, pseudonym: str, what: str) -> str:
        return self._keyring.unseal(blob, f"volunteer-{what}:{pseudonym}".encode()).decode()

    def _stamp(self) -> str:
        return to_db(self._now())

    async def _log(
        self, moderator: Moderator | None, action: str, volunteer_id: int, value: str | None
    ) -> None:
        await record(self._audit, self._stamp(), moderator, action, subject(volunteer_id), value)
