"""/volunteer and the main menu's «🤝 Become a volunteer»: name, region, phone, kinds of
work, free time, then the consent screen. The answers wait in the (sealed) FSM data until the
volunteer agrees; nothing is stored as a volunteer before that."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.users import UserRecord
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.states import VolunteerForm
from bot.replies import acknowledge
from bot.services.regions import get_region
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import InputError, check_name, contact_phone, parse_phone
from bot.services.volunteers.people import Application, VolunteerService
from bot.services.volunteers.rules import AVAILABILITY, SKILLS
from bot.views.callbacks import VolAction, VolCallback
from bot.views.common import button_expired_text, main_menu
from bot.views.labels import region_name
from bot.views.report_flow import own_number_text
from bot.views.volunteers.application import (
    availability_keyboard,
    availability_prompt,
    choose_one_text,
    consent_keyboard,
    consent_text,
    intro_text,
    pending_text,
    phone_keyboard,
    phone_prompt,
    phone_saved_text,
    region_keyboard,
    region_prompt,
    sent_text,
    skills_keyboard,
    skills_prompt,
    start_first_text,
    stopped_text,
)
from bot.views.volunteers.errors import action_error_text, input_error_text
from bot.views.volunteers.labels import volunteer_status_label


def get_router() -> Router:
    router = Router(name="volunteer-application")
    on = VolCallback.filter
    router.message.register(start_application, Command("volunteer"))
    router.message.register(type_name, VolunteerForm.name, *TYPED)
    router.callback_query.register(
        choose_region, VolunteerForm.region, on(F.action == VolAction.REGION)
    )
    router.message.register(share_phone, VolunteerForm.phone, F.contact)
    router.message.register(type_phone, VolunteerForm.phone, *TYPED)
    router.callback_query.register(
        toggle_skill, VolunteerForm.skills, on(F.action == VolAction.SKILL)
    )
    router.callback_query.register(
        skills_done, VolunteerForm.skills, on(F.action == VolAction.SKILLS_DONE)
    )
    router.callback_query.register(
        toggle_availability, VolunteerForm.availability, on(F.action == VolAction.AVAILABILITY)
    )
    router.callback_query.register(
        availability_done,
        VolunteerForm.availability,
        on(F.action == VolAction.AVAILABILITY_DONE),
    )
    router.callback_query.register(
        consent, VolunteerForm.consent, on(F.action == VolAction.CONSENT)
    )
    router.callback_query.register(stop, on(F.action == VolAction.STOP))
    return router


async def start_application(
    message: Message,
    state: FSMContext,
    volunteers: VolunteerService,
    user_record: UserRecord | None,
    pseudonym: str | None,
) -> None:
    """Also the main menu's entry (registered in bot/handlers/menu.py)."""
    if user_record is None or not user_record.onboarded:
        await message.answer(start_first_text())
        return
    volunteer = await volunteers.get(pseudonym)
    if volunteer is not None and volunteer.status == "pending":
        await message.answer(pending_text(), reply_markup=main_menu())
        return
    if volunteer is not None and volunteer.status in ("active", "paused"):
        await message.answer(
            volunteer_status_label(volunteer.status) + ". /me", reply_markup=main_menu()
        )
        return
    await state.set_state(VolunteerForm.name)
    await state.set_data({"vf_region": user_record.region, "vf_skills": [], "vf_free": []})
    await message.answer(intro_text())


async def type_name(message: Message, state: FSMContext, i18n: I18n) -> None:
    try:
        name = check_name(message.text or "")
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details))
        return
    await state.update_data(vf_name=name)
    await state.set_state(VolunteerForm.region)
    current = (await state.get_data()).get("vf_region")
    await message.answer(
        region_prompt(), reply_markup=region_keyboard(i18n.current_locale, current)
    )


async def choose_region(
    query: CallbackQuery, callback_data: VolCallback, state: FSMContext, i18n: I18n
) -> None:
    region = get_region(callback_data.value)
    if region is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    await state.update_data(vf_region=region.code)
    await state.set_state(VolunteerForm.phone)
    await query.message.edit_text(region_name(region.code, i18n.current_locale))
    await query.message.answer(phone_prompt(), reply_markup=phone_keyboard())


async def share_phone(message: Message, state: FSMContext) -> None:
    contact = message.contact
    assert contact is not None
    if contact.user_id != message.from_user.id:
        await message.reply(own_number_text(), reply_markup=phone_keyboard())
        return
    try:
        phone = contact_phone(contact.phone_number)
    except InputError as exc:
        await message.reply(
            input_error_text(exc.reason, exc.details), reply_markup=phone_keyboard()
        )
        return
    await _phone_saved(message, state, phone)


async def type_phone(message: Message, state: FSMContext) -> None:
    try:
        phone = parse_phone(message.text or "")
    except InputError as exc:
        await message.reply(
            input_error_text(exc.reason, exc.details), reply_markup=phone_keyboard()
        )
        return
    await _phone_saved(message, state, phone)


async def _phone_saved(message: Message, state: FSMContext, phone: str) -> None:
    await state.update_data(vf_phone=phone)
    await state.set_state(VolunteerForm.skills)
    await message.answer(phone_saved_text(), reply_markup=main_menu())
    chosen = (await state.get_data()).get("vf_skills", [])
    await message.answer(skills_prompt(), reply_markup=skills_keyboard(chosen))


async def _toggle(
    query: CallbackQuery, state: FSMContext, key: str, value: str, allowed: tuple[str, ...]
) -> list[str] | None:
    if value not in allowed:
        await acknowledge(query, button_expired_text(), alert=True)
        return None
    await acknowledge(query)
    chosen = list((await state.get_data()).get(key, []))
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)
    await state.update_data({key: chosen})
    return chosen


async def toggle_skill(
    query: CallbackQuery, callback_data: VolCallback, state: FSMContext
) -> None:
    chosen = await _toggle(query, state, "vf_skills", callback_data.value, SKILLS)
    if chosen is not None:
        await query.message.edit_reply_markup(reply_markup=skills_keyboard(chosen))


async def toggle_availability(
    query: CallbackQuery, callback_data: VolCallback, state: FSMContext
) -> None:
    chosen = await _toggle(query, state, "vf_free", callback_data.value, AVAILABILITY)
    if chosen is not None:
        await query.message.edit_reply_markup(reply_markup=availability_keyboard(chosen))


async def skills_done(query: CallbackQuery, state: FSMContext) -> None:
    data = await state.get_data()
    if not data.get("vf_skills"):
        await acknowledge(query, choose_one_text(), alert=True)
        return
    await acknowledge(query)
    await state.set_state(VolunteerForm.availability)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(
        availability_prompt(), reply_markup=availability_keyboard(data.get("vf_free", []))
    )


async def availability_done(query: CallbackQuery, state: FSMContext, i18n: I18n) -> None:
    data = await state.get_data()
    if not data.get("vf_free"):
        await acknowledge(query, choose_one_text(), alert=True)
        return
    await acknowledge(query)
    await state.set_state(VolunteerForm.consent)
    await query.message.edit_reply_markup(reply_markup=None)
    text = consent_text(
        data["vf_name"],
        data["vf_region"],
        data["vf_phone"],
        data["vf_skills"],
        data["vf_free"],
        i18n.current_locale,
    )
    await query.message.answer(text, reply_markup=consent_keyboard())


async def consent(
    query: CallbackQuery, state: FSMContext, volunteers: VolunteerService, pseudonym: str
) -> None:
    data = await state.get_data()
    try:
        application = Application(
            name=data["vf_name"],
            region=data["vf_region"],
            phone=data["vf_phone"],
            skills=tuple(data["vf_skills"]),
            availability=tuple(data["vf_free"]),
        )
        await volunteers.apply(pseudonym, application)
    except KeyError:
        reply = action_error_text("incomplete")
    except VolunteerActionError as exc:
        reply = action_error_text(exc.reason)
    except InputError as exc:
        reply = input_error_text(exc.reason, exc.details)
    else:
        reply = sent_text()
    await state.clear()
    await acknowledge(query)
    await query.message.edit_text(reply)


async def stop(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() in VolunteerForm.__all_states_names__:
        await state.clear()
    await acknowledge(query)
    await query.message.edit_text(stopped_text())
