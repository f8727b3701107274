"""An intake that never loses an update and never handles one twice, polled or pushed.

aiogram's own polling asks for the next batch before the last one is handled, which tells
Telegram to forget updates that a crash would then lose. Here every update is written to the
inbox table (sealed) *before* Telegram is told it arrived: before the next getUpdates confirms
it with a higher offset, or before the webhook answers 200 (bot/intake/webhook.py). Both go
through `accept()`. Updates are handled from the inbox and marked done. At start-up whatever is
still pending is handled first; a repeated update_id is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update

from bot.crypto import Keyring
from bot.db.health import StorageAlarm, storage_problem
from bot.db.repositories.inbox import InboxItem, InboxRepository
from bot.intake.chat_order import ChatOrderedScheduler
from bot.intake.conflict import ConflictWatch

log = logging.getLogger(__name__)
_SEAL_CONTEXT = b"inbox"
# Told of each handled update: its type, seconds it took, whether it failed (bot/metrics.py).
IntakeObserver = Callable[[str, float, bool], None]


def chat_of(update: Update) -> int | None:
    """The chat whose updates must stay in order: the chat if there is one, else the user."""
    event = update.event
    chat = getattr(event, "chat", None)
    if chat is not None:
        return int(chat.id)
    message = getattr(event, "message", None)
    if message is not None and getattr(message, "chat", None) is not None:
        return int(message.chat.id)
    user = getattr(event, "from_user", None) or getattr(event, "user", None)
    return int(user.id) if user is not None else None


class DurableIntake:
    def __init__(
        self,
        *,
        bot: Bot,
        dispatcher: Dispatcher,
        inbox: InboxRepository,
        keyring: Keyring,
        concurrency: int = 16,
        poll_timeout: int = 25,
        shutdown_grace: float = 20.0,
        max_queued: int = 2000,
        feed_kwargs: dict[str, Any] | None = None,
        alarm: StorageAlarm | None = None,
        allowed_updates: list[str] | None = None,
        observer: IntakeObserver | None = None,
        retry_delay: float = 0.5,
        conflicts: ConflictWatch | None = None,
    ) -> None:
        self._bot = bot
        self._retry_delay = retry_delay  # the first wait after a failed getUpdates; doubles
        self._conflicts = conflicts or ConflictWatch()
        self._dp = dispatcher
        self._inbox = inbox
        self._keyring = keyring
        self._poll_timeout = poll_timeout
        self._grace = shutdown_grace
        self._max_queued = max_queued
        self._feed_kwargs = feed_kwargs or {}
        self._alarm = alarm or StorageAlarm()
        self._allowed_updates = allowed_updates
        self._observer = observer
        self._last_handled: float | None = None
        self._scheduler = ChatOrderedScheduler(self._handle, concurrency)

    @property
    def queued(self) -> int:
        return self._scheduler.queued

    @property
    def another_copy_polling(self) -> bool:
        """Another copy of the bot takes this token's updates (409 Conflict) at the moment."""
        return self._conflicts.active

    @property
    def last_handled_age(self) -> float | None:
        """Seconds since the last update was handled in this run (None: none yet)."""
        return None if self._last_handled is None else time.monotonic() - self._last_handled

    async def resume(self) -> None:
        """Queue what the last run left pending, and forget old handled ids."""
        pending = await self._inbox.pending()
        if pending:
            log.info("resuming %d updates left pending by the last run", len(pending))
        for item in pending:
            self._scheduler.submit(item)
        try:
            await self._inbox.prune()
        except sqlite3.Error as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            self._alarm.failed(problem, "inbox")

    async def accept(self, updates: Sequence[Update]) -> int:
        """The one way in: store the updates, then queue the ones not seen before.

        When this returns, Telegram may be told the updates arrived. Returns how many were new.
        """
        items = self._items(updates)
        try:
            # Shielded: a stop signal must not cancel the write between receipt and confirm.
            fresh = await asyncio.shield(self._inbox.store(items))
        except sqlite3.Error as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            # The disk is full (or worse): answer what can be answered from memory rather
            # than stop answering at all. Only these updates lose the crash guarantee.
            self._alarm.failed(problem, "inbox")
            fresh = items
        for item in fresh:
            self._scheduler.submit(item)
        return len(fresh)

    async def wait_for_room(self) -> None:
        await self._scheduler.wait_for_room(self._max_queued)

    async def drain(self) -> int:
        """Start nothing new, let handlers in flight finish; how many stay pending."""
        left = await self._scheduler.drain(self._grace)
        log.info("intake stopped; %d updates stay pending for the next start", left)
        return left

    async def run(self, stop: asyncio.Event, *, after_webhook: bool = False) -> None:
        """Polling: handle leftovers, poll until `stop` is set, then drain gracefully.

        `after_webhook`: the last run took updates by webhook, where Telegram may deliver
        several at once and out of order, so the highest stored id does not prove that every
        lower one arrived. The first poll then asks from Telegram's oldest unconfirmed update;
        what was stored already is ignored as a repeat.
        """
        await self.resume()
        fetcher = asyncio.create_task(self._fetch_forever(after_webhook))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetcher, stopper}, return_when=asyncio.FIRST_COMPLETED)
        fetcher.cancel()
        stopper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fetcher
        await self.drain()
        if fetcher in done and fetcher.exception() is not None:
            raise fetcher.exception()  # type: ignore[misc]

    async def _fetch_forever(self, after_webhook: bool = False) -> None:
        offset = None if after_webhook else await self._inbox.next_offset()
        failures = 0
        while True:
            await self._scheduler.wait_for_room(self._max_queued)
            try:
                updates = await self._bot(
                    GetUpdates(
                        offset=offset,
                        timeout=self._poll_timeout,
                        allowed_updates=self._allowed_updates,
                    ),
                    request_timeout=self._poll_timeout + 10,
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except TelegramConflictError as exc:
                failures += 1
                self._conflicts.conflict(webhook="webhook" in exc.message.lower())
                await asyncio.sleep(self._backoff(failures))
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                failures += 1
                delay = self._backoff(failures)
                log.warning("getUpdates failed (%s); retrying in %.1fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            self._conflicts.polled()
            if not updates:
                continue
            await self.accept(updates)
            offset = updates[-1].update_id + 1

    def _backoff(self, failures: int) -> float:
        return min(30.0, self._retry_delay * 2 ** min(failures, 6))

    def _items(self, updates: Sequence[Update]) -> list[InboxItem]:
        items = []
        received = time.monotonic()
        for update in updates:
            chat_id = chat_of(update)
            # Not the user pseudonym: inbox leftovers must not join onto the users table.
            chat_key = self._keyring.opaque(f"chat:{chat_id}") if chat_id is not None else "-"
            raw = update.model_dump_json(by_alias=True, exclude_none=True).encode()
            sealed = self._keyring.seal(raw, _SEAL_CONTEXT)
            items.append(InboxItem(update.update_id, chat_key, sealed, received, update))
        return items

    async def _handle(self, item: InboxItem) -> None:
        started = time.monotonic()
        kind, failed = "unknown", False
        try:
            update = item.parsed
            if not isinstance(update, Update):  # left pending by an earlier run
                raw = self._keyring.unseal(item.payload, _SEAL_CONTEXT)
                update = Update.model_validate_json(raw, context={"bot": self._bot})
            kind = update.event_type
            extra = {"received_at": item.received} if item.received is not None else {}
            response = await self._dp.feed_update(self._bot, update, **self._feed_kwargs, **extra)
            if isinstance(response, TelegramMethod):
                await self._bot(response)
        except Exception as exc:
            failed = True
            log.error("update %s failed: %s", item.update_id, type(exc).__name__)
        self._last_handled = time.monotonic()
        if self._observer is not None:
            self._observer(kind, self._last_handled - started, failed)
        # Done even after a failure: retrying a poison update forever would block its chat.
        try:
            await self._inbox.mark_done([item.update_id])
        except sqlite3.Error as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            self._alarm.failed(problem, "inbox")
