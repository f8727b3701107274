"""Where each feature may answer: citizens' features in private chats only; moderation and
the common commands in private chats and in the moderators' group, never in another group."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject

from bot.config import Settings


def _chat(event: TelegramObject) -> Chat | None:
    if isinstance(event, Message):
        return event.chat
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat
    return None


class PrivateChat(Filter):
    async def __call__(self, event: TelegramObject) -> bool:
        chat = _chat(event)
        if chat is None:  # a button under an inline message: there is no chat to judge
            return isinstance(event, CallbackQuery)
        return chat.type == "private"


class PrivateOrModeratorsChat(Filter):
    async def __call__(self, event: TelegramObject, settings: Settings) -> bool:
        chat = _chat(event)
        if chat is None:
            return isinstance(event, CallbackQuery)
        return chat.type == "private" or chat.id == settings.moderator_chat_id
