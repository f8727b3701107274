"""Training sessions: invitations, seats and the waiting list, moves, attendance.

A session is invited to the active volunteers of its region (or of the whole country) as bulk
messages, and posted in the volunteers' group when there is one. A joined volunteer gets an
.ics file; a full session offers the waiting list, and a freed seat goes to the first on it,
who is told and gets the file. Moving or cancelling a session tells everyone on it and moves
or drops its reminders (the planner; the reminders themselves re-check the database).

Attendance is marked after the start; attending unlocks the skill the session teaches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.trainings import NewTraining, Seat, Training, TrainingRepository
from bot.db.repositories.volunteers import Volunteer, VolunteerRepository
from bot.domain import VOLUNTEERS_RECIPIENT, Priority
from bot.services.dates import from_db, to_db, utc_now
from bot.services.moderation import NotAllowedError
from bot.services.outbox import Outbox
from bot.services.regions import get_region
from bot.services.volunteers.audit import record, refusal, subject
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import check_line, check_text
from bot.services.volunteers.rules import (
    DURATIONS,
    MAX_AHEAD,
    MAX_CAPACITY,
    MAX_PLACE,
    MAX_TITLE,
    MAX_TRAINING_DESCRIPTION,
    POINTS_TRAINING_ATTENDED,
    SKILLS,
)


class Planner(Protocol):
    """Keeps the reminder jobs of a session in step with the database."""

    def plan(self, training_id: int, starts_at: datetime) -> None: ...

    def drop(self, training_id: int) -> None: ...


class NoPlanner:
    def plan(self, training_id: int, starts_at: datetime) -> None:
        pass

    def drop(self, training_id: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class TrainingDraft:
    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str
    starts_at: datetime
    minutes: int
    place: str
    region: str | None  # None: all of Kazakhstan
    capacity: int
    unlocks: str | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    volunteer: Volunteer
    seat: Seat


def training_payload(training: Training, kind: str) -> dict[str, Any]:
    """What a message about a session carries, to be drawn in each reader's language."""
    return {
        "kind": kind,
        "training": training.id,
        "title_kk": training.title_kk,
        "title_ru": training.title_ru,
        "starts": training.starts_at,
        "minutes": training.minutes,
        "place": training.place,
        "region": training.region,
        "unlocks": training.unlocks,
    }


class TrainingService:
    def __init__(
        self,
        *,
        db: Database,
        repo: TrainingRepository,
        volunteers: VolunteerRepository,
        audit: AuditRepository,
        outbox: Outbox,
        volunteer_group: bool,
        planner: Planner | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._volunteers = volunteers
        self._audit = audit
        self._outbox = outbox
        self._group = volunteer_group
        self.planner: Planner = planner or NoPlanner()
        self._now = now

    def now(self) -> datetime:
        """The volunteers' clock (shifted in end-to-end tests only)."""
        return self._now()

    # Moderators

    async def create(self, moderator: Moderator, draft: TrainingDraft) -> tuple[Training, int]:
        """Create the session and invite; returns it and how many volunteers were invited."""
        new = self._checked(moderator, draft)
        async with self._db.transaction():
            training_id = await self._repo.create(new, self._stamp())
            training = await self._get(training_id)
            await self._log(moderator, "training_new", training.id, training.starts_at)
            told = 0
            for volunteer in await self._volunteers.active_in(training.region):
                await self._outbox.enqueue(
                    volunteer.pseudonym,
                    training_payload(training, "vol_training_invite"),
                    priority=Priority.BULK,
                    dedupe=f"vol_invite:{training.id}:{volunteer.id}",
                )
                told += 1
            await self._to_group(training, "vol_training_invite")
        self.planner.plan(training.id, from_db(training.starts_at))
        return training, told

    def _checked(self, moderator: Moderator, draft: TrainingDraft) -> NewTraining:
        if draft.region is None:
            if moderator.regions is not None:
                raise NotAllowedError("training_new")
        elif get_region(draft.region) is None or not moderator.covers(draft.region):
            raise NotAllowedError("training_new")
        now = self._now()
        if not now < draft.starts_at <= now + MAX_AHEAD:
            raise VolunteerActionError("moment")
        if draft.minutes not in DURATIONS or not 1 <= draft.capacity <= MAX_CAPACITY:
            raise VolunteerActionError("incomplete")
        if draft.unlocks is not None and draft.unlocks not in SKILLS:
            raise VolunteerActionError("skill")
        return NewTraining(
            title_kk=check_line(draft.title_kk, MAX_TITLE),
            title_ru=check_line(draft.title_ru, MAX_TITLE),
            description_kk=check_text(draft.description_kk, MAX_TRAINING_DESCRIPTION),
            description_ru=check_text(draft.description_ru, MAX_TRAINING_DESCRIPTION),
            starts_at=to_db(draft.starts_at),
            minutes=draft.minutes,
            place=check_line(draft.place, MAX_PLACE),
            region=draft.region,
            capacity=draft.capacity,
            unlocks=draft.unlocks,
            creator=moderator.id,
        )

    async def for_moderator(
        self, moderator: Moderator | None, training_id: int, *, action: str, actor_key: str | None
    ) -> Training:
        """A session this moderator may manage: of their region; a country-wide one if they
        cover the whole country or created it. Anything else is refused and audited."""
        training = await self._repo.get(training_id)
        allowed = (
            moderator is not None
            and training is not None
            and (
                moderator.covers(training.region)
                if training.region is not None
                else moderator.regions is None or moderator.id == training.creator
            )
        )
        if not allowed:
            where = f"training:{training_id}"
            await refusal(self._audit, self._stamp(), moderator, actor_key, action, where)
            raise NotAllowedError(action)
        assert training is not None
        return training

    async def recent(self, moderator: Moderator) -> list[Training]:
        return await self._repo.recent_for(moderator.regions)

    async def move(self, moderator: Moderator, training: Training, starts_at: datetime) -> None:
        now = self._now()
        if not now < starts_at <= now + MAX_AHEAD:
            raise VolunteerActionError("moment")
        async with self._db.transaction():
            if not await self._repo.move(training.id, to_db(starts_at)):
                raise VolunteerActionError("cancelled")
            moved = await self._get(training.id)
            await self._log(moderator, "training_move", training.id, moved.starts_at)
            await self._tell_everyone(moved, "vol_training_moved", calendar=True)
        self.planner.plan(training.id, starts_at)

    async def cancel(self, moderator: Moderator, training: Training) -> None:
        async with self._db.transaction():
            if not await self._repo.cancel(training.id):
                raise VolunteerActionError("cancelled")
            await self._log(moderator, "training_cancel", training.id, None)
            await self._tell_everyone(training, "vol_training_cancelled", calendar=False)
        self.planner.drop(training.id)

    async def participants(self, training: Training) -> list[Participant]:
        found = []
        for seat in await self._repo.seats(training.id, ("joined", "attended")):
            volunteer = await self._volunteers.get(seat.volunteer_id)
            if volunteer is not None:
                found.append(Participant(volunteer, seat))
        return found

    def started(self, training: Training) -> bool:
        return from_db(training.starts_at) <= self._now()

    async def mark(
        self, moderator: Moderator, training: Training, volunteer_id: int, attended: bool
    ) -> None:
        """Attendance, after the start. Attending unlocks the session's skill; marking it
        back undoes that unlock (but no message already sent)."""
        if not self.started(training) or training.status != "scheduled":
            raise VolunteerActionError("not_started")
        async with self._db.transaction():
            seat = await self._repo.seat(training.id, volunteer_id)
            wanted, was = ("attended", "joined") if attended else ("joined", "attended")
            if seat is None or seat.status != was:
                raise VolunteerActionError("state")
            volunteer = await self._volunteers.get(volunteer_id)
            assert volunteer is not None
            await self._repo.set_seat(training.id, volunteer_id, wanted)
            await self._log(moderator, "training_mark", training.id, f"{volunteer_id}:{wanted}")
            if attended:
                if training.unlocks:
                    await self._volunteers.unlock(
                        volunteer_id, training.unlocks, training.id, self._stamp()
                    )
                await self._volunteers.count(volunteer.region, "trainings_attended")
                payload = training_payload(training, "vol_attended")
                payload["points"] = POINTS_TRAINING_ATTENDED
                await self._outbox.enqueue(
                    volunteer.pseudonym,
                    payload,
                    dedupe=f"vol_attended:{training.id}:{volunteer_id}",
                )
            else:
                if training.unlocks:
                    await self._volunteers.relock(volunteer_id, training.unlocks, training.id)
                await self._volunteers.count(volunteer.region, "trainings_attended", by=-1)

    # Volunteers

    async def get(self, training_id: int) -> Training | None:
        return await self._repo.get(training_id)

    async def for_volunteer(self, volunteer: Volunteer, training_id: int) -> Training:
        training = await self._repo.get(training_id)
        if (
            training is None
            or training.status != "scheduled"
            or training.region not in (None, volunteer.region)
        ):
            raise VolunteerActionError("gone")
        return training

    async def upcoming(self, volunteer: Volunteer) -> list[tuple[Training, str | None]]:
        """Sessions ahead in the volunteer's region, with their seat (None: not answered)."""
        found = []
        for training in await self._repo.upcoming(self._stamp(), volunteer.region):
            seat = await self._repo.seat(training.id, volunteer.id)
            found.append((training, seat.status if seat else None))
        return found

    async def mine(self, volunteer: Volunteer) -> list[tuple[Training, str]]:
        return await self._repo.of_volunteer(volunteer.id, self._stamp())

    async def join(self, volunteer: Volunteer, training: Training) -> str:
        """ "joined", "already" or "full" (then the waiting list is offered)."""
        self._open(volunteer, training)
        async with self._db.transaction():
            seat = await self._repo.seat(training.id, volunteer.id)
            if seat is not None and seat.status in ("joined", "attended"):
                return "already"
            if await self._repo.taken(training.id) >= training.capacity:
                return "full"
            await self._seat(training, volunteer, "joined")
            await self._calendar(training, volunteer)
            return "joined"

    async def wait(self, volunteer: Volunteer, training: Training) -> tuple[str, int]:
        """Onto the waiting list, or straight in if a seat came free meanwhile."""
        self._open(volunteer, training)
        async with self._db.transaction():
            if await self._repo.taken(training.id) < training.capacity:
                return await self.join(volunteer, training), 0
            seat = await self._repo.seat(training.id, volunteer.id)
            if seat is None or seat.status not in ("waiting", "joined", "attended"):
                await self._seat(training, volunteer, "waiting")
            waiting = await self._repo.seats(training.id, ("waiting",))
            place = next(
                (n for n, s in enumerate(waiting, 1) if s.volunteer_id == volunteer.id), 0
            )
            return "waiting", place

    async def cant(self, volunteer: Volunteer, training: Training) -> None:
        """Cannot come: a seat they held goes to the first on the waiting list."""
        self._open(volunteer, training)
        async with self._db.transaction():
            seat = await self._repo.seat(training.id, volunteer.id)
            if seat is not None and seat.status == "declined":
                return
            await self._seat(training, volunteer, "declined")
            if seat is not None and seat.status == "joined":
                await self._promote(training)

    async def release(self, volunteer: Volunteer) -> None:
        """Someone who stops volunteering gives up their seats ahead (inside the caller's
        transaction); each freed seat goes to the first on that session's waiting list."""
        for training, seat in await self._repo.of_volunteer(volunteer.id, self._stamp()):
            if seat not in ("joined", "waiting") or training.status != "scheduled":
                continue
            await self._seat(training, volunteer, "declined")
            if seat == "joined":
                await self._promote(training)

    # Helpers

    def _open(self, volunteer: Volunteer, training: Training) -> None:
        if volunteer.status != "active":
            raise VolunteerActionError("not_active")
        if training.status != "scheduled" or self.started(training):
            raise VolunteerActionError("gone")

    async def _seat(self, training: Training, volunteer: Volunteer, status: str) -> None:
        await self._repo.set_seat(training.id, volunteer.id, status)
        await self._log(None, "training_" + status, training.id, subject(volunteer.id))

    async def _promote(self, training: Training) -> None:
        free = training.capacity - await self._repo.taken(training.id)
        for seat in (await self._repo.seats(training.id, ("waiting",)))[: max(0, free)]:
            volunteer = await self._volunteers.get(seat.volunteer_id)
            if volunteer is None:
                continue
            await self._seat(training, volunteer, "joined")
            await self._outbox.enqueue(
                volunteer.pseudonym, training_payload(training, "vol_seat_freed")
            )
            await self._calendar(training, volunteer)

    async def _calendar(self, training: Training, volunteer: Volunteer) -> None:
        """The .ics file, drawn when it is sent, so it always has the session's latest time."""
        await self._outbox.enqueue(
            volunteer.pseudonym,
            {"kind": "vol_ics", "training": training.id},
            dedupe=f"vol_ics:{training.id}:{volunteer.id}",
        )

    async def _tell_everyone(self, training: Training, kind: str, *, calendar: bool) -> None:
        for seat in await self._repo.seats(training.id, ("joined", "waiting")):
            volunteer = await self._volunteers.get(seat.volunteer_id)
            if volunteer is None:
                continue
            await self._outbox.enqueue(volunteer.pseudonym, training_payload(training, kind))
            if calendar and seat.status == "joined":
                await self._calendar(training, volunteer)
        await self._to_group(training, kind)

    async def _to_group(self, training: Training, kind: str) -> None:
        if self._group:
            await self._outbox.enqueue(
                VOLUNTEERS_RECIPIENT, training_payload(training, kind), priority=Priority.BULK
            )

    async def _get(self, training_id: int) -> Training:
        training = await self._repo.get(training_id)
        assert training is not None
        return training

    def _stamp(self) -> str:
        return to_db(self._now())

    async def _log(
        self, moderator: Moderator | None, action: str, training_id: int, value: str | None
    ) -> None:
        await record(
            self._audit, self._stamp(), moderator, action, f"training:{training_id}", value
        )
