"""Webhook mode's HTTP side (bot/intake/webhook.py), /healthz (bot/ops/health.py) and the
metrics (bot/metrics.py), through a real aiohttp server on a free port."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage
from aiogram.types import Message

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxRepository
from bot.domain import Priority
from bot.intake.durable import DurableIntake
from bot.intake.webhook import SECRET_HEADER, HttpServer, PortBusyError, WebhookReceiver
from bot.metrics import CountFloodWaits, Metrics
from bot.ops.health import Health
from tests import updates as u
from tests.fake_session import FakeBot

SECRET = "right_Secret-1"


class Gate:
    """A dispatcher whose message handler waits until released: the update is in flight."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.handled: list[str] = []
        self.dp = Dispatcher()
        self.dp.message.register(self._record)

    async def _record(self, message: Message) -> None:
        await self.release.wait()
        self.handled.append(message.text or "")


@pytest.fixture
async def served(
    db: Database, keyring: Keyring
) -> AsyncIterator[tuple[str, DurableIntake, WebhookReceiver, Gate]]:
    gate = Gate()
    bot = FakeBot()
    intake = DurableIntake(bot=bot, dispatcher=gate.dp, inbox=InboxRepository(db), keyring=keyring)
    receiver = WebhookReceiver(intake=intake, bot=bot, secret=SECRET)
    health = Health(db, mode="webhook", outbox_depth=lambda: _zero(), last_update_age=lambda: None)
    server = HttpServer(
        "127.0.0.1", 0, [("POST", "/hook", receiver.handle), ("GET", "/healthz", health.handle)]
    )
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}", intake, receiver, gate
    finally:
        gate.release.set()
        await intake.drain()
        await server.close()


async def _zero() -> int:
    return 0


async def post(base: str, body: Any, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/hook", data=data, headers=headers) as response,
    ):
        return response.status


async def inbox(db: Database) -> dict[int, bool]:
    rows = await db.fetchall("SELECT update_id, payload IS NOT NULL AS pending FROM inbox")
    return {row["update_id"]: bool(row["pending"]) for row in rows}


async def test_an_update_is_stored_before_the_200_and_handled_after(
    served: tuple[str, DurableIntake, WebhookReceiver, Gate], db: Database
) -> None:
    base, intake, _, gate = served
    update = u.text(u.user(11), "hello")
    assert await post(base, update, SECRET) == 200
    # Answered while the handler still waits: the update is already stored, still pending.
    assert await inbox(db) == {update["update_id"]: True}
    assert gate.handled == []
    gate.release.set()
    async with asyncio.timeout(5):
        while (await inbox(db))[update["update_id"]]:
            await asyncio.sleep(0.01)
    assert gate.handled == ["hello"]
    # Telegram sends it again (our 200 got lost): answered, not handled twice.
    assert await post(base, update, SECRET) == 200
    await asyncio.sleep(0.05)
    assert gate.handled == ["hello"]
    assert intake.last_handled_age is not None


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_refused_and_never_stored(
    served: tuple[str, DurableIntake, WebhookReceiver, Gate], db: Database, secret: str | None
) -> None:
    base, _, _, gate = served
    assert await post(base, u.text(u.user(12), "forged"), secret) == 401
    gate.release.set()
    await asyncio.sleep(0.05)
    assert await inbox(db) == {}
    assert gate.handled == []


async def test_garbage_is_refused_and_stopping_answers_503(
    served: tuple[str, DurableIntake, WebhookReceiver, Gate], db: Database
) -> None:
    base, _, receiver, _ = served
    assert await post(base, b"not json", SECRET) == 400
    assert await post(base, {"update_id": "x"}, SECRET) == 400
    receiver.accepting = False  # what SIGTERM does first: Telegram keeps it and retries
    assert await post(base, u.text(u.user(13), "late"), SECRET) == 503
    assert await inbox(db) == {}


async def test_healthz_says_whether_the_database_answers(
    served: tuple[str, DurableIntake, WebhookReceiver, Gate], db: Database
) -> None:
    base = served[0]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/healthz") as response:
            assert response.status == 200
            body = await response.json()
        assert body == {
            "status": "ok",
            "mode": "webhook",
            "database": "reachable",
            "outbox_depth": 0,
            "last_update_age_seconds": None,
            "another_copy_polling": False,
        }
        await db.close()
        async with session.get(f"{base}/healthz") as response:
            assert response.status == 503
            body = await response.json()
        assert (body["status"], body["database"], body["outbox_depth"]) == (
            "unhealthy",
            "unreachable",
            None,
        )


async def test_a_busy_port_is_reported_not_raised_raw() -> None:
    first = HttpServer("127.0.0.1", 0, [])
    await first.start()
    try:
        second = HttpServer("127.0.0.1", first.port, [])
        with pytest.raises(PortBusyError) as info:
            await second.start()
        assert info.value.port == first.port
    finally:
        await first.close()


async def test_metrics_count_updates_sends_and_flood_waits() -> None:
    async def by_status() -> dict[str, int]:
        return {"received": 3, "resolved": 2}

    metrics = Metrics(outbox_depth=lambda: _seven(), reports_by_status=by_status)
    metrics.handled("message", 0.02, False)
    metrics.handled("message", 0.3, True)
    metrics.handled("callback_query", 0.01, False)
    metrics.message_sent(Priority.URGENT)
    metrics.message_sent(Priority.BULK)
    metrics.message_sent(Priority.BULK)

    async def flood(_bot: Any, _method: Any) -> Any:
        raise TelegramRetryAfter(
            method=SendMessage(chat_id=1, text="x"), message="", retry_after=3
        )

    with pytest.raises(TelegramRetryAfter):  # counted, then passed on unchanged
        await CountFloodWaits(metrics)(flood, FakeBot(), SendMessage(chat_id=1, text="x"))

    server = HttpServer("127.0.0.1", 0, [("GET", "/metrics", metrics.handle)])
    await server.start()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{server.port}/metrics") as response,
        ):
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
    finally:
        await server.close()
    lines = set(text.splitlines())
    for line in [
        'adal_updates_handled_total{type="message"} 2.0',
        'adal_updates_handled_total{type="callback_query"} 1.0',
        'adal_updates_failed_total{type="message"} 1.0',
        "adal_update_handling_seconds_count 3.0",
        'adal_update_handling_seconds_bucket{le="0.025"} 2.0',
        'adal_outbox_sent_total{priority="urgent"} 1.0',
        'adal_outbox_sent_total{priority="normal"} 0.0',
        'adal_outbox_sent_total{priority="bulk"} 2.0',
        "adal_telegram_flood_waits_total 1.0",
        "adal_outbox_depth 7.0",
        'adal_reports{status="received"} 3.0',
        'adal_reports{status="resolved"} 2.0',
        'adal_reports{status="review"} 0.0',
    ]:
        assert line in lines, line


async def _seven() -> int:
    return 7
