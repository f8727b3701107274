"""Prints other users' reply times with and without one chat flooding the bot (issue 14 §3).

    .venv/bin/python bench/flood.py [--others 10] [--rounds 3] [--no-echo] [--no-unthrottled]

Runs the real `python -m bot` against the in-process Bot API emulator with Telegram's flood
control on (30 messages/s overall, 1/s per chat). Several other users each send /help about
once a second and time the answer. Each round measures them first with nobody flooding, then
while one chat sends 200 messages in 10 seconds (and 3 seconds after, while the bot catches
up). Rounds alternate quiet and flood so that a machine busy with other work weighs on both.
Printed: p50/p99 of the other users' reply times in each case, the ratio of the p99s against
the goal (within 20 %: ratio <= 1.20), and what the flooder received.

For context, in the same run and the same way: Adal with the throttle off (FLOOD_BURST=0),
and a bare aiogram echo bot (bench/flood_echo_bot.py). Figures, not pass/fail:
tests/unit/test_flood.py holds the assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.devtools.emulator import BotApiEmulator
from bot.i18n import create_i18n
from bot.views.common import flood_notice_text
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.test_reports_e2e import onboard

ROOT = Path(__file__).resolve().parents[1]
_i18n = create_i18n("kk")
with _i18n.context(), _i18n.use_locale("kk"):  # the flooder's language
    NOTICE = flood_notice_text(10)
FLOOD_MESSAGES, FLOOD_SECONDS, DRAIN_SECONDS, QUIET_SECONDS = 200, 10.0, 3.0, 12.0


@dataclass
class Figures:
    quiet: list[float] = field(default_factory=list)
    flood: list[float] = field(default_factory=list)
    quiet_rounds: list[list[float]] = field(default_factory=list)
    flood_rounds: list[list[float]] = field(default_factory=list)
    flooder_replies: list[int] = field(default_factory=list)
    notices: list[int] = field(default_factory=list)
    errors_429: int = 0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def probe(person: Citizen, until: float, samples: list[tuple[float, float]]) -> None:
    """/help about once a second (Telegram's pace per chat) until `until`."""
    while time.perf_counter() < until:
        started = time.perf_counter()
        await person.say("/help")
        samples.append((started, time.perf_counter() - started))
        await asyncio.sleep(1.05)


async def probe_all(others: list[Citizen], seconds: float) -> list[tuple[float, float]]:
    samples: list[tuple[float, float]] = []
    until = time.perf_counter() + seconds

    async def staggered(n: int, person: Citizen) -> None:
        await asyncio.sleep(n / len(others))  # spread over the second, not all at once
        await probe(person, until, samples)

    await asyncio.gather(*(staggered(n, p) for n, p in enumerate(others)))
    return samples


async def flood(emulator: BotApiEmulator, flooder: int) -> None:
    for n in range(FLOOD_MESSAGES):
        emulator.send_text(flooder, f"flood {n}")
        await asyncio.sleep(FLOOD_SECONDS / FLOOD_MESSAGES)


async def measure(
    emulator: BotApiEmulator,
    others: list[Citizen],
    flooder: int,
    rounds: int,
) -> Figures:
    figures = Figures()
    errors_before = len(emulator.api_errors)
    for _ in range(rounds):
        quiet = [d for _, d in await probe_all(others, QUIET_SECONDS)]
        figures.quiet += quiet
        figures.quiet_rounds.append(quiet)
        before = emulator.sent_count(flooder)
        started = time.perf_counter()
        flooding = asyncio.create_task(flood(emulator, flooder))
        samples = await probe_all(others, FLOOD_SECONDS + DRAIN_SECONDS)
        await flooding
        figures.flood += [d for at, d in samples if at >= started]
        figures.flood_rounds.append([d for at, d in samples if at >= started])
        # Past the throttle's pause and the flooder's backlog (its replies go at Telegram's
        # one a second per chat) before the next quiet phase: until its chat has been silent
        # for 3 s, at most a minute.
        await settle(emulator, flooder)
        replies = emulator.bot_messages(flooder)[before:]
        figures.flooder_replies.append(len(replies))
        figures.notices.append(sum(1 for m in replies if m.get("text") == NOTICE))
    figures.errors_429 = sum(1 for e in emulator.api_errors[errors_before:] if e["status"] == 429)
    return figures


async def settle(emulator: BotApiEmulator, chat_id: int) -> None:
    deadline = time.perf_counter() + 60
    last, quiet_since = emulator.sent_count(chat_id), time.perf_counter()
    while time.perf_counter() < deadline and time.perf_counter() - quiet_since < 3:
        await asyncio.sleep(0.25)
        if (count := emulator.sent_count(chat_id)) != last:
            last, quiet_since = count, time.perf_counter()
    await asyncio.sleep(max(0.0, 11 - (time.perf_counter() - quiet_since)))  # the pause


class EchoProcess:
    """bench/flood_echo_bot.py, started and stopped like BotProcess."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.proc: subprocess.Popen[bytes] | None = None

    def _polls(self) -> int:
        return sum(1 for method, _ in self.emulator.calls if method == "getUpdates")

    async def start(self) -> None:
        before = self._polls()
        env = dict(os.environ, BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=self.emulator.base_url)
        self.proc = subprocess.Popen(  # noqa: ASYNC220 (returns at once; it runs on its own)
            [sys.executable, str(ROOT / "bench" / "flood_echo_bot.py")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while self._polls() <= before:
            if self.proc.poll() is not None:
                raise RuntimeError("the echo bot exited")
            await asyncio.sleep(0.05)

    async def terminate(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        await asyncio.to_thread(self.proc.wait, 30)


async def run_one(
    emulator: BotApiEmulator,
    name: str,
    first_id: int,
    count: int,
    rounds: int,
    start: Callable[[], Awaitable[object]],
    with_onboarding: bool,
) -> tuple[str, Figures]:
    process = await start()
    others = [Citizen(emulator, first_id + n, "ru") for n in range(count)]
    flooder = Citizen(emulator, first_id + count, "kk")
    if with_onboarding:
        for person in [*others, flooder]:
            await onboard(person, "kk" if person is flooder else "ru")
    await asyncio.sleep(1.5)  # past each chat's second of onboarding replies
    figures = await measure(emulator, others, flooder.id, rounds)
    await process.terminate()
    return name, figures


def report(name: str, figures: Figures) -> None:
    quiet_p99 = percentile(figures.quiet, 0.99)
    flood_p99 = percentile(figures.flood, 0.99)
    ratio = flood_p99 / quiet_p99 if quiet_p99 else float("nan")
    print(f"== {name}")
    for label, values in (("no flood", figures.quiet), ("during a flood", figures.flood)):
        print(
            f"  other users' /help reply, {label}: n={len(values)} "
            f"p50={1000 * statistics.median(values):.0f} ms "
            f"p99={1000 * percentile(values, 0.99):.0f} ms max={1000 * max(values):.0f} ms"
        )
    verdict = "meets" if ratio <= 1.20 else "misses"
    print(f"  p99 during / without the flood = {ratio:.2f} ({verdict} the goal <= 1.20)")
    p95 = percentile(figures.flood, 0.95) / percentile(figures.quiet, 0.95)
    print(
        f"  p95 during / without = {p95:.2f}; p99 by round (ms, quiet/flood): "
        + ", ".join(
            f"{1000 * percentile(q, 0.99):.0f}/{1000 * percentile(f, 0.99):.0f}"
            for q, f in zip(figures.quiet_rounds, figures.flood_rounds, strict=True)
        )
    )
    print(
        f"  the flooder's {FLOOD_MESSAGES} messages got {figures.flooder_replies} replies "
        f"per round, of them {figures.notices} the throttle's notice; "
        f"429s from the emulator: {figures.errors_429}"
    )


async def main(others: int, rounds: int, echo: bool, unthrottled: bool) -> None:
    results: list[tuple[str, Figures]] = []
    async with BotApiEmulator(token=TOKEN, flood_control=True) as emulator:
        with tempfile.TemporaryDirectory() as workdir:

            def adal(sub: str, **env: str) -> Callable[[], Awaitable[BotProcess]]:
                async def start() -> BotProcess:
                    process = BotProcess(emulator, Path(workdir) / sub, **env)
                    process.env["LOG_LEVEL"] = "WARNING"
                    process.workdir.mkdir(parents=True)
                    await process.start(timeout=180)
                    return process

                return start

            async def echo_start() -> EchoProcess:
                process = EchoProcess(emulator)
                await process.start()
                return process

            runs = [("Adal (flood throttle on: the defaults)", adal("on"), True)]
            if unthrottled:
                runs.append(
                    ("Adal, throttle off (FLOOD_BURST=0)", adal("off", FLOOD_BURST="0"), True)
                )
            if echo:
                runs.append(("bare aiogram echo bot", echo_start, False))
            for n, (name, start, onboarding) in enumerate(runs):
                first_id = 6_100_000_000 + 1000 * n
                results.append(
                    await run_one(emulator, name, first_id, others, rounds, start, onboarding)
                )
    print(
        f"{others} other users, /help about once a second each; {rounds} rounds of "
        f"{QUIET_SECONDS:.0f} s quiet then a flood of {FLOOD_MESSAGES} messages in "
        f"{FLOOD_SECONDS:.0f} s (+{DRAIN_SECONDS:.0f} s after); emulator flood control on"
    )
    for name, figures in results:
        report(name, figures)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-echo", action="store_true")
    parser.add_argument("--no-unthrottled", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.others, args.rounds, not args.no_echo, not args.no_unthrottled))
