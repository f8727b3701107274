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
known message instead of sending a new one. Messages go one at a time, so at most one is in
flight when the process dies.

Broadcasts (news to thousands, digests) are rows like any other, with a `job`: each row's fate
(sent, failed with the reason, gone, skipped) is counted on its job in the transaction that
deletes the row, so progress never disagrees with the queue, also across a crash. The overall
rate is shared with the handlers' immediate replies (`SendBudget`): a reply to a person is
never held back, and the outbox leaves room for it in the same second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import Any

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.health import StorageAlarm, storage_problem
from bot.db.repositories.outbox import OutboxItem, OutboxRepository
from bot.domain import Priority
from bot.services.dates import to_db, utc_now

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # then a notification is dropped (a confirmation never is)
DEFAULT_RATE = 25.0  # messages per second, under Telegram's ~30
PER_CHAT_INTERVAL = 1.0  # Telegram: about one message per second in one chat
URGENT_BACKOFF_CAP = 300.0
CATCH_UP = 0.25  # seconds of slow sends the pacing may make up for
# Broadcast messages on their way at once: Telegram answers in 50-150 ms from Kazakhstan, so
# one at a time could not keep 25/s. It is also the most a crash can repeat (at least once).
BULK_IN_FLIGHT = 2
FIRST_BACKOFF = 10.0  # seconds before the first retry of a notification; doubles each time


class RecipientGoneError(Exception):
    """The user blocked the bot or deleted the account: stop writing to them."""


class NotWantedError(Exception):
    """The recipient no longer wants this (unsubscribed meanwhile): drop it, count it skipped."""


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
    SKIPPED = auto()


def failure_reason(exc: BaseException) -> str:
    """Why a send failed, in words safe to store: Telegram's own description (it never quotes
    the message) or the error's type."""
    message = getattr(exc, "message", None)
    return (str(message) if message else type(exc).__name__)[:120]


class SendBudget:
    """Messages this process sent to Telegram in the last second, whoever sent them.

    Handlers' replies are noted and never wait; the outbox waits for a free slot, so replies
    and a broadcast together stay under the rate and a person is not the one who gets a 429.
    """

    def __init__(self, rate: float, window: float = 1.0) -> None:
        self._limit = rate if rate > 0 else float("inf")
        self._window = window
        self._stamps: deque[float] = deque()

    def note(self) -> float:
        at = asyncio.get_running_loop().time()
        self._stamps.append(at)
        return at

    def forget(self, at: float) -> None:
        """A send that turned out not to be a message (a 403): it used no slot."""
        with contextlib.suppress(ValueError):
            self._stamps.remove(at)

    def wait(self, now: float) -> float:
        """Seconds until one more message fits in the window."""
        while self._stamps and self._stamps[0] <= now - self._window:
            self._stamps.popleft()
        if len(self._stamps) < self._limit:
            return 0.0
        return self._stamps[0] + self._window - now


class Outbox:
    def __init__(
        self,
        db: Database,
        repo: OutboxRepository,
        keyring: Keyring,
        now: Callable[[], datetime] = utc_now,
        rate: float = DEFAULT_RATE,
        per_chat_interval: float | None = None,
        alarm: StorageAlarm | None = None,
    ) -> None:
        self._db = db
        self._repo = repo
        self._keyring = keyring
        self._now = now
        self._interval = 1 / rate if rate > 0 else 0.0
        self.budget = SendBudget(rate)
        self._next_slot = 0.0
        self._slot_lock = asyncio.Lock()
        self._per_chat_interval = per_chat_interval
        self._alarm = alarm or StorageAlarm()
        self._send: Send | None = None
        self.wakeup = asyncio.Event()
        # The most urgent priority queued since this round began: a round of less urgent
        # messages stops for it (a notification overtakes a broadcast, a confirmation both).
        self._preempt: int | None = None
        self._inflight: set[int] = set()
        self._resume_at: datetime | None = None  # Telegram asked us not to send before this
        # When each recipient last got a message: kept across rounds, so that a message
        # queued right after another still waits its turn.
        self._last_sent: dict[str, float] = {}
        # Told the priority of each message sent (bot/metrics.py counts them); None: nobody.
        self.on_sent: Callable[[int], None] | None = None

    def attach(self, send: Send) -> None:
        self._send = send

    @property
    def sender(self) -> Send | None:
        """What `attach` was given (tests wrap it to see what was delivered)."""
        return self._send

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
        job: int | None = None,
        not_before: datetime | None = None,
    ) -> int:
        """Queue a message; inside a transaction it commits (or rolls back) with it."""
        item_id = await self._repo.add(
            recipient,
            self._seal(payload),
            to_db(not_before or self._now()),
            int(priority),
            dedupe,
            job,
        )
        self._wake(priority)
        return item_id

    async def enqueue_many(
        self,
        recipients: Iterable[str],
        payload: dict[str, Any] | Callable[[str], dict[str, Any]],
        *,
        priority: Priority = Priority.BULK,
        job: int | None = None,
    ) -> int:
        """One message per recipient (each sealed apart), in one statement; `payload` may be
        a function of the recipient. Returns how many were queued."""
        rows = [
            (who, self._seal(payload(who) if callable(payload) else payload)) for who in recipients
        ]
        if rows:
            await self._repo.add_many(rows, to_db(self._now()), int(priority), job)
            self._wake(priority)
        return len(rows)

    def _wake(self, priority: Priority) -> None:
        if self._preempt is None or priority < self._preempt:
            self._preempt = int(priority)
        self.wakeup.set()

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
        return item is not None and await self._deliver(item, just_read=True) is Outcome.SENT

    async def send_due(self) -> int:
        """Send what is due now, most urgent first; return how many were sent.

        Bulk messages (broadcasts) go BULK_IN_FLIGHT at a time, so the rate is not held down
        by one round trip to Telegram; everything else goes one at a time, in order.
        """
        sent = 0
        self._forget_old_pacing()
        self._preempt = None
        running: set[asyncio.Task[Outcome]] = set()
        stop = False
        try:
            for item in await self._repo.due(to_db(self._now())):
                if self._preempt is not None and item.priority > self._preempt:
                    break  # something more urgent arrived: the next round starts with it
                if item.priority >= Priority.BULK and BULK_IN_FLIGHT > 1:
                    while len(running) >= BULK_IN_FLIGHT and not stop:
                        done, running = await asyncio.wait(
                            running, return_when=asyncio.FIRST_COMPLETED
                        )
                        for task in done:
                            sent += task.result() is Outcome.SENT
                            stop = stop or self._stops(task.result())
                    if stop or (self._preempt is not None and item.priority > self._preempt):
                        break  # a 429, or something more urgent arrived while waiting
                    running.add(asyncio.create_task(self._deliver(item)))
                    await asyncio.sleep(0)  # let it take its slot before the next one
                    continue
                outcome = await self._deliver(item)
                if outcome is Outcome.SENT:
                    sent += 1
                elif self._stops(outcome):
                    break
        finally:
            for outcome in await asyncio.gather(*running):
                sent += outcome is Outcome.SENT
        return sent

    def _stops(self, outcome: Outcome) -> bool:
        return outcome is Outcome.THROTTLED or self._paused()

    async def run(self, stop: asyncio.Event, idle: float = 5.0) -> None:
        """Send until `stop` is set; wake on enqueue, when a retry falls due, or every `idle`."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                if await self.send_due() and not self._paused():
                    continue  # a broadcast goes on: the next round at once, not after a nap
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

    async def _deliver(self, item: OutboxItem, *, just_read: bool = False) -> Outcome:
        if item.id in self._inflight or self._paused():
            return Outcome.BUSY
        if self._send is None:
            raise RuntimeError("no sender attached to the outbox")
        self._inflight.add(item.id)
        try:
            # Read again: another caller may have sent it since this round's list was read.
            # A row read just before (no await since) is as fresh as a second read would be.
            fresh = item if just_read else await self._repo.get(item.id)
            if fresh is None:
                return Outcome.BUSY
            await self._pace(fresh.recipient)
            slot = await self._take_slot()
            outcome = await self._attempt(fresh, self._send)
            if outcome in (Outcome.GONE, Outcome.SKIPPED):
                self._give_back(slot)  # nothing reached anybody: the slot is still free
            return outcome
        finally:
            self._inflight.discard(item.id)

    async def _take_slot(self) -> tuple[float, float]:
        """Wait for the overall rate: evenly spaced, and under the shared one-second window."""
        loop = asyncio.get_running_loop()
        async with self._slot_lock:  # sends in flight together still take turns here
            while True:
                now = loop.time()
                wait = max(self._next_slot - now, self.budget.wait(now))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            previous = self._next_slot
            # Evenly spaced on average: a slow send is made up by the next ones (within a
            # quarter of a second); the one-second window keeps every second under the rate.
            self._next_slot = max(previous, now - CATCH_UP) + self._interval
            return previous, self.budget.note()

    def _give_back(self, slot: tuple[float, float]) -> None:
        previous, stamp = slot
        self._next_slot = previous
        self.budget.forget(stamp)

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
            await self._repo.discard(item, "failed", "unreadable")
            return Outcome.FAILED
        try:
            receipt = await send(item.recipient, payload)
        except RecipientGoneError:
            log.info("outbox %s: recipient gone, dropped", item.id)
            await self._repo.discard(item, "gone")
            return Outcome.GONE
        except NotWantedError:
            await self._repo.discard(item, "skipped")
            return Outcome.SKIPPED
        except RetryLaterError as exc:
            # Telegram asked us to wait: not the message's fault, so it costs no attempt.
            self._resume_at = self._now() + timedelta(seconds=exc.seconds)
            await self._repo.retry_at(item.id, self._later(exc.seconds), count=False)
            log.warning("outbox: flood control, pausing %ss", exc.seconds)
            return Outcome.THROTTLED
        except Exception as exc:
            log.warning("outbox %s failed: %s", item.id, type(exc).__name__)
            await self._retry(item, failure_reason(exc))
            return Outcome.FAILED
        self._last_sent[item.recipient] = asyncio.get_running_loop().time()
        async with self._db.transaction():
            if receipt is not None:
                await receipt()
            await self._repo.done(item, to_db(self._now()))
        if self.on_sent is not None:
            self.on_sent(item.priority)
        return Outcome.SENT

    async def _retry(self, item: OutboxItem, reason: str) -> None:
        if item.priority == Priority.URGENT:
            # Somebody's case number and code: never given up while the chat exists.
            seconds = min(URGENT_BACKOFF_CAP, 2.0 * 2**item.attempts)
        elif item.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("outbox %s dropped after %d attempts", item.id, item.attempts + 1)
            await self._repo.discard(item, "failed", reason)
            return
        else:
            seconds = FIRST_BACKOFF * 2**item.attempts
        await self._repo.retry_at(item.id, self._later(seconds))

    def _later(self, seconds: float) -> str:
        return to_db(self._now() + timedelta(seconds=seconds))
