"""The outbox: every message an action causes is stored in that action's transaction, then sent
within Telegram's limits. It is the one owner of those limits for everything that is not an
immediate reply: pacing per chat and overall, 429 (it waits `retry_after` itself), blocked
users, retries with backoff, and crash recovery.

Services say *what* to tell *whom* (a pseudonym, or one of the recipients in `bot.domain`);
the app attaches `send`, which renders the payload in the recipient's language, sends it, and
may return a receipt: work (such as remembering where a card was posted) that is committed in
the same transaction that deletes the row, so a crash cannot record one without the other.

Delivery is at least once: a crash while a request is in flight may repeat that one message.
Where repeating must be harmless (the confirmation of a filed report), the sender edits a
known message instead of sending a new one.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import Enum, auto
from typing import Any

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.health import StorageAlarm, storage_problem
from bot.db.repositories.outbox import OutboxItem, OutboxRepository
from bot.domain import Priority
from bot.services.dates import to_db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # then a notification is dropped (a confirmation never is)
DEFAULT_RATE = 25.0  # messages per second, under Telegram's ~30
PER_CHAT_INTERVAL = 1.0  # Telegram: about one message per second in one chat
URGENT_BACKOFF_CAP = 300.0
FIRST_BACKOFF = 10.0  # seconds before the first retry of a notification; doubles each time


class RecipientGoneError(Exception):
    """The user blocked the bot or deleted the account: stop writing to them."""


class RetryLaterError(Exception):
    """Telegram's flood control (429): wait this long before sending anything else."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


Receipt = Callable[[], Awaitable[None]]
Send = Callable[[str, dict[str, Any]], Awaitable[Receipt | None]]


class Outcome(Enum):
    SENT = auto()
    GONE = auto()
    THROTTLED = auto()
    FAILED = auto()
    BUSY = auto()  # being sent by another caller right now, or the outbox is paused


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    def __init__(
        self,
        db: Database,
        repo: OutboxRepository,
        keyring: Keyring,
        now: Callable[[], datetime] = _now,
        rate: float = DEFAULT_RATE,
        per_chat_interval: float | None = None,
        alarm: StorageAlarm | None = None,
    ) -> None:
        self._db = db
        self._repo = repo
        self._keyring = keyring
        self._now = now
        self._interval = 1 / rate if rate > 0 else 0.0
        self._per_chat_interval = per_chat_interval
        self._alarm = alarm or StorageAlarm()
        self._send: Send | None = None
        self.wakeup = asyncio.Event()
        self._preempt = False  # an urgent message arrived: refetch before the next bulk one
        self._inflight: set[int] = set()
        self._resume_at: datetime | None = None  # Telegram asked us not to send before this
        # When each recipient last got a message: kept across rounds, so that a message
        # queued right after another still waits its turn.
        self._last_sent: dict[str, float] = {}

    def attach(self, send: Send) -> None:
        self._send = send

    @property
    def _per_chat(self) -> float:
        if self._per_chat_interval is not None:
            return self._per_chat_interval
        return PER_CHAT_INTERVAL

    # Queueing

    async def enqueue(
        self,
        recipient: str,
        payload: dict[str, Any],
        *,
        priority: Priority = Priority.NORMAL,
        dedupe: str | None = None,
    ) -> int:
        """Queue a message; inside a transaction it commits (or rolls back) with it."""
        item_id = await self._repo.add(
            recipient, self._seal(payload), to_db(self._now()), int(priority), dedupe
        )
        if priority == Priority.URGENT:
            self._preempt = True
        self.wakeup.set()
        return item_id

    async def waiting(self, dedupe: str) -> int | None:
        """The id of the message queued under this name, if it has not been sent yet."""
        item = await self._repo.find(dedupe)
        return item.id if item else None

    async def depth(self) -> int:
        return await self._repo.depth()

    def _seal(self, payload: dict[str, Any]) -> bytes:
        return self._keyring.seal(json.dumps(payload, ensure_ascii=False).encode(), b"outbox")

    # Sending

    async def deliver_now(self, item_id: int) -> bool:
        """Send one message at once (a person is waiting for it); True if it went out.

        When it cannot go now (a 429 pause, an error), it stays queued for the worker.
        """
        item = await self._repo.get(item_id)
        return item is not None and await self._deliver(item) is Outcome.SENT

    async def send_due(self) -> int:
        """Send what is due now, most urgent first; return how many were sent."""
        sent = 0
        self._forget_old_pacing()
        self._preempt = False
        for item in await self._repo.due(to_db(self._now())):
            if item.priority > Priority.URGENT and self._preempt:
                break  # something urgent arrived: the next round starts with it
            outcome = await self._deliver(item)
            if outcome is Outcome.SENT:
                sent += 1
            elif outcome is Outcome.THROTTLED or self._paused():
                break
            if self._interval and outcome is not Outcome.BUSY:
                await asyncio.sleep(self._interval)
        return sent

    async def run(self, stop: asyncio.Event, idle: float = 5.0) -> None:
        """Send until `stop` is set; wake on enqueue, when a retry falls due, or every `idle`."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                await self.send_due()
                timeout = await self._until_next(idle)
            except Exception as exc:
                problem = storage_problem(exc)
                if problem is not None:
                    self._alarm.failed(problem, "outbox")  # the rows wait; nothing is lost
                else:
                    log.error("outbox round failed: %s", type(exc).__name__)
                timeout = idle
            waiters = {
                asyncio.ensure_future(self.wakeup.wait()),
                asyncio.ensure_future(stop.wait()),
            }
            _, pending = await asyncio.wait(
                waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()

    async def _until_next(self, idle: float) -> float:
        if self._resume_at is not None and self._paused():
            return max(0.05, (self._resume_at - self._now()).total_seconds())
        next_due = await self._repo.next_due()
        if next_due is None:
            return idle
        seconds = (datetime.fromisoformat(next_due) - self._now()).total_seconds()
        return min(idle, max(0.05, seconds))

    def _paused(self) -> bool:
        return self._resume_at is not None and self._now() < self._resume_at

    def _forget_old_pacing(self) -> None:
        now = asyncio.get_running_loop().time()
        self._last_sent = {
            who: at for who, at in self._last_sent.items() if now - at < self._per_chat
        }

    async def _deliver(self, item: OutboxItem) -> Outcome:
        if item.id in self._inflight or self._paused():
            return Outcome.BUSY
        if self._send is None:
            raise RuntimeError("no sender attached to the outbox")
        self._inflight.add(item.id)
        try:
            # Read again: another caller may have sent it since this round's list was read.
            fresh = await self._repo.get(item.id)
            if fresh is None:
                return Outcome.BUSY
            await self._pace(fresh.recipient)
            return await self._attempt(fresh, self._send)
        finally:
            self._inflight.discard(item.id)

    async def _pace(self, recipient: str) -> None:
        loop = asyncio.get_running_loop()
        ready = self._last_sent.get(recipient, -self._per_chat) + self._per_chat
        if loop.time() < ready:
            await asyncio.sleep(ready - loop.time())

    async def _attempt(self, item: OutboxItem, send: Send) -> Outcome:
        try:
            payload = json.loads(self._keyring.unseal(item.payload, b"outbox"))
        except Exception as exc:  # e.g. sealed under an old SECRET_KEY: it can never be sent
            log.warning("outbox %s unreadable (%s), dropped", item.id, type(exc).__name__)
            await self._repo.drop(item.id)
            return Outcome.FAILED
        try:
            receipt = await send(item.recipient, payload)
        except RecipientGoneError:
            log.info("outbox %s: recipient gone, dropped", item.id)
            await self._repo.drop(item.id)
            return Outcome.GONE
        except RetryLaterError as exc:
            # Telegram asked us to wait: not the message's fault, so it costs no attempt.
            self._resume_at = self._now() + timedelta(seconds=exc.seconds)
            await self._repo.retry_at(item.id, self._later(exc.seconds), count=False)
            log.warning("outbox: flood control, pausing %ss", exc.seconds)
            return Outcome.THROTTLED
        except Exception as exc:
            log.warning("outbox %s failed: %s", item.id, type(exc).__name__)
            await self._retry(item)
            return Outcome.FAILED
        self._last_sent[item.recipient] = asyncio.get_running_loop().time()
        async with self._db.transaction():
            if receipt is not None:
                await receipt()
            await self._repo.done(item, to_db(self._now()))
        return Outcome.SENT

    async def _retry(self, item: OutboxItem) -> None:
        if item.priority == Priority.URGENT:
            # Somebody's case number and code: never given up while the chat exists.
            seconds = min(URGENT_BACKOFF_CAP, 2.0 * 2**item.attempts)
        elif item.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("outbox %s dropped after %d attempts", item.id, item.attempts + 1)
            await self._repo.drop(item.id)
            return
        else:
            seconds = FIRST_BACKOFF * 2**item.attempts
        await self._repo.retry_at(item.id, self._later(seconds))

    def _later(self, seconds: float) -> str:
        return to_db(self._now() + timedelta(seconds=seconds))
