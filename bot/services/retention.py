"""Retention: a closed case keeps what people wrote in it for `days` days, then loses it.

Nightly (bot/retention_jobs.py), cases closed (resolved, rejected, duplicate) with no activity
for more than `days` days lose their free text, files, contact data and thread; what /stats
and the counts in exports use stays (see bot/db/repositories/retention.py for the list).

Each batch of cases is one transaction with one audit row that holds only the number erased
(actor: the system, NULL), so a crash leaves every case either fully erased or untouched, and
the audit log tells no moment tied to one anonymous case. Every erased case's posted cards are
redrawn through the outbox, so the text also leaves the moderators' chats. A run after a
crash, or two runs in a row, find only what is still due: running again is always safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.retention import RetentionRepository
from bot.domain import CARDS_RECIPIENT, Priority
from bot.services.dates import to_db, utc_now
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)

BATCH = 200  # cases per transaction: a first run over years of cases never blocks writers long
ACTION = "retention"


class Retention:
    def __init__(
        self,
        db: Database,
        repo: RetentionRepository,
        audit: AuditRepository,
        outbox: Outbox,
        *,
        days: int,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        if days < 1:
            raise ValueError("retention must be at least a day")
        self._db = db
        self._repo = repo
        self._audit = audit
        self._outbox = outbox
        self.days = days
        self._now = now

    async def run(self) -> int:
        """Erase every case that is due; returns how many were erased."""
        now = self._now()
        closed_before = to_db(now - timedelta(days=self.days))
        today = now.date().isoformat()
        erased = 0
        while True:
            batch = await self._repo.due(closed_before, BATCH)
            if not batch:
                break
            async with self._db.transaction():
                done = 0
                for report_id in batch:
                    if await self._repo.erase(report_id, closed_before, today):
                        done += 1
                        if await self._repo.has_cards(report_id):
                            # Bulk: a first run's thousands of edits never hold up the
                            # notifications people wait for.
                            await self._outbox.enqueue(
                                CARDS_RECIPIENT,
                                {"kind": "card_refresh", "report_id": report_id},
                                priority=Priority.BULK,
                                dedupe=f"card_refresh:{report_id}",
                            )
                if done:
                    await self._audit.add(to_db(now), None, None, ACTION, None, None, str(done))
            erased += done
            if len(batch) < BATCH or not done:
                break
        if erased:
            # The old text may still sit in the WAL's earlier frames: empty it now
            # (secure_delete already zeroes freed space in the file).
            await self._db.checkpoint()
            log.info("retention: %d cases erased", erased)
        # The quiet hour is also when SQLite's planner statistics are best refreshed.
        await self._db.optimize()
        return erased
