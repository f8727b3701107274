"""GET /healthz: is the database reachable, how deep is the outbox, when was an update last
handled, is another copy of the bot taking the updates. 200 when the database answers, 503 when
it does not (a load balancer or systemd watchdog script can act on the code alone)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.db.connection import Database

log = logging.getLogger(__name__)
DB_TIMEOUT = 5.0


class Health:
    def __init__(
        self,
        db: Database,
        *,
        mode: str,
        outbox_depth: Callable[[], Awaitable[int]],
        last_update_age: Callable[[], float | None],
        another_copy: Callable[[], bool] = lambda: False,
    ) -> None:
        self._db = db
        self._mode = mode
        self._outbox_depth = outbox_depth
        self._last_update_age = last_update_age
        self._another_copy = another_copy

    async def snapshot(self) -> tuple[bool, dict[str, Any]]:
        reachable, depth = True, None
        try:
            await asyncio.wait_for(self._db.ping(), DB_TIMEOUT)
            depth = await asyncio.wait_for(self._outbox_depth(), DB_TIMEOUT)
        except Exception as exc:  # closed, locked for too long, a disk error: all "unreachable"
            log.warning("healthz: database unreachable (%s)", type(exc).__name__)
            reachable = False
        age = self._last_update_age()
        return reachable, {
            "status": "ok" if reachable else "unhealthy",
            "mode": self._mode,
            "database": "reachable" if reachable else "unreachable",
            "outbox_depth": depth,
            "last_update_age_seconds": None if age is None else round(age, 1),
            "another_copy_polling": self._another_copy(),
        }

    async def handle(self, _request: web.Request) -> web.Response:
        healthy, body = await self.snapshot()
        return web.Response(
            status=200 if healthy else 503,
            text=json.dumps(body),
            content_type="application/json",
        )
