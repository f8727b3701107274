"""What changed in the emulated world, in order: the feed a live client (the sandbox page) reads.

Off by default (tests and benchmarks do not pay for it): ``BotApiEmulator(journal=True)``.
Each event names a chat and what happened there; it carries ids, not copies, so a reader
looks the current state up when it handles the event (an edit that follows quickly is then
read once, already applied, which is what a client wants anyway).

Kinds and their ``data``:

``message``  a new message in the chat, by the bot or a user: ``{"message_id"}``
``edit``     the bot edited a message: ``{"message_id"}``
``delete``   messages disappeared: ``{"message_ids": [...]}``
``keyboard`` the reply keyboard a client would show in the chat changed: ``{}``
``action``   ``sendChatAction`` (``typing`` and the like): ``{"action"}``
``toast``    ``answerCallbackQuery`` with a text, for the user who pressed:
             ``{"user_id", "text", "show_alert"}``
``chat``     a user or a chat became known or changed: ``{}``

Old events fall off after ``capacity``; :meth:`Journal.since` then answers ``None`` and the
reader reloads the full state, like a client that was offline too long.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .updates import Signal

KINDS = frozenset({"message", "edit", "delete", "keyboard", "action", "toast", "chat"})


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    kind: str
    chat_id: int
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "chat_id": self.chat_id, **self.data}


class Journal:
    """An ordered, bounded log of :class:`Event` with a wake-up for waiting readers."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._events: deque[Event] = deque(maxlen=capacity)
        self.last_seq = 0
        self.signal = Signal()

    def record(self, kind: str, chat_id: int, **data: Any) -> Event:
        if kind not in KINDS:
            raise ValueError(f"unknown journal event kind {kind!r}")
        self.last_seq += 1
        event = Event(self.last_seq, kind, int(chat_id), data)
        self._events.append(event)
        self.signal.notify()
        return event

    def since(self, seq: int) -> list[Event] | None:
        """Events after ``seq``; ``None`` if some of them were already dropped."""
        if seq >= self.last_seq:
            return []
        oldest = self._events[0].seq if self._events else self.last_seq + 1
        if seq + 1 < oldest:
            return None
        return [event for event in self._events if event.seq > seq]

    async def wait(self, seq: int, seconds: float) -> list[Event] | None:
        """Events after ``seq``, waiting up to ``seconds`` for the first one."""
        event = self.signal.event
        found = self.since(seq)
        if found is None or found:
            return found
        await Signal.wait(event, seconds)
        return self.since(seq)
