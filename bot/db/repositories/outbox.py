"""Queued messages: stored first (in the transaction of the action that causes them), sent by
the outbox, deleted once sent."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    recipient: str
    payload: bytes
    attempts: int
    priority: int
    version: int


_COLUMNS = "id, recipient, payload, attempts, priority, version"


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        row["id"],
        row["recipient"],
        row["payload"],
        row["attempts"],
        row["priority"],
        row["version"],
    )


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        recipient: str,
        payload: bytes,
        not_before: str,
        priority: int,
        dedupe: str | None = None,
    ) -> int:
        """Queue a message; with `dedupe`, a message already waiting under that name is asked
        for again instead (its version goes up, so a send in flight will not delete it)."""
        if dedupe is None:
            return await self._db.insert(
                "INSERT INTO outbox (recipient, payload, not_before, priority)"
                " VALUES (?, ?, ?, ?)",
                (recipient, payload, not_before, priority),
            )
        row = await self._db.fetchone(
            "INSERT INTO outbox (recipient, payload, not_before, priority, dedupe)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO UPDATE SET"
            " payload = excluded.payload, version = version + 1,"
            " not_before = MIN(not_before, excluded.not_before),"
            " priority = MIN(priority, excluded.priority) RETURNING id",
            (recipient, payload, not_before, priority, dedupe),
        )
        assert row is not None
        return int(row["id"])

    async def due(self, now: str, limit: int = 100) -> list[OutboxItem]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE not_before <= ? ORDER BY priority, id LIMIT ?",
            (now, limit),
        )
        return [_item(r) for r in rows]

    async def get(self, item_id: int) -> OutboxItem | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
        return _item(row) if row else None

    async def find(self, dedupe: str) -> OutboxItem | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE dedupe = ?", (dedupe,))
        return _item(row) if row else None

    async def next_due(self) -> str | None:
        row = await self._db.fetchone("SELECT MIN(not_before) AS at FROM outbox")
        return row["at"] if row else None

    async def depth(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM outbox")
        return int(row["n"]) if row else 0

    async def done(self, item: OutboxItem, now: str) -> None:
        """Delete a sent message, unless it was asked for again meanwhile: then send it anew."""
        deleted = await self._db.execute(
            "DELETE FROM outbox WHERE id = ? AND version = ?", (item.id, item.version)
        )
        if not deleted:
            await self._db.execute(
                "UPDATE outbox SET not_before = ?, attempts = 0 WHERE id = ?", (now, item.id)
            )

    async def drop(self, item_id: int) -> None:
        await self._db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    async def retry_at(self, item_id: int, not_before: str, *, count: bool = True) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + ?, not_before = ? WHERE id = ?",
            (int(count), not_before, item_id),
        )
