"""/start, /language and /region: the language and region pickers and the welcome."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n

from bot.db.repositories.users import UserRecord
from bot.handlers.menu import menu_unless_busy
from bot.i18n import in_both_languages
from bot.replies import acknowledge
from bot.services.regions import get_region
from bot.services.users import UnknownChoiceError, UserService
from bot.views.callbacks import LanguageCallback, RegionCallback
from bot.views.common import (
    HELLO,
    TAP_A_LANGUAGE,
    button_expired_text,
    choose_language_text,
    choose_region_text,
    language_done_text,
    language_keyboard,
    language_set_text,
    main_menu,
    now_region_text,
    region_keyboard,
    region_saved_text,
    region_set_text,
    tap_region_text,
    welcome_text,
)


class Onboarding(StatesGroup):
    language = State()
    region = State()


def get_router() -> Router:
    router = Router(name="onboarding")
    router.message.register(start, CommandStart())
    router.message.register(ask_language, Command("language"))
    router.message.register(ask_region, Command("region"))
    router.callback_query.register(language_chosen, LanguageCallback.filter())
    router.callback_query.register(region_chosen, RegionCallback.filter())
    # Anything else typed while a picker is open: repeat the question instead of losing the step.
    router.message.register(repeat_language, Onboarding.language, ~F.text.startswith("/"))
    router.message.register(repeat_region, Onboarding.region, ~F.text.startswith("/"))
    return router


async def start(
    message: Message, state: FSMContext, i18n: I18n, user_record: UserRecord | None
) -> None:
    if user_record is not None and user_record.onboarded:
        await state.clear()
        await message.answer(welcome_text(), reply_markup=main_menu())
        return
    await state.set_state(Onboarding.language)
    await message.answer(
        in_both_languages(i18n, HELLO),
        reply_markup=language_keyboard(preselected=i18n.current_locale),
    )


async def ask_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        choose_language_text(), reply_markup=language_keyboard(preselected=i18n.current_locale)
    )


async def ask_region(message: Message, i18n: I18n, user_record: UserRecord | None) -> None:
    current = user_record.region if user_record else None
    await message.answer(
        choose_region_text(),
        reply_markup=region_keyboard(i18n.current_locale, current),
    )


async def repeat_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        in_both_languages(i18n, TAP_A_LANGUAGE),
        reply_markup=language_keyboard(preselected=i18n.current_locale),
    )


async def repeat_region(message: Message, i18n: I18n, user_record: UserRecord | None) -> None:
    await message.answer(
        tap_region_text(),
        reply_markup=region_keyboard(i18n.current_locale, user_record and user_record.region),
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    state: FSMContext,
    i18n: I18n,
    users: UserService,
    event_from_user: User,
) -> None:
    chat_id = query.message.chat.id if query.message else event_from_user.id
    try:
        record = await users.choose_locale(event_from_user.id, chat_id, callback_data.code)
    except UnknownChoiceError:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    i18n.current_locale = callback_data.code
    await acknowledge(query)
    if query.message is not None:
        await query.message.edit_text(language_set_text(callback_data.code))
    onboarding = await state.get_state() == Onboarding.language.state
    if onboarding or record.region is None:
        if onboarding:
            await state.set_state(Onboarding.region)
        await query.bot.send_message(
            chat_id,
            now_region_text(),
            reply_markup=region_keyboard(callback_data.code, record.region),
        )
        return
    await query.bot.send_message(
        chat_id, language_done_text(), reply_markup=await menu_unless_busy(state)
    )


async def region_chosen(
    query: CallbackQuery,
    callback_data: RegionCallback,
    state: FSMContext,
    i18n: I18n,
    users: UserService,
    user_record: UserRecord | None,
    event_from_user: User,
) -> None:
    chat_id = query.message.chat.id if query.message else event_from_user.id
    region = get_region(callback_data.code)
    if region is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    first_time = user_record is None or user_record.region is None
    await users.choose_region(event_from_user.id, chat_id, region.code, i18n.current_locale)
    await acknowledge(query)
    name = region.name(i18n.current_locale)
    if query.message is not None:
        await query.message.edit_text(region_set_text(name))
    if first_time or await state.get_state() == Onboarding.region.state:
        await state.clear()
        await query.bot.send_message(chat_id, welcome_text(), reply_markup=main_menu())
        return
    await query.bot.send_message(
        chat_id, region_saved_text(name), reply_markup=await menu_unless_busy(state)
    )
