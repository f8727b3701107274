"""Moderators' commands and buttons from anyone else: a polite no, and a line in the audit log.

Included after every router that serves moderators, so it only sees what they did not take."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.handlers.moderation.access import refuse
from bot.services.moderation import ModerationService
from bot.views.callbacks import QueueCallback

MODERATOR_COMMANDS = (
    "queue",
    "case",
    "status",
    "ask",
    "note",
    "assign",
    "audit",
    "ban",
    "unban",
    "stats",
    "export",
)
SUPERADMIN_COMMANDS = ("mod_add", "mod_remove", "mods")


def get_router() -> Router:
    router = Router(name="moderation-refusals")
    router.message.register(not_allowed, Command(*MODERATOR_COMMANDS, *SUPERADMIN_COMMANDS))
    router.callback_query.register(not_allowed_button, QueueCallback.filter())
    return router


async def not_allowed(
    message: Message, moderation: ModerationService, pseudonym: str | None, command: CommandObject
) -> None:
    await refuse(message, moderation, pseudonym, command.command)


async def not_allowed_button(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse(query, moderation, pseudonym, "queue")
