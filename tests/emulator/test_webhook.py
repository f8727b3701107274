"""The emulator delivers updates to a webhook as Telegram does: in order, with the secret
token, again after a failed answer; getUpdates is refused while the webhook is set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from bot.devtools.emulator import BotApiEmulator
from tests.emulator.conftest import USER_ID


class Receiver:
    """A bot's webhook endpoint that records what arrives and can refuse on demand."""

    def __init__(self) -> None:
        self.received: list[tuple[int, str | None]] = []
        self.refuse = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if self.refuse:
            self.refuse -= 1
            return web.Response(status=500)
        self.received.append((update["update_id"], secret))
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    await hook.start()
    yield hook
    await hook.stop()


async def arrived(receiver: Receiver, count: int, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(receiver.received) < count:
        assert loop.time() < deadline, receiver.received
        await asyncio.sleep(0.02)


async def test_updates_arrive_in_order_with_the_secret(
    emu: BotApiEmulator, tg: Bot, receiver: Receiver
) -> None:
    assert await tg.set_webhook(receiver.url, secret_token="s3cret_-OK")
    sent = [emu.send_text(USER_ID, str(n))["update_id"] for n in range(5)]
    await arrived(receiver, 5)
    assert receiver.received == [(update_id, "s3cret_-OK") for update_id in sent]
    info = await tg.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)


async def test_a_failed_answer_is_delivered_again(
    emu: BotApiEmulator, tg: Bot, receiver: Receiver
) -> None:
    receiver.refuse = 2
    await tg.set_webhook(receiver.url)
    first = emu.send_text(USER_ID, "one")["update_id"]
    second = emu.send_text(USER_ID, "two")["update_id"]
    await arrived(receiver, 2)
    assert [update_id for update_id, _ in receiver.received] == [first, second]
    assert (await tg.get_webhook_info()).last_error_message is not None


async def test_get_updates_is_refused_while_a_webhook_is_set(
    emu: BotApiEmulator, tg: Bot, receiver: Receiver
) -> None:
    await tg.set_webhook(receiver.url)
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await tg.get_updates(timeout=0)
    await tg.delete_webhook()
    update = emu.send_text(USER_ID, "polled")
    polled = await tg.get_updates(timeout=0)
    assert [u.update_id for u in polled] == [update["update_id"]]
    assert receiver.received == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"url": "ftp://x"}, "HTTPS URL"),
        ({"url": "https://x", "secret_token": "has space"}, "unallowed characters"),
    ],
)
async def test_a_bad_webhook_is_refused(tg: Bot, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(TelegramBadRequest, match=error):
        await tg.set_webhook(**kwargs)
