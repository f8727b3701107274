"""A sandbox without the bot: the emulator, the people and the page's HTTP side, in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.devtools.sandbox.server import Options, Sandbox
from bot.devtools.sandbox.web import SandboxWeb
from tests.emulator.conftest import make_bot


class Client:
    """The page's side of the conversation: JSON in, JSON out, with the sandbox header."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base

    async def get(self, path: str, **query: object) -> tuple[int, object]:
        params = {key: str(value) for key, value in query.items()}
        async with self.http.get(self.base + path, params=params) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body

    async def post(self, name: str, body: object) -> tuple[int, dict]:
        async with self.http.post(
            f"{self.base}/sandbox/api/{name}", json=body, headers={"X-Sandbox": "1"}
        ) as response:
            return response.status, await response.json()


@pytest.fixture
async def sandbox(tmp_path: Path, i18n: I18n) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(Options(port=0, data_dir=tmp_path / "sandbox"), i18n)
    sandbox.populate("kk")
    await sandbox.emulator.start(port=0, extend=SandboxWeb(sandbox).install)
    port = sandbox.emulator.base_url.rsplit(":", 1)[1]
    sandbox.allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    yield sandbox
    await sandbox.emulator.stop()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as http:
        yield Client(http, sandbox.emulator.base_url)


@pytest.fixture
async def the_bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """A bare aiogram Bot on the sandbox's emulator, to play the bot's side by hand."""
    bot = make_bot(sandbox.emulator.base_url, token=sandbox.emulator.token)
    yield bot
    await bot.session.close()
