"""Rate limits keyed by an HMAC of the Telegram id under their own key.

The key is derived from SECRET_KEY, which never enters the database, so the stored actor
values cannot be reversed by enumerating Telegram ids, and they do not equal the user
pseudonym, so they cannot be joined onto users or confidential reports either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.db.repositories.limits import LimitRepository
from bot.services.crypto import Keyring
from bot.services.dates import coarse_hour, from_db, to_db

MAX_REPORTS_PER_DAY = 5
MAX_CHECK_FAILURES_PER_HOUR = 10


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LimitReachedError(Exception):
    retry_at: datetime


class Limits:
    def __init__(
        self, repo: LimitRepository, keyring: Keyring, now: Callable[[], datetime] = _now
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._now = now

    def _actor(self, telegram_id: int) -> str:
        return self._keyring.opaque(f"limit:{telegram_id}")

    async def check_submission(self, telegram_id: int) -> None:
        """Raise LimitReachedError with the time of the next free slot."""
        now = self._now()
        since = coarse_hour(now) - timedelta(hours=24)
        recent = await self._repo.submissions_since(self._actor(telegram_id), to_db(since))
        if len(recent) >= MAX_REPORTS_PER_DAY:
            oldest = from_db(recent[-MAX_REPORTS_PER_DAY])
            # Times are kept to the hour, so the slot frees at the next full hour after 24 h.
            raise LimitReachedError(oldest + timedelta(hours=25))

    async def record_submission(self, telegram_id: int) -> None:
        await self._repo.record_submission(
            self._actor(telegram_id), to_db(coarse_hour(self._now()))
        )

    async def check_lookup(self, telegram_id: int) -> None:
        now = self._now()
        failures = await self._repo.check_failures_since(
            self._actor(telegram_id), to_db(now - timedelta(hours=1))
        )
        if failures >= MAX_CHECK_FAILURES_PER_HOUR:
            raise LimitReachedError(now + timedelta(hours=1))

    async def record_lookup_failure(self, telegram_id: int) -> None:
        await self._repo.record_check_failure(self._actor(telegram_id), to_db(self._now()))

    async def forget_old(self) -> None:
        await self._repo.forget_before(to_db(self._now() - timedelta(days=2)))
