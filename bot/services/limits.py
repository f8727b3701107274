"""Rate limits: five reports a day, ten wrong codes an hour, and a global limit on wrong codes.

Confidential and open reports already name their reporter's pseudonym, so they are counted
from the reports table. Only anonymous submissions go to submission_log, under an HMAC of the
Telegram id (keyed by SECRET_KEY, with its own label, so it differs from the pseudonym): it
cannot be reversed by enumerating ids without the key, which never enters the database, and it
does not join onto users or onto that user's confidential reports. (Whoever holds the key can
compute every pseudonym and digest anyway; the key is what protects reporters.)

Wrong follow-up codes are limited twice, both in the database so that a restart lifts
neither. Per person: ten misses an hour (check_failures, under the same kind of digest, not
the pseudonym: a row saying "this user typed a wrong code" would hint that they hold an
anonymous report). Globally, against many accounts: when GLOBAL_MISSES misses of
anyone fall within GLOBAL_WINDOW, code checks are paused for GLOBAL_PAUSE (sliding: misses
during the pause extend it). During the pause a person who missed in the last hour is told to
try later; a person with no recent miss still gets their check. So an honest reporter typing
their code right the first time is never locked out by somebody else's attack, while each of
the attacker's accounts is cut from ten guesses an hour to one. The moderators are told when
a pause starts, at most once an hour (guard_state.alerted_at), through the outbox in the same
transaction as the miss that tripped it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.crypto import Keyring
from bot.db.repositories.limits import LimitRepository
from bot.services.dates import coarse_hour, from_db, to_db, utc_now

MAX_REPORTS_PER_DAY = 5
MAX_CHECK_FAILURES_PER_HOUR = 10
WINDOW = timedelta(hours=25)
# Honest typos across the whole bot come a few an hour; 50 in ten minutes is five accounts or
# more at their personal limit, or many accounts trying a few each.
GLOBAL_MISSES = 50
GLOBAL_WINDOW = timedelta(minutes=10)
GLOBAL_PAUSE = timedelta(minutes=15)
ALERT_EVERY = timedelta(hours=1)
CODES_GUARD = "codes"

log = logging.getLogger(__name__)

# Told when code checks are paused: (misses in the window, window minutes, pause minutes).
GuessAlarm = Callable[[int, int, int], Awaitable[None]]


class LimitReachedError(Exception):
    """`everyone`: the global pause on code checks, not this person's own limit."""

    def __init__(self, retry_at: datetime, *, everyone: bool = False) -> None:
        super().__init__(retry_at.isoformat())
        self.retry_at = retry_at
        self.everyone = everyone


class Limits:
    def __init__(
        self,
        repo: LimitRepository,
        keyring: Keyring,
        now: Callable[[], datetime] = utc_now,
        *,
        alarm: GuessAlarm | None = None,
        global_misses: int = GLOBAL_MISSES,
    ) -> None:
        self._repo = repo
        self._keyring = keyring
        self._now = now
        self._alarm = alarm
        self._global_misses = global_misses

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
        """Raise LimitReachedError at this person's limit, or during a global pause if they
        missed in the last hour."""
        now = self._now()
        failures = await self._repo.check_failures_since(
            self._actor(telegram_id), to_db(now - timedelta(hours=1))
        )
        if failures >= MAX_CHECK_FAILURES_PER_HOUR:
            raise LimitReachedError(now + timedelta(hours=1))
        if failures:
            paused = await self._repo.guard(CODES_GUARD)
            if paused.paused_until is not None and from_db(paused.paused_until) > now:
                raise LimitReachedError(from_db(paused.paused_until), everyone=True)

    async def record_lookup_failure(self, telegram_id: int) -> None:
        """Count the miss; past the global rate, pause checks and (hourly) tell moderators.
        One transaction: the miss, the pause and the alert commit together."""
        now = self._now()
        async with self._repo.transaction():
            await self._repo.record_check_failure(self._actor(telegram_id), to_db(now))
            misses = await self._repo.all_check_failures_since(to_db(now - GLOBAL_WINDOW))
            if misses < self._global_misses:
                return
            state = await self._repo.guard(CODES_GUARD)
            if state.paused_until is None or from_db(state.paused_until) <= now:
                log.warning("code checks paused: %d wrong codes in %s", misses, GLOBAL_WINDOW)
            alert = state.alerted_at is None or from_db(state.alerted_at) <= now - ALERT_EVERY
            await self._repo.set_guard(
                CODES_GUARD,
                paused_until=to_db(now + GLOBAL_PAUSE),
                alerted_at=to_db(now) if alert else state.alerted_at,
            )
            if alert and self._alarm is not None:
                await self._alarm(misses, _minutes(GLOBAL_WINDOW), _minutes(GLOBAL_PAUSE))

    async def forget_old(self) -> None:
        await self._repo.forget_before(to_db(self._now() - timedelta(days=2)))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
