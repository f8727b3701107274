"""/me (profile, tasks, trainings, points; pause, resume, leave, delete) and /top."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.users import UserRecord
from bot.db.repositories.volunteers import Volunteer
from bot.replies import acknowledge
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.recognition import RecognitionService
from bot.services.volunteers.tasks import TaskService
from bot.services.volunteers.trainings import TrainingService
from bot.views.callbacks import VolAction, VolCallback
from bot.views.common import main_menu
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.profile import (
    Profile,
    delete_confirm_keyboard,
    delete_confirm_text,
    deleted_text,
    kept_text,
    leave_confirm_keyboard,
    leave_confirm_text,
    left_text,
    name_shown_text,
    not_volunteer_text,
    paused_text,
    profile_keyboard,
    profile_text,
    resumed_text,
    top_keyboard,
    top_text,
)


def get_router() -> Router:
    router = Router(name="volunteer-profile")
    on = VolCallback.filter
    router.message.register(show_me, Command("me"))
    router.message.register(show_top, Command("top"))
    router.callback_query.register(pause, on(F.action == VolAction.PAUSE))
    router.callback_query.register(resume, on(F.action == VolAction.RESUME))
    router.callback_query.register(show_name, on(F.action == VolAction.SHOW_NAME))
    router.callback_query.register(ask_leave, on(F.action == VolAction.LEAVE))
    router.callback_query.register(leave, on(F.action == VolAction.LEAVE_SURE))
    router.callback_query.register(ask_delete, on(F.action == VolAction.DELETE))
    router.callback_query.register(delete, on(F.action == VolAction.DELETE_SURE))
    router.callback_query.register(keep, on(F.action == VolAction.KEEP))
    router.callback_query.register(top_switch, on(F.action == VolAction.TOP))
    return router


async def _profile(
    volunteer: Volunteer,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    trainings: TrainingService,
    recognition: RecognitionService,
    locale: str,
) -> tuple[str, object]:
    standing, points = await recognition.standing(volunteer)
    profile = Profile(
        volunteer=volunteer,
        identity=volunteers.own_identity(volunteer),
        unlocked=await volunteers.unlocks(volunteer),
        tasks=await vol_tasks.counts(volunteer),
        trainings=await trainings.mine(volunteer),
        standing=standing,
        points=points,
    )
    return profile_text(profile, locale), profile_keyboard(volunteer)


async def show_me(
    message: Message,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    trainings: TrainingService,
    recognition: RecognitionService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    volunteer = await volunteers.get(pseudonym)
    if volunteer is None or volunteer.status in ("rejected", "left"):
        await message.answer(not_volunteer_text(), reply_markup=main_menu())
        return
    text, markup = await _profile(
        volunteer, volunteers, vol_tasks, trainings, recognition, i18n.current_locale
    )
    await message.answer(text, reply_markup=markup)


async def _mine(query: CallbackQuery, volunteers: VolunteerService, pseudonym: str | None):
    volunteer = await volunteers.get(pseudonym)
    if volunteer is None:
        await acknowledge(query, not_volunteer_text(), alert=True)
    return volunteer


async def _act(query: CallbackQuery, act, reply: str) -> bool:
    try:
        await act()
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return False
    await acknowledge(query)
    await query.message.edit_text(reply)
    return True


async def pause(query: CallbackQuery, volunteers: VolunteerService, pseudonym: str | None) -> None:
    if volunteer := await _mine(query, volunteers, pseudonym):
        await _act(query, lambda: volunteers.pause(volunteer), paused_text())


async def resume(
    query: CallbackQuery, volunteers: VolunteerService, pseudonym: str | None
) -> None:
    if volunteer := await _mine(query, volunteers, pseudonym):
        await _act(query, lambda: volunteers.resume(volunteer), resumed_text())


async def show_name(
    query: CallbackQuery,
    callback_data: VolCallback,
    volunteers: VolunteerService,
    pseudonym: str | None,
) -> None:
    show = callback_data.value == "1"
    if volunteer := await _mine(query, volunteers, pseudonym):
        await _act(query, lambda: volunteers.set_show_name(volunteer, show), name_shown_text(show))


async def ask_leave(query: CallbackQuery) -> None:
    await acknowledge(query)
    await query.message.answer(leave_confirm_text(), reply_markup=leave_confirm_keyboard())


async def leave(query: CallbackQuery, volunteers: VolunteerService, pseudonym: str | None) -> None:
    if volunteer := await _mine(query, volunteers, pseudonym):
        await _act(query, lambda: volunteers.leave(volunteer), left_text())


async def ask_delete(query: CallbackQuery) -> None:
    await acknowledge(query)
    await query.message.answer(delete_confirm_text(), reply_markup=delete_confirm_keyboard())


async def delete(
    query: CallbackQuery, volunteers: VolunteerService, pseudonym: str | None
) -> None:
    if volunteer := await _mine(query, volunteers, pseudonym):
        await _act(query, lambda: volunteers.delete(volunteer), deleted_text())


async def keep(query: CallbackQuery) -> None:
    await acknowledge(query)
    await query.message.edit_text(kept_text())


async def _top_region(
    volunteers: VolunteerService, pseudonym: str | None, user_record: UserRecord | None
) -> str | None:
    volunteer = await volunteers.get(pseudonym)
    if volunteer is not None:
        return volunteer.region
    return user_record.region if user_record else None


async def show_top(
    message: Message,
    volunteers: VolunteerService,
    recognition: RecognitionService,
    pseudonym: str | None,
    user_record: UserRecord | None,
    i18n: I18n,
) -> None:
    region = await _top_region(volunteers, pseudonym, user_record)
    me = await volunteers.get(pseudonym)
    entries = await recognition.top(region, me)
    await message.answer(
        top_text(entries, region, i18n.current_locale), reply_markup=top_keyboard(region)
    )


async def top_switch(
    query: CallbackQuery,
    callback_data: VolCallback,
    volunteers: VolunteerService,
    recognition: RecognitionService,
    pseudonym: str | None,
    user_record: UserRecord | None,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    region = (
        await _top_region(volunteers, pseudonym, user_record)
        if callback_data.value == "region"
        else None
    )
    entries = await recognition.top(region, await volunteers.get(pseudonym))
    await query.message.edit_text(
        top_text(entries, region, i18n.current_locale), reply_markup=top_keyboard(region)
    )
