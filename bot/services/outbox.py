"""The outbox: every deferred message to a user is stored first, then sent within limits.

One place holds Telegram's limits, retries, blocked users and crash recovery. Services only
say *what* to tell *whom* (a pseudonym); the app supplies `send`, which renders the payload in
the user's language and raises the errors below.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite

from bot.db.repositories.outbox import OutboxItem, OutboxRepository
from bot.services.crypto import Keyring
from bot.services.dates import to_db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
GLOBAL_INTERVAL = 1 / 25  # below Telegram's ~30 messages per second
PER_CHAT_INTERVAL = 1.0


class RecipientGoneError(Exception):
    """The user blocked the bot or deleted the account: stop writing to them."""


class RetryLaterError(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


_THROTTLED = object()  # what _deliver returns on a 429
Send = Callable[[str, dict[str, Any]], Awaitable[None]]


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    def __init__(
        self, repo: OutboxRepository, keyring: Keyring, now: Callable[[], datetime] = _now
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._now = now
        self.wakeup = asyncio.Event()
        # When each recipient last got a message: kept across rounds, so that a message
        # queued right after another still waits its turn.
        self._last_sent: dict[str, float] = {}

    async def enqueue(self, recipient: str, payload: dict[str, Any]) -> None:
        await self._repo.add(recipient, self._seal(payload), to_db(self._now()))
        self.wakeup.set()

    async def enqueue_in(
        self, conn: aiosqlite.Connection, recipient: str, payload: dict[str, Any]
    ) -> None:
        """Queue inside a transaction the caller holds, so the message commits with it."""
        await OutboxRepository.add_with(conn, recipient, self._seal(payload), to_db(self._now()))
        self.wakeup.set()

    def _seal(self, payload: dict[str, Any]) -> bytes:
        return self._keyring.seal(json.dumps(payload, ensure_ascii=False).encode(), b"outbox")

    async def send_due(self, send: Send) -> int:
        """Send what is due now; return how many were sent."""
        sent = 0
        loop = asyncio.get_running_loop()
        self._last_sent = {
            who: at for who, at in self._last_sent.items() if loop.time() - at < PER_CHAT_INTERVAL
        }
        for item in await self._repo.due(to_db(self._now())):
            ready = self._last_sent.get(item.recipient, -PER_CHAT_INTERVAL) + PER_CHAT_INTERVAL
            if loop.time() < ready:
                await asyncio.sleep(ready - loop.time())
            outcome = await self._deliver(item, send)
            if outcome is True:
                sent += 1
                self._last_sent[item.recipient] = loop.time()
            elif outcome is _THROTTLED:
                break  # Telegram's flood control is bot-wide: end the round, try again later
            await asyncio.sleep(GLOBAL_INTERVAL)
        return sent

    async def _deliver(self, item: OutboxItem, send: Send) -> bool | object:
        try:
            payload = json.loads(self._keyring.unseal(item.payload, b"outbox"))
        except Exception as exc:  # e.g. sealed under an old SECRET_KEY: it can never be sent
            log.warning("outbox %s unreadable (%s), dropped", item.id, type(exc).__name__)
            await self._repo.done(item.id)
            return False
        try:
            await send(item.recipient, payload)
        except RecipientGoneError:
            log.info("outbox %s: recipient gone, dropped", item.id)
            await self._repo.done(item.id)
            return False
        except RetryLaterError as exc:
            # Telegram asked us to wait: not the message's fault, so it costs no attempt.
            await self._repo.retry_at(item.id, self._later(exc.seconds), count=False)
            return _THROTTLED
        except Exception as exc:
            log.warning("outbox %s failed: %s", item.id, type(exc).__name__)
            await self._retry(item, 30 * 2**item.attempts)
            return False
        await self._repo.done(item.id)
        return True

    async def _retry(self, item: OutboxItem, seconds: float) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            log.warning("outbox %s dropped after %d attempts", item.id, item.attempts + 1)
            await self._repo.done(item.id)
            return
        await self._repo.retry_at(item.id, self._later(seconds))

    def _later(self, seconds: float) -> str:
        return to_db(self._now() + timedelta(seconds=seconds))

    async def run(self, send: Send, stop: asyncio.Event, idle: float = 5.0) -> None:
        """Send until `stop` is set; wake on enqueue, otherwise look again every `idle` s."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                await self.send_due(send)
            except Exception as exc:
                log.error("outbox round failed: %s", type(exc).__name__)
            waiters = {
                asyncio.ensure_future(self.wakeup.wait()),
                asyncio.ensure_future(stop.wait()),
            }
            _, pending = await asyncio.wait(
                waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in pending:
                waiter.cancel()
