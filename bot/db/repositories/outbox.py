"""Queued messages to users: stored first, sent by the outbox worker, deleted once sent."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.db.connection import Database

_ADD = "INSERT INTO outbox (recipient, payload, not_before) VALUES (?, ?, ?)"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    recipient: str
    payload: bytes
    attempts: int


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, recipient: str, payload: bytes, not_before: str) -> None:
        await self._db.execute(_ADD, (recipient, payload, not_before))

    @staticmethod
    async def add_with(
        conn: aiosqlite.Connection, recipient: str, payload: bytes, not_before: str
    ) -> None:
        """The same insert on the connection of a transaction the caller holds."""
        await conn.execute(_ADD, (recipient, payload, not_before))

    async def due(self, now: str, limit: int = 100) -> list[OutboxItem]:
        rows = await self._db.fetchall(
            "SELECT id, recipient, payload, attempts FROM outbox WHERE not_before <= ?"
            " ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [OutboxItem(r["id"], r["recipient"], r["payload"], r["attempts"]) for r in rows]

    async def next_due(self) -> str | None:
        row = await self._db.fetchone("SELECT MIN(not_before) AS at FROM outbox")
        return row["at"] if row else None

    async def done(self, item_id: int) -> None:
        await self._db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    async def retry_at(self, item_id: int, not_before: str, *, count: bool = True) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + ?, not_before = ? WHERE id = ?",
            (int(count), not_before, item_id),
        )
