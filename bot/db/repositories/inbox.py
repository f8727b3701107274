"""The durable update inbox: fetched updates are stored before Telegram is told to forget them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class InboxItem:
    update_id: int
    chat_key: str
    payload: bytes
    # time.monotonic() when fetched (not stored: after a restart it is unknown). The flood
    # throttle counts updates as they arrive, not as a busy chat's queue gets to them.
    received: float | None = field(default=None, compare=False)


class InboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, items: Sequence[InboxItem]) -> list[InboxItem]:
        """Store a fetched batch in one transaction; return only the updates not seen before."""
        if not items:
            return []
        fresh: list[InboxItem] = []
        async with self._db.transaction():
            for item in items:
                if await self._db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, chat_key, payload) VALUES (?, ?, ?)",
                    (item.update_id, item.chat_key, item.payload),
                ):
                    fresh.append(item)
        return fresh

    async def pending(self) -> list[InboxItem]:
        rows = await self._db.fetchall(
            "SELECT update_id, chat_key, payload FROM inbox"
            " WHERE payload IS NOT NULL ORDER BY update_id"
        )
        return [InboxItem(r["update_id"], r["chat_key"], r["payload"]) for r in rows]

    async def mark_done(self, update_ids: Sequence[int]) -> None:
        if not update_ids:
            return
        await self._db.executemany(
            "UPDATE inbox SET payload = NULL, chat_key = NULL WHERE update_id = ?",
            [(update_id,) for update_id in update_ids],
        )

    async def next_offset(self) -> int | None:
        """The offset that confirms everything already stored, or None on an empty inbox."""
        row = await self._db.fetchone("SELECT MAX(update_id) AS top FROM inbox")
        return None if row is None or row["top"] is None else int(row["top"]) + 1

    async def prune(self, keep_last: int = 100_000) -> int:
        """Forget old handled ids; Telegram never re-sends an update older than a day."""
        return await self._db.execute(
            "DELETE FROM inbox WHERE payload IS NULL AND update_id <"
            " (SELECT MAX(update_id) FROM inbox) - ?",
            (keep_last,),
        )
