"""The outbox (bot/services/outbox.py, bot/db/repositories/outbox.py) with a fake `send`."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.outbox import OutboxRepository
from bot.domain import Priority
from bot.services import outbox as outbox_module
from bot.services.dates import to_db
from bot.services.outbox import MAX_ATTEMPTS, Outbox, RecipientGoneError, RetryLaterError
from tests.conftest import TEST_SECRET, Clock

START = datetime(2026, 11, 23, 14, 37, 12, tzinfo=UTC)
SPACING = 0.05
ALICE = "a" * 32
BOB = "b" * 32
SECRET_TEXT = "SECRET-QUESTION-7f3a: кто взял деньги?"


class FakeSend:
    """Records each call; raises the next queued error, if any (None means success)."""

    def __init__(self, *errors: Exception | None) -> None:
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self.errors = list(errors)
        self.called = asyncio.Event()

    async def __call__(self, recipient: str, payload: dict[str, Any]) -> None:
        self.calls.append((recipient, payload, asyncio.get_running_loop().time()))
        self.called.set()
        if self.errors:
            error = self.errors.pop(0)
            if error is not None:
                raise error

    @property
    def recipients(self) -> list[str]:
        return [recipient for recipient, _, _ in self.calls]

    @property
    def payloads(self) -> list[dict[str, Any]]:
        return [payload for _, payload, _ in self.calls]

    def times(self, recipient: str) -> list[float]:
        return [at for who, _, at in self.calls if who == recipient]


@pytest.fixture(autouse=True)
def spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", SPACING)


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def outbox(db: Database, keyring: Keyring, clock: Clock) -> Outbox:
    # rate=0: no overall pacing here; the per-chat spacing is what these tests look at.
    return Outbox(db, OutboxRepository(db), keyring, now=clock, rate=0)


async def send_due(outbox: Outbox, send: Any) -> int:
    outbox.attach(send)
    return await outbox.send_due()


async def rows(db: Database) -> list[dict[str, Any]]:
    found = await db.fetchall("SELECT * FROM outbox ORDER BY id")
    return [dict(row) for row in found]


def message(n: int) -> dict[str, Any]:
    return {"kind": "status", "case": f"KZ27-{n:06d}", "status": "review", "reason": None}


# --- enqueue ----------------------------------------------------------------------------------


async def test_enqueue_stores_a_sealed_payload(
    db: Database, outbox: Outbox, keyring: Keyring
) -> None:
    payload = {"kind": "question", "case": "KZ27-000001", "question": SECRET_TEXT}
    await outbox.enqueue(ALICE, payload)
    (row,) = await rows(db)
    assert row["recipient"] == ALICE
    assert row["not_before"] == to_db(START)
    assert row["attempts"] == 0
    raw = row["payload"]
    assert isinstance(raw, bytes)
    assert SECRET_TEXT.encode() not in raw
    assert b"SECRET-QUESTION" not in raw
    assert b"KZ27-000001" not in raw
    assert b"question" not in raw
    assert json.loads(keyring.unseal(raw, b"outbox")) == payload


async def test_enqueue_sets_the_wakeup(outbox: Outbox) -> None:
    assert not outbox.wakeup.is_set()
    await outbox.enqueue(ALICE, message(1))
    assert outbox.wakeup.is_set()


async def test_payloads_are_sealed_apart(db: Database, outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(ALICE, message(1))
    first, second = await rows(db)
    assert first["payload"] != second["payload"]  # fresh nonce each time


# --- send_due ---------------------------------------------------------------------------------


async def test_send_due_delivers_in_order_and_deletes(db: Database, outbox: Outbox) -> None:
    recipients = [ALICE, BOB, "c" * 32, "d" * 32]
    for n, recipient in enumerate(recipients, start=1):
        await outbox.enqueue(recipient, message(n))
    send = FakeSend()
    assert await send_due(outbox, send) == 4
    assert send.recipients == recipients
    assert send.payloads == [message(n) for n in range(1, 5)]
    assert await rows(db) == []
    assert await send_due(outbox, send) == 0
    assert len(send.calls) == 4


async def test_nothing_due_sends_nothing(outbox: Outbox) -> None:
    send = FakeSend()
    assert await send_due(outbox, send) == 0
    assert send.calls == []


async def test_recipient_gone_drops_the_row(db: Database, outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(BOB, message(2))
    send = FakeSend(RecipientGoneError())
    assert await send_due(outbox, send) == 1
    assert send.recipients == [ALICE, BOB]
    assert await rows(db) == []
    assert await send_due(outbox, send) == 0
    assert len(send.calls) == 2


@pytest.mark.parametrize("seconds", [1, 17, 3600])
async def test_retry_later_keeps_the_row(
    db: Database, outbox: Outbox, clock: Clock, seconds: int
) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(RetryLaterError(seconds))
    assert await send_due(outbox, send) == 0
    (row,) = await rows(db)
    assert row["not_before"] == to_db(START + timedelta(seconds=seconds))
    assert row["attempts"] == 0  # Telegram's 429 is not the message's fault

    clock.advance(seconds=seconds - 1)
    assert await send_due(outbox, send) == 0
    assert len(send.calls) == 1  # not due yet

    clock.advance(seconds=1)
    assert await send_due(outbox, send) == 1
    assert send.payloads == [message(1), message(1)]
    assert await rows(db) == []


async def test_flood_control_ends_the_round(db: Database, outbox: Outbox) -> None:
    """Telegram's 429 applies to the whole bot: sending on to others would earn more 429s."""
    await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(BOB, message(2))
    send = FakeSend(RetryLaterError(60), None)
    assert await send_due(outbox, send) == 0
    assert send.recipients == [ALICE]
    assert sorted(row["recipient"] for row in await rows(db)) == [ALICE, BOB]
    assert [row["attempts"] for row in await rows(db)] == [0, 0]


async def test_other_errors_retry_with_backoff(db: Database, outbox: Outbox, clock: Clock) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(RuntimeError("boom"), ConnectionError("down"), None)
    delays = []
    for attempt in (1, 2):
        assert await send_due(outbox, send) == 0
        (row,) = await rows(db)
        assert row["attempts"] == attempt
        delay = datetime.fromisoformat(row["not_before"]) - clock.now
        assert delay > timedelta(0)
        delays.append(delay)
        clock.now += delay
    assert delays[1] > delays[0]  # backing off
    assert delays == [timedelta(seconds=10), timedelta(seconds=20)]
    assert await send_due(outbox, send) == 1
    assert await rows(db) == []
    assert len(send.calls) == 3


async def test_dropped_after_max_attempts(db: Database, outbox: Outbox, clock: Clock) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(*[RuntimeError("boom")] * (MAX_ATTEMPTS + 5))
    for attempt in range(1, MAX_ATTEMPTS):
        await send_due(outbox, send)
        (row,) = await rows(db)
        assert row["attempts"] == attempt
        clock.advance(days=7)
    await send_due(outbox, send)
    assert await rows(db) == []
    assert len(send.calls) == MAX_ATTEMPTS
    clock.advance(days=7)
    await send_due(outbox, send)
    assert len(send.calls) == MAX_ATTEMPTS


async def test_retry_later_never_drops_a_message(
    db: Database, outbox: Outbox, clock: Clock
) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(*[RetryLaterError(1)] * (MAX_ATTEMPTS + 5), None)
    for _ in range(MAX_ATTEMPTS + 5):
        assert await send_due(outbox, send) == 0
        (row,) = await rows(db)
        assert row["attempts"] == 0
        assert row["not_before"] == to_db(clock.now + timedelta(seconds=1))
        clock.advance(seconds=1)
    assert await send_due(outbox, send) == 1
    assert len(send.calls) == MAX_ATTEMPTS + 6
    assert send.payloads[-1] == message(1)
    assert await rows(db) == []


async def test_retry_later_keeps_the_attempts_of_earlier_failures(
    db: Database, outbox: Outbox, clock: Clock
) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(RuntimeError("boom"), RuntimeError("boom"), RetryLaterError(5), OSError())
    for _ in range(2):
        await send_due(outbox, send)
        clock.now = datetime.fromisoformat((await rows(db))[0]["not_before"])
    assert await send_due(outbox, send) == 0  # the 429
    (row,) = await rows(db)
    assert row["attempts"] == 2
    assert row["not_before"] == to_db(clock.now + timedelta(seconds=5))
    clock.advance(seconds=5)
    assert await send_due(outbox, send) == 0
    (row,) = await rows(db)
    assert row["attempts"] == 3
    # The backoff goes on from the two earlier failures, as if the 429 had not been there.
    assert row["not_before"] == to_db(clock.now + timedelta(seconds=10 * 2**2))


async def test_other_errors_still_drop_a_message_between_429s(
    db: Database, outbox: Outbox, clock: Clock
) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend(*[RetryLaterError(1), RuntimeError("boom")] * (MAX_ATTEMPTS + 2))
    for _ in range(2 * MAX_ATTEMPTS + 4):
        await send_due(outbox, send)
        clock.advance(days=7)
    assert await rows(db) == []
    # Each generic failure came after a 429; the MAX_ATTEMPTS-th one dropped the message.
    assert len(send.calls) == 2 * MAX_ATTEMPTS


async def test_retry_at_counts_an_attempt_only_when_asked(db: Database) -> None:
    repo = OutboxRepository(db)
    await repo.add(ALICE, b"sealed", to_db(START), 1)
    (item,) = await repo.due(to_db(START))
    later = to_db(START + timedelta(minutes=1))
    await repo.retry_at(item.id, later, count=False)
    (row,) = await rows(db)
    assert (row["attempts"], row["not_before"]) == (0, later)
    await repo.retry_at(item.id, to_db(START + timedelta(minutes=2)))
    await repo.retry_at(item.id, to_db(START + timedelta(minutes=3)), count=True)
    (row,) = await rows(db)
    assert (row["attempts"], row["not_before"]) == (2, to_db(START + timedelta(minutes=3)))
    assert await repo.due(to_db(START + timedelta(minutes=2))) == []


async def test_same_recipient_is_spaced(outbox: Outbox) -> None:
    for n, recipient in enumerate([ALICE, BOB, ALICE, ALICE], start=1):
        await outbox.enqueue(recipient, message(n))
    send = FakeSend()
    assert await send_due(outbox, send) == 4
    assert send.recipients == [ALICE, BOB, ALICE, ALICE]
    alice = send.times(ALICE)
    gaps = [later - earlier for earlier, later in itertools.pairwise(alice)]
    assert len(gaps) == 2
    assert all(gap >= SPACING for gap in gaps), gaps


async def test_a_failed_attempt_does_not_delay_the_next_message(outbox: Outbox) -> None:
    """Only a delivered message starts the recipient's interval."""
    await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(ALICE, message(2))
    send = FakeSend(RuntimeError("boom"), None)
    assert await send_due(outbox, send) == 1
    first, second = send.times(ALICE)
    assert second - first < SPACING


async def test_different_recipients_are_not_spaced(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.1)
    await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(BOB, message(2))
    send = FakeSend()
    await send_due(outbox, send)
    (alice,), (bob,) = send.times(ALICE), send.times(BOB)
    assert bob - alice < 0.1


# --- run --------------------------------------------------------------------------------------


async def run(outbox: Outbox, send: Any, stop: asyncio.Event, idle: float) -> None:
    outbox.attach(send)
    await outbox.run(stop, idle=idle)


async def test_run_wakes_on_enqueue_and_stops(db: Database, outbox: Outbox) -> None:
    send = FakeSend()
    stop = asyncio.Event()
    worker = asyncio.create_task(run(outbox, send, stop, idle=30.0))
    try:
        await asyncio.sleep(0.02)  # the first, empty round is over; the worker waits
        assert send.calls == []
        await outbox.enqueue(ALICE, message(1))
        await asyncio.wait_for(send.called.wait(), timeout=2.0)
        assert send.payloads == [message(1)]

        send.called.clear()
        await outbox.enqueue(BOB, message(2))
        await asyncio.wait_for(send.called.wait(), timeout=2.0)
        assert send.recipients == [ALICE, BOB]

        stop.set()
        await asyncio.wait_for(worker, timeout=2.0)  # not the 30 s idle wait
    finally:
        worker.cancel()
    assert worker.done() and not worker.cancelled()
    assert worker.exception() is None
    await asyncio.sleep(0)
    assert await rows(db) == []


async def test_run_sends_what_was_queued_before_it_started(outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend()
    stop = asyncio.Event()
    worker = asyncio.create_task(run(outbox, send, stop, idle=30.0))
    try:
        await asyncio.wait_for(send.called.wait(), timeout=2.0)
        stop.set()
        await asyncio.wait_for(worker, timeout=2.0)
    finally:
        worker.cancel()
    assert send.payloads == [message(1)]


async def test_run_does_not_start_when_stopped(outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1))
    send = FakeSend()
    stop = asyncio.Event()
    stop.set()
    await asyncio.wait_for(run(outbox, send, stop, idle=30.0), timeout=1.0)
    assert send.calls == []


async def test_run_retries_a_failed_message(outbox: Outbox, clock: Clock) -> None:
    calls = 0

    async def broken(recipient: str, payload: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("boom")

    await outbox.enqueue(ALICE, message(1))
    stop = asyncio.Event()
    worker = asyncio.create_task(run(outbox, broken, stop, idle=0.01))
    try:
        await asyncio.sleep(0.05)
        clock.advance(days=1)  # the retry is due
        await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(worker, timeout=2.0)
    finally:
        worker.cancel()
    assert calls == 2
    assert worker.exception() is None


async def test_run_spaces_one_recipient_across_rounds(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.1)
    send = FakeSend()
    stop = asyncio.Event()
    worker = asyncio.create_task(run(outbox, send, stop, idle=30.0))
    try:
        await outbox.enqueue(ALICE, message(1))
        await asyncio.wait_for(send.called.wait(), timeout=2.0)
        send.called.clear()
        await outbox.enqueue(ALICE, message(2))
        await asyncio.wait_for(send.called.wait(), timeout=2.0)
        stop.set()
        await asyncio.wait_for(worker, timeout=2.0)
    finally:
        worker.cancel()
    first, second = send.times(ALICE)
    assert second - first >= 0.1


async def test_send_due_spaces_one_recipient_across_rounds(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.1)
    send = FakeSend()
    await outbox.enqueue(ALICE, message(1))
    assert await send_due(outbox, send) == 1
    await outbox.enqueue(ALICE, message(2))
    assert await send_due(outbox, send) == 1  # a new round, right after the first
    first, second = send.times(ALICE)
    assert second - first >= 0.1


async def test_a_new_round_does_not_hold_up_another_recipient(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.5)
    send = FakeSend()
    await outbox.enqueue(ALICE, message(1))
    await send_due(outbox, send)
    await outbox.enqueue(BOB, message(2))
    await send_due(outbox, send)
    (alice,), (bob,) = send.times(ALICE), send.times(BOB)
    assert bob - alice < 0.5


async def test_a_recipient_is_not_held_up_once_the_interval_has_passed(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.1)
    send = FakeSend()
    await outbox.enqueue(ALICE, message(1))
    await send_due(outbox, send)
    await asyncio.sleep(0.15)
    await outbox.enqueue(ALICE, message(2))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await send_due(outbox, send)
    assert send.times(ALICE)[1] - started < 0.1


def unreadable_payloads() -> list[Any]:
    other_key = Keyring.from_setting("22" * 32)
    readable = json.dumps(message(9)).encode()
    return [
        pytest.param(b"\0" * 40, id="garbage"),
        pytest.param(b"", id="empty"),
        pytest.param(other_key.seal(readable, b"outbox"), id="old-secret-key"),
        pytest.param(Keyring.from_setting(TEST_SECRET).seal(readable, b"phone"), id="context"),
        pytest.param(Keyring.from_setting(TEST_SECRET).seal(b"{not json", b"outbox"), id="json"),
    ]


@pytest.mark.parametrize("payload", unreadable_payloads())
async def test_an_unreadable_row_is_dropped_and_does_not_block_the_queue(
    db: Database, outbox: Outbox, caplog: pytest.LogCaptureFixture, payload: bytes
) -> None:
    await db.execute(
        "INSERT INTO outbox (recipient, payload, not_before) VALUES (?, ?, ?)",
        (ALICE, payload, to_db(START)),
    )
    await outbox.enqueue(BOB, message(2))
    await outbox.enqueue(ALICE, message(3))
    send = FakeSend()
    with caplog.at_level(logging.WARNING, logger=outbox_module.__name__):
        assert await send_due(outbox, send) == 2
    assert send.recipients == [BOB, ALICE]
    assert send.payloads == [message(2), message(3)]
    assert await rows(db) == []
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "unreadable" in warning.getMessage()
    assert "KZ27" not in warning.getMessage()
    assert await send_due(outbox, send) == 0
    assert len(send.calls) == 2


# --- priorities, de-duplication, sending at once, receipts ------------------------------------


async def test_urgent_messages_go_first(outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1), priority=Priority.BULK)
    await outbox.enqueue(BOB, message(2))
    await outbox.enqueue("c" * 32, message(3), priority=Priority.URGENT)
    send = FakeSend()
    assert await send_due(outbox, send) == 3
    assert send.payloads == [message(3), message(2), message(1)]


async def test_an_urgent_message_overtakes_a_running_bulk_round(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broadcast must not make a person waiting for a confirmation wait for it.

    One bulk message at a time here, for an exact order; with two in flight (the default,
    tests/unit/test_news_delivery.py) at most the one already on its way goes first."""
    monkeypatch.setattr(outbox_module, "BULK_IN_FLIGHT", 1)
    for n in range(1, 6):
        await outbox.enqueue(f"{n}" * 32, message(n), priority=Priority.BULK)

    class Interrupting(FakeSend):
        async def __call__(self, recipient: str, payload: dict[str, Any]) -> None:
            await super().__call__(recipient, payload)
            if len(self.calls) == 2:
                await outbox.enqueue(ALICE, message(99), priority=Priority.URGENT)

    send = Interrupting()
    outbox.attach(send)
    await outbox.send_due()  # stops after the second bulk message
    await outbox.send_due()
    assert [p["case"] for p in send.payloads] == [
        "KZ27-000001",
        "KZ27-000002",
        "KZ27-000099",
        "KZ27-000003",
        "KZ27-000004",
        "KZ27-000005",
    ]


async def test_a_named_message_waits_once(db: Database, outbox: Outbox) -> None:
    first = await outbox.enqueue(ALICE, message(1), dedupe="refresh:1")
    again = await outbox.enqueue(ALICE, message(2), dedupe="refresh:1")
    other = await outbox.enqueue(ALICE, message(3), dedupe="refresh:2")
    assert first == again != other
    assert [r["version"] for r in await rows(db)] == [1, 0]
    send = FakeSend()
    await send_due(outbox, send)
    assert send.payloads == [message(2), message(3)]  # the latest payload of the name
    assert await rows(db) == []
    assert await outbox.waiting("refresh:1") is None


async def test_asked_for_again_while_sending_is_sent_again(db: Database, outbox: Outbox) -> None:
    """A refresh asked for while the previous one is on its way must not be lost."""
    await outbox.enqueue(ALICE, message(1), dedupe="refresh:1")

    class Rearming(FakeSend):
        async def __call__(self, recipient: str, payload: dict[str, Any]) -> None:
            await super().__call__(recipient, payload)
            if len(self.calls) == 1:
                await outbox.enqueue(ALICE, message(2), dedupe="refresh:1")

    send = Rearming()
    outbox.attach(send)
    assert await outbox.send_due() == 1
    (row,) = await rows(db)
    assert row["attempts"] == 0
    await outbox.send_due()
    assert send.payloads == [message(1), message(2)]
    assert await rows(db) == []


async def test_deliver_now_sends_one_message_and_the_round_skips_it(
    db: Database, outbox: Outbox
) -> None:
    waiting = await outbox.enqueue(ALICE, message(1), priority=Priority.URGENT)
    await outbox.enqueue(BOB, message(2))
    send = FakeSend()
    outbox.attach(send)
    assert await outbox.deliver_now(waiting) is True
    assert await outbox.deliver_now(waiting) is False  # gone: nothing to send twice
    assert await outbox.send_due() == 1
    assert send.payloads == [message(1), message(2)]


async def test_a_message_sent_while_a_round_was_reading_is_not_sent_again(
    db: Database, outbox: Outbox
) -> None:
    first = await outbox.enqueue(ALICE, message(1))
    await outbox.enqueue(BOB, message(2))

    send = FakeSend()
    outbox.attach(send)
    due = await OutboxRepository(db).due(to_db(START))
    assert await outbox.deliver_now(first) is True
    for item in due:  # the worker's list, read before the message went out
        await outbox._deliver(item)
    assert send.payloads == [message(1), message(2)]


async def test_deliver_now_without_a_sender_is_an_error(outbox: Outbox) -> None:
    waiting = await outbox.enqueue(ALICE, message(1))
    with pytest.raises(RuntimeError):
        await outbox.deliver_now(waiting)


async def test_a_receipt_commits_with_the_deletion(db: Database, outbox: Outbox) -> None:
    await outbox.enqueue(ALICE, message(1))

    async def send(recipient: str, payload: dict[str, Any]) -> Any:
        async def record() -> None:
            await db.execute("INSERT INTO case_counters (region, last) VALUES ('KZ-27', 7)")

        return record

    assert await send_due(outbox, send) == 1
    assert await rows(db) == []
    assert (await db.fetchone("SELECT last FROM case_counters"))["last"] == 7


async def test_a_failing_receipt_keeps_the_message(db: Database, outbox: Outbox) -> None:
    """If what the send must record cannot be written, the message stays to be sent again,
    rather than being forgotten with its record lost."""
    await outbox.enqueue(ALICE, message(1))

    async def send(recipient: str, payload: dict[str, Any]) -> Any:
        async def record() -> None:
            await db.execute("INSERT INTO case_counters (region, last) VALUES ('KZ-27', 7)")
            raise OSError("disk full")

        return record

    with pytest.raises(OSError):
        await send_due(outbox, send)
    assert len(await rows(db)) == 1
    assert await db.fetchone("SELECT last FROM case_counters") is None


async def test_a_confirmation_is_never_given_up(
    db: Database, outbox: Outbox, clock: Clock
) -> None:
    await outbox.enqueue(ALICE, message(1), priority=Priority.URGENT)
    send = FakeSend(*[RuntimeError("boom")] * (MAX_ATTEMPTS + 5))
    delays = []
    for _ in range(MAX_ATTEMPTS + 5):
        await send_due(outbox, send)
        (row,) = await rows(db)
        delay = datetime.fromisoformat(row["not_before"]) - clock.now
        delays.append(delay.total_seconds())
        clock.now += delay
    assert delays[:4] == [2, 4, 8, 16]  # a person is waiting: retried soon
    assert max(delays) == outbox_module.URGENT_BACKOFF_CAP
    await send_due(outbox, send)
    assert await rows(db) == []  # the first success
