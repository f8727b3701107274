"""Training sessions and their seats: joined, waiting (in order), declined, attended."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class NewTraining:
    title_kk: str
    title_ru: str
    description_kk: str
    description_ru: str
    starts_at: str
    minutes: int
    place: str
    region: str | None
    capacity: int
    unlocks: str | None
    creator: int


@dataclass(frozen=True, slots=True)
class Training(NewTraining):
    id: int
    status: str
    sequence: int
    created_at: str
    joined: int = 0  # seats taken (joined or attended)
    waiting: int = 0

    def title(self, locale: str) -> str:
        return self.title_ru if locale == "ru" else self.title_kk

    def description(self, locale: str) -> str:
        return self.description_ru if locale == "ru" else self.description_kk

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.joined)


@dataclass(frozen=True, slots=True)
class Seat:
    volunteer_id: int
    status: str
    seq: int


_TRAINING = (
    "SELECT t.*,"
    " (SELECT COUNT(*) FROM training_seats s WHERE s.training_id = t.id"
    "  AND s.status IN ('joined', 'attended')) AS joined,"
    " (SELECT COUNT(*) FROM training_seats s WHERE s.training_id = t.id"
    "  AND s.status = 'waiting') AS waiting"
    " FROM trainings t"
)
_FIELDS = tuple(Training.__dataclass_fields__)


def _training(row: sqlite3.Row) -> Training:
    return Training(**{name: row[name] for name in _FIELDS})


class TrainingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewTraining, at: str) -> int:
        return await self._db.insert(
            "INSERT INTO trainings (title_kk, title_ru, description_kk, description_ru,"
            " starts_at, minutes, place, region, capacity, unlocks, creator, status, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?)",
            (
                new.title_kk,
                new.title_ru,
                new.description_kk,
                new.description_ru,
                new.starts_at,
                new.minutes,
                new.place,
                new.region,
                new.capacity,
                new.unlocks,
                new.creator,
                at,
            ),
        )

    async def get(self, training_id: int) -> Training | None:
        row = await self._db.fetchone(f"{_TRAINING} WHERE t.id = ?", (training_id,))
        return _training(row) if row else None

    async def move(self, training_id: int, starts_at: str) -> bool:
        return (
            await self._db.execute(
                "UPDATE trainings SET starts_at = ?, sequence = sequence + 1"
                " WHERE id = ? AND status = 'scheduled'",
                (starts_at, training_id),
            )
            == 1
        )

    async def cancel(self, training_id: int) -> bool:
        return (
            await self._db.execute(
                "UPDATE trainings SET status = 'cancelled', sequence = sequence + 1"
                " WHERE id = ? AND status = 'scheduled'",
                (training_id,),
            )
            == 1
        )

    async def upcoming(self, after: str, region: str | None, limit: int = 20) -> list[Training]:
        """Scheduled sessions starting after `after`, for a region (and the whole country)."""
        where = "t.status = 'scheduled' AND t.starts_at > ?"
        params: list = [after]
        if region is not None:
            where += " AND (t.region IS NULL OR t.region = ?)"
            params.append(region)
        rows = await self._db.fetchall(
            f"{_TRAINING} WHERE {where} ORDER BY t.starts_at, t.id LIMIT ?", (*params, limit)
        )
        return [_training(r) for r in rows]

    async def scheduled_after(self, after: str) -> list[Training]:
        rows = await self._db.fetchall(
            f"{_TRAINING} WHERE t.status = 'scheduled' AND t.starts_at > ? ORDER BY t.id",
            (after,),
        )
        return [_training(r) for r in rows]

    async def next_unlocking(self, skill: str, region: str, after: str) -> Training | None:
        rows = await self.upcoming(after, region, limit=50)
        return next((t for t in rows if t.unlocks == skill), None)

    async def recent_for(self, regions: frozenset[str] | None, limit: int = 10) -> list[Training]:
        """The latest sessions a moderator may manage (their regions, or the country's)."""
        rows = await self._db.fetchall(f"{_TRAINING} ORDER BY t.starts_at DESC, t.id DESC")
        found = [
            _training(r)
            for r in rows
            if regions is None or r["region"] is None or r["region"] in regions
        ]
        return found[:limit]

    # Seats

    async def seat(self, training_id: int, volunteer_id: int) -> Seat | None:
        row = await self._db.fetchone(
            "SELECT volunteer_id, status, seq FROM training_seats"
            " WHERE training_id = ? AND volunteer_id = ?",
            (training_id, volunteer_id),
        )
        return Seat(row["volunteer_id"], row["status"], row["seq"]) if row else None

    async def set_seat(self, training_id: int, volunteer_id: int, status: str) -> None:
        """Set (or add) a seat; every change takes the next number, which orders the list."""
        await self._db.execute(
            "INSERT INTO training_seats (training_id, volunteer_id, status, seq)"
            " VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM training_seats"
            " WHERE training_id = ?1))"
            " ON CONFLICT (training_id, volunteer_id) DO UPDATE SET status = excluded.status,"
            " seq = excluded.seq",
            (training_id, volunteer_id, status),
        )

    async def seats(self, training_id: int, statuses: tuple[str, ...]) -> list[Seat]:
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetchall(
            "SELECT volunteer_id, status, seq FROM training_seats"
            f" WHERE training_id = ? AND status IN ({marks}) ORDER BY seq",
            (training_id, *statuses),
        )
        return [Seat(r["volunteer_id"], r["status"], r["seq"]) for r in rows]

    async def taken(self, training_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM training_seats WHERE training_id = ?"
            " AND status IN ('joined', 'attended')",
            (training_id,),
        )
        return int(row["n"]) if row else 0

    async def of_volunteer(self, volunteer_id: int, after: str) -> list[tuple[Training, str]]:
        """Sessions a volunteer joined, waits for or attended, the upcoming ones first."""
        rows = await self._db.fetchall(
            "SELECT s.status AS seat, t.id FROM training_seats s JOIN trainings t"
            " ON t.id = s.training_id WHERE s.volunteer_id = ?"
            " AND s.status IN ('joined', 'waiting', 'attended')"
            " AND (t.starts_at > ? OR s.status = 'attended') AND t.status = 'scheduled'"
            " ORDER BY t.starts_at DESC LIMIT 10",
            (volunteer_id, after),
        )
        found = []
        for row in rows:
            training = await self.get(row["id"])
            if training is not None:
                found.append((training, row["seat"]))
        return found
