"""Report drafts: one sealed JSON document per user, kept apart from the FSM state."""

from __future__ import annotations

from datetime import date

from bot.db.connection import Database


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, owner: str) -> bytes | None:
        row = await self._db.fetchone("SELECT data FROM report_drafts WHERE owner = ?", (owner,))
        return row["data"] if row else None

    async def save(self, owner: str, sealed: bytes, today: date) -> None:
        await self._db.execute(
            "INSERT INTO report_drafts (owner, data, updated_on) VALUES (?, ?, ?)"
            " ON CONFLICT (owner) DO UPDATE SET data = excluded.data,"
            " updated_on = excluded.updated_on",
            (owner, sealed, today.isoformat()),
        )

    async def delete(self, owner: str) -> None:
        await self._db.execute("DELETE FROM report_drafts WHERE owner = ?", (owner,))

    async def purge_older_than(self, day: date) -> int:
        return await self._db.execute(
            "DELETE FROM report_drafts WHERE updated_on < ?", (day.isoformat(),)
        )
