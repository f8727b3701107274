"""The update queue behind getUpdates, with Telegram's confirmation semantics.

Updates stay queued until a getUpdates call passes an ``offset`` above their id; a repeated
call with the same offset returns the same updates again. The queue is a deque ordered by
``update_id``, so confirming and peeking cost O(confirmed + limit) even with a backlog of tens
of thousands.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
from collections import deque
from collections.abc import Iterable
from typing import Any

Update = dict[str, Any]

# Telegram's default when allowed_updates was never specified.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """A broadcast "something changed" notification.

    Waiters grab :attr:`event` *before* re-checking their condition and then wait on it;
    :meth:`notify` sets the current event and installs a fresh one, so no wake-up is lost.
    Once bound to the server's loop, a notify from another thread (a test driving the
    emulator from outside its loop) is marshalled onto that loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def notify(self) -> None:
        if self.loop is not None and _running_loop() is not self.loop:
            self.loop.call_soon_threadsafe(self._notify_now)
        else:
            self._notify_now()

    def _notify_now(self) -> None:
        self.event.set()
        self.event = asyncio.Event()

    @staticmethod
    async def wait(event: asyncio.Event, seconds: float) -> None:
        """Wait for ``event`` (captured earlier from :attr:`event`) at most ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(0.0, seconds))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def update_type(update: Update) -> str:
    """The payload key of an update (``message``, ``callback_query``, ...)."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates plus the ``allowed_updates`` filter Telegram applies on creation."""

    def __init__(self) -> None:
        self._items: deque[Update] = deque()
        self._next_id = 1
        self.confirmed_offset = 0
        self.allowed: frozenset[str] | None = None  # None = Telegram's default set
        self.signal = Signal()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def next_id(self) -> int:
        """The id the next new update gets."""
        return self._next_id

    def start_at(self, update_id: int) -> None:
        """Hand out ids from ``update_id`` on (never lower than ids already handed out)."""
        self._next_id = max(self._next_id, update_id)

    def restore(self, items: list[Update], next_id: int, confirmed_offset: int) -> None:
        """Put back a saved queue (see snapshot.py)."""
        self._items = deque(sorted(items, key=lambda update: update["update_id"]))
        self._next_id = next_id
        self.confirmed_offset = confirmed_offset

    def is_allowed(self, update: Update) -> bool:
        kind = update_type(update)
        if self.allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """Persist allowed_updates like Telegram (an empty list restores the default)."""
        if allowed is not None:
            self.allowed = frozenset(allowed) or None

    def _assign_id(self, update: Update) -> None:
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            update["update_id"] = self._next_id
        self._next_id = max(self._next_id, update["update_id"] + 1)

    def _append(self, update: Update) -> None:
        if not self._items or self._items[-1]["update_id"] < update["update_id"]:
            self._items.append(update)
            return
        ordered = list(self._items)  # rare: an injected update with an explicit older id
        ids = [item["update_id"] for item in ordered]
        ordered.insert(bisect.bisect_right(ids, update["update_id"]), update)
        self._items = deque(ordered)

    def push(self, update: Update) -> bool:
        """Assign an id and queue the update; False if allowed_updates filtered it out."""
        self._assign_id(update)
        if not self.is_allowed(update):
            return False
        self._append(update)
        self.signal.notify()
        return True

    def push_many(self, updates: Iterable[Update]) -> None:
        for update in updates:
            self._assign_id(update)
            if self.is_allowed(update):
                self._append(update)
        self.signal.notify()

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last |offset|."""
        items = self._items
        if offset > 0:
            while items and items[0]["update_id"] < offset:
                items.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            while len(items) > -offset:
                dropped = items.popleft()
                self.confirmed_offset = max(self.confirmed_offset, dropped["update_id"] + 1)

    def peek(self, limit: int) -> list[Update]:
        """The first ``limit`` pending updates (not removed: only an offset confirms)."""
        result = []
        for update in self._items:
            if len(result) >= limit:
                break
            result.append(update)
        return result

    def clear(self) -> None:
        if self._items:
            self.confirmed_offset = self._items[-1]["update_id"] + 1
        self._items.clear()
