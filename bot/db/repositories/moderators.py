"""Moderators, their scopes, and the username index used to add them by @username."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database

ALL_REGIONS = "*"


@dataclass(frozen=True, slots=True)
class Moderator:
    id: int
    pseudonym: str
    regions: frozenset[str] | None  # None: all of Kazakhstan
    active: bool

    def covers(self, region: str) -> bool:
        return self.regions is None or region in self.regions


def parse_scope(text: str) -> frozenset[str] | None:
    return None if text == ALL_REGIONS else frozenset(filter(None, text.split(",")))


def format_scope(regions: frozenset[str] | None) -> str:
    return ALL_REGIONS if regions is None else ",".join(sorted(regions))


def _moderator(row: sqlite3.Row) -> Moderator:
    return Moderator(row["id"], row["pseudonym"], parse_scope(row["regions"]), bool(row["active"]))


class ModeratorRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(
        self, pseudonym: str, regions: frozenset[str] | None, added_by: str | None, at: str
    ) -> Moderator:
        await self._db.execute(
            "INSERT INTO moderators (pseudonym, regions, added_by, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pseudonym) DO UPDATE SET regions = excluded.regions, active = 1",
            (pseudonym, format_scope(regions), added_by, at),
        )
        found = await self.by_pseudonym(pseudonym)
        assert found is not None
        return found

    async def deactivate(self, moderator_id: int) -> None:
        await self._db.execute("UPDATE moderators SET active = 0 WHERE id = ?", (moderator_id,))

    async def by_pseudonym(self, pseudonym: str) -> Moderator | None:
        row = await self._db.fetchone("SELECT * FROM moderators WHERE pseudonym = ?", (pseudonym,))
        return _moderator(row) if row else None

    async def get(self, moderator_id: int) -> Moderator | None:
        row = await self._db.fetchone("SELECT * FROM moderators WHERE id = ?", (moderator_id,))
        return _moderator(row) if row else None

    async def active(self) -> list[Moderator]:
        rows = await self._db.fetchall("SELECT * FROM moderators WHERE active = 1 ORDER BY id")
        return [_moderator(row) for row in rows]

    async def for_region(self, region: str) -> list[Moderator]:
        return [m for m in await self.active() if m.covers(region)]

    async def remember_username(self, digest: str, pseudonym: str) -> None:
        await self._db.execute(
            "INSERT INTO username_index (digest, pseudonym) VALUES (?, ?)"
            " ON CONFLICT (digest) DO UPDATE SET pseudonym = excluded.pseudonym",
            (digest, pseudonym),
        )

    async def pseudonym_for_username(self, digest: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT pseudonym FROM username_index WHERE digest = ?", (digest,)
        )
        return row["pseudonym"] if row else None

    async def user_pseudonyms(self, after: str, limit: int) -> list[str]:
        """Users' pseudonyms in order, a batch at a time (to find whose tag is whose)."""
        rows = await self._db.fetchall(
            "SELECT pseudonym FROM users WHERE pseudonym > ? ORDER BY pseudonym LIMIT ?",
            (after, limit),
        )
        return [r["pseudonym"] for r in rows]
