"""Replies held back until a moment, without holding an intake worker while they wait.

A follow-up code check is answered a fixed time after it arrives, right or wrong, so the time
tells nothing (bot/services/reports.py). Sleeping in the handler held one of the intake's few
workers for that whole second; twenty people typing wrong codes then slowed everybody. Now the
handler checks the code, hands the finished answer to `HeldReplies` and returns at once; an
asyncio task sends it when the time comes.

Two rules make this safe:

- **Order in the chat.** The chat's next update must not be answered before the held reply.
  `HeldRepliesMiddleware` runs before every update: if that chat has a reply waiting, it sends
  it *now*, then lets the update through. The early reply reveals nothing: its moment is set by
  the person's own next message, the same for a right and a wrong code. Waiting for the held
  moment instead would hold a worker again, which is what this module exists to avoid.
- **Crashes.** The held reply lives only in memory. That is acceptable for this answer and only
  for it: nothing was changed that the person must learn about (a failure is already counted in
  the database, and opening a case changes nothing), so after a crash they simply send /check
  again. Anything that must survive a crash goes through the outbox instead. On an orderly
  shutdown every held reply is sent at once (`release_all`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject

log = logging.getLogger(__name__)

Send = Callable[[], Awaitable[Any]]


@dataclass(eq=False)
class _Held:
    send: Send
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class HeldReplies:
    """At most one held reply per chat; a second one first releases the first."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._held: dict[int, _Held] = {}

    def __len__(self) -> int:
        return len(self._held)

    async def hold(self, chat_id: int, at: float, send: Send) -> None:
        """Send with `send()` at `at` (on `clock`), or earlier if the chat moves on."""
        await self.release(chat_id)
        held = _Held(send)
        self._held[chat_id] = held
        held.task = asyncio.create_task(self._run(chat_id, held, at - self._clock()))

    async def release(self, chat_id: int) -> None:
        """Send this chat's held reply now (if any) and wait until it has gone."""
        held = self._held.get(chat_id)
        if held is None or held.task is None:
            return
        held.wake.set()
        await asyncio.shield(held.task)

    async def release_all(self) -> None:
        for chat_id in list(self._held):
            await self.release(chat_id)

    async def settle(self) -> None:
        """Wait until every reply held now has been sent at its own time (for tests and
        scripts that read what a person saw)."""
        tasks = [held.task for held in self._held.values() if held.task is not None]
        if tasks:
            await asyncio.gather(*(asyncio.shield(task) for task in tasks))

    async def _run(self, chat_id: int, held: _Held, delay: float) -> None:
        try:
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(held.wake.wait(), delay)
            await held.send()
        except Exception as exc:  # a reply that cannot be sent is logged, never retried
            log.warning("held reply not sent: %s", type(exc).__name__)
        finally:
            if self._held.get(chat_id) is held:
                del self._held[chat_id]


class HeldRepliesMiddleware(BaseMiddleware):
    """Before a chat's update is handled, its held reply (if any) goes out: see the module."""

    def __init__(self, held: HeldReplies) -> None:
        self._held = held

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat: Chat | None = data.get("event_chat")
        if chat is not None and len(self._held):
            await self._held.release(chat.id)
        return await handler(event, data)
