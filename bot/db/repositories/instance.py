"""Facts about this installation (see migrations/0009_instance.sql)."""

from __future__ import annotations

from bot.db.connection import Database


class InstanceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, name: str) -> str | None:
        row = await self._db.fetchone("SELECT value FROM instance WHERE name = ?", (name,))
        return row["value"] if row else None

    async def remember(self, name: str, value: str) -> str:
        """Store `value` unless one is stored already; return the stored one."""
        async with self._db.transaction():
            await self._db.execute(
                "INSERT OR IGNORE INTO instance (name, value) VALUES (?, ?)", (name, value)
            )
            stored = await self.get(name)
        assert stored is not None
        return stored
