"""What everybody sees: the main menu, the language and region pickers, help and privacy."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from bot.services.regions import regions_for_picker
from bot.views.callbacks import LanguageCallback, RegionCallback
from bot.views.keyboard_cache import per_language
from bot.views.labels import language_label

LANGUAGES = ("kk", "ru")
CHECK = "✅ "

MENU_REPORT = __("📝 Report corruption")
MENU_MY_REPORTS = __("📂 My reports")
MENU_NEWS = __("📰 News subscriptions")
MENU_VOLUNTEER = __("🤝 Become a volunteer")
MENU_HELP = __("❓ Help")
MENU_LABELS = (MENU_REPORT, MENU_MY_REPORTS, MENU_NEWS, MENU_VOLUNTEER, MENU_HELP)

# Shown before the user has picked a language, so in both.
HELLO = __("Hello! Please choose your language.")
TAP_A_LANGUAGE = __("Please tap one of the buttons to choose a language.")


@per_language
def language_keyboard(preselected: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in sorted(LANGUAGES, key=lambda c: c != preselected):
        label = (CHECK if code == preselected else "") + language_label(code)
        builder.button(text=label, callback_data=LanguageCallback(code=code))
    builder.adjust(2)
    return builder.as_markup()


def add_region_buttons(
    builder: InlineKeyboardBuilder,
    locale: str,
    current: str | None,
    pressed: Callable[[str], CallbackData],
) -> None:
    """Every region in the picker's order, the current one ticked; `pressed` makes a button's
    callback data from the region's code."""
    for region in regions_for_picker(locale):
        label = (CHECK if region.code == current else "") + region.name(locale)
        builder.button(text=label, callback_data=pressed(region.code))
    # Two per row keeps all 20 on one screen without paging, which is easier on slow phones.
    builder.adjust(2)


@per_language
def region_keyboard(locale: str, current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    add_region_buttons(builder, locale, current, lambda code: RegionCallback(code=code))
    return builder.as_markup()


@per_language
def main_menu() -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    for label in MENU_LABELS:
        builder.button(text=str(label))
    builder.adjust(1, 2, 2)
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


def button_expired_text() -> str:
    return _("This button is no longer valid.")


def help_text() -> str:
    return _(
        "<b>How to use Adal</b>\n\n"
        "Use the menu buttons at the bottom of the screen, or these commands:\n"
        "/report: report corruption\n"
        "/mytips: your reports and the answers to them\n"
        "/check: check a report with its follow-up code\n\n"
        "/subscribe: regional news\n"
        "/subscriptions: what you receive, and changing it\n\n"
        "/volunteer: become a volunteer\n"
        "/me, /tasks, /trainings: for volunteers: your profile, tasks, training sessions\n\n"
        "/start: main menu\n"
        "/language: change the language\n"
        "/region: change your region\n"
        "/privacy: what the bot stores about you\n"
        "/cancel: stop what you are doing and go back to the menu\n"
        "/help: this message\n\n"
        "You can also report corruption to the Anti-Corruption Agency by phone: "
        "1424 (free of charge)."
    )


def privacy_text(retention_days: int) -> str:
    stored = _(
        "<b>Privacy</b>\n\n"
        "<b>What the bot stores.</b> Your chosen language and region, the date you first "
        "wrote, and your chat number in encrypted form, so that the bot can answer you. "
        "Your Telegram ID is kept only as a one-way code. Your name and username are not "
        "stored. Your phone number is stored only if you choose an open report and share it: "
        "encrypted, and only moderators of your region can see it.\n\n"
        "<b>What Telegram sees.</b> Chats with bots are not end-to-end encrypted. Telegram "
        "itself can see this chat, and the bot always learns your Telegram ID, name and "
        "username while it answers you.\n\n"
        "<b>If you are at serious risk</b>, use official channels, for example the "
        "Anti-Corruption Agency's line 1424, and avoid keeping sensitive messages on your "
        "phone."
    )
    volunteers = _(
        "<b>Volunteers.</b> If you apply to become a volunteer, your name and phone number "
        "are stored encrypted, and only the moderators of your region can see them. You can "
        "delete them at any time in /me."
    )
    return f"{stored}\n\n{retention_text(retention_days)}\n\n{volunteers}"


def retention_text(days: int) -> str:
    """What the retention job (bot/services/retention.py) erases, and when."""
    return _(
        "<b>How long it is kept.</b> {days} after a report is closed, its text, place, files, "
        "contact details and messages are erased. Only what statistics need remains: the "
        "report's number, region, area, status, dates (to the day) and the order of the sum."
    ).format(days=ngettext("{count} day", "{count} days", days).format(count=days))


def welcome_text() -> str:
    return _(
        "<b>Adal</b> helps citizens report corruption and follow what happens next.\n\n"
        "Here you will be able to:\n"
        "• report corruption in your region, openly, confidentially or anonymously;\n"
        "• follow your reports by their number;\n"
        "• read regional anti-corruption news;\n"
        "• join the anti-corruption volunteers.\n\n"
        "Privacy: the bot does not store your Telegram ID, name or username in the clear. "
        "Details: /privacy\n\n"
        "Choose an action from the menu below."
    )


def not_saved_text() -> str:
    return _(
        "We could not save this just now because of a problem on our side. Please try again "
        "in a few minutes; what you entered before is kept."
    )


def something_went_wrong_text() -> str:
    return _("Something went wrong on our side. Nothing you sent is lost; please try again.")


def cancelled_text(had_flow: bool) -> str:
    if had_flow:
        return _("Cancelled. You are back in the main menu.")
    return _("There is nothing to cancel. You are in the main menu.")


def unknown_command_text(in_flow: bool) -> str:
    if in_flow:
        return _("Unknown command. Your progress is kept: continue, or send /cancel to stop.")
    return _("Unknown command. See /help for the list.")


def unknown_text_text(in_flow: bool) -> str:
    if in_flow:
        return _("Please answer the question above, or send /cancel to stop.")
    return _("I did not understand that. Please use the menu buttons below or /help.")


def unsupported_content_text() -> str:
    return _("I cannot use this kind of message here. Please send text or use the buttons.")


def choose_language_text() -> str:
    return _("Choose the language of the bot.")


def choose_region_text() -> str:
    return _("Choose your region. It is used for reports and news, and you can change it later.")


def tap_region_text() -> str:
    return _("Please tap your region on the buttons below.")


def language_set_text(locale: str) -> str:
    return _("Language: {language}").format(language=language_label(locale))


def now_region_text() -> str:
    return _("Now choose your region. Reports and news will be for this region by default.")


def language_done_text() -> str:
    return _("Done. The bot now speaks your language.")


def region_set_text(name: str) -> str:
    return _("Region: {region}").format(region=name)


def region_saved_text(name: str) -> str:
    return _("Saved. Your region: {region}.").format(region=name)


def flood_notice_text(seconds: int) -> str:
    return ngettext(
        "You are sending messages too fast. The bot will read your messages again in "
        "{seconds} second: then send your last message again. Everything entered before "
        "is kept.",
        "You are sending messages too fast. The bot will read your messages again in "
        "{seconds} seconds: then send your last message again. Everything entered before "
        "is kept.",
        seconds,
    ).format(seconds=seconds)
