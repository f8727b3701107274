"""Who may touch a volunteer, a task or a session: resolved on every press and every typed
answer, because a role or a region may have changed since the button was drawn. A refusal
is answered politely here and audited by the service."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.trainings import Training
from bot.db.repositories.volunteer_tasks import Task
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.moderation.access import polite_no
from bot.services.moderation import ModerationService, NotAllowedError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.tasks import TaskService
from bot.services.volunteers.trainings import TrainingService

Event = CallbackQuery | Message


async def _moderator(moderation: ModerationService, pseudonym: str | None) -> Moderator | None:
    return await moderation.moderator(pseudonym) if pseudonym else None


async def volunteer_for(
    event: Event,
    moderation: ModerationService,
    volunteers: VolunteerService,
    pseudonym: str | None,
    volunteer_id: int,
    action: str,
) -> tuple[Moderator, Volunteer] | None:
    moderator = await _moderator(moderation, pseudonym)
    try:
        volunteer = await volunteers.for_moderator(
            moderator, volunteer_id, action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(event)
        return None
    assert moderator is not None
    return moderator, volunteer


async def task_for(
    event: Event,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    task_id: int,
    action: str,
) -> tuple[Moderator, Task] | None:
    moderator = await _moderator(moderation, pseudonym)
    try:
        task = await vol_tasks.for_moderator(
            moderator, task_id, action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(event)
        return None
    assert moderator is not None
    return moderator, task


async def training_for(
    event: Event,
    moderation: ModerationService,
    trainings: TrainingService,
    pseudonym: str | None,
    training_id: int,
    action: str,
) -> tuple[Moderator, Training] | None:
    moderator = await _moderator(moderation, pseudonym)
    try:
        training = await trainings.for_moderator(
            moderator, training_id, action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(event)
        return None
    assert moderator is not None
    return moderator, training


async def moderator_or_refuse(
    event: Event, moderation: ModerationService, pseudonym: str | None, action: str
) -> Moderator | None:
    """For steps that act on no particular object yet (a wizard's buttons)."""
    moderator = await _moderator(moderation, pseudonym)
    if moderator is None:
        await moderation.refuse(None, pseudonym, action)
        await polite_no(event)
    return moderator
