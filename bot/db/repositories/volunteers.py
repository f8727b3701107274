"""Volunteers, the skills their trainings unlocked, thank-you letters and anonymous counts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: int
    pseudonym: str
    region: str
    name_enc: bytes
    phone_enc: bytes
    skills: tuple[str, ...]
    availability: tuple[str, ...]
    status: str
    show_name: bool
    applied_on: str
    decided_by: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class NewVolunteer:
    pseudonym: str
    region: str
    name_enc: bytes
    phone_enc: bytes
    skills: str
    availability: str
    applied_on: str


@dataclass(frozen=True, slots=True)
class Standing:
    """A volunteer's record, as /me and /top count it."""

    volunteer_id: int
    region: str
    findings: int  # accepted findings
    trainings: int  # trainings attended
    letters: int


@dataclass(frozen=True, slots=True)
class Letter:
    id: int
    volunteer_id: int
    moderator_id: int
    reason: str
    awarded_on: str


def _keys(text: str) -> tuple[str, ...]:
    return tuple(filter(None, text.split(",")))


def _volunteer(row: sqlite3.Row) -> Volunteer:
    return Volunteer(
        id=row["id"],
        pseudonym=row["pseudonym"],
        region=row["region"],
        name_enc=row["name_enc"],
        phone_enc=row["phone_enc"],
        skills=_keys(row["skills"]),
        availability=_keys(row["availability"]),
        status=row["status"],
        show_name=bool(row["show_name"]),
        applied_on=row["applied_on"],
        decided_by=row["decided_by"],
        reason=row["reason"],
    )


# Accepted findings and attended trainings per volunteer, for points.
_STANDING = (
    "SELECT v.id, v.region,"
    " (SELECT COUNT(*) FROM task_findings f WHERE f.volunteer_id = v.id"
    "  AND f.status = 'accepted') AS findings,"
    " (SELECT COUNT(*) FROM training_seats s WHERE s.volunteer_id = v.id"
    "  AND s.status = 'attended') AS trainings,"
    " (SELECT COUNT(*) FROM thank_you_letters l WHERE l.volunteer_id = v.id) AS letters"
    " FROM volunteers v"
)


def _standing(row: sqlite3.Row) -> Standing:
    return Standing(row["id"], row["region"], row["findings"], row["trainings"], row["letters"])


class VolunteerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_pseudonym(self, pseudonym: str) -> Volunteer | None:
        row = await self._db.fetchone("SELECT * FROM volunteers WHERE pseudonym = ?", (pseudonym,))
        return _volunteer(row) if row else None

    async def get(self, volunteer_id: int) -> Volunteer | None:
        row = await self._db.fetchone("SELECT * FROM volunteers WHERE id = ?", (volunteer_id,))
        return _volunteer(row) if row else None

    async def apply(self, new: NewVolunteer) -> int:
        """A new application, or a fresh one over a rejected or left one (same row)."""
        row = await self._db.fetchone(
            "INSERT INTO volunteers (pseudonym, region, name_enc, phone_enc, skills,"
            " availability, status, applied_on) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)"
            " ON CONFLICT (pseudonym) DO UPDATE SET region = excluded.region,"
            " name_enc = excluded.name_enc, phone_enc = excluded.phone_enc,"
            " skills = excluded.skills, availability = excluded.availability,"
            " status = 'pending', applied_on = excluded.applied_on, decided_by = NULL,"
            " reason = NULL WHERE volunteers.status IN ('rejected', 'left') RETURNING id",
            (
                new.pseudonym,
                new.region,
                new.name_enc,
                new.phone_enc,
                new.skills,
                new.availability,
                new.applied_on,
            ),
        )
        return int(row["id"]) if row else 0

    async def set_status(
        self,
        volunteer_id: int,
        status: str,
        *,
        expected: tuple[str, ...],
        decided_by: int | None = None,
        reason: str | None = None,
    ) -> bool:
        """Change the status only from one of `expected` (two presses: one wins)."""
        marks = ", ".join("?" for _ in expected)
        changed = await self._db.execute(
            "UPDATE volunteers SET status = ?, decided_by = COALESCE(?, decided_by),"
            f" reason = ? WHERE id = ? AND status IN ({marks})",
            (status, decided_by, reason, volunteer_id, *expected),
        )
        return changed == 1

    async def set_show_name(self, volunteer_id: int, show: bool) -> None:
        await self._db.execute(
            "UPDATE volunteers SET show_name = ? WHERE id = ?", (int(show), volunteer_id)
        )

    async def delete(self, volunteer_id: int) -> None:
        await self._db.execute("DELETE FROM volunteers WHERE id = ?", (volunteer_id,))

    async def page(
        self,
        regions: frozenset[str] | None,
        status: str | None,
        region: str | None,
        skill: str | None,
        offset: int,
        limit: int,
    ) -> tuple[list[Volunteer], int]:
        where, params = ["status IN ('pending', 'active', 'paused')"], []
        if regions is not None:
            where.append(f"region IN ({', '.join('?' for _ in regions)})")
            params += sorted(regions)
        if status:
            where.append("status = ?")
            params.append(status)
        if region:
            where.append("region = ?")
            params.append(region)
        if skill:
            where.append("(',' || skills || ',') LIKE ?")
            params.append(f"%,{skill},%")
        clause = " AND ".join(where)
        total = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM volunteers WHERE {clause}", params
        )
        rows = await self._db.fetchall(
            f"SELECT * FROM volunteers WHERE {clause} ORDER BY"
            " CASE status WHEN 'pending' THEN 0 WHEN 'active' THEN 1 ELSE 2 END, id"
            " LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_volunteer(r) for r in rows], int(total["n"]) if total else 0

    async def active_in(self, region: str | None, skill: str | None = None) -> list[Volunteer]:
        """Active volunteers of a region (None: everywhere), with a skill if given."""
        where, params = ["status = 'active'"], []
        if region is not None:
            where.append("region = ?")
            params.append(region)
        if skill is not None:
            where.append("(',' || skills || ',') LIKE ?")
            params.append(f"%,{skill},%")
        rows = await self._db.fetchall(
            f"SELECT * FROM volunteers WHERE {' AND '.join(where)} ORDER BY id", params
        )
        return [_volunteer(r) for r in rows]

    # Unlocked skills

    async def unlocks(self, volunteer_id: int) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT skill FROM volunteer_unlocks WHERE volunteer_id = ?", (volunteer_id,)
        )
        return {r["skill"] for r in rows}

    async def unlock(self, volunteer_id: int, skill: str, training_id: int, at: str) -> bool:
        return (
            await self._db.execute(
                "INSERT OR IGNORE INTO volunteer_unlocks (volunteer_id, skill, training_id,"
                " unlocked_at) VALUES (?, ?, ?, ?)",
                (volunteer_id, skill, training_id, at),
            )
            == 1
        )

    async def relock(self, volunteer_id: int, skill: str, training_id: int) -> None:
        await self._db.execute(
            "DELETE FROM volunteer_unlocks WHERE volunteer_id = ? AND skill = ?"
            " AND training_id = ?",
            (volunteer_id, skill, training_id),
        )

    # Standing and recognition

    async def standing(self, volunteer_id: int) -> Standing:
        row = await self._db.fetchone(f"{_STANDING} WHERE v.id = ?", (volunteer_id,))
        assert row is not None
        return _standing(row)

    async def top(
        self, region: str | None, weights: tuple[int, int], limit: int
    ) -> list[tuple[Volunteer, Standing]]:
        """The most active volunteers (active or paused): by points, given as the weights of
        an accepted finding and of an attended training, then by number."""
        where = "v.status IN ('active', 'paused')" + (" AND v.region = ?" if region else "")
        params: tuple = (region,) if region else ()
        rows = await self._db.fetchall(
            f"SELECT * FROM ({_STANDING} WHERE {where}) s"
            " WHERE s.findings + s.trainings > 0"
            " ORDER BY s.findings * ? + s.trainings * ? DESC, s.id LIMIT ?",
            (*params, *weights, limit),
        )
        found = []
        for row in rows:
            volunteer = await self.get(row["id"])
            if volunteer is not None:
                found.append((volunteer, _standing(row)))
        return found

    async def add_letter(self, volunteer_id: int, moderator_id: int, reason: str, on: str) -> int:
        return await self._db.insert(
            "INSERT INTO thank_you_letters (volunteer_id, moderator_id, reason, awarded_on)"
            " VALUES (?, ?, ?, ?)",
            (volunteer_id, moderator_id, reason, on),
        )

    async def letter(self, letter_id: int) -> Letter | None:
        row = await self._db.fetchone("SELECT * FROM thank_you_letters WHERE id = ?", (letter_id,))
        if row is None:
            return None
        return Letter(
            row["id"], row["volunteer_id"], row["moderator_id"], row["reason"], row["awarded_on"]
        )

    async def count(self, region: str, what: str, by: int = 1) -> None:
        await self._db.execute(
            "INSERT INTO volunteer_counts (region, what, n) VALUES (?, ?, ?)"
            " ON CONFLICT (region, what) DO UPDATE SET n = n + excluded.n",
            (region, what, by),
        )

    async def counts(self) -> dict[tuple[str, str], int]:
        rows = await self._db.fetchall("SELECT region, what, n FROM volunteer_counts")
        return {(r["region"], r["what"]): r["n"] for r in rows}
