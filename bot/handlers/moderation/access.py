"""Who may use moderation: resolved per update, re-checked by the service on every action."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.handlers.replies import acknowledge
from bot.services.moderation import ModerationService
from bot.views.moderation import refusal_text


class IsModerator(Filter):
    """Passes for active moderators and puts `moderator` into handler data."""

    async def __call__(
        self,
        event: TelegramObject,
        moderation: ModerationService,
        pseudonym: str | None,
        event_from_user: User | None = None,
    ) -> bool | dict[str, Any]:
        moderator = await moderation.moderator(pseudonym) if pseudonym else None
        return {"moderator": moderator} if moderator else False


class IsSuperadmin(Filter):
    async def __call__(
        self,
        event: TelegramObject,
        moderation: ModerationService,
        event_from_user: User | None = None,
    ) -> bool:
        return event_from_user is not None and moderation.is_superadmin(event_from_user.id)


async def refuse(
    event: Message | CallbackQuery,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
) -> None:
    """A polite no, and a line in the audit log."""
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    await moderation.refuse(moderator, pseudonym, action)
    await polite_no(event)


async def polite_no(event: Message | CallbackQuery) -> None:
    """The answer to a refused action (the service has audited it already)."""
    if isinstance(event, CallbackQuery):
        await acknowledge(event, refusal_text(), alert=True)
    else:
        await event.reply(refusal_text())
