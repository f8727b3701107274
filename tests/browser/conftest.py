"""Browser tests: the sandbox as a person uses it, in headless Chromium (Debian's packages).

Each test module starts one ``python -m bot sandbox`` process and one browser, so a module is
one person's (or a team's) session. ``scripts/test`` installs ``chromium`` and
``chromium-driver`` when they are missing; without them these tests are skipped here.

Screenshots of every step go to a folder printed at the end of the run. With
``ADAL_SCREENSHOTS_TO=docs`` the three README pictures are written there as well.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
START_TIMEOUT = 120.0  # a cold start on a busy 2-core machine: migrations, demo data, polling
STEP_TIMEOUT = 60.0  # one answer of the bot, seen in the page
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
GROUP_ID = -1_007_000_000_001
VOLUNTEERS_ID = -1_007_000_000_002
CHANNEL_ID = -1_007_000_000_003
AIGUL, OLGA, DANIYAR, SAULE = 7_000_000_001, 7_000_000_002, 7_000_000_003, 7_000_000_004
MARAT = 7_000_000_005  # the news editor
_SCREENSHOTS: list[Path] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    skip = pytest.mark.skip(reason="chromium/chromium-driver missing: scripts/test installs them")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SCREENSHOTS:
        terminalreporter.write_line(f"browser screenshots: {_SCREENSHOTS[0]}")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    _SCREENSHOTS.append(folder)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SandboxProcess:
    """``python -m bot sandbox`` in a folder of its own, as an operator would start it."""

    def __init__(self, workdir: Path, *args: str, port: int | None = None) -> None:
        self.workdir = workdir
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "sandbox.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BOT_", "SECRET_", "ADMIN_", "MODERATOR_", "DATABASE_"))
            and key != "TELEGRAM_API_BASE"
        }
        self.env.update(PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
        self.proc = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "bot", "sandbox", "--port", str(self.port), *self.args],
                cwd=self.workdir,  # no .env here: the operator's settings stay out of the test
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def restart(self) -> None:
        """Stop (SIGTERM) and start again in the same folder on the same port."""
        code = self.stop()
        assert code == 0, f"the sandbox did not stop cleanly ({code}):\n{self.log()}"
        self.proc = self._spawn()
        self.wait_until_polling()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def control(self, action: str) -> Any:
        with urllib.request.urlopen(f"{self.url}/_control/{action}", timeout=10) as answer:
            return json.loads(answer.read())["result"]

    def wait_until_polling(self) -> None:
        """Ready when the bot has asked the emulator for updates (start-up work is done)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"sandbox exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                if any(method == "getUpdates" for method, _ in self.control("calls")):
                    return
            time.sleep(0.2)
        raise AssertionError(f"sandbox did not start within {START_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode


@pytest.fixture(scope="module")
def sandbox_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., SandboxProcess]]:
    started: list[SandboxProcess] = []

    def start(*args: str) -> SandboxProcess:
        process = SandboxProcess(tmp_path_factory.mktemp("sandbox"), *args)
        started.append(process)
        process.wait_until_polling()
        return process

    yield start
    for process in started:
        code = process.stop()
        assert code == 0, f"the sandbox did not stop cleanly ({code}):\n{process.log()}"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="adal-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,860")
    options.add_argument("--lang=kk")
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.set_page_load_timeout(START_TIMEOUT)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)
