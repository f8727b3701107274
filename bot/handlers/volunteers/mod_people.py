"""Moderators and volunteers: /volunteers, application cards (approve, reject with a reason),
a volunteer's card, their name and phone (an alert, audited), thank-you letters.

Every press is re-authorised: the moderator must cover the volunteer's region; a refusal is
answered politely and audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.moderation.access import IsModerator
from bot.handlers.replies import acknowledge
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import StaffPress, moderator_or_refuse, volunteer_for
from bot.handlers.volunteers.states import ModVolunteerInput
from bot.services.moderation import ModerationService
from bot.services.regions import region_from_text
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import InputError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.recognition import RecognitionService
from bot.services.volunteers.rules import SKILLS
from bot.views.callbacks import VolModAction, VolModCallback
from bot.views.volunteers.errors import action_error_text, input_error_text
from bot.views.volunteers.moderation import (
    STATUS_FILTERS,
    approved_reply,
    identity_alert,
    letter_prompt,
    letter_reply,
    list_keyboard,
    list_text,
    reject_prompt,
    rejected_reply,
    volunteer_card,
    volunteer_keyboard,
)


def get_router() -> Router:
    router = Router(name="volunteers-moderation")
    router.callback_query.middleware(StaffPress())
    on = VolModCallback.filter
    router.message.register(list_volunteers, Command("volunteers"), IsModerator())
    router.callback_query.register(page, on(F.action == VolModAction.PAGE))
    router.callback_query.register(card, on(F.action == VolModAction.CARD))
    router.callback_query.register(approve, on(F.action == VolModAction.APPROVE))
    router.callback_query.register(ask_reason, on(F.action == VolModAction.REJECT))
    router.callback_query.register(identity, on(F.action == VolModAction.IDENTITY))
    router.callback_query.register(ask_letter, on(F.action == VolModAction.LETTER))
    router.message.register(type_reason, ModVolunteerInput.reject_reason, *TYPED)
    router.message.register(type_letter, ModVolunteerInput.letter_reason, *TYPED)
    return router


def _filters(args: str) -> tuple[str, str, str]:
    status = region = skill = ""
    for word in args.lower().split():
        if word in STATUS_FILTERS:
            status = word
        elif word in SKILLS:
            skill = word
        elif (found := region_from_text(word)) is not None:
            region = found.code
    return status, region, skill


async def _list(
    moderator: Moderator, volunteers: VolunteerService, data: VolModCallback, locale: str
) -> tuple[str, object]:
    found = await volunteers.page(
        moderator,
        data.page,
        status=data.status or None,
        region=data.region or None,
        skill=data.skill or None,
    )
    return (
        list_text(found, data.status, data.region, data.skill, locale),
        list_keyboard(found, data.status, data.region, data.skill),
    )


async def list_volunteers(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    volunteers: VolunteerService,
    i18n: I18n,
) -> None:
    status, region, skill = _filters(command.args or "")
    if not command.args:
        status = "pending"  # what needs a decision comes first
    data = VolModCallback(action=VolModAction.PAGE, status=status, region=region, skill=skill)
    text, markup = await _list(moderator, volunteers, data, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def page(
    query: CallbackQuery,
    callback_data: VolModCallback,
    moderation: ModerationService,
    volunteers: VolunteerService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    moderator = await moderator_or_refuse(query, moderation, pseudonym, "volunteers")
    if moderator is not None:
        await acknowledge(query)
        text, markup = await _list(moderator, volunteers, callback_data, i18n.current_locale)
        await query.message.edit_text(text, reply_markup=markup)


async def card(
    query: CallbackQuery,
    volunteer: Volunteer,
    volunteers: VolunteerService,
    recognition: RecognitionService,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    standing, points = await recognition.standing(volunteer)
    unlocked = await volunteers.unlocks(volunteer)
    await query.message.answer(
        volunteer_card(volunteer, standing, points, unlocked, i18n.current_locale),
        reply_markup=volunteer_keyboard(volunteer),
    )


async def approve(
    query: CallbackQuery, moderator: Moderator, volunteer: Volunteer, volunteers: VolunteerService
) -> None:
    try:
        await volunteers.approve(moderator, volunteer)
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await acknowledge(query)
    await query.message.edit_text(approved_reply(volunteer.id))


async def identity(
    query: CallbackQuery, moderator: Moderator, volunteer: Volunteer, volunteers: VolunteerService
) -> None:
    shown = await volunteers.identity(moderator, volunteer)
    await acknowledge(query, identity_alert(shown), alert=True)


async def _prompt(
    query: CallbackQuery, state: FSMContext, volunteer: Volunteer, step: State, text: str
) -> None:
    await acknowledge(query)
    await state.set_state(step)
    await state.update_data(vm_volunteer=volunteer.id)
    await query.message.answer(text, reply_markup=ForceReply(selective=True))


async def ask_reason(query: CallbackQuery, state: FSMContext, volunteer: Volunteer) -> None:
    await _prompt(
        query, state, volunteer, ModVolunteerInput.reject_reason, reject_prompt(volunteer.id)
    )


async def ask_letter(query: CallbackQuery, state: FSMContext, volunteer: Volunteer) -> None:
    await _prompt(
        query, state, volunteer, ModVolunteerInput.letter_reason, letter_prompt(volunteer.id)
    )


Act = Callable[[Moderator, Volunteer, str], Awaitable[object]]


async def _typed(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    volunteers: VolunteerService,
    pseudonym: str | None,
    action: str,
    act: Act,
    reply: Callable[[int], str],
) -> None:
    """Re-authorise (the role may have changed since the button), act, and reply."""
    volunteer_id = int((await state.get_data()).get("vm_volunteer") or 0)
    found = await volunteer_for(message, moderation, volunteers, pseudonym, volunteer_id, action)
    if found is None:
        await state.clear()
        return
    moderator, volunteer = found
    try:
        await act(moderator, volunteer, message.text or "")
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details))
        return  # the prompt stays: write it again
    except VolunteerActionError as exc:
        await state.clear()
        await message.reply(action_error_text(exc.reason))
        return
    await state.clear()
    await message.reply(reply(volunteer.id))


async def type_reason(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    volunteers: VolunteerService,
    pseudonym: str | None,
) -> None:
    await _typed(
        message,
        state,
        moderation,
        volunteers,
        pseudonym,
        "vm:no",
        volunteers.reject,
        rejected_reply,
    )


async def type_letter(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    volunteers: VolunteerService,
    recognition: RecognitionService,
    pseudonym: str | None,
) -> None:
    await _typed(
        message,
        state,
        moderation,
        volunteers,
        pseudonym,
        "vm:letter",
        recognition.award,
        letter_reply,
    )
