"""Flood control and fault injection: the unhappy paths a bot must survive in production."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ._errors import too_many_requests

GLOBAL_LIMIT = (30, 1.0)  # 30 messages per second over all chats
PRIVATE_LIMIT = (1, 1.0)  # 1 message per second per private chat
GROUP_LIMIT = (20, 60.0)  # 20 messages per minute per group


class _Window:
    """Sliding-window counter of send timestamps."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int:
        """Whole seconds until a slot frees, or 0 if one is free now."""
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0
        return max(1, math.ceil(self.stamps[0] + self.period - now))

    def record(self, now: float) -> None:
        self.stamps.append(now)


class FloodControl:
    """Telegram's documented broadcast limits, enforced with an injectable clock."""

    def __init__(self, clock: Callable[[], float], enabled: bool = False) -> None:
        self.clock = clock
        self.enabled = enabled
        self._global = _Window(*GLOBAL_LIMIT)
        self._chats: dict[int, _Window] = {}

    def _chat_window(self, chat_id: int, is_private: bool) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            window = _Window(*(PRIVATE_LIMIT if is_private else GROUP_LIMIT))
            self._chats[chat_id] = window
        return window

    def check(self, chat_id: int, is_private: bool) -> None:
        """Raise the 429 Telegram would send if one more message would exceed a limit."""
        if not self.enabled:
            return
        now = self.clock()
        wait = max(
            self._global.retry_after(now),
            self._chat_window(chat_id, is_private).retry_after(now),
        )
        if wait:
            raise too_many_requests(wait)

    def record(self, chat_id: int, is_private: bool) -> None:
        """Count a message that was actually sent."""
        if not self.enabled:
            return
        now = self.clock()
        self._global.record(now)
        self._chat_window(chat_id, is_private).record(now)

    def reset(self) -> None:
        self._global.stamps.clear()
        self._chats.clear()


def _method_set(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(name.lower() for name in methods)


@dataclass
class FaultRule:
    """``remaining`` more calls of ``methods`` (None = any) fail or get dropped."""

    kind: str  # "fail" or "drop"
    remaining: int
    status: int = 500
    methods: frozenset[str] | None = None

    def matches(self, method: str) -> bool:
        return self.remaining > 0 and (self.methods is None or method.lower() in self.methods)


class Faults:
    """Latency and one-shot failures applied before a method is answered."""

    def __init__(self) -> None:
        self.latency = 0.0
        self.latency_methods: frozenset[str] | None = None
        self.rules: list[FaultRule] = []

    def set_latency(self, seconds: float, methods: Iterable[str] | None = None) -> None:
        self.latency = max(0.0, seconds)
        self.latency_methods = _method_set(methods)

    def add(self, kind: str, n: int, status: int, methods: Iterable[str] | None) -> None:
        if n > 0:
            self.rules.append(FaultRule(kind, n, status, _method_set(methods)))

    def latency_for(self, method: str) -> float:
        if self.latency_methods is None or method.lower() in self.latency_methods:
            return self.latency
        return 0.0

    def take(self, method: str) -> FaultRule | None:
        """Consume one occurrence of the first rule matching ``method``."""
        for rule in self.rules:
            if rule.matches(method):
                rule.remaining -= 1
                self.rules = [r for r in self.rules if r.remaining > 0]
                return rule
        return None

    def clear(self) -> None:
        self.set_latency(0.0)
        self.rules.clear()
