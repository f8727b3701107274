"""A Bot session that answers like Telegram without any network, in the spirit of aiogram's
tests/mocked_bot.py, but building plausible results itself so flows need no queued answers."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetChat,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    AcceptedGiftTypes,
    Chat,
    ChatFullInfo,
    InlineKeyboardMarkup,
    Message,
    User,
)

BOT_USER = User(id=42, is_bot=True, first_name="Adal", username="adal_test_bot")


class FakeSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []  # what each request returned (None: it raised)
        self.errors: list[Exception] = []
        self._ids = itertools.count(1000)

    async def close(self) -> None:
        pass

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        if self.errors:
            self.results.append(None)
            raise self.errors.pop(0)
        result = self._result(method)
        self.results.append(result)
        return result  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, GetChat):
            return ChatFullInfo(
                id=int(method.chat_id),
                type="private",
                first_name=f"User{method.chat_id}",
                accent_color_id=0,
                max_reaction_count=0,
                accepted_gift_types=AcceptedGiftTypes(
                    unlimited_gifts=False,
                    limited_gifts=False,
                    unique_gifts=False,
                    premium_subscription=False,
                    gifts_from_channels=False,
                ),
            )
        if isinstance(method, SendMessage):
            return self._message(int(method.chat_id), method.text, method.reply_markup)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            text = getattr(method, "text", None) or ""
            return self._message(int(method.chat_id or 0), text, method.reply_markup)
        return True

    def _message(self, chat_id: int, text: str, markup: Any) -> Message:
        return Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private"),
            from_user=BOT_USER,
            text=text,
            # Telegram echoes only inline keyboards back in the Message.
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    # helpers for assertions
    def sent(self) -> list[SendMessage]:
        return [r for r in self.requests if isinstance(r, SendMessage)]

    def of_type(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, kind)]

    def clear(self) -> None:
        self.requests.clear()
        self.results.clear()


class FakeBot(Bot):
    def __init__(self) -> None:
        super().__init__(
            "42:TEST-TOKEN",
            session=FakeSession(),
            default=DefaultBotProperties(parse_mode=ParseMode.HTML),
        )
        self._me = BOT_USER

    @property
    def session_(self) -> FakeSession:
        assert isinstance(self.session, FakeSession)
        return self.session
