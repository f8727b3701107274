"""Rate limits: five reports a day, ten wrong codes an hour.

Confidential and open reports already name their reporter's pseudonym, so they are counted
from the reports table. Only anonymous submissions go to submission_log, under an HMAC of the
Telegram id (keyed by SECRET_KEY, with its own label, so it differs from the pseudonym): it
cannot be reversed by enumerating ids without the key, which never enters the database, and it
does not join onto users or onto that user's confidential reports. (Whoever holds the key can
compute every pseudonym and digest anyway; the key is what protects reporters.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.crypto import Keyring
from bot.db.repositories.limits import LimitRepository
from bot.services.dates import coarse_hour, from_db, to_db

MAX_REPORTS_PER_DAY = 5
MAX_CHECK_FAILURES_PER_HOUR = 10
WINDOW = timedelta(hours=25)


def _now() -> datetime:
    return datetime.now(UTC)


class LimitReachedError(Exception):
    def __init__(self, retry_at: datetime) -> None:
        super().__init__(retry_at.isoformat())
        self.retry_at = retry_at


class Limits:
    def __init__(
        self, repo: LimitRepository, keyring: Keyring, now: Callable[[], datetime] = _now
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._now = now

    def _actor(self, telegram_id: int) -> str:
        return self._keyring.opaque(f"limit:{telegram_id}")

    async def check_submission(self, telegram_id: int, pseudonym: str) -> None:
        """Raise LimitReachedError with the time of the next free slot."""
        # Stored times are floored to the hour, so a report stored as 14:00 may have come at
        # 14:59: it counts until 15:00 the next day, 25 hours after the stored time.
        since = to_db(self._now() - WINDOW)
        recent = sorted(
            [
                *await self._repo.submissions_since(self._actor(telegram_id), since),
                *await self._repo.reports_since(pseudonym, since),
            ]
        )
        if len(recent) >= MAX_REPORTS_PER_DAY:
            raise LimitReachedError(from_db(recent[-MAX_REPORTS_PER_DAY]) + WINDOW)

    async def record_anonymous_submission(self, telegram_id: int) -> None:
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
