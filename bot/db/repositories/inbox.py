"""The durable update inbox: fetched updates are stored before Telegram is told to forget them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.db.connection import Database

# Telegram hands out at most 100 updates per getUpdates; 3 values a row stays far below
# SQLite's limit on bound parameters.
_ROWS_PER_STATEMENT = 100


@dataclass(frozen=True, slots=True)
class InboxItem:
    update_id: int
    chat_key: str
    payload: bytes
    # time.monotonic() when fetched (not stored: after a restart it is unknown). The flood
    # throttle counts updates as they arrive, not as a busy chat's queue gets to them.
    received: float | None = field(default=None, compare=False)
    # The update as this run fetched it, parsed (not stored either): handling it needs no
    # unsealing and no second parse. Typed loosely: this layer does not know aiogram.
    parsed: object = field(default=None, compare=False)


class InboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, items: Sequence[InboxItem]) -> list[InboxItem]:
        """Store a fetched batch in one statement; return only the updates not seen before.

        One statement is atomic on its own, and one round trip to SQLite's thread instead of
        one per update plus BEGIN and COMMIT (bench/profile-before.txt).
        """
        if not items:
            return []
        fresh: set[int] = set()
        for start in range(0, len(items), _ROWS_PER_STATEMENT):
            chunk = items[start : start + _ROWS_PER_STATEMENT]
            rows = await self._db.fetchall(
                "INSERT OR IGNORE INTO inbox (update_id, chat_key, payload) VALUES "
                + ", ".join(["(?, ?, ?)"] * len(chunk))
                + " RETURNING update_id",
                [
                    value
                    for item in chunk
                    for value in (item.update_id, item.chat_key, item.payload)
                ],
            )
            fresh.update(int(row["update_id"]) for row in rows)
        return [item for item in items if item.update_id in fresh]

    async def pending(self) -> list[InboxItem]:
        rows = await self._db.fetchall(
            "SELECT update_id, chat_key, payload FROM inbox"
            " WHERE payload IS NOT NULL ORDER BY update_id"
        )
        return [InboxItem(r["update_id"], r["chat_key"], r["payload"]) for r in rows]

    async def mark_done(self, update_ids: Sequence[int]) -> None:
        """One statement for the whole list (atomic on its own: no BEGIN/COMMIT round trips)."""
        for start in range(0, len(update_ids), _ROWS_PER_STATEMENT):
            chunk = list(update_ids[start : start + _ROWS_PER_STATEMENT])
            await self._db.execute(
                "UPDATE inbox SET payload = NULL, chat_key = NULL WHERE update_id IN ("
                + ", ".join(["?"] * len(chunk))
                + ")",
                chunk,
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
