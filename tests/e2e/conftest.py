"""End-to-end: the real `python -m bot` process talking HTTP to our Bot API emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.emulator import BotApiEmulator
from tests.conftest import TEST_SECRET
from tests.e2e.waits import START_TIMEOUT, WAIT

TOKEN = "123456:E2E-TEST-TOKEN"
REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "e2e_webhook-SECRET_42"


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; the bot binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """Starts, kills and restarts the bot exactly as an operator would run it.

    mode="webhook" runs it with MODE=webhook on a free port: the emulator posts updates to it,
    and the bot is ready once it has called setWebhook (it listens before that call).
    """

    def __init__(
        self, emulator: BotApiEmulator, workdir: Path, mode: str = "polling", **env: str
    ) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.db_path = workdir / "data" / "adal.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"BOT_TOKEN", "SECRET_KEY", "DATABASE_PATH", "TELEGRAM_API_BASE"}
            and not key.startswith(("MODE", "WEBHOOK_", "METRICS_"))
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
        self.port: int | None = None
        self.use_mode(mode)
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def use_mode(self, mode: str) -> None:
        """For the next start: polling, or webhook on a free port (kept across restarts)."""
        self.mode = mode
        self.ready_method = "setWebhook" if mode == "webhook" else "getUpdates"
        self.env["MODE"] = mode
        if mode == "webhook":
            self.port = self.port or free_port()
            self.env.update(
                WEBHOOK_URL=f"http://127.0.0.1:{self.port}",
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                WEBHOOK_PORT=str(self.port),
            )

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start and wait until it polls for updates, or sets its webhook (start-up work is
        done by then).

        The bot's own first getUpdates is the signal, not the clock: a cold start on a busy
        machine can take many times longer than on an idle one. The deadline only bounds a
        bot that hangs; a bot that exits fails at once.
        """
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
        started = loop.time()
        while self._polls() <= polls_before:
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            if loop.time() - started > timeout:
                raise AssertionError(
                    f"bot did not call {self.ready_method} within {timeout:.0f}s "
                    f"(ADAL_E2E_START_TIMEOUT):\n{self.log()}"
                )
            await asyncio.sleep(0.05)

    def _polls(self) -> int:
        return sum(1 for method, _ in self.emulator.calls if method == self.ready_method)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    async def terminate(self, timeout: float = WAIT) -> int:
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


class E2EEmulator(BotApiEmulator):
    """The emulator, with waits sized for a busy machine by default (tests/e2e/waits.py)."""

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        after: int = 0,
        timeout: float = WAIT,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        return await super().wait_for_bot_message(
            chat_id, after=after, timeout=timeout, predicate=predicate
        )

    async def wait_for_edit(
        self, chat_id: int, message_id: int, *, timeout: float = WAIT, since: int | None = None
    ) -> dict[str, Any]:
        return await super().wait_for_edit(chat_id, message_id, timeout=timeout, since=since)


@pytest.fixture(scope="session", autouse=True)
def warm_first_start() -> None:
    """Import what the bot imports once, before the first e2e test starts the bot.

    In a fresh clone on a loaded machine the first `python -m bot` paid for reading (and
    without setup's compileall, compiling) aiogram and the bot from a cold disk cache; doing it
    here keeps that cost out of every test's start-up wait.
    """
    subprocess.run(
        [sys.executable, "-c", "import bot.__main__, bot.app, aiogram.types"],
        cwd=REPO,
        check=True,
        timeout=START_TIMEOUT,
    )


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with E2EEmulator(token=TOKEN, bot_username="adal_test_bot") as emu:
        yield emu


@pytest.fixture
async def bot_process(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(emulator, tmp_path)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()
