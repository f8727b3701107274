"""A /check is answered after a fixed time without holding an intake worker, and a message
without a sender is ignored (issue 8 §8).

These tests measure real time, so they use generous margins: each only has to tell "one
CODE_CHECK_SECONDS" from "ten of them", or an answer before its time from one after it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxItem
from bot.factory import create_dispatcher
from bot.intake.chat_order import ChatOrderedScheduler
from bot.middlewares.held import HeldReplies
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat, translate
from tests.fake_session import FakeBot, FakeSession
from tests.unit.test_followup import CODE, NO_MATCH, submit
from tests.unit.test_report_flow import onboard

CHECK_SECONDS = 1.5


class TimedSession(FakeSession):
    """Remembers when each message was sent, on the monotonic clock."""

    def __init__(self) -> None:
        super().__init__()
        self.sent_at: list[tuple[float, Any]] = []

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessage):
            self.sent_at.append((time.monotonic(), method))
        return await super().make_request(bot, method, timeout)


@pytest.fixture
def timed_bot() -> FakeBot:
    bot = FakeBot()
    bot.session = TimedSession()
    return bot


@pytest.fixture
def slow_check_dp(db_path: Path, db: Database, keyring: Keyring, i18n: I18n, timed_bot: FakeBot):
    settings = Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=db_path,
        code_check_seconds=CHECK_SECONDS,
        outbox_rate=1000,
    )
    return create_dispatcher(
        settings=settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=timed_bot
    )


def item(update: dict[str, Any]) -> InboxItem:
    chat = update["message"]["chat"]["id"]
    return InboxItem(update["update_id"], str(chat), json.dumps(update).encode())


async def test_ten_wrong_checks_do_not_hold_the_intake(slow_check_dp, timed_bot: FakeBot) -> None:
    dp = slow_check_dp
    people = [u.user(7000 + n, "ru") for n in range(10)]
    finished: list[float] = []

    async def process(entry: InboxItem) -> None:
        await dp.feed_raw_update(timed_bot, json.loads(entry.payload))
        finished.append(time.monotonic())

    # Two workers, like a busy intake: holding them for 1.5 s each would take 7.5 s.
    scheduler = ChatOrderedScheduler(process, concurrency=2)
    started = time.monotonic()
    for person in people:
        scheduler.submit(item(u.text(person, "/check AAAA-BBBB-CCCC-DDDD")))
    while len(finished) < len(people):
        await asyncio.sleep(0.01)
    handled = max(finished) - started
    await dp["held_replies"].settle()
    answered = time.monotonic() - started
    session: TimedSession = timed_bot.session  # type: ignore[assignment]
    answers = [(at, m) for at, m in session.sent_at if m.text != "typing"]
    assert len(answers) == 10
    assert handled < CHECK_SECONDS, "a worker was held for the check's time"
    # Every answer waited its time, and all ten together took about one check, not ten.
    assert all(at - started >= CHECK_SECONDS for at, _ in answers)
    assert answered < 3 * CHECK_SECONDS


async def test_right_and_wrong_codes_are_answered_after_the_same_time(
    slow_check_dp, timed_bot: FakeBot, i18n: I18n
) -> None:
    dp = slow_check_dp
    chat = Chat(dp, timed_bot)
    person = u.user(7100, "kk")
    await onboard(chat, person, "kk")
    code = CODE.search(await submit(chat, i18n, person, "anonymous", "kk")).group(0)
    session: TimedSession = timed_bot.session  # type: ignore[assignment]
    took = {}
    for name, typed in (("right", code), ("wrong", "AAAA-BBBB-CCCC-DDDD")):
        before = len(session.sent_at)
        started = time.monotonic()
        await chat.send(u.text(person, f"/check {typed}"))
        ((at, answer),) = session.sent_at[before:]
        took[name] = at - started
        assert ("KZ27-000001" in answer.text) == (name == "right")
    assert min(took.values()) >= CHECK_SECONDS
    assert abs(took["right"] - took["wrong"]) < 0.5, took


async def test_the_next_message_never_overtakes_a_held_answer(
    slow_check_dp, timed_bot: FakeBot, i18n: I18n
) -> None:
    dp = slow_check_dp
    person = u.user(7200, "ru")
    chat = Chat(dp, timed_bot)
    await onboard(chat, person, "ru")
    session: TimedSession = timed_bot.session  # type: ignore[assignment]
    before = len(session.sent_at)
    await dp.feed_raw_update(timed_bot, u.text(person, "/check AAAA-BBBB-CCCC-DDDD"))
    await dp.feed_raw_update(timed_bot, u.text(person, "/help"))  # right away
    texts = [m.text for _, m in session.sent_at[before:]]
    assert texts[0] == translate(i18n, NO_MATCH, "ru")  # the held answer went first
    assert len(texts) == 2 and not len(dp["held_replies"])


async def test_held_replies_are_sent_on_shutdown() -> None:
    held = HeldReplies()
    sent: list[str] = []

    async def send() -> None:
        sent.append("answer")

    await held.hold(1, time.monotonic() + 60, send)
    await held.release_all()
    assert sent == ["answer"] and not len(held)


async def test_a_message_without_a_sender_is_ignored(
    chat: Chat, bot: FakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    update = u.text(u.user(7300, "kk"), "Сәлем")
    del update["message"]["from"]
    caplog.set_level(logging.DEBUG)
    assert await chat.send(update) == []
    assert "without a sender" in caplog.text
    assert "handler failed" not in caplog.text  # no TypeError any more
