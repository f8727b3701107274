"""Volunteers' reminders already sent (the `reminders_sent` table the moderators' reminders
use too, under kinds of their own)."""

from __future__ import annotations

from bot.db.connection import Database


class SentReminders:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, kind: str, subject: str, at: str) -> bool:
        """Record the reminder; False when it was already recorded (then send nothing)."""
        return (
            await self._db.execute(
                "INSERT OR IGNORE INTO reminders_sent (kind, subject, sent_at) VALUES (?, ?, ?)",
                (kind, subject, at),
            )
            == 1
        )

    async def count(self, kind: str) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM reminders_sent WHERE kind = ?", (kind,)
        )
        return int(row["n"]) if row else 0
