"""Reminders to moderators: untaken reports, unanswered requests for information, and the
daily summary. Plain Python: the scheduler only decides *when* these run.

Each reminder is decided, recorded in ``reminders_sent`` and queued in the outbox inside one
SQLite transaction, so two runs, a crash or a restart never send it twice, and one that fell
due while the bot was down is sent once, late. Payloads carry codes and numbers only; the app
renders them in each moderator's language:

- ``{"kind": "mod_untaken", "case": "KZ27-000123", "hours": 52}``
- ``{"kind": "mod_stale", "case": "KZ27-000123", "days": 8}``
- ``{"kind": "mod_daily", "date": "2026-11-23", "open": 4, "overdue": 1, "new": 2, "mine": 1}``
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from bot.db.connection import Database
from bot.db.repositories import reminders as queries
from bot.db.repositories.moderators import Moderator, ModeratorRepository
from bot.db.repositories.reminders import ReminderRepository
from bot.domain import CLOSED_STATUSES
from bot.services.dates import coarse_hour, from_db, to_db, utc_now
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)

UNTAKEN_AFTER = timedelta(hours=48)
STALE_INFO_AFTER = timedelta(days=7)
NEW_WITHIN = timedelta(hours=24)

KIND_UNTAKEN, KIND_STALE, KIND_DAILY = queries.KIND_UNTAKEN, queries.KIND_STALE, queries.KIND_DAILY


class Reminders:
    def __init__(
        self,
        db: Database,
        moderators: ModeratorRepository,
        outbox: Outbox,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = ReminderRepository(db)
        self._moderators = moderators
        self._outbox = outbox
        self._now = now

    async def send_due(self) -> int:
        """Queue every untaken and stale-need_info reminder now due; return messages queued."""
        return await self._send_untaken() + await self._send_stale()

    async def send_daily_summary(self, local_date: date) -> int:
        """Queue one summary per active moderator for `local_date`; a second call sends none."""
        moderators = await self._moderators.active()
        now = self._now()
        overdue_before = to_db(now - UNTAKEN_AFTER)
        # Report times are stored to the hour: count the whole hour 24 h ago rather than miss it.
        new_since = to_db(coarse_hour(now) - NEW_WITHIN)
        day = local_date.isoformat()
        queued = 0
        async with self._db.transaction():
            rows = await self._repo.summary_rows(new_since)
            for moderator in moderators:
                if not await self._claim(KIND_DAILY, f"{day}:{moderator.id}", now):
                    continue
                mine = [r for r in rows if moderator.covers(r["region"])]
                open_ = [r for r in mine if r["status"] not in CLOSED_STATUSES]
                payload = {
                    "kind": "mod_daily",
                    "date": day,
                    "open": len(open_),
                    "overdue": sum(
                        1
                        for r in open_
                        if r["status"] == "received"
                        and r["assignee"] is None
                        and r["created_at"] <= overdue_before
                    ),
                    "new": sum(1 for r in mine if r["created_at"] >= new_since),
                    "mine": sum(1 for r in open_ if r["assignee"] == moderator.id),
                }
                await self._outbox.enqueue(moderator.pseudonym, payload)
                queued += 1
        if queued:
            log.info("daily summaries queued: %d", queued)
        return queued

    async def _claim(self, kind: str, subject: str, now: datetime) -> bool:
        return await self._repo.claim(kind, subject, to_db(now))

    async def _enqueue_all(self, recipients: list[str], payload: dict[str, Any]) -> int:
        for recipient in recipients:
            await self._outbox.enqueue(recipient, payload)
        return len(recipients)

    async def _send_untaken(self) -> int:
        moderators = await self._moderators.active()
        now = self._now()
        queued = 0
        async with self._db.transaction():
            rows = await self._repo.untaken_due(to_db(now - UNTAKEN_AFTER))
            for row in rows:
                recipients = _covering(moderators, row["region"])
                # Nobody covers the region yet: record nothing, so a moderator added later
                # still hears about it.
                if not recipients or not await self._claim(KIND_UNTAKEN, str(row["id"]), now):
                    continue
                hours = int((now - from_db(row["created_at"])) // timedelta(hours=1))
                payload = {"kind": "mod_untaken", "case": row["case_number"], "hours": hours}
                queued += await self._enqueue_all(recipients, payload)
        if queued:
            log.info("untaken reminders queued: %d", queued)
        return queued

    async def _send_stale(self) -> int:
        moderators = await self._moderators.active()
        by_id = {m.id: m for m in moderators}
        now = self._now()
        queued = 0
        async with self._db.transaction():
            rows = await self._repo.stale_due(to_db(now - STALE_INFO_AFTER))
            for row in rows:
                assignee = by_id.get(row["assignee"]) if row["assignee"] is not None else None
                if assignee is not None:
                    recipients = [assignee.pseudonym]
                else:
                    recipients = _covering(moderators, row["region"])
                subject = f"{row['id']}:{row['history_id']}"
                if not recipients or not await self._claim(KIND_STALE, subject, now):
                    continue
                days = (now - from_db(row["since"])).days
                payload = {"kind": "mod_stale", "case": row["case_number"], "days": days}
                queued += await self._enqueue_all(recipients, payload)
        if queued:
            log.info("stale need_info flags queued: %d", queued)
        return queued


def _covering(moderators: Iterable[Moderator], region: str) -> list[str]:
    return [m.pseudonym for m in moderators if m.covers(region)]
