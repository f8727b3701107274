"""Rows for /stats and /export: reports in a moderator's regions, created in a period.

Nothing here selects a reporter's pseudonym, phone or code: these rows leave the bot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from typing import Any

from bot.db.connection import Database

EXPORT_BATCH = 500  # rows read at a time, so a year of cases never sits in memory at once

# Column by column from the reports table; reporter, phone_enc and code_* are never selected.
_EXPORT = """
SELECT
    r.id AS id,
    r.case_number AS case_number,
    r.created_at AS created_at_utc,
    r.region AS region,
    r.area AS area,
    r.settlement AS settlement,
    r.occurred AS occurred,
    r.involved AS involved,
    r.amount AS amount_kzt,
    r.status AS status,
    r.anonymity AS anonymity,
    (SELECT count(*) FROM report_evidence e WHERE e.report_id = r.id) AS evidence_files,
    r.assignee AS assignee,
    r.first_response_at AS first_response_at_utc,
    r.updated_at AS updated_at_utc,
    r.description AS description
FROM reports r
WHERE r.created_at >= ? AND r.created_at < ? AND {scope}
  AND (r.created_at > ? OR (r.created_at = ? AND r.id > ?))
ORDER BY r.created_at, r.id
LIMIT ?
"""


def scope_filter(regions: frozenset[str] | None, column: str = "region") -> tuple[str, list[Any]]:
    """An SQL condition on the region column for a moderator's scope, and its parameters."""
    if regions is None:
        return "1", []
    codes = sorted(regions)
    if not codes:
        return "0", []  # a scope of no regions sees nothing
    return f"{column} IN ({', '.join('?' * len(codes))})", codes


class ReportingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_by_status(self) -> dict[str, int]:
        """Every report counted by its status (the reports_region_status index covers it)."""
        rows = await self._db.fetchall("SELECT status, COUNT(*) AS n FROM reports GROUP BY status")
        return {str(row["status"]): int(row["n"]) for row in rows}

    async def stats_rows(
        self, regions: frozenset[str] | None, start: str, end: str
    ) -> list[sqlite3.Row]:
        """Reports created from `start` to `end` (stored times, both included)."""
        where, params = scope_filter(regions)
        return await self._db.fetchall(
            "SELECT region, area, status, created_at, first_response_at FROM reports"
            f" WHERE created_at >= ? AND created_at <= ? AND {where}",
            [start, end, *params],
        )

    async def export_rows(
        self, regions: frozenset[str] | None, start: str, end: str
    ) -> AsyncIterator[sqlite3.Row]:
        """Reports created from `start` up to (not including) `end`, oldest first, read a
        batch at a time."""
        where, params = scope_filter(regions, "r.region")
        sql = _EXPORT.format(scope=where)
        after_at, after_id = "", 0
        while True:
            rows = await self._db.fetchall(
                sql,
                [
                    start,
                    end,
                    *params,
                    after_at,
                    after_at,
                    after_id,
                    EXPORT_BATCH,
                ],
            )
            for row in rows:
                yield row
            if len(rows) < EXPORT_BATCH:
                return
            after_at, after_id = rows[-1]["created_at_utc"], rows[-1]["id"]
