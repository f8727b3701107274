"""A report being written: its fields, their limits, and where it is kept between messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.crypto import Keyring
from bot.db.repositories.drafts import DraftRepository
from bot.services.text import TextError, fit

MIN_DESCRIPTION = 30
MAX_DESCRIPTION = 4096  # Telegram's own message limit
MAX_SETTLEMENT = 200
MAX_INVOLVED = 500
MAX_EVIDENCE = 10
MAX_TRAIL = 300  # message ids remembered for "delete this conversation"
DRAFT_DAYS = 30

# The order of the questions; "phone" follows "anonymity" only for open reports. Files come
# last: the first file then brings the summary at once, which counts them as more arrive, so
# a report with one photo costs one message and no "done" tap (issue 9).
STEPS = (
    "area",
    "region",
    "settlement",
    "description",
    "when",
    "involved",
    "amount",
    "location",
    "anonymity",
    "evidence",
)

# Input that does not fit a field; `reason` is a code the handler turns into words.
FieldError = TextError


@dataclass
class Evidence:
    kind: str  # photo | document | video
    file_id: str
    mime_type: str | None = None
    cleaned: bool = False


@dataclass
class ReportDraft:
    area: str | None = None
    region: str | None = None
    settlement: str | None = None
    description: str | None = None
    occurred: str | None = None
    involved: str | None = None
    amount: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    anonymity: str | None = None
    phone: str | None = None
    done: list[str] = field(default_factory=list)  # steps answered or skipped
    editing: bool = False  # came from the summary: go back there after this step
    trail: list[int] = field(default_factory=list)  # chat messages of this report

    def mark(self, step: str) -> None:
        if step not in self.done:
            self.done.append(step)

    def remember(self, *message_ids: int) -> None:
        self.trail.extend(message_ids)
        del self.trail[:-MAX_TRAIL]

    def forget(self, message_id: int) -> None:
        """A message the bot deleted itself: nothing to erase later."""
        if message_id in self.trail:
            self.trail.remove(message_id)

    def next_step(self) -> str | None:
        """The first unanswered question, or None when the summary can be shown."""
        for step in STEPS:
            if step not in self.done:
                return step
            if step == "anonymity" and self.anonymity == "open" and not self.phone:
                return "phone"
        return None

    @property
    def complete(self) -> bool:
        return self.next_step() is None

    def to_json(self) -> bytes:
        # Field by field rather than dataclasses.asdict, which deep-copies every message id of
        # the trail on each save: 7 % of the bot's CPU per update in bench/dispatch.py.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["evidence"] = [asdict(item) for item in self.evidence]
        return json.dumps(data, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> ReportDraft:
        data: dict[str, Any] = json.loads(raw)
        data["evidence"] = [Evidence(**item) for item in data.get("evidence", [])]
        known = {name for name in cls.__dataclass_fields__}
        return cls(**{key: value for key, value in data.items() if key in known})


# Minimums count visible characters only (bot/services/text.py): invisible-only text is blank.


def check_settlement(text: str) -> str:
    return fit(text, minimum=2, maximum=MAX_SETTLEMENT, single_line=True)


def check_description(text: str) -> str:
    return fit(text, minimum=MIN_DESCRIPTION, maximum=MAX_DESCRIPTION)


def check_involved(text: str) -> str:
    return fit(text, maximum=MAX_INVOLVED, single_line=True)


def _today() -> date:
    return datetime.now(UTC).date()


class DraftService:
    """Drafts are sealed and keyed by a digest of the Telegram id (not the user pseudonym),
    so a stolen database cannot read them or join them onto users."""

    def __init__(
        self, repo: DraftRepository, keyring: Keyring, today: Callable[[], date] = _today
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._today = today

    def _owner(self, telegram_id: int) -> str:
        return self._keyring.opaque(f"draft:{telegram_id}")

    async def load(self, telegram_id: int) -> ReportDraft | None:
        owner = self._owner(telegram_id)
        sealed = await self._repo.load(owner)
        if sealed is None:
            return None
        return ReportDraft.from_json(self._keyring.unseal(sealed, owner.encode()))

    async def save(self, telegram_id: int, draft: ReportDraft) -> None:
        owner = self._owner(telegram_id)
        sealed = self._keyring.seal(draft.to_json(), owner.encode())
        await self._repo.save(owner, sealed, self._today())

    async def discard(self, telegram_id: int) -> None:
        await self._repo.delete(self._owner(telegram_id))

    async def purge_stale(self) -> int:
        return await self._repo.purge_older_than(self._today() - timedelta(days=DRAFT_DAYS))
