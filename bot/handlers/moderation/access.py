"""Who may use moderation: resolved per update, re-checked by the service on every action.

A refusal is audited (by the service) and answered with what the person tried and, to a
citizen, what they can do instead."""

from __future__ import annotations

from typing import Any

from aiogram.filters import CommandObject, Filter
from aiogram.types import CallbackQuery, Message, TelegramObject, User

from bot.replies import acknowledge
from bot.services.moderation import ModerationService, NotAllowedError
from bot.views.cards import button_label
from bot.views.common import button_expired_text
from bot.views.moderation import (
    moderators_button_refused,
    moderators_command_refused,
    out_of_scope_text,
    superadmins_command_refused,
)

FORGED = "forged"  # the action audited for button data nothing of ours could have drawn


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


async def who_is(moderation: ModerationService, pseudonym: str | None, user: User | None) -> str:
    """ "moderator", "superadmin" (and not a moderator) or "citizen" (anybody else)."""
    if pseudonym and await moderation.moderator(pseudonym):
        return "moderator"
    if user is not None and moderation.is_superadmin(user.id):
        return "superadmin"
    return "citizen"


async def refuse_command(
    message: Message,
    moderation: ModerationService,
    pseudonym: str | None,
    command: str,
    *,
    superadmins_only: bool,
) -> None:
    """A command of moderators or superadmins from someone else: audited, then answered."""
    who = await who_is(moderation, pseudonym, message.from_user)
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    await moderation.refuse(moderator, pseudonym, command)
    if superadmins_only:
        await message.reply(superadmins_command_refused(command, who))
    else:
        await message.reply(moderators_command_refused(command, who))


async def not_a_moderator(
    message: Message, moderation: ModerationService, pseudonym: str | None, command: CommandObject
) -> None:
    """The handler for moderators' commands from anyone else (the refusal routers')."""
    await refuse_command(message, moderation, pseudonym, command.command, superadmins_only=False)


async def refuse_press(
    query: CallbackQuery,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
) -> None:
    """A forged button, or a moderators' button pressed by someone else: audited, answered."""
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    await moderation.refuse(moderator, pseudonym, action)
    # Data nothing of ours could have drawn is "no longer valid" to anyone.
    why = "moderator" if moderator is None and action != FORGED else "case"
    await refused_press(query, NotAllowedError(action, why))


async def refused_press(query: CallbackQuery, refusal: NotAllowedError) -> None:
    """The answer to a press the service refused (and audited) already."""
    label = button_label(refusal.action)
    if refusal.why == "moderator":
        text = moderators_button_refused(label)
    elif refusal.why == "scope" and refusal.case:
        text = out_of_scope_text(label, refusal.case)
    else:
        text = button_expired_text()
    await acknowledge(query, text, alert=True)
