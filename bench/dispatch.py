"""Prints the CPU the bot's own code spends per update, without the network, next to a bare
aiogram echo dispatcher measured in the same run.

    .venv/bin/python bench/dispatch.py [--users 20] [--rounds 5]

bench/throughput.py measures the goal (updates a second through HTTP), but on this shared
2-core machine its figures swing by a factor of two from one minute to the next, far more than
most single changes are worth. This script takes the network and the emulator out: both
dispatchers get updates through `feed_raw_update` and answer through the test suite's fake
session (tests/fake_session.py), which builds Telegram's answers in memory. What is left is
the part of the bot's cost that this project controls: the middlewares, finding the handler,
the handlers, the services, the database (a real SQLite file) and the outbox's sending of the
confirmation. CPU time (`time.process_time`, all threads) is steadier on a busy machine than
wall time.

In each round, N new users each send the 15 updates of bench/throughput.py's report flow
(onboarding, then an anonymous report with every optional question skipped; a button is
pressed on the message that showed it), and the outbox sends the confirmations their
submissions queued; then the echo dispatcher gets as many text messages. Printed per round:
CPU per update for both and the ratio, and how many filters aiogram checked per update on
Adal's side (HandlerObject.check, root filters included); then the median of the rounds
and the best round.
Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Dispatcher
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import InlineKeyboardMarkup, Message

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.factory import create_dispatcher
from bot.i18n import create_i18n
from tests import updates as u
from tests.fake_session import FakeBot, FakeSession

SECRET = "bench-dispatch-" + "k" * 32
DESCRIPTION = "Мектеп құрылысы үш жылдан бері бітпей тұр, мердігерге ақша төленген."


class CountingChecks:
    """Counts HandlerObject.check calls while installed."""

    def __init__(self) -> None:
        self.count = 0
        self._original = HandlerObject.check

    def __enter__(self) -> CountingChecks:
        original = self._original

        async def counting(handler: HandlerObject, /, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(handler, *args, **kwargs)

        HandlerObject.check = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        HandlerObject.check = self._original  # type: ignore[method-assign]


# The shortest report after onboarding, as bench/throughput.py sends it: ("say", text) or
# ("tap", callback data of a button the bot has shown) or ("location", None).
REPORT = [
    ("say", "/start"),
    ("tap", "lang:kk"),
    ("tap", "reg:KZ-27"),
    ("say", "/report"),
    ("tap", "rp:area:education"),
    ("tap", "rp:region:KZ-27"),
    ("say", "Орал"),
    ("say", DESCRIPTION),
    ("tap", "rp:when:earlier"),
    ("tap", "rp:skip:"),  # who is involved
    ("tap", "rp:skip:"),  # the amount
    ("location", None),
    ("tap", "rp:anon:anonymous"),
    ("tap", "rp:skip:"),  # no files: the summary
    ("tap", "rp:submit:"),
]


def shown_button(session: FakeSession, prefix: str, since: int) -> tuple[int, str]:
    """The newest message since request `since` with a button whose data starts with
    `prefix`: (message id, data)."""
    for index in range(len(session.requests) - 1, since - 1, -1):
        markup = getattr(session.requests[index], "reply_markup", None)
        if not isinstance(markup, InlineKeyboardMarkup):
            continue
        for row in markup.inline_keyboard:
            for button in row:
                if (button.callback_data or "").startswith(prefix):
                    result = session.results[index]
                    message_id = getattr(result, "message_id", None)
                    return int(message_id or session.requests[index].message_id), str(
                        button.callback_data
                    )
    raise LookupError(f"no button {prefix!r} is shown")


async def adal_round(dp: Dispatcher, bot: FakeBot, first_id: int, users: int) -> tuple[int, float]:
    """(updates fed, CPU seconds) for `users` new people filing the shortest report, one after
    another, and the outbox sending what their submissions queued."""
    session = bot.session_
    fed = 0
    started = time.process_time()
    for n in range(users):
        person = u.user(first_id + n, "kk")
        since = len(session.requests)
        for kind, value in REPORT:
            if kind == "say":
                update = u.text(person, str(value))
            elif kind == "tap":
                message_id, data = shown_button(session, str(value), since)
                update = u.callback(person, data, message_id)
            else:
                update = u.message(person, location={"latitude": 51.23, "longitude": 51.37})
            since = len(session.requests)
            await dp.feed_raw_update(bot, update)
            await dp["held_replies"].settle()
            fed += 1
        if not any("KZ27-" in (getattr(r, "text", "") or "") for r in session.requests[since:]):
            while await dp["outbox"].send_due():  # the confirmation comes from the outbox
                pass
    while await dp["outbox"].send_due():
        pass
    spent = time.process_time() - started
    confirmations = sum("KZ27-" in (getattr(r, "text", "") or "") for r in session.requests)
    if confirmations < users:
        raise AssertionError(f"{users} reports, {confirmations} confirmations")
    session.clear()
    return fed, spent


def echo_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    return dispatcher


async def echo_round(dp: Dispatcher, bot: FakeBot, first_id: int, updates: int) -> float:
    started = time.process_time()
    for n in range(updates):
        person = u.user(first_id + n % 20, "kk")
        await dp.feed_raw_update(bot, u.text(person, f"{n} Орал"))
    spent = time.process_time() - started
    bot.session_.clear()
    return spent


async def main(users: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "adal.sqlite3"
        db = await Database.open(path)
        await apply_migrations(db)
        settings = Settings(
            _env_file=None,
            bot_token="42:TEST-TOKEN",
            secret_key=SECRET,
            database_path=path,
            code_check_seconds=0.01,
            outbox_rate=1000,
            flood_burst=0,
        )
        import bot.services.outbox

        bot.services.outbox.PER_CHAT_INTERVAL = 0.0  # the confirmation goes at once
        adal_bot, echo_bot = FakeBot(), FakeBot()
        adal = create_dispatcher(
            settings=settings,
            db=db,
            keyring=Keyring.from_setting(SECRET),
            i18n=create_i18n("kk"),
            outbox_bot=adal_bot,
        )
        echo = echo_dispatcher()
        await adal_round(adal, adal_bot, 10_000_000, 3)  # warm: imports, caches, first pages
        await echo_round(echo, echo_bot, 10_000_000, 50)
        print(f"{users} users a round, the shortest report with onboarding; {rounds} rounds")
        ratios, adal_costs, echo_costs = [], [], []
        for number in range(rounds):
            with CountingChecks() as checks:
                fed, adal_cpu = await adal_round(adal, adal_bot, 20_000_000 + number * 1000, users)
            echo_cpu = await echo_round(echo, echo_bot, 30_000_000, fed)
            adal_us, echo_us = adal_cpu / fed * 1e6, echo_cpu / fed * 1e6
            adal_costs.append(adal_us)
            echo_costs.append(echo_us)
            ratios.append(adal_us / echo_us)
            print(
                f"  round {number + 1}: {fed} updates; adal {adal_us:6.0f} µs/update,"
                f" echo {echo_us:4.0f} µs/update, adal/echo CPU {adal_us / echo_us:4.1f}x;"
                f" filters checked per update {checks.count / fed:.1f}"
            )
        print(
            f"median: adal {statistics.median(adal_costs):.0f} µs/update, echo"
            f" {statistics.median(echo_costs):.0f} µs/update, adal/echo CPU"
            f" {statistics.median(ratios):.1f}x; best round: adal {min(adal_costs):.0f},"
            f" echo {min(echo_costs):.0f} µs/update (the least disturbed by other work)"
        )
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.rounds))
