"""Long polling that never loses an update and never handles one twice.

aiogram's own polling asks for the next batch before the last one is handled, which tells
Telegram to forget updates that a crash would then lose. Here every update is written to the
inbox table (sealed) *before* the next getUpdates confirms it, handled from there, and marked
done. At start-up whatever is still pending is handled first; a repeated update_id is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
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

log = logging.getLogger(__name__)
_SEAL_CONTEXT = b"inbox"


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
    ) -> None:
        self._bot = bot
        self._dp = dispatcher
        self._inbox = inbox
        self._keyring = keyring
        self._poll_timeout = poll_timeout
        self._grace = shutdown_grace
        self._max_queued = max_queued
        self._feed_kwargs = feed_kwargs or {}
        self._alarm = alarm or StorageAlarm()
        self._scheduler = ChatOrderedScheduler(self._handle, concurrency)

    async def run(self, stop: asyncio.Event) -> None:
        """Handle leftovers, poll until `stop` is set, then drain gracefully."""
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
        fetcher = asyncio.create_task(self._fetch_forever())
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetcher, stopper}, return_when=asyncio.FIRST_COMPLETED)
        fetcher.cancel()
        stopper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fetcher
        left = await self._scheduler.drain(self._grace)
        log.info("intake stopped; %d updates stay pending for the next start", left)
        if fetcher in done and fetcher.exception() is not None:
            raise fetcher.exception()  # type: ignore[misc]

    async def _fetch_forever(self) -> None:
        offset = await self._inbox.next_offset()
        failures = 0
        while True:
            await self._scheduler.wait_for_room(self._max_queued)
            try:
                updates = await self._bot(
                    GetUpdates(offset=offset, timeout=self._poll_timeout),
                    request_timeout=self._poll_timeout + 10,
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError, TelegramConflictError) as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if not updates:
                continue
            items = self._items(updates)
            try:
                # Shielded: a stop signal must not cancel the write between fetch and confirm.
                fresh = await asyncio.shield(self._inbox.store(items))
            except sqlite3.Error as exc:
                problem = storage_problem(exc)
                if problem is None:
                    raise
                # The disk is full (or worse): answer what can be answered from memory rather
                # than stop answering at all. Only these updates lose the crash guarantee.
                self._alarm.failed(problem, "inbox")
                fresh = items
            offset = updates[-1].update_id + 1
            for item in fresh:
                self._scheduler.submit(item)

    def _items(self, updates: list[Update]) -> list[InboxItem]:
        items = []
        received = time.monotonic()
        for update in updates:
            chat_id = chat_of(update)
            # Not the user pseudonym: inbox leftovers must not join onto the users table.
            chat_key = self._keyring.opaque(f"chat:{chat_id}") if chat_id is not None else "-"
            raw = update.model_dump_json(by_alias=True, exclude_none=True).encode()
            items.append(
                InboxItem(
                    update.update_id, chat_key, self._keyring.seal(raw, _SEAL_CONTEXT), received
                )
            )
        return items

    async def _handle(self, item: InboxItem) -> None:
        try:
            raw = self._keyring.unseal(item.payload, _SEAL_CONTEXT)
            update = Update.model_validate_json(raw, context={"bot": self._bot})
            extra = {"received_at": item.received} if item.received is not None else {}
            response = await self._dp.feed_update(self._bot, update, **self._feed_kwargs, **extra)
            if isinstance(response, TelegramMethod):
                await self._bot(response)
        except Exception as exc:
            log.error("update %s failed: %s", item.update_id, type(exc).__name__)
        # Done even after a failure: retrying a poison update forever would block its chat.
        try:
            await self._inbox.mark_done([item.update_id])
        except sqlite3.Error as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            self._alarm.failed(problem, "inbox")
