"""Brief retries for handlers' immediate replies: a short 429 or a passing 5xx is waited out.

Only the handlers' Bot has this middleware. The outbox sends through a Bot without it, so it
sees every 429 itself and reschedules the message instead of holding a handler's slot.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, Response, TelegramMethod

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    """Waits out a short `retry_after` and backs off on 5xx or network errors, twice at most.

    A person is waiting for this reply, so a long flood wait is not worth holding the update
    for: it raises, and the error handler answers calmly. A send that fails in transit may
    already have been delivered; a rare duplicate answer is the lesser evil next to a citizen
    never hearing back. getUpdates is left to the intake, which has its own loop.
    """

    def __init__(self, attempts: int = 3, max_retry_after: float = 5.0, backoff: float = 0.5):
        self._attempts = attempts
        self._max_retry_after = max_retry_after
        self._backoff = backoff

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        for attempt in range(1, self._attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self._attempts or exc.retry_after > self._max_retry_after:
                    raise
                log.warning(
                    "%s: flood control, waiting %ss", method.__api_method__, exc.retry_after
                )
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt == self._attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1)
                log.warning(
                    "%s: %s, retrying in %.1fs", method.__api_method__, type(exc).__name__, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
