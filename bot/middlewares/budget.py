"""Counts the handlers' messages against the outbox's per-second budget (SendBudget), so a
broadcast leaves room for replies to people instead of earning them a 429."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    CopyMessage,
    EditMessageCaption,
    EditMessageText,
    ForwardMessage,
    Response,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendVideo,
    TelegramMethod,
)

from bot.services.outbox import SendBudget

MESSAGES = (
    SendMessage,
    SendPhoto,
    SendDocument,
    SendVideo,
    SendMediaGroup,
    CopyMessage,
    ForwardMessage,
    EditMessageText,
    EditMessageCaption,
)


class CountSends(BaseRequestMiddleware):
    def __init__(self, budget: SendBudget) -> None:
        self._budget = budget

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, MESSAGES):
            self._budget.note()
        return await make_request(bot, method)
