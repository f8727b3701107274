"""/training [n] for moderators: the latest sessions, one session; move it (everyone on it is
told, reminders move), cancel it, and after the start mark attendance with buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.trainings import Training
from bot.handlers.moderation.access import IsModerator
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import StaffPress, covered
from bot.handlers.volunteers.states import TrainingModInput
from bot.handlers.volunteers.wizard import act_on_typed, ask_about, still_allowed
from bot.replies import acknowledge
from bot.services.moderation import ModerationService
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import parse_moment, parse_ref
from bot.services.volunteers.trainings import TrainingService
from bot.views.callbacks import TrainingModAction, TrainingModCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.labels import moment_of
from bot.views.volunteers.training_admin import (
    admin_keyboard,
    admin_text,
    attendance_keyboard,
    attendance_text,
    cancel_confirm_keyboard,
    cancel_confirm_text,
    cancelled_reply,
    move_prompt,
    moved_reply,
    recent_keyboard,
    recent_text,
)


def get_router() -> Router:
    router = Router(name="volunteer-training-manage")
    router.callback_query.middleware(StaffPress())
    on = TrainingModCallback.filter
    card = on(F.id > 0)
    router.message.register(show_training, Command("training"), IsModerator())
    router.callback_query.register(open_training, card, on(F.action == TrainingModAction.OPEN))
    router.callback_query.register(ask_move, card, on(F.action == TrainingModAction.MOVE))
    router.callback_query.register(ask_cancel, card, on(F.action == TrainingModAction.CANCEL))
    router.callback_query.register(cancel, card, on(F.action == TrainingModAction.CANCEL_SURE))
    router.callback_query.register(attendance, card, on(F.action == TrainingModAction.ATTENDANCE))
    router.callback_query.register(mark, card, on(F.action == TrainingModAction.MARK))
    router.message.register(type_move, TrainingModInput.move_to, *TYPED)
    return router


async def show_training(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    trainings: TrainingService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    locale = i18n.current_locale
    number = parse_ref(command.args or "")
    if number is None:
        recent = await trainings.recent(moderator)
        await message.answer(recent_text(recent), reply_markup=recent_keyboard(recent, locale))
        return
    found = await covered(message, moderation, trainings, pseudonym, number, "training")
    if found is not None:
        training = found[1]
        await message.answer(
            admin_text(training, locale),
            reply_markup=admin_keyboard(training, trainings.started(training)),
        )


async def open_training(
    query: CallbackQuery, training: Training, trainings: TrainingService, i18n: I18n
) -> None:
    await acknowledge(query)
    await query.message.answer(
        admin_text(training, i18n.current_locale),
        reply_markup=admin_keyboard(training, trainings.started(training)),
    )


async def ask_move(query: CallbackQuery, state: FSMContext, training: Training) -> None:
    prompt = move_prompt(training.id)
    await ask_about(query, state, TrainingModInput.move_to, "sm_training", training.id, prompt)


async def type_move(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    trainings: TrainingService,
    pseudonym: str | None,
    settings: Settings,
    i18n: I18n,
) -> None:
    found = await still_allowed(
        state,
        "sm_training",
        lambda n: covered(message, moderation, trainings, pseudonym, n, "sm:move"),
    )
    if found is None:
        return
    moderator, training = found

    async def move() -> str:
        starts = parse_moment(
            message.text or "", trainings.now(), settings.timezone, date_only_hour=None
        )
        await trainings.move(moderator, training, starts)
        return moved_reply(training.id, moment_of(starts, i18n.current_locale))

    await act_on_typed(message, state, move)


async def ask_cancel(query: CallbackQuery, training: Training) -> None:
    await acknowledge(query)
    await query.message.answer(
        cancel_confirm_text(training.id), reply_markup=cancel_confirm_keyboard(training.id)
    )


async def cancel(
    query: CallbackQuery, moderator: Moderator, training: Training, trainings: TrainingService
) -> None:
    try:
        await trainings.cancel(moderator, training)
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await acknowledge(query)
    await query.message.edit_text(cancelled_reply(training.id))


async def _attendance_view(
    query: CallbackQuery, trainings: TrainingService, training: Training, page: int
) -> None:
    people = await trainings.participants(training)
    attended = sum(1 for p in people if p.seat.status == "attended")
    await query.message.edit_text(
        attendance_text(training, len(people), attended),
        reply_markup=attendance_keyboard(training, people, max(0, page)),
    )


async def attendance(
    query: CallbackQuery,
    callback_data: TrainingModCallback,
    training: Training,
    trainings: TrainingService,
) -> None:
    if not trainings.started(training):
        await acknowledge(query, action_error_text("not_started"), alert=True)
        return
    await acknowledge(query)
    page = int(callback_data.value) if callback_data.value.isdigit() else 0
    await _attendance_view(query, trainings, training, page)


async def mark(
    query: CallbackQuery,
    callback_data: TrainingModCallback,
    moderator: Moderator,
    training: Training,
    trainings: TrainingService,
) -> None:
    parts = callback_data.value.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        await acknowledge(query, action_error_text("state"), alert=True)
        return
    volunteer_id, attended, page = int(parts[0]), parts[1] == "1", int(parts[2])
    try:
        await trainings.mark(moderator, training, volunteer_id, attended)
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await acknowledge(query)
    await _attendance_view(query, trainings, training, page)
