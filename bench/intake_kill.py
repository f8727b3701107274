"""Prints how the durable intake fares when the bot is SIGKILLed during a large backlog.

    .venv/bin/python bench/intake_kill.py [--chats 500] [--per-chat 10] [--kills 3] [--seed N]
        [--mode polling|webhook|both]

Runs the real `python -m bot` against the in-process Bot API emulator on 127.0.0.1, kills it at
random points, restarts it, and reports lost and duplicated answers and throughput. Figures,
not pass/fail: the end-to-end tests hold the assertions. `--mode both` runs the same backlog
(same seed) by polling, then by webhook (the emulator posts each update to the bot), one after
the other in the same run, so the two can be compared on the same machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.intake_probe import make_backlog, tally


async def answered_at_least(emulator: BotApiEmulator, messages: dict, count: int) -> None:
    while tally(emulator, messages).answered < count:
        await asyncio.sleep(0.2)


async def run(chats: int, per_chat: int, kills: int, seed: int, mode: str) -> None:
    random.seed(seed)
    rng = random.Random(seed)
    async with BotApiEmulator(token=TOKEN) as emulator:
        messages = make_backlog(emulator, chats, per_chat, first_id=9_000_000_000)
        total = chats * per_chat
        with tempfile.TemporaryDirectory() as workdir:
            process = BotProcess(emulator, Path(workdir), mode=mode)
            started = time.perf_counter()
            kill_points = sorted(rng.uniform(0.05, 0.9) for _ in range(kills))
            for fraction in kill_points:
                await process.start()
                await answered_at_least(emulator, messages, int(total * fraction))
                before = tally(emulator, messages)
                process.kill()
                print(f"[{mode}] SIGKILL at {before.answered}/{total} answered")
            await process.start()
            ready, answered_before = time.perf_counter(), tally(emulator, messages).answered
            await answered_at_least(emulator, messages, total)
            finished = time.perf_counter()
            elapsed = finished - started
            await process.terminate()
    result = tally(emulator, messages)
    print(
        f"[{mode}] seed={seed} updates={total} chats={chats} kills={kills} "
        f"restarts={process.starts}"
    )
    print(
        f"[{mode}] lost={result.lost} duplicates={result.duplicates} "
        f"out_of_order_chats={result.out_of_order_chats}"
    )
    print(
        f"[{mode}] wall={elapsed:.1f}s including {process.starts} start-ups; "
        f"throughput≈{total / elapsed:.0f} updates/s; after the last start "
        f"{(total - answered_before) / (finished - ready):.0f} updates/s"
    )


async def main(chats: int, per_chat: int, kills: int, seed: int, mode: str) -> None:
    for each in ("polling", "webhook") if mode == "both" else (mode,):
        await run(chats, per_chat, kills, seed, each)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--per-chat", type=int, default=10)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    parser.add_argument("--mode", choices=["polling", "webhook", "both"], default="polling")
    args = parser.parse_args()
    asyncio.run(main(args.chats, args.per_chat, args.kills, args.seed, args.mode))
