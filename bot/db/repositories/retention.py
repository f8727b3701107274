"""Retention: finding closed cases past their time and erasing what people wrote in them.

What goes: the description, the place (settlement and coordinates), who is involved, the
sealed phone number, every file_id, the case thread (questions, answers, the files in it),
internal notes, the reasons typed with status changes, and the same texts where the audit
log quoted them. What stays, so /stats and the counts in exports stay right: the case number,
region, area, status, anonymity level, assignee, the dates (cut to the day; the seconds to
the first response are kept apart, in response_s) and the amount as a band (its power of
ten). The reporter's pseudonym and follow-up code stay too, so that /mytips and /check can
say the case was erased instead of "no such report".
"""

from __future__ import annotations

from bot.db.connection import Database
from bot.domain import CLOSED_STATUSES

# As in the partial index reports_retention (0010_indexes.sql): literals, so it applies.
_CLOSED = ", ".join(f"'{status}'" for status in CLOSED_STATUSES)


def _day(column: str) -> str:
    return f"substr({column}, 1, 10) || 'T00:00:00Z'"


def amount_band(amount: int | None) -> int | None:
    """The power of ten at or below the amount: 2 750 000 ₸ is kept as 1 000 000 ₸."""
    if amount is None or amount <= 0:
        return None
    return 10 ** (len(str(amount)) - 1)


class RetentionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, closed_before: str, limit: int) -> list[int]:
        """Closed cases not erased yet whose last activity (the closing included) is before
        `closed_before`, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id FROM reports"
            f" WHERE erased_on IS NULL AND status IN ({_CLOSED}) AND updated_at < ?"
            " ORDER BY updated_at LIMIT ?",
            (closed_before, limit),
        )
        return [int(row["id"]) for row in rows]

    async def has_cards(self, report_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM card_copies WHERE report_id = ? LIMIT 1", (report_id,)
        )
        return row is not None

    async def erase(self, report_id: int, closed_before: str, today: str) -> bool:
        """Erase one case (the caller holds the transaction). False when it is no longer
        due: reopened, active again or erased by another run meanwhile."""
        row = await self._db.fetchone(
            "SELECT amount FROM reports"
            f" WHERE id = ? AND erased_on IS NULL AND status IN ({_CLOSED}) AND updated_at < ?",
            (report_id, closed_before),
        )
        if row is None:
            return False
        await self._db.execute(
            "UPDATE reports SET description = '', settlement = '', involved = NULL,"
            " latitude = NULL, longitude = NULL, phone_enc = NULL, amount = ?,"
            f" created_at = {_day('created_at')},"
            f" first_response_at = {_day('first_response_at')},"
            f" updated_at = {_day('updated_at')}, erased_on = ?"
            " WHERE id = ?",
            (amount_band(row["amount"]), today, report_id),
        )
        # Files first: those sent in the thread point at its messages.
        await self._db.execute("DELETE FROM report_evidence WHERE report_id = ?", (report_id,))
        await self._db.execute("DELETE FROM report_messages WHERE report_id = ?", (report_id,))
        await self._db.execute("DELETE FROM report_notes WHERE report_id = ?", (report_id,))
        await self._db.execute(
            "UPDATE report_status_history"
            f" SET reason = NULL, created_at = {_day('created_at')} WHERE report_id = ?",
            (report_id,),
        )
        # The audit log only lets values get shorter (see 0010_indexes.sql): the status stays.
        await self._db.execute(
            "UPDATE audit_log SET old_value = NULL, new_value = NULL"
            " WHERE report_id = ? AND action IN ('ask', 'note')"
            " AND (old_value IS NOT NULL OR new_value IS NOT NULL)",
            (report_id,),
        )
        await self._db.execute(
            "UPDATE audit_log"
            " SET new_value = substr(new_value, 1, instr(new_value, ':') - 1)"
            " WHERE report_id = ? AND action = 'status' AND instr(new_value, ':') > 0",
            (report_id,),
        )
        return True
