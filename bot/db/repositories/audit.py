"""The audit log: append-only (SQLite triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    actor: int | None
    action: str
    report_id: int | None
    old_value: str | None
    new_value: str | None


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        at: str,
        actor: int | None,
        actor_key: str | None,
        action: str,
        report_id: int | None,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (at, actor, actor_key, action, report_id, old_value,"
            " new_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, actor, actor_key, action, report_id, old, new),
        )

    async def for_report(self, report_id: int) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT at, actor, action, report_id, old_value, new_value FROM audit_log"
            " WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            AuditEntry(
                r["at"], r["actor"], r["action"], r["report_id"], r["old_value"], r["new_value"]
            )
            for r in rows
        ]
