"""Timestamps for rate limits: submitted reports and failed code checks; the global guard."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class GuardState:
    paused_until: str | None = None
    alerted_at: str | None = None


class LimitRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def transaction(self) -> AbstractAsyncContextManager[Database]:
        return self._db.transaction()

    async def submissions_since(self, actor: str, since: str) -> list[str]:
        rows = await self._db.fetchall(
            "SELECT at_hour FROM submission_log WHERE actor = ? AND at_hour > ? ORDER BY at_hour",
            (actor, since),
        )
        return [row["at_hour"] for row in rows]

    async def reports_since(self, reporter: str, since: str) -> list[str]:
        rows = await self._db.fetchall(
            "SELECT created_at FROM reports WHERE reporter = ? AND created_at > ?",
            (reporter, since),
        )
        return [row["created_at"] for row in rows]

    async def record_submission(self, actor: str, at_hour: str) -> None:
        await self._db.execute(
            "INSERT INTO submission_log (actor, at_hour) VALUES (?, ?)", (actor, at_hour)
        )

    async def check_failures_since(self, actor: str, since: str) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM check_failures WHERE actor = ? AND at > ?", (actor, since)
        )
        return int(row["n"]) if row else 0

    async def all_check_failures_since(self, since: str) -> int:
        """Misses of everybody (check_failures_at)."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM check_failures WHERE at > ?", (since,)
        )
        return int(row["n"]) if row else 0

    async def guard(self, name: str) -> GuardState:
        row = await self._db.fetchone(
            "SELECT paused_until, alerted_at FROM guard_state WHERE name = ?", (name,)
        )
        return GuardState(row["paused_until"], row["alerted_at"]) if row else GuardState()

    async def set_guard(self, name: str, *, paused_until: str, alerted_at: str | None) -> None:
        await self._db.execute(
            "INSERT INTO guard_state (name, paused_until, alerted_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET paused_until = excluded.paused_until,"
            " alerted_at = excluded.alerted_at",
            (name, paused_until, alerted_at),
        )

    async def record_check_failure(self, actor: str, at: str) -> None:
        await self._db.execute("INSERT INTO check_failures (actor, at) VALUES (?, ?)", (actor, at))

    async def forget_before(self, moment: str) -> None:
        """Old rows serve no limit any more; keeping them would only build a history."""
        await self._db.execute("DELETE FROM submission_log WHERE at_hour < ?", (moment,))
        await self._db.execute("DELETE FROM check_failures WHERE at < ?", (moment,))
