"""End-to-end: the real `python -m bot` process talking HTTP to our Bot API emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.devtools.emulator import BotApiEmulator
from tests.conftest import TEST_SECRET

TOKEN = "123456:E2E-TEST-TOKEN"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


class BotProcess:
    """Starts, kills and restarts the bot exactly as an operator would run it."""

    def __init__(self, emulator: BotApiEmulator, workdir: Path, **env: str) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.db_path = workdir / "data" / "adal.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"BOT_TOKEN", "SECRET_KEY", "DATABASE_PATH", "TELEGRAM_API_BASE"}
        }
        self.env.update(
            BOT_TOKEN=TOKEN,
            SECRET_KEY=TEST_SECRET,
            DATABASE_PATH=str(self.db_path),
            TELEGRAM_API_BASE=emulator.base_url,
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            **env,
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    async def start(self, timeout: float = 30.0) -> None:
        """Start and wait until it polls for updates (start-up work is done by then)."""
        assert self.proc is None or self.proc.poll() is not None
        polls_before = self._polls()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._polls() <= polls_before:
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            if loop.time() > deadline:
                raise AssertionError(f"bot did not start polling:\n{self.log()}")
            await asyncio.sleep(0.05)

    def _polls(self) -> int:
        return sum(1 for method, _ in self.emulator.calls if method == "getUpdates")

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    async def terminate(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.proc.poll() is None:
            if loop.time() > deadline:
                self.proc.kill()
                raise AssertionError(f"bot ignored SIGTERM:\n{self.log()}")
            await asyncio.sleep(0.05)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, bot_username="adal_test_bot") as emu:
        yield emu


@pytest.fixture
async def bot_process(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(emulator, tmp_path)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder e2e (a `pytestmark` in a conftest marks nothing), so
    `-m "not e2e"` runs the fast part only."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
