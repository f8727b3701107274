"""Prints what a citizen and the moderators get when the bot is SIGKILLed right after Submit.

    .venv/bin/python bench/submit_kill.py [--per-condition 12] [--seed N]

Runs the real `python -m bot` against the in-process Bot API emulator. In each trial a new
citizen files an anonymous report; the bot is killed 0-1.6 s after Submit, with Telegram
plain, slow (0.4 s per call) or failing (four 500s), and restarted. Each row counts the new
reports, the confirmations the citizen sees, whether the code in it opens the case, the
messages in the moderators' group that show the case, and those with buttons that the bot
does not keep in step. Figures, not pass/fail: tests/e2e/test_submit_kill_e2e.py asserts.
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
from tests.e2e.submit_trials import CONDITIONS, GROUP, PROCESS_ENV, run_trial, table


async def main(per_condition: int, seed: int) -> None:
    rng = random.Random(seed)
    trials = []
    started = time.perf_counter()
    async with BotApiEmulator(token=TOKEN) as emulator:
        emulator.add_group(GROUP, "Модераторлар")
        with tempfile.TemporaryDirectory() as workdir:
            process = BotProcess(emulator, Path(workdir), **PROCESS_ENV)
            await process.start(timeout=180)
            number = 0
            for _ in range(per_condition):
                for condition in CONDITIONS:
                    number += 1
                    trial = await run_trial(
                        emulator, process, number, condition, rng, 7_600_000_000 + number
                    )
                    trials.append(trial)
                    print(
                        f"trial {number}: {condition}, killed {trial.kill_after:.2f} s after"
                        f" Submit: {'ok' if trial.ok else 'NOT OK'}",
                        flush=True,
                    )
            await process.terminate()
    print()
    print(table(trials))
    print()
    bad = [t for t in trials if not t.ok]
    extra = sum(t.cards - 1 for t in trials if t.cards > 1)
    print(
        f"seed={seed} trials={len(trials)} kills={len(trials)} not_ok={len(bad)} "
        f"extra_card_messages_without_buttons={extra} "
        f"wall={time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-condition", type=int, default=12)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    args = parser.parse_args()
    asyncio.run(main(args.per_condition, args.seed))
