"""Moderators' volunteering commands from anyone else: a polite no and a line in the audit
log; and wizard buttons pressed after their conversation ended: "no longer valid".

Included after every volunteering router that serves moderators."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery

from bot.handlers.gates import ClaimedBy
from bot.handlers.moderation.access import FORGED, not_a_moderator, refuse_press
from bot.replies import acknowledge
from bot.services.moderation import ModerationService
from bot.views.callbacks import TaskModCallback, TrainingModCallback, VolModCallback
from bot.views.common import button_expired_text

MODERATOR_COMMANDS = ("volunteers", "task_new", "task", "training_new", "training")


def get_router() -> Router:
    router = Router(name="volunteers-refusals")
    router.message.register(not_a_moderator, Command(*MODERATOR_COMMANDS))
    for factory in (VolModCallback, TaskModCallback, TrainingModCallback):
        router.callback_query.register(expired, factory.filter())
        # Data that does not even parse was forged: refused and audited.
        router.callback_query.register(forged, ClaimedBy(factory))
    return router


async def forged(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse_press(query, moderation, pseudonym, FORGED)


async def expired(query: CallbackQuery) -> None:
    await acknowledge(query, button_expired_text(), alert=True)
