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
    job: int | None = None  # the broadcast this message belongs to, if any


_COLUMNS = "id, recipient, payload, attempts, priority, version, job"
# What became of a broadcast's message, counted on its job as the row goes.
OUTCOME_COLUMNS = {"sent": "sent", "failed": "failed", "gone": "gone", "skipped": "skipped"}


def _item(row: sqlite3.Row) -> OutboxItem:
    return OutboxItem(
        row["id"],
        row["recipient"],
        row["payload"],
        row["attempts"],
        row["priority"],
        row["version"],
        row["job"],
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
        job: int | None = None,
    ) -> int:
        """Queue a message; with `dedupe`, a message already waiting under that name is asked
        for again instead (its version goes up, so a send in flight will not delete it)."""
        if dedupe is None:
            return await self._db.insert(
                "INSERT INTO outbox (recipient, payload, not_before, priority, job)"
                " VALUES (?, ?, ?, ?, ?)",
                (recipient, payload, not_before, priority, job),
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

    async def add_many(
        self, rows: list[tuple[str, bytes]], not_before: str, priority: int, job: int | None
    ) -> None:
        """Queue one message per (recipient, sealed payload) in one statement: a broadcast to
        ten thousand people must not hold the database for seconds."""
        await self._db.insert_many(
            "INSERT INTO outbox (recipient, payload, not_before, priority, job)"
            " VALUES (?, ?, ?, ?, ?)",
            [(recipient, payload, not_before, priority, job) for recipient, payload in rows],
        )

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
        elif item.job is not None:
            await self._count(item.job, "sent")

    async def drop(self, item_id: int) -> None:
        await self._db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    async def discard(self, item: OutboxItem, outcome: str = "failed", reason: str = "") -> None:
        """Delete a message that will not be sent; its job counts why (failed with the
        reason, gone, or skipped), in the same transaction."""
        async with self._db.transaction():
            deleted = await self._db.execute("DELETE FROM outbox WHERE id = ?", (item.id,))
            if deleted and item.job is not None:
                await self._count(item.job, outcome)
                if outcome == "failed":
                    await self._db.execute(
                        "INSERT INTO broadcast_failures (job_id, reason, count) VALUES (?, ?, 1)"
                        " ON CONFLICT (job_id, reason) DO UPDATE SET count = count + 1",
                        (item.job, reason or "unknown"),
                    )

    async def _count(self, job: int, outcome: str) -> None:
        column = OUTCOME_COLUMNS[outcome]
        await self._db.execute(
            f"UPDATE broadcast_jobs SET {column} = {column} + 1 WHERE id = ?", (job,)
        )

    async def retry_at(self, item_id: int, not_before: str, *, count: bool = True) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + ?, not_before = ? WHERE id = ?",
            (int(count), not_before, item_id),
        )
