"""/start, /language and /region: the language and region pickers and the welcome."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.db.repositories.users import UserRecord
from bot.i18n import in_both_languages
from bot.keyboards.callbacks import LanguageCallback, RegionCallback
from bot.keyboards.common import LANGUAGE_LABELS, language_keyboard, main_menu, region_keyboard
from bot.services.regions import get_region
from bot.services.users import UnknownChoiceError, UserService


class Onboarding(StatesGroup):
    language = State()
    region = State()


def get_router() -> Router:
    router = Router(name="onboarding")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.message.register(start, CommandStart())
    router.message.register(ask_language, Command("language"))
    router.message.register(ask_region, Command("region"))
    router.callback_query.register(language_chosen, LanguageCallback.filter())
    router.callback_query.register(region_chosen, RegionCallback.filter())
    # Anything else typed while a picker is open: repeat the question instead of losing the step.
    router.message.register(repeat_language, Onboarding.language, ~F.text.startswith("/"))
    router.message.register(repeat_region, Onboarding.region, ~F.text.startswith("/"))
    return router


# Shown before the user has picked a language, so in both.
HELLO = __("Hello! Please choose your language.")
TAP_A_LANGUAGE = __("Please tap one of the buttons to choose a language.")


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
        _("Choose the language of the bot."),
        reply_markup=language_keyboard(preselected=i18n.current_locale),
    )


async def ask_region(message: Message, i18n: I18n, user_record: UserRecord | None) -> None:
    current = user_record.region if user_record else None
    await message.answer(
        _("Choose your region. It is used for reports and news, and you can change it later."),
        reply_markup=region_keyboard(i18n.current_locale, current),
    )


async def repeat_language(message: Message, i18n: I18n) -> None:
    await message.answer(
        in_both_languages(i18n, TAP_A_LANGUAGE),
        reply_markup=language_keyboard(preselected=i18n.current_locale),
    )


async def repeat_region(message: Message, i18n: I18n, user_record: UserRecord | None) -> None:
    await message.answer(
        _("Please tap your region on the buttons below."),
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
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    i18n.current_locale = callback_data.code
    await query.answer()
    if query.message is not None:
        await query.message.edit_text(
            _("Language: {language}").format(language=LANGUAGE_LABELS[callback_data.code])
        )
    onboarding = await state.get_state() == Onboarding.language.state
    if onboarding or record.region is None:
        if onboarding:
            await state.set_state(Onboarding.region)
        await query.bot.send_message(
            chat_id,
            _("Now choose your region. Reports and news will be for this region by default."),
            reply_markup=region_keyboard(callback_data.code, record.region),
        )
        return
    await query.bot.send_message(
        chat_id, _("Done. The bot now speaks your language."), reply_markup=main_menu()
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
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    first_time = user_record is None or user_record.region is None
    await users.choose_region(event_from_user.id, chat_id, region.code, i18n.current_locale)
    await query.answer()
    name = region.name(i18n.current_locale)
    if query.message is not None:
        await query.message.edit_text(_("Region: {region}").format(region=name))
    if first_time or await state.get_state() == Onboarding.region.state:
        await state.clear()
        await query.bot.send_message(chat_id, welcome_text(), reply_markup=main_menu())
        return
    await query.bot.send_message(
        chat_id,
        _("Saved. Your region: {region}.").format(region=name),
        reply_markup=main_menu(),
    )


def welcome_text() -> str:
    return _(
        "<b>Adal</b> helps citizens report corruption and follow what happens next.\n\n"
        "Here you will be able to:\n"
        "• report corruption in your region, openly, confidentially or anonymously;\n"
        "• follow your reports with a case number;\n"
        "• read regional anti-corruption news;\n"
        "• join the anti-corruption volunteers.\n\n"
        "Privacy: the bot does not store your Telegram ID, name or username in the clear. "
        "Details: /privacy\n\n"
        "Choose an action from the menu below."
    )
