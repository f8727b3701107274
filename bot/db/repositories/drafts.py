"""Report drafts: one sealed JSON document per user, kept apart from the FSM state.

Every step of a report loads the draft and saves it again, so the last sealed copy of each
draft is also kept in memory (bounded) and a load comes from there; a save is written through
at once, so a restart loses nothing. A write inside a caller's transaction, which may still
roll back, drops the copy instead, and nothing read inside a transaction is kept.
"""

from __future__ import annotations

from datetime import date

from bot.db.connection import Database

CACHE_SIZE = 10_000


class DraftRepository:
    def __init__(self, db: Database, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._cache = db.memo("report_drafts")
        self._cache_size = cache_size

    def _remember(self, owner: str, sealed: bytes | None) -> None:
        if self._db.in_transaction():
            self._cache.pop(owner, None)
            return
        self._cache[owner] = sealed
        self._cache.move_to_end(owner)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def load(self, owner: str) -> bytes | None:
        if owner in self._cache:
            self._cache.move_to_end(owner)
            return self._cache[owner]
        row = await self._db.fetchone("SELECT data FROM report_drafts WHERE owner = ?", (owner,))
        sealed = row["data"] if row else None
        # Statements run one at a time (the database's lock): no save of this owner landed
        # between the read and here, unless it is already in the cache.
        if owner not in self._cache:
            self._remember(owner, sealed)
        return sealed

    async def save(self, owner: str, sealed: bytes, today: date) -> None:
        await self._db.execute(
            "INSERT INTO report_drafts (owner, data, updated_on) VALUES (?, ?, ?)"
            " ON CONFLICT (owner) DO UPDATE SET data = excluded.data,"
            " updated_on = excluded.updated_on",
            (owner, sealed, today.isoformat()),
        )
        self._remember(owner, sealed)

    async def delete(self, owner: str) -> None:
        await self._db.execute("DELETE FROM report_drafts WHERE owner = ?", (owner,))
        self._remember(owner, None)

    async def purge_older_than(self, day: date) -> int:
        purged = await self._db.execute(
            "DELETE FROM report_drafts WHERE updated_on < ?", (day.isoformat(),)
        )
        self._cache.clear()
        return purged
