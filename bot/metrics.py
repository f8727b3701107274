"""Prometheus metrics, off unless METRICS_PORT is set.

Counters are bumped where things happen (the intake after each update, the outbox after each
sent message, a session middleware on every 429); gauges that live in the database (outbox
depth, reports by status) are read once per scrape, with two cheap indexed queries.
A registry of its own, not the process-wide default, so tests can build several.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.domain import STATUSES, Priority

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(
        self,
        *,
        outbox_depth: Callable[[], Awaitable[int]],
        reports_by_status: Callable[[], Awaitable[dict[str, int]]],
    ) -> None:
        self.registry = CollectorRegistry()
        self._outbox_depth = outbox_depth
        self._reports_by_status = reports_by_status
        self.updates = Counter(
            "adal_updates_handled",
            "Updates handled, by update type",
            ["type"],
            registry=self.registry,
        )
        self.failures = Counter(
            "adal_updates_failed",
            "Updates whose handler raised, by update type",
            ["type"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "adal_update_handling_seconds",
            "Time from taking an update off the inbox to its handler's end",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.sent = Counter(
            "adal_outbox_sent",
            "Messages the outbox sent, by priority",
            ["priority"],
            registry=self.registry,
        )
        self.flood_waits = Counter(
            "adal_telegram_flood_waits",
            "429 Too Many Requests answers from Telegram, any caller",
            registry=self.registry,
        )
        self.depth = Gauge(
            "adal_outbox_depth", "Messages waiting in the outbox", registry=self.registry
        )
        self.reports = Gauge(
            "adal_reports", "Reports by status", ["status"], registry=self.registry
        )
        for priority in Priority:
            self.sent.labels(priority.name.lower())  # present at 0 from the first scrape

    def handled(self, kind: str, seconds: float, failed: bool) -> None:
        self.updates.labels(kind).inc()
        self.latency.observe(seconds)
        if failed:
            self.failures.labels(kind).inc()

    def message_sent(self, priority: int) -> None:
        self.sent.labels(Priority(priority).name.lower()).inc()

    async def handle(self, _request: web.Request) -> web.Response:
        self.depth.set(await self._outbox_depth())
        counts = await self._reports_by_status()
        for status in dict.fromkeys([*STATUSES, *counts]):  # every status, 0 when none
            self.reports.labels(status).set(counts.get(status, 0))
        body = generate_latest(self.registry)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response


class CountFloodWaits(BaseRequestMiddleware):
    """Counts Telegram's 429s on a bot's session; changes nothing else."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            self._metrics.flood_waits.inc()
            raise
