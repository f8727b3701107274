"""/trainings for volunteers: sessions ahead in their region; join, the waiting list, can't."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.trainings import Training
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.volunteers.access import VolunteerPress
from bot.handlers.volunteers.tasks import active_or_say
from bot.replies import acknowledge
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.trainings import TrainingService
from bot.views.callbacks import TrainingAction, TrainingCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.trainings import (
    already_text,
    cant_text,
    full_keyboard,
    full_text,
    joined_text,
    list_keyboard,
    list_text,
    training_keyboard,
    training_text,
    waiting_text,
)

T = TypeVar("T")


def get_router() -> Router:
    router = Router(name="volunteer-trainings")
    router.callback_query.middleware(VolunteerPress())
    on = TrainingCallback.filter
    router.message.register(show_trainings, Command("trainings"))
    router.callback_query.register(open_training, on(F.action == TrainingAction.OPEN))
    router.callback_query.register(join, on(F.action == TrainingAction.JOIN))
    router.callback_query.register(wait, on(F.action == TrainingAction.WAIT))
    router.callback_query.register(cant, on(F.action == TrainingAction.CANT))
    return router


async def show_trainings(
    message: Message,
    volunteers: VolunteerService,
    trainings: TrainingService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    if volunteer := await active_or_say(message, volunteers, pseudonym):
        sessions = await trainings.upcoming(volunteer)
        locale = i18n.current_locale
        await message.answer(
            list_text(sessions, locale), reply_markup=list_keyboard(sessions, locale)
        )


async def open_training(
    query: CallbackQuery,
    volunteer: Volunteer,
    training: Training,
    trainings: TrainingService,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    seat = dict((t.id, s) for t, s in await trainings.upcoming(volunteer)).get(training.id)
    await query.message.answer(
        training_text(training, seat, i18n.current_locale),
        reply_markup=training_keyboard(training, seat),
    )


async def _act(query: CallbackQuery, act: Awaitable[T]) -> tuple[bool, T | None]:
    """Run the act; a refusal is answered in an alert. (done, what the act returned)"""
    try:
        outcome = await act
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return False, None
    await acknowledge(query)
    return True, outcome


async def join(
    query: CallbackQuery, volunteer: Volunteer, training: Training, trainings: TrainingService
) -> None:
    done, outcome = await _act(query, trainings.join(volunteer, training))
    if done and outcome == "full":
        await query.message.answer(full_text(), reply_markup=full_keyboard(training.id))
    elif done:
        await query.message.answer(joined_text() if outcome == "joined" else already_text())


async def wait(
    query: CallbackQuery, volunteer: Volunteer, training: Training, trainings: TrainingService
) -> None:
    done, result = await _act(query, trainings.wait(volunteer, training))
    if not done or result is None:
        return
    outcome, place = result
    if outcome == "waiting":
        await query.message.edit_text(waiting_text(place))
    else:
        await query.message.edit_text(joined_text() if outcome == "joined" else already_text())


async def cant(
    query: CallbackQuery, volunteer: Volunteer, training: Training, trainings: TrainingService
) -> None:
    done, _nothing = await _act(query, trainings.cant(volunteer, training))
    if done:
        await query.message.answer(cant_text())
