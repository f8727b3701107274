"""Broadcast jobs and what became of their messages; digest runs already queued.

A job's counts are written by the outbox's repository in the transaction that deletes each
row (bot/db/repositories/outbox.py), so what is left is simply the job's rows still queued.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    news_id: int | None
    label: str | None
    owner: str | None
    progress_message_id: int | None
    total: int
    sent: int
    failed: int
    gone: int
    skipped: int
    started_at: str
    finished_at: str | None

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.gone + self.skipped


def _job(row: sqlite3.Row) -> Job:
    return Job(
        row["id"],
        row["kind"],
        row["news_id"],
        row["label"],
        row["owner"],
        row["progress_message_id"],
        row["total"],
        row["sent"],
        row["failed"],
        row["gone"],
        row["skipped"],
        row["started_at"],
        row["finished_at"],
    )


class BroadcastRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        kind: str,
        at: str,
        *,
        news_id: int | None = None,
        label: str | None = None,
        owner: str | None = None,
        progress_message_id: int | None = None,
    ) -> int:
        return await self._db.insert(
            "INSERT INTO broadcast_jobs (kind, news_id, label, owner, progress_message_id,"
            " total, started_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
            (kind, news_id, label, owner, progress_message_id, at),
        )

    async def set_total(self, job_id: int, total: int) -> None:
        await self._db.execute("UPDATE broadcast_jobs SET total = ? WHERE id = ?", (total, job_id))

    async def set_progress_message(self, job_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE broadcast_jobs SET progress_message_id = ? WHERE id = ?", (message_id, job_id)
        )

    async def get(self, job_id: int) -> Job | None:
        row = await self._db.fetchone("SELECT * FROM broadcast_jobs WHERE id = ?", (job_id,))
        return _job(row) if row else None

    async def remaining(self, job_id: int) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE job = ?", (job_id,))
        return int(row["n"]) if row else 0

    async def running(self) -> list[Job]:
        rows = await self._db.fetchall(
            "SELECT * FROM broadcast_jobs WHERE finished_at IS NULL ORDER BY id"
        )
        return [_job(r) for r in rows]

    async def recent(self, owner: str | None, limit: int) -> list[Job]:
        """News jobs, running first, then the latest; of one owner, or all when None."""
        where = "kind = 'news'" + (" AND owner = ?" if owner is not None else "")
        params: tuple[object, ...] = (owner,) if owner is not None else ()
        rows = await self._db.fetchall(
            f"SELECT * FROM broadcast_jobs WHERE {where}"
            " ORDER BY finished_at IS NOT NULL, id DESC LIMIT ?",
            (*params, limit),
        )
        return [_job(r) for r in rows]

    async def finish(self, job_id: int, at: str) -> bool:
        return (
            await self._db.execute(
                "UPDATE broadcast_jobs SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (at, job_id),
            )
            == 1
        )

    async def failures(self, job_id: int) -> list[tuple[str, int]]:
        rows = await self._db.fetchall(
            "SELECT reason, count FROM broadcast_failures WHERE job_id = ? ORDER BY count DESC",
            (job_id,),
        )
        return [(r["reason"], int(r["count"])) for r in rows]

    async def cancel_for(self, recipient: str) -> int:
        """Drop a person's waiting broadcast messages (they unsubscribed); each counts as
        skipped on its job. Returns how many were dropped."""
        rows = await self._db.fetchall(
            "SELECT job, COUNT(*) AS n FROM outbox WHERE recipient = ? AND job IS NOT NULL"
            " GROUP BY job",
            (recipient,),
        )
        for row in rows:
            await self._db.execute(
                "UPDATE broadcast_jobs SET skipped = skipped + ? WHERE id = ?",
                (row["n"], row["job"]),
            )
        if rows:
            await self._db.execute(
                "DELETE FROM outbox WHERE recipient = ? AND job IS NOT NULL", (recipient,)
            )
        return sum(int(r["n"]) for r in rows)

    async def claim_digest(self, period: str, job_id: int, at: str) -> bool:
        """Record a digest run; False when it was queued before (then queue nothing)."""
        return (
            await self._db.execute(
                "INSERT OR IGNORE INTO news_digest_runs (period, job_id, sent_at)"
                " VALUES (?, ?, ?)",
                (period, job_id, at),
            )
            == 1
        )

    async def digest_claimed(self, period: str) -> bool:
        row = await self._db.fetchone("SELECT 1 FROM news_digest_runs WHERE period = ?", (period,))
        return row is not None

    async def report_counts(self, regions: frozenset[str] | None, since: str) -> tuple[int, int]:
        """Reports received and resolved since `since` in these regions (None: all)."""
        where, params = "", []
        if regions is not None:
            where = f" AND r.region IN ({', '.join('?' for _ in regions)})"
            params = sorted(regions)
        received = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM reports r WHERE r.created_at >= ?{where}",
            (since, *params),
        )
        if regions is None:
            # The period's status changes, from report_status_history_status (0010_indexes.sql).
            resolved = await self._db.fetchone(
                "SELECT COUNT(DISTINCT report_id) AS n FROM report_status_history"
                " WHERE status = 'resolved' AND created_at >= ?",
                (since,),
            )
        else:
            # Each resolution with its case's region beside it (0012_resolutions.sql).
            resolved = await self._db.fetchone(
                "SELECT COUNT(DISTINCT report_id) AS n FROM report_resolutions"
                f" WHERE region IN ({', '.join('?' for _ in regions)}) AND at >= ?",
                (*sorted(regions), since),
            )
        return (
            int(received["n"]) if received else 0,
            int(resolved["n"]) if resolved else 0,
        )
