"""Steps shared by the conversations that ask for typed answers (the moderators' task and
session wizards, the typed answers to a card's buttons, a volunteer's reason or progress note):
asking, taking the answer, re-checking who answers, publishing, stopping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, ForceReply, Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.volunteers.access import moderator_or_refuse, polite_no
from bot.replies import acknowledge
from bot.services.moderation import ModerationService, NotAllowedError
from bot.services.regions import all_regions
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import InputError, parse_ref
from bot.services.volunteers.people import VolunteerService
from bot.views.volunteers.errors import action_error_text, input_error_text

T = TypeVar("T")

# ForceReply, so that answers reach the bot in the moderators' group even with privacy mode on.
ASK = ForceReply(selective=True)


async def start_wizard(
    message: Message, state: FSMContext, first: State, text: str, data: dict | None = None
) -> None:
    """A wizard begins: its first step, its data (nothing, or what a card hands over), the
    first question."""
    await state.set_state(first)
    await state.set_data(data or {})
    await message.answer(text, reply_markup=ASK)


def choosable_regions(moderator: Moderator) -> list[str]:
    """The region codes a moderator may pick from: theirs, or all of them."""
    return sorted(moderator.regions) if moderator.regions else [r.code for r in all_regions()]


async def next_step(
    message: Message, state: FSMContext, step: State, text: str, markup: Any = ASK
) -> None:
    await state.set_state(step)
    await message.answer(text, reply_markup=markup)


async def take_typed(
    message: Message,
    state: FSMContext,
    key: str,
    check: Callable[[str], object],
    markup: Any = ASK,
) -> bool:
    """Checks a typed answer and stores it under `key`. A bad one is answered with why, and the
    step stays, so the moderator can type it again: then False."""
    try:
        value = check(message.text or "")
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details), reply_markup=markup)
        return False
    await state.update_data({key: value})
    return True


async def moderator_or_stop(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
) -> Moderator | None:
    """The moderator again at a typed step (the role may be gone since the wizard began); a
    refusal also ends the conversation, so the next message is not taken as an answer."""
    moderator = await moderator_or_refuse(message, moderation, pseudonym, action)
    if moderator is None:
        await state.clear()
    return moderator


async def ask_about(
    query: CallbackQuery,
    state: FSMContext,
    step: State,
    key: str,
    object_id: int,
    text: str,
    markup: Any = ASK,
) -> None:
    """A card's button that needs a typed answer: remember which object, then ask."""
    await acknowledge(query)
    await state.set_state(step)
    await state.update_data({key: object_id})
    await query.message.answer(text, reply_markup=markup)


async def still_allowed(
    state: FSMContext, key: str, lookup: Callable[[int], Awaitable[T | None]]
) -> T | None:
    """The object the conversation is about (its id stored under `key`), authorised again now
    that the answer arrives; a refusal (already answered by `lookup`) ends the conversation."""
    object_id = int((await state.get_data()).get(key) or 0)
    found = await lookup(object_id)
    if found is None:
        await state.clear()
    return found


async def act_on_typed(
    message: Message,
    state: FSMContext,
    act: Callable[[], Awaitable[str]],
    retry_markup: Any = ASK,
) -> None:
    """Runs a card's act with the typed answer and replies with the text it returns. Bad input
    keeps the step (the answer can be typed again); a refused act ends the conversation."""
    try:
        done = await act()
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details), reply_markup=retry_markup)
        return
    except VolunteerActionError as exc:
        await state.clear()
        await message.reply(action_error_text(exc.reason))
        return
    await state.clear()
    await message.reply(done)


async def take_chosen(query: CallbackQuery, state: FSMContext, key: str, value: object) -> None:
    """A wizard's button answer: stored under `key`, and the buttons go, so that the step cannot
    be answered twice."""
    await acknowledge(query)
    await state.update_data({key: value})
    await query.message.edit_reply_markup(reply_markup=None)


async def publish_draft(
    query: CallbackQuery,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
    create: Callable[[Moderator], Awaitable[str]],
) -> None:
    """A wizard's «Publish»: the moderator is checked again (`action` names it for the audit),
    then `create` makes what was drafted and returns the reply. A refusal or an unusable draft
    is said in an alert and the wizard stays where it is."""
    moderator = await moderator_or_refuse(query, moderation, pseudonym, action)
    if moderator is None:
        return
    try:
        done = await create(moderator)
    except NotAllowedError:
        await polite_no(query)
        return
    except (VolunteerActionError, InputError, KeyError) as exc:
        # A KeyError: the conversation's data lacks a step (it was lost or ended): "incomplete".
        reason = getattr(exc, "reason", "incomplete")
        await acknowledge(query, action_error_text(reason), alert=True)
        return
    await state.clear()
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(done)


async def stop_wizard(
    query: CallbackQuery, state: FSMContext, wizard: type[StatesGroup], text: str
) -> None:
    """«Stop»: ends the wizard, but only if the conversation is still this wizard's."""
    if await state.get_state() in wizard.__all_states_names__:
        await state.clear()
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(text)


async def typed_volunteer(message: Message, volunteers: VolunteerService) -> Volunteer | None:
    """The volunteer a moderator typed the number of; if there is none, says so and the step
    stays for another number."""
    number = parse_ref(message.text or "")
    volunteer = await volunteers.by_id(number) if number else None
    if volunteer is None:
        await message.reply(action_error_text("volunteer"), reply_markup=ASK)
    return volunteer
