"""A SIGKILL at a random moment after Submit, with and without a slow or failing Telegram:
still one report, one confirmation with a working code, one card (or all copies in step).

bench/submit_kill.py runs the same trials 30+ times and prints the table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from random import Random

import pytest

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.conftest import BotProcess, free_port
from tests.e2e.submit_trials import CONDITIONS, GROUP, PROCESS_ENV, run_trial, table
from tests.e2e.test_webhook_e2e import check_health_and_metrics


@pytest.fixture
async def grouped_bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    emulator.add_group(GROUP, "Модераторлар")
    # METRICS_PORT: polling mode serves /healthz and /metrics there (checked after the trials).
    process = BotProcess(emulator, tmp_path, METRICS_PORT=str(free_port()), **PROCESS_ENV)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


async def test_submit_survives_sigkill_exactly_once(
    emulator: BotApiEmulator, grouped_bot: BotProcess
) -> None:
    rng = Random(20261130)
    await grouped_bot.start()
    trials = []
    for number, condition in enumerate(CONDITIONS, start=1):
        trials.append(
            await run_trial(emulator, grouped_bot, number, condition, rng, 7_500_000_000 + number)
        )
    assert all(t.ok for t in trials), "\n" + table(trials)
    await check_health_and_metrics(grouped_bot)
    assert await grouped_bot.terminate() == 0
