"""The broadcaster: one message per recipient through the outbox, with a job that counts what
became of each, and progress the editor can watch.

Starting a broadcast (`start`) runs inside the caller's transaction, so the job, its rows and
the action that caused them (an item published, a digest run recorded) commit together. The
outbox counts each row's outcome on the job as it deletes the row. `tick` (every few seconds,
from the scheduler) queues one edit of each running job's progress message, de-duplicated per
job, so the editor sees one message updated every few seconds and never one edit per send;
a job whose rows are all gone is finished, with a last edit.

Reused by digests here and by the volunteers' reminders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.db.connection import Database
from bot.db.repositories.broadcasts import BroadcastRepository, Job
from bot.domain import Priority
from bot.services.dates import from_db, to_db, utc_now
from bot.services.outbox import Outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Progress:
    job: Job
    remaining: int
    failures: list[tuple[str, int]]
    finish_at: datetime | None  # estimated; None when nothing is known yet or it is done

    @property
    def finished(self) -> bool:
        return self.job.finished_at is not None


def progress_key(job_id: int) -> str:
    """The outbox dedupe key of a job's progress message to its owner."""
    return f"progress:{job_id}"


class Broadcasts:
    def __init__(
        self,
        db: Database,
        repo: BroadcastRepository,
        outbox: Outbox,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._repo = repo
        self._outbox = outbox
        self._now = now
        self._shown: dict[int, int] = {}  # job -> how many were done when last shown

    async def start(
        self,
        kind: str,
        recipients: Iterable[str],
        payload: dict[str, Any] | Callable[[str], dict[str, Any]],
        *,
        news_id: int | None = None,
        label: str | None = None,
        owner: str | None = None,
        progress_message_id: int | None = None,
    ) -> int:
        """Queue the broadcast; call inside the action's transaction. Returns the job id."""
        async with self._db.transaction():
            job = await self._repo.create(
                kind,
                to_db(self._now()),
                news_id=news_id,
                label=label,
                owner=owner,
                progress_message_id=progress_message_id,
            )
            total = await self._outbox.enqueue_many(
                recipients, payload, priority=Priority.BULK, job=job
            )
            await self._repo.set_total(job, total)
            if owner is not None:
                await self._queue_progress(job, owner)
        log.info("broadcast %s queued: %d messages", job, total)
        return job

    async def progress(self, job_id: int) -> Progress | None:
        job = await self._repo.get(job_id)
        if job is None:
            return None
        remaining = await self._repo.remaining(job_id)
        failures = await self._repo.failures(job_id) if job.failed else []
        return Progress(job, remaining, failures, self._estimate(job, remaining))

    async def recent(self, owner: str | None, limit: int = 3) -> list[Progress]:
        found = []
        for job in await self._repo.recent(owner, limit):
            shown = await self.progress(job.id)
            if shown is not None:
                found.append(shown)
        return found

    async def tick(self) -> int:
        """Queue a progress edit for every running job that moved; finish the jobs that are
        done. Returns how many jobs finished."""
        finished = 0
        for job in await self._repo.running():
            remaining = await self._repo.remaining(job.id)
            if remaining == 0:
                async with self._db.transaction():
                    if await self._repo.finish(job.id, to_db(self._now())):
                        finished += 1
                        if job.owner is not None:
                            await self._queue_progress(job.id, job.owner)
                self._shown.pop(job.id, None)
                log.info("broadcast %s finished", job.id)
            elif self._shown.get(job.id) != job.done and job.owner is not None:
                self._shown[job.id] = job.done
                await self._queue_progress(job.id, job.owner)
        return finished

    async def remember_progress_message(self, job_id: int, message_id: int) -> None:
        """The progress message the sender posted (when the job had none): later edits go
        there. Runs in the transaction that deletes the outbox row."""
        await self._repo.set_progress_message(job_id, message_id)

    async def _queue_progress(self, job_id: int, owner: str) -> None:
        await self._outbox.enqueue(
            owner,
            {"kind": "broadcast_progress", "job": job_id},
            priority=Priority.NORMAL,
            dedupe=progress_key(job_id),
        )

    def _estimate(self, job: Job, remaining: int) -> datetime | None:
        if job.finished_at is not None or remaining == 0 or job.done == 0:
            return None
        elapsed = (self._now() - from_db(job.started_at)).total_seconds()
        if elapsed <= 0:
            return None
        return self._now() + timedelta(seconds=remaining * elapsed / job.done)
