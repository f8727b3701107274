"""Rate limits (bot/services/limits.py, bot/db/repositories/limits.py) on an injected clock.

Anonymous submissions are counted from submission_log; confidential and open ones from the
reports table, by the reporter's pseudonym. Both count towards the same five a day.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.limits import LimitRepository
from bot.db.repositories.reports import NewReport, ReportRepository
from bot.services.dates import coarse_hour, from_db, to_db
from bot.services.limits import (
    MAX_CHECK_FAILURES_PER_HOUR,
    MAX_REPORTS_PER_DAY,
    WINDOW,
    LimitReachedError,
    Limits,
)
from tests.conftest import Clock

ALICE = 987654321
BOB = 123456789
START = datetime(2026, 11, 23, 14, 37, 12, tzinfo=UTC)
# The first report of the day is stored as 14:00, so it counts until 15:00 the next day.
FIRST_FREE = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
KINDS = ["anonymous", "confidential", "open"]
MIXED = ["confidential", "anonymous", "open", "anonymous", "confidential"]


class Reporter:
    """One user filing reports the way ReportService does: check first, then store."""

    def __init__(
        self, telegram_id: int, limits: Limits, db: Database, keyring: Keyring, clock: Clock
    ) -> None:
        self.telegram_id = telegram_id
        self.pseudonym = keyring.pseudonym(telegram_id)
        self._limits = limits
        self._reports = ReportRepository(db)
        self._clock = clock

    async def check(self) -> None:
        await self._limits.check_submission(self.telegram_id, self.pseudonym)

    async def submit(self, anonymity: str = "anonymous") -> None:
        await self.check()
        await self.store(anonymity)

    async def store(self, anonymity: str, at: datetime | None = None) -> None:
        """File a report without the check; anonymous ones also go to submission_log."""
        moment = at or self._clock.now
        await self._reports.create(
            NewReport(
                region="KZ-27",
                area="land",
                settlement="Орал",
                description="A bribe.",
                occurred="today",
                involved=None,
                amount=None,
                latitude=None,
                longitude=None,
                anonymity=anonymity,
                reporter=None if anonymity == "anonymous" else self.pseudonym,
                phone_enc=None,
                locale="ru",
                code_locator=None,
                code_salt=None if anonymity == "open" else b"s" * 16,
                code_hash=None if anonymity == "open" else b"h" * 32,
                created_at=to_db(coarse_hour(moment)),
            )
        )
        if anonymity == "anonymous":
            saved, self._clock.now = self._clock.now, moment
            try:
                await self._limits.record_anonymous_submission(self.telegram_id)
            finally:
                self._clock.now = saved

    async def fill_the_day(self, kinds: list[str] | None = None) -> None:
        for anonymity in kinds or ["anonymous"] * MAX_REPORTS_PER_DAY:
            await self.submit(anonymity)

    async def refused(self) -> datetime:
        with pytest.raises(LimitReachedError) as caught:
            await self.check()
        return caught.value.retry_at


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def limits(db: Database, keyring: Keyring, clock: Clock) -> Limits:
    return Limits(LimitRepository(db), keyring, now=clock)


@pytest.fixture
def alice(limits: Limits, db: Database, keyring: Keyring, clock: Clock) -> Reporter:
    return Reporter(ALICE, limits, db, keyring, clock)


@pytest.fixture
def bob(limits: Limits, db: Database, keyring: Keyring, clock: Clock) -> Reporter:
    return Reporter(BOB, limits, db, keyring, clock)


async def column(db: Database, sql: str) -> list[str]:
    return [row[0] for row in await db.fetchall(sql)]


def whole_hour(moment: datetime) -> bool:
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def test_the_limits_are_the_documented_ones() -> None:
    assert (MAX_REPORTS_PER_DAY, MAX_CHECK_FAILURES_PER_HOUR) == (5, 10)
    assert timedelta(hours=25) == WINDOW


# --- submissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("spacing_hours", [0, 1, 4.5])
@pytest.mark.parametrize(
    "kinds",
    [["anonymous"] * 5, ["confidential"] * 5, ["open"] * 5, MIXED],
    ids=["anonymous", "confidential", "open", "mixed"],
)
async def test_five_a_day_then_refused_until_retry_at(
    alice: Reporter, clock: Clock, spacing_hours: float, kinds: list[str]
) -> None:
    for anonymity in kinds:
        await alice.submit(anonymity)  # none of these raises
        clock.advance(hours=spacing_hours)
    assert clock.now - START < timedelta(hours=24)

    retry_at = await alice.refused()
    assert retry_at.tzinfo is not None
    assert whole_hour(retry_at)
    assert retry_at > clock.now
    # The first one, stored as 14:00, is the fifth most recent: 25 hours after its hour.
    assert retry_at == FIRST_FREE == coarse_hour(START) + WINDOW

    clock.now = retry_at - timedelta(seconds=1)
    assert await alice.refused() == retry_at
    clock.now = retry_at
    await alice.submit(kinds[0])


@pytest.mark.parametrize("anonymity", KINDS)
async def test_refused_for_the_whole_window(alice: Reporter, clock: Clock, anonymity: str) -> None:
    await alice.fill_the_day([anonymity] * MAX_REPORTS_PER_DAY)
    for hours in (1, 6, 12, 23, 24):
        clock.now = START + timedelta(hours=hours)
        await alice.refused()
    clock.now = FIRST_FREE - timedelta(seconds=1)  # 24 h 22 min 47 s after the first
    await alice.refused()


@pytest.mark.parametrize("anonymity", KINDS)
@pytest.mark.parametrize("minute", [0, 37, 59])
async def test_a_report_counts_until_25_hours_after_its_stored_hour(
    alice: Reporter, clock: Clock, anonymity: str, minute: int
) -> None:
    # Whenever in the 14:00 hour the reports came, they were stored as 14:00.
    clock.now = START.replace(minute=minute, second=59 if minute == 59 else 0)
    await alice.fill_the_day([anonymity] * MAX_REPORTS_PER_DAY)
    clock.now = clock.now + timedelta(hours=24) - timedelta(seconds=1)  # not yet a full day
    await alice.refused()
    clock.now = FIRST_FREE - timedelta(seconds=1)
    assert await alice.refused() == FIRST_FREE
    clock.now = FIRST_FREE
    await alice.check()


async def test_retry_at_follows_the_oldest_of_the_last_five(alice: Reporter, clock: Clock) -> None:
    for anonymity in MIXED:
        await alice.submit(anonymity)
        clock.advance(hours=2)
    clock.now = START + timedelta(hours=25)  # the first has aged out, four remain
    await alice.submit("confidential")
    retry_at = await alice.refused()
    # The oldest of the five in the window is the second one, at 16:37 (stored as 16:00).
    assert retry_at == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    assert retry_at > clock.now


async def test_retry_at_is_the_fifth_most_recent_of_both_sources(
    alice: Reporter, clock: Clock
) -> None:
    day = START.replace(hour=0, minute=0, second=0)
    # Six in the window (stored without checking), alternating between the two sources.
    for hour, anonymity in zip(range(10, 16), ["anonymous", "confidential"] * 3, strict=True):
        await alice.store(anonymity, at=day.replace(hour=hour, minute=30))
    clock.now = day.replace(hour=16)
    # Newest first: 15, 14, 13, 12, 11 (confidential, stored as 11:00).
    assert await alice.refused() == day.replace(hour=11) + WINDOW


@pytest.mark.parametrize(
    "kinds",
    [
        ["confidential"] * 3 + ["anonymous"] * 2,
        ["anonymous"] * 2 + ["confidential"] * 3,
        ["anonymous", "confidential", "anonymous", "confidential", "confidential"],
        ["open", "confidential", "open", "anonymous", "anonymous"],
    ],
)
async def test_anonymous_and_linked_reports_share_the_limit(
    db: Database, alice: Reporter, kinds: list[str]
) -> None:
    for anonymity in kinds[:-1]:
        await alice.submit(anonymity)
    await alice.check()  # four in the window: the fifth is still allowed
    await alice.submit(kinds[-1])
    assert await alice.refused() == FIRST_FREE
    assert len(await column(db, "SELECT actor FROM submission_log")) == kinds.count("anonymous")


async def test_linked_reports_are_not_written_to_the_submission_log(
    db: Database, alice: Reporter
) -> None:
    for anonymity in ("confidential", "open", "confidential"):
        await alice.submit(anonymity)
    assert await column(db, "SELECT actor FROM submission_log") == []
    await alice.submit("anonymous")
    assert len(await column(db, "SELECT actor FROM submission_log")) == 1


async def test_anonymous_rows_of_the_reports_table_are_not_counted_twice(
    db: Database, alice: Reporter
) -> None:
    for _ in range(MAX_REPORTS_PER_DAY - 1):
        await alice.submit("anonymous")  # a report row (no reporter) and a log row each
    assert len(await column(db, "SELECT id FROM reports WHERE reporter IS NULL")) == 4
    await alice.check()


async def test_old_linked_reports_do_not_count(alice: Reporter, clock: Clock) -> None:
    for hours in (26, 30, 48, 100):
        await alice.store("confidential", at=START - timedelta(hours=hours))
    await alice.store("open", at=START - timedelta(days=3))
    await alice.fill_the_day(["confidential"] * (MAX_REPORTS_PER_DAY - 1))
    await alice.check()


async def test_users_are_counted_separately(alice: Reporter, bob: Reporter) -> None:
    await alice.fill_the_day(MIXED)
    await alice.refused()
    await bob.check()  # Alice's reports, of either kind, are not Bob's
    await bob.fill_the_day(["anonymous", "confidential", "open", "confidential", "anonymous"])
    await bob.refused()


@pytest.mark.parametrize("anonymity", KINDS)
async def test_each_user_has_a_count_of_their_own(
    alice: Reporter, bob: Reporter, anonymity: str
) -> None:
    for _ in range(MAX_REPORTS_PER_DAY - 1):
        await alice.submit(anonymity)
        await bob.submit("confidential" if anonymity == "anonymous" else "anonymous")
    # Eight reports in the window in all, four each: both still have one left.
    await alice.check()
    await bob.check()
    await alice.submit(anonymity)
    await alice.refused()
    await bob.check()


async def test_checking_alone_uses_no_slot(db: Database, alice: Reporter) -> None:
    for _ in range(3 * MAX_REPORTS_PER_DAY):
        await alice.check()
    assert await column(db, "SELECT actor FROM submission_log") == []
    await alice.fill_the_day(MIXED)


async def test_stored_actor_is_neither_the_id_nor_the_pseudonym(
    db: Database, limits: Limits, keyring: Keyring
) -> None:
    await limits.record_anonymous_submission(ALICE)
    await limits.record_anonymous_submission(ALICE)
    await limits.record_anonymous_submission(BOB)
    await limits.record_lookup_failure(ALICE)
    actors = await column(db, "SELECT actor FROM submission_log ORDER BY rowid")
    failures = await column(db, "SELECT actor FROM check_failures")
    assert actors[0] == actors[1] == failures[0]  # stable per user
    assert actors[2] != actors[0]
    for telegram_id, actor in ((ALICE, actors[0]), (BOB, actors[2])):
        assert actor != keyring.pseudonym(telegram_id)
        assert keyring.pseudonym(telegram_id) not in actor
        assert str(telegram_id) not in actor


async def test_another_secret_key_gives_other_actors(db: Database, clock: Clock) -> None:
    for secret in ("11" * 32, "22" * 32):
        await Limits(
            LimitRepository(db), Keyring.from_setting(secret), now=clock
        ).record_anonymous_submission(ALICE)
    actors = await column(db, "SELECT actor FROM submission_log")
    assert len(set(actors)) == 2


@pytest.mark.parametrize(
    "moment",
    [START, START.replace(minute=0, second=0), START.replace(minute=59, second=59, microsecond=9)],
)
async def test_submissions_are_stored_to_the_hour(
    db: Database, limits: Limits, clock: Clock, moment: datetime
) -> None:
    clock.now = moment
    await limits.record_anonymous_submission(ALICE)
    (at_hour,) = await column(db, "SELECT at_hour FROM submission_log")
    assert at_hour == "2026-11-23T14:00:00Z"
    assert whole_hour(from_db(at_hour))


# --- failed code checks -----------------------------------------------------------------------


async def test_ten_failures_an_hour_then_refused(limits: Limits, clock: Clock) -> None:
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR):
        await limits.check_lookup(ALICE)
        await limits.record_lookup_failure(ALICE)
        clock.advance(minutes=1)
    with pytest.raises(LimitReachedError) as caught:
        await limits.check_lookup(ALICE)
    assert caught.value.retry_at > clock.now
    await limits.check_lookup(BOB)  # someone else is not affected

    clock.now = caught.value.retry_at
    await limits.check_lookup(ALICE)


async def test_nine_failures_are_still_allowed(limits: Limits) -> None:
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR - 1):
        await limits.record_lookup_failure(ALICE)
    await limits.check_lookup(ALICE)
    await limits.record_lookup_failure(ALICE)
    with pytest.raises(LimitReachedError):
        await limits.check_lookup(ALICE)


async def test_failures_older_than_an_hour_do_not_count(limits: Limits, clock: Clock) -> None:
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR - 1):
        await limits.record_lookup_failure(ALICE)
    clock.advance(hours=1, seconds=1)
    await limits.record_lookup_failure(ALICE)
    await limits.check_lookup(ALICE)


async def test_failures_do_not_touch_the_submission_limit(limits: Limits, alice: Reporter) -> None:
    for _ in range(2 * MAX_CHECK_FAILURES_PER_HOUR):
        await limits.record_lookup_failure(ALICE)
    await alice.fill_the_day(MIXED)


# --- housekeeping -----------------------------------------------------------------------------


async def test_forget_old_deletes_only_old_rows(
    db: Database, limits: Limits, clock: Clock
) -> None:
    await limits.record_anonymous_submission(ALICE)
    await limits.record_lookup_failure(ALICE)
    clock.advance(days=3)
    await limits.record_anonymous_submission(BOB)
    await limits.record_lookup_failure(BOB)
    await limits.forget_old()
    assert await column(db, "SELECT at_hour FROM submission_log") == ["2026-11-26T14:00:00Z"]
    assert await column(db, "SELECT at FROM check_failures") == ["2026-11-26T14:37:12Z"]


async def test_forget_old_keeps_what_still_limits(
    db: Database, limits: Limits, alice: Reporter, clock: Clock
) -> None:
    await alice.fill_the_day()
    clock.advance(hours=24)
    await limits.forget_old()
    assert len(await column(db, "SELECT actor FROM submission_log")) == MAX_REPORTS_PER_DAY
    await alice.refused()


@contextlib.contextmanager
def wrapped() -> Iterator[None]:
    yield


def test_limit_error_is_a_plain_exception_with_retry_at() -> None:
    assert LimitReachedError.__bases__ == (Exception,)
    error = LimitReachedError(START)
    assert error.retry_at == START


def test_limit_error_passes_through_a_context_manager() -> None:
    with pytest.raises(LimitReachedError) as caught, wrapped():
        raise LimitReachedError(START)
    assert caught.value.retry_at == START
