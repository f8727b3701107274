"""Recognition: points (rules in bot/services/volunteers/rules.py), /top, thank-you letters.

/top names only volunteers who chose to be named; everyone else is "a volunteer from
<region>". A thank-you letter is recorded, audited and queued in one transaction; the PDF is
drawn when it is sent, in the volunteer's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteers import Standing, Volunteer, VolunteerRepository
from bot.services.dates import to_db, utc_now
from bot.services.outbox import Outbox
from bot.services.volunteers.audit import record, subject
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import check_text
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.rules import (
    MAX_LETTER_REASON,
    POINTS_FINDINGS_ACCEPTED,
    POINTS_TRAINING_ATTENDED,
)

TOP = 10


def points(standing: Standing) -> int:
    return (
        standing.findings * POINTS_FINDINGS_ACCEPTED
        + standing.trainings * POINTS_TRAINING_ATTENDED
    )


@dataclass(frozen=True, slots=True)
class TopEntry:
    name: str | None  # only for volunteers who chose to be named
    region: str
    points: int
    me: bool


@dataclass(frozen=True, slots=True)
class LetterDocument:
    """What a certificate shows."""

    name: str
    region: str
    reason: str
    awarded_on: date
    findings: int
    trainings: int


class RecognitionService:
    def __init__(
        self,
        *,
        db: Database,
        volunteers: VolunteerRepository,
        audit: AuditRepository,
        outbox: Outbox,
        people: VolunteerService,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._volunteers = volunteers
        self._audit = audit
        self._outbox = outbox
        self._people = people
        self._now = now

    async def standing(self, volunteer: Volunteer) -> tuple[Standing, int]:
        standing = await self._volunteers.standing(volunteer.id)
        return standing, points(standing)

    async def top(self, region: str | None, me: Volunteer | None) -> list[TopEntry]:
        weights = (POINTS_FINDINGS_ACCEPTED, POINTS_TRAINING_ATTENDED)
        entries = []
        for volunteer, standing in await self._volunteers.top(region, weights, TOP):
            name = self._name(volunteer) if volunteer.show_name else None
            entries.append(
                TopEntry(
                    name,
                    volunteer.region,
                    points(standing),
                    me is not None and volunteer.id == me.id,
                )
            )
        return entries

    async def award(self, moderator: Moderator, volunteer: Volunteer, reason: str) -> int:
        reason = check_text(reason, MAX_LETTER_REASON)
        if volunteer.status not in ("active", "paused"):
            raise VolunteerActionError("status")
        async with self._db.transaction():
            letter_id = await self._volunteers.add_letter(
                volunteer.id, moderator.id, reason, self._now().date().isoformat()
            )
            await record(
                self._audit,
                to_db(self._now()),
                moderator,
                "vol_letter",
                subject(volunteer.id),
                str(letter_id),
            )
            await self._volunteers.count(volunteer.region, "letters")
            await self._outbox.enqueue(
                volunteer.pseudonym,
                {"kind": "vol_letter", "letter": letter_id},
                dedupe=f"vol_letter:{letter_id}",
            )
        return letter_id

    async def letter(self, letter_id: int) -> LetterDocument | None:
        """The certificate's content; None once the volunteer has deleted their data."""
        letter = await self._volunteers.letter(letter_id)
        volunteer = await self._volunteers.get(letter.volunteer_id) if letter else None
        if letter is None or volunteer is None:
            return None
        standing = await self._volunteers.standing(volunteer.id)
        return LetterDocument(
            name=self._name(volunteer),
            region=volunteer.region,
            reason=letter.reason,
            awarded_on=date.fromisoformat(letter.awarded_on),
            findings=standing.findings,
            trainings=standing.trainings,
        )

    def _name(self, volunteer: Volunteer) -> str:
        # /top shows it only for those who chose so; a letter goes to its own volunteer.
        return self._people.own_identity(volunteer).name
