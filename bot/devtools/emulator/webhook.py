"""Webhook delivery: with a webhook set, the emulator POSTs each update to the bot, in order,
as Telegram does: the secret token in `X-Telegram-Bot-Api-Secret-Token`, the next update only
after a 2xx answer, and a failed delivery retried after a pause (growing up to a few seconds
here; Telegram waits longer). getUpdates is refused while a webhook is set (409).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from ._errors import bad_request

if TYPE_CHECKING:
    from .updates import UpdateQueue

logger = logging.getLogger(__name__)
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
RETRY_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


def parse_webhook(
    url: str | None, secret_token: str | None, max_connections: int | None
) -> Webhook:
    if not url or not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if secret_token is not None and not SECRET_TOKEN.match(secret_token):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    connections = max_connections or 40
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    return Webhook(url, secret_token, connections)


class WebhookPusher:
    """Sends pending updates to the webhook until it is removed or the emulator stops."""

    def __init__(self, updates: UpdateQueue) -> None:
        self._updates = updates
        self.webhook: Webhook | None = None
        self.delivered: list[int] = []  # update ids answered with 2xx, in order
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def set(self, webhook: Webhook | None) -> None:
        self.webhook = webhook
        self._updates.signal.notify()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is None:
            return
        # A flag as well as cancel(): on Python 3.11 asyncio.wait_for can swallow a
        # cancellation that lands just as its wait ends, and the loop would go on.
        self._stopping = True
        self._task.cancel()
        self._updates.signal.notify()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        failures = 0
        async with aiohttp.ClientSession() as session:
            while not self._stopping:
                event = self._updates.signal.event
                hook = self.webhook
                batch = self._updates.peek(1) if hook is not None else []
                if hook is None or not batch:
                    await self._updates.signal.wait(event, 5.0)
                    continue
                update = batch[0]
                if await self._post(session, hook, update):
                    failures = 0
                    self.delivered.append(update["update_id"])
                    self._updates.confirm(update["update_id"] + 1)
                    continue
                pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES) - 1)]
                failures += 1
                await asyncio.sleep(pause)

    async def _post(self, session: aiohttp.ClientSession, hook: Webhook, update: Any) -> bool:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with session.post(
                hook.url,
                data=json.dumps(update, ensure_ascii=False),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=30),
            ) as response:
                if 200 <= response.status < 300:
                    return True
                message = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            message = f"Connection failed: {type(exc).__name__}"
        hook.last_error_date, hook.last_error_message = int(time.time()), message
        logger.info("webhook delivery of update %s failed: %s", update["update_id"], message)
        return False
