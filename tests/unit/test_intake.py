"""The durable intake: stored before confirmed, each chat in order, nothing handled twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Message, Update

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxItem, InboxRepository
from bot.intake.chat_order import ChatOrderedScheduler
from bot.intake.durable import DurableIntake
from tests import updates as u
from tests.fake_session import FakeBot, FakeSession


class PollingSession(FakeSession):
    """Serves queued updates to getUpdates and records what the inbox held at each call."""

    def __init__(self, inbox_ids: callable) -> None:
        super().__init__()
        self.batches: list[list[dict[str, Any]]] = []
        self.offsets: list[int | None] = []
        self.stored_at_call: list[set[int]] = []
        self._inbox_ids = inbox_ids

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ):
        if isinstance(method, GetUpdates):
            stored = await self._inbox_ids()  # before recording: a cancel may land here
            self.offsets.append(method.offset)
            self.stored_at_call.append(stored)
            if self.batches:
                return [Update.model_validate(raw) for raw in self.batches.pop(0)]
            await asyncio.sleep(0.01)
            return []
        return await super().make_request(bot, method, timeout)


@pytest.fixture
def handled() -> list[int]:
    return []


def recording_dispatcher(handled: list[int], delay: float = 0.0) -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def record(message: Message) -> None:
        await asyncio.sleep(delay)
        handled.append(int(message.text))

    return dp


async def all_ids(db: Database) -> set[int]:
    return {row["update_id"] for row in await db.fetchall("SELECT update_id FROM inbox")}


def numbered(user_id: int, n: int) -> dict[str, Any]:
    return u.text(u.user(user_id), str(n))


async def run_until(intake: DurableIntake, condition, timeout: float = 5.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop))
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
    stop.set()
    await task


def make_intake(
    bot: FakeBot, dp: Dispatcher, db: Database, keyring: Keyring, **kw
) -> DurableIntake:
    return DurableIntake(
        bot=bot, dispatcher=dp, inbox=InboxRepository(db), keyring=keyring, poll_timeout=0, **kw
    )


async def test_updates_are_stored_before_their_offset_is_confirmed(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    first = [numbered(1, i) for i in range(5)]
    second = [numbered(2, i) for i in range(5, 8)]
    session.batches = [first, second]
    await run_until(
        make_intake(bot, recording_dispatcher(handled), db, keyring), lambda: len(handled) == 8
    )
    assert sorted(handled) == list(range(8))
    for offset, stored in zip(session.offsets, session.stored_at_call, strict=True):
        if offset is not None:
            # Everything the offset tells Telegram to forget is already in the inbox.
            assert {i for i in range(offset) if i >= first[0]["update_id"]} <= stored
    assert session.offsets[1] == first[-1]["update_id"] + 1


async def test_redelivered_update_is_handled_once(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    update = numbered(3, 7)
    session.batches = [[update], [update], [numbered(3, 8)]]
    await run_until(
        make_intake(bot, recording_dispatcher(handled), db, keyring),
        lambda: len(handled) >= 2 and not session.batches,
    )
    assert handled == [7, 8]


async def test_done_rows_keep_only_the_update_id(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    session.batches = [[numbered(4, 1)]]
    await run_until(
        make_intake(bot, recording_dispatcher(handled), db, keyring), lambda: handled == [1]
    )
    await asyncio.sleep(0.05)
    rows = await db.fetchall("SELECT * FROM inbox")
    assert len(rows) == 1
    assert rows[0]["payload"] is None and rows[0]["chat_key"] is None


async def test_pending_updates_from_a_crash_are_handled_first_in_order(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    intake = make_intake(bot, recording_dispatcher(handled), db, keyring)
    # What a killed process leaves behind: stored, sealed, never marked done.
    left = [Update.model_validate(numbered(5, i)) for i in range(3)]
    await InboxRepository(db).store(intake._items(left))
    session.batches = [[numbered(5, 3)]]
    await run_until(intake, lambda: len(handled) == 4)
    assert handled == [0, 1, 2, 3]
    # The next poll confirms from the highest stored id, not from scratch.
    assert session.offsets[0] == left[-1].update_id + 1


async def test_a_fetched_update_is_handled_as_parsed_and_stored_sealed_for_a_crash(
    db: Database, keyring: Keyring, handled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """This run handles what it fetched without unsealing and parsing it again; the stored
    copy is still what a restart would handle."""
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    sent = [numbered(6, i) for i in range(3)]
    session.batches = [sent]
    unsealed: list[bytes] = []
    real_unseal = keyring.unseal

    def counting(blob: bytes, context: bytes = b"") -> bytes:
        unsealed.append(blob)
        return real_unseal(blob, context)

    intake = make_intake(bot, recording_dispatcher(handled), db, keyring)
    stored: list[InboxItem] = []
    real_store = intake._inbox.store

    async def keeping(items: list[InboxItem]) -> list[InboxItem]:
        stored.extend(items)
        return await real_store(items)

    monkeypatch.setattr(keyring, "unseal", counting)
    monkeypatch.setattr(intake._inbox, "store", keeping)
    await run_until(intake, lambda: len(handled) == 3)
    assert handled == [0, 1, 2]
    assert unsealed == []
    for item, raw in zip(stored, sent, strict=True):
        again = Update.model_validate_json(real_unseal(item.payload, b"inbox"))
        assert again.update_id == raw["update_id"]
        assert again.message is not None and again.message.text == raw["message"]["text"]


async def test_stop_lets_handlers_in_flight_finish_and_keeps_the_rest_pending(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    session.batches = [[numbered(6, i) for i in range(4)]]  # one chat: strictly one at a time
    intake = make_intake(
        bot, recording_dispatcher(handled, delay=0.2), db, keyring, shutdown_grace=5
    )
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop))
    async with asyncio.timeout(5):
        while not session.offsets or len(session.offsets) < 2:
            await asyncio.sleep(0.01)
    stop.set()
    await task
    assert handled == [0]  # the one in flight finished, nothing new started
    pending = await InboxRepository(db).pending()
    assert len(pending) == 3


async def test_scheduler_keeps_chat_order_and_bounds_concurrency() -> None:
    running = 0
    peak = 0
    seen: dict[str, list[int]] = {}

    async def process(item: InboxItem) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (item.update_id % 3))
        seen.setdefault(item.chat_key, []).append(item.update_id)
        running -= 1

    scheduler = ChatOrderedScheduler(process, concurrency=4)
    for update_id in range(200):
        scheduler.submit(InboxItem(update_id, f"chat{update_id % 10}", b""))
    async with asyncio.timeout(5):
        while scheduler.queued:
            await asyncio.sleep(0.01)
    assert peak == 4
    assert sum(len(ids) for ids in seen.values()) == 200
    for ids in seen.values():
        assert ids == sorted(ids)


async def test_after_webhook_mode_the_first_poll_does_not_trust_the_highest_stored_id(
    db: Database, keyring: Keyring, handled: list[int]
) -> None:
    """Webhook deliveries may arrive out of order: id 9 stored does not prove 8 arrived."""
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    intake = make_intake(bot, recording_dispatcher(handled), db, keyring)
    stored = Update.model_validate(numbered(6, 9))
    await InboxRepository(db).store(intake._items([stored]))
    await InboxRepository(db).mark_done([stored.update_id])
    missed, again = numbered(6, 8), numbered(6, 9)
    missed["update_id"], again["update_id"] = stored.update_id - 1, stored.update_id
    session.batches = [[missed, again]]
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop, after_webhook=True))
    async with asyncio.timeout(5):
        while handled != [8]:
            await asyncio.sleep(0.01)
    stop.set()
    await task
    assert session.offsets[0] is None  # from Telegram's oldest unconfirmed update
    assert handled == [8]  # the missed one handled, the stored one not again


class ConflictingSession(PollingSession):
    """Another copy of the bot polls too: Telegram ends this copy's first polls with 409."""

    def __init__(self, inbox_ids: callable, conflicts: int) -> None:
        super().__init__(inbox_ids)
        self.conflicts = conflicts

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ):
        if isinstance(method, GetUpdates) and self.conflicts:
            self.conflicts -= 1
            raise TelegramConflictError(
                method=method,
                message="Conflict: terminated by other getUpdates request; make sure that only"
                " one bot instance is running",
            )
        return await super().make_request(bot, method, timeout)


async def test_another_copy_polling_is_told_once_and_the_updates_still_come(
    db: Database, keyring: Keyring, handled: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    session = ConflictingSession(lambda: all_ids(db), conflicts=4)
    bot = FakeBot()
    bot.session = session
    session.batches = [[numbered(7, 1)]]
    intake = make_intake(bot, recording_dispatcher(handled), db, keyring, retry_delay=0.001)
    await run_until(intake, lambda: handled == [1])
    told = [r for r in caplog.records if r.name == "bot.intake.conflict"]
    assert [r.levelname for r in told] == ["ERROR"]  # four conflicts, one line
    assert "another copy of the bot" in told[0].getMessage()
    assert intake.another_copy_polling  # /healthz says so until two quiet minutes have passed
    assert not any("getUpdates failed" in r.getMessage() for r in caplog.records)
