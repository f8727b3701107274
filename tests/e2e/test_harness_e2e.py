"""The harness itself: a start-up wait that is long for a slow bot is short for a dead one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.conftest import BotProcess


async def test_a_bot_that_exits_fails_the_start_at_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    process = BotProcess(emulator, tmp_path, INTAKE_CONCURRENCY="0")  # an invalid setting
    # "exited", not "did not start polling": the exit is noticed, the deadline never reached.
    with pytest.raises(AssertionError, match="bot exited with 2") as failure:
        await process.start()
    assert "INTAKE_CONCURRENCY" in str(failure.value)  # the bot's own words come with it
