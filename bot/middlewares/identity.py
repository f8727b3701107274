"""Turns the Telegram user into a pseudonym and loads the stored row, once per update."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.services.moderation import ModerationService
from bot.services.users import UserService

log = logging.getLogger(__name__)


class UsernameIndex:
    """Lets superadmins add moderators by @username without storing usernames: only keyed
    digests are kept, written once per user per process rather than on every update."""

    def __init__(self, moderation: ModerationService) -> None:
        self._moderation = moderation
        self._seen: dict[str, str] = {}

    async def remember(self, pseudonym: str, username: str) -> None:
        if self._seen.get(pseudonym) == username:
            return
        await self._moderation.remember_username(pseudonym, username)
        if len(self._seen) > 100_000:
            self._seen.clear()
        self._seen[pseudonym] = username


class IdentityMiddleware(BaseMiddleware):
    """Puts `pseudonym` and `user_record` into handler data; reads, never writes."""

    def __init__(self, users: UserService, usernames: UsernameIndex | None = None) -> None:
        self._users = users
        self._usernames = usernames

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        if tg_user is None and _is_message(event):
            # A message with no sender (Telegram leaves `from` out in a few cases): there is
            # nobody to answer and no conversation state to use, so it is not handled at all.
            log.debug("update %s: a message without a sender, ignored", _update_id(event))
            return None
        if tg_user is None:
            data["pseudonym"] = None
            data["user_record"] = None
        else:
            data["pseudonym"] = self._users.pseudonym(tg_user.id)
            record = await self._users.get(data["pseudonym"])
            if record is not None and not record.is_active:
                # They wrote again, so they unblocked the bot.
                await self._users.set_active(record.pseudonym, active=True)
            data["user_record"] = record
            if self._usernames is not None and tg_user.username:
                await self._usernames.remember(data["pseudonym"], tg_user.username)
        return await handler(event, data)


def _is_message(event: TelegramObject) -> bool:
    return isinstance(event, Update) and (
        event.message is not None or event.edited_message is not None
    )


def _update_id(event: TelegramObject) -> int | None:
    return event.update_id if isinstance(event, Update) else None
