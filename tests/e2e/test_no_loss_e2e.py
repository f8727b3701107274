"""No update is lost and none is handled twice, across SIGKILLs and a SIGTERM."""

from __future__ import annotations

import asyncio
import os
import random

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.conftest import BotProcess
from tests.e2e.intake_probe import make_backlog, tally
from tests.e2e.waits import WAIT

CONCURRENCY = 16  # the bot's default INTAKE_CONCURRENCY


async def wait_answered(
    emulator: BotApiEmulator, messages: dict, at_least: int, stall: float = WAIT
) -> None:
    """Wait while answers keep coming: a busy machine is slow, a stuck bot stops answering."""
    loop = asyncio.get_running_loop()
    answered, progressed = tally(emulator, messages).answered, loop.time()
    while answered < at_least:
        await asyncio.sleep(0.05)
        if (now := tally(emulator, messages).answered) > answered:
            answered, progressed = now, loop.time()
        assert loop.time() - progressed < stall, (
            f"no new answer for {stall}s: {tally(emulator, messages)}"
        )


async def test_backlog_survives_three_sigkills(
    emulator: BotApiEmulator, bot_process: BotProcess
) -> None:
    seed = int(os.environ.get("ADAL_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    random.seed(seed)
    messages = make_backlog(emulator, chats=150, per_chat=12, first_id=8_000_000_000)
    total = sum(len(ids) for ids in messages.values())

    # Three kills at random points of the backlog, each followed by a restart.
    for fraction in sorted(rng.uniform(0.05, 0.9) for _ in range(3)):
        await bot_process.start()
        await wait_answered(emulator, messages, int(total * fraction))
        bot_process.kill()
    await bot_process.start()
    await wait_answered(emulator, messages, total)
    assert await bot_process.terminate() == 0

    result = tally(emulator, messages)
    assert result.lost == 0, (seed, result)
    # Only updates in flight at a kill may be answered twice.
    assert result.duplicates <= 3 * CONCURRENCY, (seed, result)
    assert result.out_of_order_chats == 0, (seed, result)
    assert emulator.pending_update_count == 0


async def test_sigterm_drains_without_loss_or_duplicates(
    emulator: BotApiEmulator, bot_process: BotProcess
) -> None:
    random.seed(7)
    messages = make_backlog(emulator, chats=60, per_chat=10, first_id=8_100_000_000)
    total = sum(len(ids) for ids in messages.values())
    emulator.set_latency(0.02, methods={"sendMessage"})  # keep handlers in flight at SIGTERM
    await bot_process.start()
    await wait_answered(emulator, messages, total // 3)
    assert await bot_process.terminate() == 0
    stopped_at = tally(emulator, messages)
    assert stopped_at.answered < total  # the stop really came mid-backlog
    emulator.clear_faults()
    await bot_process.start()
    await wait_answered(emulator, messages, total)
    assert await bot_process.terminate() == 0
    result = tally(emulator, messages)
    assert (result.lost, result.duplicates, result.out_of_order_chats) == (0, 0, 0), result
