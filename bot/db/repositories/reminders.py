"""Reminder queries. They run inside the transaction that also records the reminder and queues
its messages, so all three commit or roll back together."""

from __future__ import annotations

import sqlite3

from bot.db.connection import Database
from bot.domain import CLOSED_STATUSES

KIND_UNTAKEN = "untaken"
KIND_STALE = "stale_info"
KIND_DAILY = "daily"

_CLAIM = "INSERT OR IGNORE INTO reminders_sent (kind, subject, sent_at) VALUES (?, ?, ?)"

# Received, nobody took it, old enough, and not reminded about yet.
_UNTAKEN = (
    "SELECT r.id, r.case_number, r.region, r.created_at FROM reports r"
    " WHERE r.status = 'received' AND r.assignee IS NULL AND r.created_at <= ?"
    f" AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.kind = '{KIND_UNTAKEN}'"
    " AND s.subject = CAST(r.id AS TEXT))"
    " ORDER BY r.id"
)

# Waiting for the reporter since the latest change to need_info, long enough, with no reporter
# message after that change. Reporters' messages are stored to the hour (privacy), status
# changes and moderators' questions to the second. So a reporter message in the hour of the
# change counts as an answer when it comes after the moderator's question that opened the
# period (or when no question was asked), which the thread's ids tell.
_STALE = (
    "SELECT r.id, r.case_number, r.region, r.assignee, h.id AS history_id,"
    " h.created_at AS since"
    " FROM reports r JOIN report_status_history h ON h.id = ("
    "  SELECT MAX(x.id) FROM report_status_history x"
    "  WHERE x.report_id = r.id AND x.status = 'need_info')"
    " WHERE r.status = 'need_info' AND h.created_at <= ?"
    " AND NOT EXISTS (SELECT 1 FROM report_messages m"
    "  WHERE m.report_id = r.id AND m.author = 'reporter' AND ("
    "   m.created_at > h.created_at"
    "   OR (m.created_at >= substr(h.created_at, 1, 14) || '00:00Z'"
    "    AND m.id > COALESCE((SELECT MAX(q.id) FROM report_messages q"
    "     WHERE q.report_id = r.id AND q.author = 'moderator'"
    "     AND q.created_at <= h.created_at), 0))))"
    f" AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.kind = '{KIND_STALE}'"
    " AND s.subject = r.id || ':' || h.id)"
    " ORDER BY r.id"
)

_SUMMARY = (
    "SELECT region, status, assignee, created_at FROM reports"
    f" WHERE status NOT IN ({', '.join('?' for _ in CLOSED_STATUSES)}) OR created_at >= ?"
)


class ReminderRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def untaken_due(self, created_before: str) -> list[sqlite3.Row]:
        return await self._db.fetchall(_UNTAKEN, (created_before,))

    async def stale_due(self, changed_before: str) -> list[sqlite3.Row]:
        return await self._db.fetchall(_STALE, (changed_before,))

    async def summary_rows(self, new_since: str) -> list[sqlite3.Row]:
        return await self._db.fetchall(_SUMMARY, (*CLOSED_STATUSES, new_since))

    async def claim(self, kind: str, subject: str, at: str) -> bool:
        """Record the reminder; False when it was already recorded (then send nothing)."""
        return await self._db.execute(_CLAIM, (kind, subject, at)) == 1
