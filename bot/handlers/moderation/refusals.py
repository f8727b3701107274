"""Moderators' commands and buttons from anyone else: an answer that says what they tried and
what they can do instead, and a line in the audit log.

Included after every router that serves moderators, so it only sees what they did not take."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.handlers.gates import ClaimedBy
from bot.handlers.moderation.access import not_a_moderator, refuse_command, refuse_press
from bot.services.moderation import ModerationService
from bot.views.callbacks import PageAction, PageCallback, QueueCallback

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
SUPERADMIN_COMMANDS = ("mod_add", "mod_remove", "mods", "ban_tag", "unban_tag")
_PAGE_ACTIONS = {PageAction.HISTORY: "history", PageAction.AUDIT: "audit"}


def get_router() -> Router:
    router = Router(name="moderation-refusals")
    router.message.register(not_a_moderator, Command(*MODERATOR_COMMANDS))
    router.message.register(not_a_superadmin, Command(*SUPERADMIN_COMMANDS))
    router.callback_query.register(queue_button, QueueCallback.filter())
    router.callback_query.register(page_button, PageCallback.filter())
    # Data that parses as nothing of ours but claims to be a page of ours was forged.
    router.callback_query.register(page_button, ClaimedBy(PageCallback))
    return router


async def not_a_superadmin(
    message: Message, moderation: ModerationService, pseudonym: str | None, command: CommandObject
) -> None:
    await refuse_command(message, moderation, pseudonym, command.command, superadmins_only=True)


async def queue_button(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse_press(query, moderation, pseudonym, "queue")


async def page_button(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    data = query.data or ""
    action = "refusals"
    for page_action, name in _PAGE_ACTIONS.items():
        if data.startswith(f"{PageCallback.__prefix__}:{page_action}:"):
            action = name
    await refuse_press(query, moderation, pseudonym, action)
