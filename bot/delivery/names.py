"""Moderators' names are read from Telegram when shown, never stored."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.services.moderation import ModerationService


class ModeratorNames:
    """Cached per process: a renamed moderator shows the old name until a restart."""

    def __init__(self, moderation: ModerationService) -> None:
        self._moderation = moderation
        self._cache: dict[int, str] = {}

    async def name(self, bot: Bot, moderator_id: int | None) -> str | None:
        if moderator_id is None:
            return None
        if moderator_id not in self._cache:
            self._cache[moderator_id] = await self._lookup(bot, moderator_id)
        return self._cache[moderator_id]

    async def _lookup(self, bot: Bot, moderator_id: int) -> str:
        fallback = f"#{moderator_id}"
        chat_id = await self._moderation.moderator_chat(moderator_id)
        if chat_id is None:
            return fallback
        try:
            chat = await bot.get_chat(chat_id)
        except (TelegramBadRequest, TelegramForbiddenError):
            return fallback
        return f"{chat.full_name} ({fallback})"
