"""Rows for /stats and /export: reports in a moderator's regions, created in a period.

Nothing here selects a reporter's pseudonym, phone or code: these rows leave the bot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.db.connection import Database

_PACK = 1 << 32  # more reports than this in one combination would be a different problem

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
  AND (r.created_at > ? OR r.id > ?)
ORDER BY r.created_at, r.id
LIMIT ?
"""


@dataclass(frozen=True, slots=True)
class StatsCount:
    region: str
    area: str
    status: str
    n: int  # reports created in the period
    responded: int  # of them, those with a first response


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
        """Every report counted by its status (for /metrics; an index on status covers it)."""
        rows = await self._db.fetchall("SELECT status, COUNT(*) AS n FROM reports GROUP BY status")
        return {str(row["status"]): int(row["n"]) for row in rows}

    async def stats_counts(
        self, regions: frozenset[str] | None, start: str, end: str
    ) -> list[StatsCount]:
        """Reports created from `start` to `end` (stored times, both included), counted per
        region, area and status: `n`, and `responded` (those with a first response).

        Whole months inside the period come from report_months (kept by triggers); the two
        partial months at its ends are counted in the covering index reports_tally_time, so a
        year of a million reports costs two months of index ranges, not twelve."""
        first, last = start[:7], end[:7]  # YYYY-MM
        if first == last:
            parts = [await self._range_counts(regions, start, end)]
        else:
            # "-99" sorts after every day of its month, "-00" before: the month's bounds.
            parts = [
                await self._range_counts(regions, start, f"{first}-99"),
                await self._month_counts(regions, first, last),
                await self._range_counts(regions, f"{last}-00", end),
            ]
        totals: dict[tuple[str, str, str], list[int]] = {}
        for part in parts:
            for key, n, responded in part:
                counted = totals.setdefault(key, [0, 0])
                counted[0] += n
                counted[1] += responded
        return [
            StatsCount(region, area, status, n, responded)
            for (region, area, status), (n, responded) in totals.items()
            if n
        ]

    async def _month_counts(
        self, regions: frozenset[str] | None, after: str, before: str
    ) -> list[tuple[tuple[str, str, str], int, int]]:
        """Counts of the whole months strictly between `after` and `before` (YYYY-MM)."""
        where, params = scope_filter(regions)
        rows = await self._db.fetchall(
            "SELECT region, area, status, SUM(n) AS n, SUM(responded) AS responded"
            " FROM report_months WHERE month > ? AND month < ?"
            f" AND {where} GROUP BY region, area, status",
            [after, before, *params],
        )
        return [((r["region"], r["area"], r["status"]), r["n"], r["responded"]) for r in rows]

    async def _range_counts(
        self, regions: frozenset[str] | None, start: str, end: str
    ) -> list[tuple[tuple[str, str, str], int, int]]:
        """Counts of the reports created from `start` to `end`, both included, from ranges
        of reports_tally_time: one per combination that exists (report_tallies lists them)."""
        where, params = scope_filter(regions, "g.region")
        # One pass over each range gives both counts, packed in one integer (a scalar
        # subquery has one value; two subqueries would read every range twice).
        rows = await self._db.fetchall(
            "SELECT g.region, g.area, g.status,"
            f" (SELECT COUNT(*) * {_PACK} + COUNT(r.response_s) FROM reports r"
            "  WHERE r.region = g.region AND r.area = g.area AND r.status = g.status"
            "  AND r.created_at >= ? AND r.created_at <= ?) AS packed"
            f" FROM (SELECT DISTINCT region, area, status FROM report_tallies) g WHERE {where}",
            [start, end, *params],
        )
        counts = []
        for row in rows:
            n, responded = divmod(row["packed"], _PACK)
            if n:
                counts.append(((row["region"], row["area"], row["status"]), n, responded))
        return counts

    async def response_seconds_at(
        self, regions: frozenset[str] | None, start: str, end: str, rank: int, count: int
    ) -> list[int]:
        """Seconds to the first response of the reports created in the period, in order,
        from the `rank`-th (0-based), at most `count` of them: the medians need two."""
        where, params = scope_filter(regions)
        # Walks reports_response in order of the seconds (the period and the region are in
        # the index), stopping at the rank: no sort of half a million values.
        rows = await self._db.fetchall(
            "SELECT response_s FROM reports INDEXED BY reports_response"
            " WHERE response_s IS NOT NULL AND created_at >= ? AND created_at <= ?"
            f" AND {where} ORDER BY response_s LIMIT ? OFFSET ?",
            [start, end, *params, count, rank],
        )
        return [int(row["response_s"]) for row in rows]

    async def export_rows(
        self, regions: frozenset[str] | None, start: str, end: str
    ) -> AsyncIterator[sqlite3.Row]:
        """Reports created from `start` up to (not including) `end`, oldest first, read a
        batch at a time."""
        where, params = scope_filter(regions, "r.region")
        sql = _EXPORT.format(scope=where)
        # Keyset pages: each batch starts its range where the last one ended (the bound on
        # created_at is what lets the index skip what was read; the OR alone would not).
        after_at, after_id = "", 0
        while True:
            # One lower bound, the later of the two: given two, SQLite ranges on the first.
            rows = await self._db.fetchall(
                sql, [max(start, after_at), end, *params, after_at, after_id, EXPORT_BATCH]
            )
            for row in rows:
                yield row
            if len(rows) < EXPORT_BATCH:
                return
            after_at, after_id = rows[-1]["created_at_utc"], rows[-1]["id"]
