"""Who may touch a volunteer, a task or a session: resolved on every press (two middlewares)
and every typed answer, because a role or a region may have changed since the button was
drawn. A refusal is answered politely here and audited by the service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.db.repositories.moderators import Moderator
from bot.replies import acknowledge
from bot.services.moderation import ModerationService, NotAllowedError
from bot.services.volunteers.errors import VolunteerActionError
from bot.views.callbacks import (
    TaskAction,
    TaskCallback,
    TaskModCallback,
    TrainingCallback,
    TrainingModCallback,
    VolModAction,
    VolModCallback,
)
from bot.views.common import button_expired_text
from bot.views.volunteers.errors import action_error_text, volunteer_action_refused_text
from bot.views.volunteers.profile import not_volunteer_text

Event = CallbackQuery | Message


async def _moderator(moderation: ModerationService, pseudonym: str | None) -> Moderator | None:
    return await moderation.moderator(pseudonym) if pseudonym else None


T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


async def polite_no(event: Event) -> None:
    """The answer to a refused action (the service has audited it already)."""
    if isinstance(event, CallbackQuery):
        await acknowledge(event, volunteer_action_refused_text(), alert=True)
    else:
        await event.reply(volunteer_action_refused_text())


class Guarded(Protocol[T_co]):
    """A service that hands a volunteer, a task or a session only to a moderator covering it
    (VolunteerService, TaskService, TrainingService)."""

    def for_moderator(
        self, moderator: Moderator | None, object_id: int, /, *, action: str, actor_key: str | None
    ) -> Awaitable[T_co]: ...


async def covered(
    event: Event,
    moderation: ModerationService,
    service: Guarded[T],
    pseudonym: str | None,
    object_id: int,
    action: str,
) -> tuple[Moderator, T] | None:
    """The moderator and the object, if the service lets this moderator at it."""
    moderator = await _moderator(moderation, pseudonym)
    try:
        found = await service.for_moderator(
            moderator, object_id, action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(event)
        return None
    assert moderator is not None
    return moderator, found


async def moderator_or_refuse(
    event: Event, moderation: ModerationService, pseudonym: str | None, action: str
) -> Moderator | None:
    """For steps that act on no particular object yet (a wizard's buttons)."""
    moderator = await _moderator(moderation, pseudonym)
    if moderator is None:
        await moderation.refuse(None, pseudonym, action)
        await polite_no(event)
    return moderator


# Button presses: authorised once, before the handler, which gets the objects in its data.

# Task buttons that name a task the volunteer must be able to see. «Take» is checked by the
# service itself, so that a press that lost the race hears it was taken, not "gone".
_TASK_NEEDED = frozenset(
    {
        TaskAction.OPEN,
        TaskAction.ACCEPT,
        TaskAction.DECLINE,
        TaskAction.PROGRESS,
        TaskAction.SUBMIT,
        TaskAction.SEND,
    }
)


class VolunteerPress(BaseMiddleware):
    """Volunteers' task and session buttons: `volunteer` (active or paused) and the `task` or
    `training` the button names go into the handler's data; anyone else is answered here."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        pressed = data.get("callback_data")
        if not isinstance(event, CallbackQuery) or not isinstance(
            pressed, TaskCallback | TrainingCallback
        ):
            return await handler(event, data)
        volunteer = await data["volunteers"].get(data.get("pseudonym"))
        if volunteer is None or volunteer.status not in ("active", "paused"):
            await acknowledge(event, not_volunteer_text(), alert=True)
            return None
        data["volunteer"] = volunteer
        try:
            if isinstance(pressed, TrainingCallback):
                data["training"] = await data["trainings"].for_volunteer(volunteer, pressed.id)
            elif pressed.action in _TASK_NEEDED:
                data["task"] = await data["vol_tasks"].for_volunteer(volunteer, pressed.id)
        except VolunteerActionError as exc:
            await acknowledge(event, action_error_text(exc.reason), alert=True)
            return None
        return await handler(event, data)


# Which object a card's button names, and which service in the handler data guards it.
_GUARDED: dict[type, tuple[str, str]] = {
    VolModCallback: ("volunteer", "volunteers"),
    TaskModCallback: ("task", "vol_tasks"),
    TrainingModCallback: ("training", "trainings"),
}


class StaffPress(BaseMiddleware):
    """Moderators' buttons on a volunteer's, a task's or a session's card: `moderator` and the
    `volunteer`, `task` or `training` go into the handler's data when the moderator covers
    its region; otherwise a polite no, audited by the service. Buttons of a conversation
    (id 0) and list pages pass through: their handlers check what they need."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        pressed = data.get("callback_data")
        known = isinstance(pressed, VolModCallback | TaskModCallback | TrainingModCallback)
        if (
            isinstance(event, CallbackQuery)
            and isinstance(pressed, VolModCallback)
            and pressed.id <= 0
            and pressed.action != VolModAction.PAGE
        ):
            # Only list pages come without a volunteer; anything else is forged or broken
            # (found by tests/unit/test_random_updates.py: the handler lacked `volunteer`).
            await acknowledge(event, button_expired_text(), alert=True)
            return None
        if not isinstance(event, CallbackQuery) or not known or pressed.id <= 0:
            return await handler(event, data)
        moderation, pseudonym = data["moderation"], data.get("pseudonym")
        action = f"{pressed.__prefix__}:{pressed.action}"
        key, service = _GUARDED[type(pressed)]
        found = await covered(event, moderation, data[service], pseudonym, pressed.id, action)
        if found is None:
            return None
        data["moderator"], data[key] = found
        return await handler(event, data)
