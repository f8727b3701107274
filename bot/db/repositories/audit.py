"""The audit log: append-only (SQLite triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

import sqlite3
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
    # A refused stranger's or citizen's tag (see services/refusals.py); for a superadmin's
    # act, their pseudonym, which is never shown.
    actor_key: str | None = None


@dataclass(frozen=True, slots=True)
class RefusalRow:
    at: str
    actor: int | None
    tag: str | None
    action: str
    case_number: str | None


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        row["at"],
        row["actor"],
        row["action"],
        row["report_id"],
        row["old_value"],
        row["new_value"],
        row["actor_key"],
    )


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
            "SELECT at, actor, actor_key, action, report_id, old_value, new_value"
            " FROM audit_log WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [_entry(r) for r in rows]

    async def refusals(
        self, regions: frozenset[str] | None, offset: int, limit: int
    ) -> tuple[list[RefusalRow], int]:
        """Refused attempts, newest first: those about no case, and those about a case in
        `regions` (None: everywhere); and how many there are in all."""
        where = "a.action LIKE 'refused:%'"
        params: list[object] = []
        if regions is not None:
            codes = sorted(regions)
            where += f" AND (a.report_id IS NULL OR r.region IN ({','.join('?' * len(codes))}))"
            params += codes
        base = f"FROM audit_log a LEFT JOIN reports r ON r.id = a.report_id WHERE {where}"
        total = await self._db.fetchone(f"SELECT count(*) AS n {base}", params)
        rows = await self._db.fetchall(
            f"SELECT a.at, a.actor, a.actor_key, a.action, r.case_number {base}"
            " ORDER BY a.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        found = [
            RefusalRow(
                r["at"],
                r["actor"],
                r["actor_key"] if r["actor"] is None else None,
                r["action"],
                r["case_number"],
            )
            for r in rows
        ]
        return found, int(total["n"]) if total else 0

    async def refusal_tags(self, prefix: str) -> list[str]:
        """The full tags of refused non-moderators that begin with `prefix` (hex)."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT actor_key FROM audit_log WHERE action LIKE 'refused:%'"
            " AND actor IS NULL AND actor_key IS NOT NULL AND substr(actor_key, 1, ?) = ?",
            (len(prefix), prefix),
        )
        return [r["actor_key"] for r in rows]
