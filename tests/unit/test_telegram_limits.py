"""Who holds Telegram's limits: the outbox sees every 429 itself; handlers retry only briefly.

Both run against the project's emulator with its flood control on (1 message a second in a
private chat), through the Bots the app builds (bot/factory.py create_bot).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

import bot.services.outbox as outbox_module
from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.devtools.emulator import BotApiEmulator
from bot.factory import create_bot, create_dispatcher
from bot.middlewares.retry import RetryMiddleware
from bot.services.outbox import Outbox
from tests.conftest import TEST_SECRET

TOKEN = "123456:LIMITS-TOKEN"
ALICE, BOB = 4_100_000_001, 4_100_000_002


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, flood_control=True) as emu:
        emu.add_user(ALICE, language_code="kk")
        emu.add_user(BOB, language_code="ru")
        yield emu


@pytest.fixture
def live_settings(emulator: BotApiEmulator, db_path: Any) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        secret_key=TEST_SECRET,
        database_path=db_path,
        telegram_api_base=emulator.base_url,
        outbox_rate=1000,
    )


@pytest.fixture
async def bots(live_settings: Settings) -> AsyncIterator[tuple[Bot, Bot]]:
    """(the handlers' Bot, the outbox's Bot), as bot/app.py makes them."""
    handlers, outbox = create_bot(live_settings), create_bot(live_settings, retry=False)
    yield handlers, outbox
    await handlers.session.close()
    await outbox.session.close()


@pytest.fixture
async def outbox(
    live_settings: Settings,
    db: Database,
    keyring: Keyring,
    i18n: I18n,
    bots: tuple[Bot, Bot],
    monkeypatch: pytest.MonkeyPatch,
) -> Outbox:
    # No pacing of our own: let Telegram's (the emulator's) flood control answer with 429.
    monkeypatch.setattr(outbox_module, "PER_CHAT_INTERVAL", 0.0)
    dispatcher = create_dispatcher(
        settings=live_settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=bots[1]
    )
    for user_id in (ALICE, BOB):
        await dispatcher["users"].choose_locale(user_id, user_id, "kk")
    return dispatcher["outbox"]


def sends_to(emulator: BotApiEmulator, chat_id: int) -> int:
    return sum(
        1
        for method, params in emulator.calls
        if method == "sendMessage" and str(params.get("chat_id")) == str(chat_id)
    )


def too_many(emulator: BotApiEmulator) -> int:
    return sum(1 for error in emulator.api_errors if error.get("status") == 429)


async def test_the_outbox_sees_429_itself_and_sends_each_message_once(
    emulator: BotApiEmulator, outbox: Outbox, keyring: Keyring
) -> None:
    alice = keyring.pseudonym(ALICE)
    for n in range(3):
        await outbox.enqueue(
            alice, {"kind": "status", "case": f"KZ27-00000{n}", "status": "review"}
        )
    started = time.monotonic()
    while await outbox.depth() and time.monotonic() - started < 15:
        await outbox.send_due()
        await asyncio.sleep(0.2)
    assert await outbox.depth() == 0
    texts = [m["text"] for m in emulator.bot_messages(ALICE)]
    assert [sum(f"KZ27-00000{n}" in t for t in texts) for n in range(3)] == [1, 1, 1]
    rejected = too_many(emulator)
    assert rejected >= 1  # flood control answered, and the outbox waited it out itself
    # Every request is one the outbox made: none repeated behind its back by a middleware.
    assert sends_to(emulator, ALICE) == 3 + rejected


async def test_a_paused_outbox_does_not_hold_up_a_handlers_reply(
    emulator: BotApiEmulator, outbox: Outbox, bots: tuple[Bot, Bot], keyring: Keyring
) -> None:
    alice = keyring.pseudonym(ALICE)
    for n in range(2):
        await outbox.enqueue(
            alice, {"kind": "status", "case": f"KZ27-00000{n}", "status": "review"}
        )
    await outbox.send_due()  # the second one meets a 429: the outbox pauses itself
    assert too_many(emulator) == 1 and await outbox.depth() == 1
    started = time.monotonic()
    await bots[0].send_message(BOB, "an answer to Bob, now")
    assert time.monotonic() - started < 0.5


async def test_a_handlers_reply_waits_out_a_short_flood_wait(
    emulator: BotApiEmulator, bots: tuple[Bot, Bot]
) -> None:
    handlers = bots[0]
    await handlers.send_message(ALICE, "first")
    started = time.monotonic()
    await handlers.send_message(ALICE, "second, a moment later")
    assert 0.5 <= time.monotonic() - started < 5
    assert too_many(emulator) == 1
    assert [m["text"] for m in emulator.bot_messages(ALICE)] == ["first", "second, a moment later"]


async def test_a_long_flood_wait_is_not_waited_out_by_a_handler() -> None:
    """A person is waiting: holding the update for half a minute helps nobody."""
    calls = 0

    async def make_request(bot: Any, method: Any) -> Any:
        nonlocal calls
        calls += 1
        raise TelegramRetryAfter(method, "Too Many Requests: retry after 30", 30)

    started = time.monotonic()
    with pytest.raises(TelegramRetryAfter):
        await RetryMiddleware()(make_request, None, SendMessage(chat_id=1, text="x"))  # type: ignore[arg-type]
    assert calls == 1
    assert time.monotonic() - started < 0.5
