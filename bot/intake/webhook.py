"""Webhook mode: Telegram posts each update to the bot's own aiohttp server.

aiogram's SimpleRequestHandler feeds the dispatcher straight from the request, so a crash after
its 200 would lose the update. Here the handler checks the secret token, stores the update
through the same `DurableIntake.accept()` polling uses, and only then answers 200; the intake's
workers handle it from the inbox. Telegram re-sends anything not answered with 2xx, and a
repeated update_id is ignored, so a crash at any moment loses nothing and handles nothing twice.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.intake.durable import DurableIntake

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ROOM_WAIT = 10.0  # seconds a request may wait for room in a full queue before a 503
REFUSAL_LOG_EVERY = 60.0  # one log line a minute about refused requests, not one each

Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


class WebhookReceiver:
    """The POST handler: secret, parse, store, 200; 503 once the bot is stopping."""

    def __init__(self, *, intake: DurableIntake, bot: Bot, secret: str) -> None:
        self._intake = intake
        self._bot = bot
        self._secret = secret.encode()
        self.accepting = True
        self._refused = 0
        self._refusal_logged = float("-inf")

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            self._note_refusal()
            return web.Response(status=401)
        if not self.accepting:
            return web.Response(status=503, headers={"Retry-After": "5"})
        try:
            update = Update.model_validate(await request.json(), context={"bot": self._bot})
        except (ValueError, ValidationError):
            # Not an update Telegram would send: nothing to store, nothing to retry for.
            return web.Response(status=400)
        try:
            await asyncio.wait_for(self._intake.wait_for_room(), ROOM_WAIT)
        except TimeoutError:
            return web.Response(status=503, headers={"Retry-After": "5"})
        await self._intake.accept([update])
        return web.Response(status=200)

    def _note_refusal(self) -> None:
        self._refused += 1
        now = time.monotonic()
        if now - self._refusal_logged >= REFUSAL_LOG_EVERY:
            log.warning(
                "webhook: %d request(s) refused for a wrong or missing secret token",
                self._refused,
            )
            self._refused, self._refusal_logged = 0, now


class HttpServer:
    """A small aiohttp server for the webhook, /healthz and /metrics."""

    def __init__(self, host: str, port: int, routes: list[Route]) -> None:
        self._host, self._port = host, port
        app = web.Application()
        for method, path, handler in routes:
            app.router.add_route(method, path, handler)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)

    @property
    def port(self) -> int:
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            raise PortBusyError(self._host, self._port) from None

    async def close(self) -> None:
        await self._runner.cleanup()


class PortBusyError(Exception):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"{host}:{port}")
        self.host, self.port = host, port


class WebhookRefusedError(Exception):
    """Telegram said no to setWebhook (the message is Telegram's own)."""
