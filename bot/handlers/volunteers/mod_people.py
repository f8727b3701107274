"""Moderators and volunteers: /volunteers, application cards (approve, reject with a reason),
a volunteer's card, their name and phone (an alert, audited), thank-you letters.

Every press is re-authorised: the moderator must cover the volunteer's region; a refusal is
answered politely and audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.moderation.access import IsModerator
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import StaffPress, covered, moderator_or_refuse
from bot.handlers.volunteers.states import ModVolunteerInput
from bot.handlers.volunteers.wizard import act_on_typed, ask_about, still_allowed
from bot.replies import acknowledge
from bot.services.moderation import ModerationService
from bot.services.regions import get_region, region_from_text
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.recognition import RecognitionService
from bot.services.volunteers.rules import SKILLS
from bot.views.callbacks import VolModAction, VolModCallback
from bot.views.common import button_expired_text
from bot.views.volunteers.errors import action_error_text
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
    if moderator is None:
        return
    if not _known_filters(callback_data):  # not a button the bot drew: forged, or from a bug
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    text, markup = await _list(moderator, volunteers, callback_data, i18n.current_locale)
    await query.message.edit_text(text, reply_markup=markup)


def _known_filters(data: VolModCallback) -> bool:
    return (
        data.status in ("", *STATUS_FILTERS)
        and data.skill in ("", *SKILLS)
        and (not data.region or get_region(data.region) is not None)
    )


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


async def ask_reason(query: CallbackQuery, state: FSMContext, volunteer: Volunteer) -> None:
    step, prompt = ModVolunteerInput.reject_reason, reject_prompt(volunteer.id)
    await ask_about(query, state, step, "vm_volunteer", volunteer.id, prompt)


async def ask_letter(query: CallbackQuery, state: FSMContext, volunteer: Volunteer) -> None:
    step, prompt = ModVolunteerInput.letter_reason, letter_prompt(volunteer.id)
    await ask_about(query, state, step, "vm_volunteer", volunteer.id, prompt)


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
    found = await still_allowed(
        state,
        "vm_volunteer",
        lambda n: covered(message, moderation, volunteers, pseudonym, n, action),
    )
    if found is None:
        return
    moderator, volunteer = found

    async def done() -> str:
        await act(moderator, volunteer, message.text or "")
        return reply(volunteer.id)

    # A bad reason is told without a new ForceReply: the prompt stays, to be answered again.
    await act_on_typed(message, state, done, retry_markup=None)


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
