"""Runs inbox items with bounded concurrency while keeping each chat's updates in order."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from bot.db.repositories.inbox import InboxItem

log = logging.getLogger(__name__)


class ChatOrderedScheduler:
    """One queue per chat; at most `concurrency` items run at once across all chats.

    A chat's next update starts only after its previous one finished, so a user pressing two
    buttons quickly never sees them handled out of order.
    """

    def __init__(self, process: Callable[[InboxItem], Awaitable[None]], concurrency: int) -> None:
        self._process = process
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[str, deque[InboxItem]] = {}
        self._runners: set[asyncio.Task[None]] = set()
        self._accepting = True
        self._queued = 0
        self._room = asyncio.Event()
        self._room.set()

    @property
    def queued(self) -> int:
        return self._queued

    def submit(self, item: InboxItem) -> None:
        queue = self._queues.get(item.chat_key)
        self._queued += 1
        if queue is not None:
            queue.append(item)
            return
        self._queues[item.chat_key] = deque([item])
        runner = asyncio.create_task(self._run_chat(item.chat_key))
        self._runners.add(runner)
        runner.add_done_callback(self._runners.discard)

    async def wait_for_room(self, limit: int) -> None:
        while self._queued >= limit:
            self._room.clear()
            await self._room.wait()

    async def _run_chat(self, chat_key: str) -> None:
        queue = self._queues[chat_key]
        try:
            while queue and self._accepting:
                async with self._slots:
                    if not self._accepting:
                        break
                    await self._process(queue[0])
                queue.popleft()
                self._queued -= 1
                self._room.set()
        finally:
            del self._queues[chat_key]

    async def drain(self, grace: float) -> int:
        """Start nothing new; wait up to `grace` seconds for what runs. Return what was left."""
        self._accepting = False
        if self._runners:
            _, still_running = await asyncio.wait(set(self._runners), timeout=grace)
            for runner in still_running:
                runner.cancel()
            if still_running:
                await asyncio.wait(still_running)
        return self._queued
