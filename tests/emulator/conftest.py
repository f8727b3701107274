"""Fixtures for the emulator's own tests: a running emulator and a real aiogram Bot on it."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any
from unittest.mock import patch

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.devtools.emulator import BotApiEmulator

TOKEN = "123456:TEST-TOKEN"
USER_ID = 1001
GROUP_ID = -100500


# The emulator speaks plain HTTP, so the TLS context is never used; loading the CA bundle for
# each test's Bot cost 20-odd ms of CPU, seconds over the emulator's tests.
_UNUSED_TLS = ssl.create_default_context()


class FastSession(AiohttpSession):
    """AiohttpSession without the 250 ms graceful-close sleep, which would dominate runtime,
    and with one TLS context for all tests."""

    def __init__(self, **kwargs: Any) -> None:
        with patch.object(ssl, "create_default_context", lambda **_: _UNUSED_TLS):
            super().__init__(**kwargs)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class FakeClock:
    """A manually advanced monotonic clock for flood-control tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def emu(clock: FakeClock) -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN, clock=clock) as emulator:
        emulator.add_user(USER_ID, first_name="Aigerim", username="aigerim")
        yield emulator


def make_bot(base_url: str, token: str = TOKEN) -> Bot:
    session = FastSession(api=TelegramAPIServer.from_base(base_url))
    return Bot(token=token, session=session)


@pytest.fixture
async def tg(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A real aiogram Bot whose requests go to the emulator."""
    bot = make_bot(emu.base_url)
    yield bot
    await bot.session.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
