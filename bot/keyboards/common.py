"""Language and region pickers and the main menu."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from bot.keyboards.callbacks import LanguageCallback, RegionCallback
from bot.services.regions import regions_for_picker

# Language names are written in their own language on purpose: a person who cannot read the
# current interface language must still recognise their own.
LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский"}
CHECK = "✅ "

MENU_REPORT = __("📝 Report corruption")
MENU_MY_REPORTS = __("📂 My reports")
MENU_NEWS = __("📰 News subscriptions")
MENU_VOLUNTEER = __("🤝 Become a volunteer")
MENU_HELP = __("❓ Help")


def language_keyboard(preselected: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in sorted(LANGUAGE_LABELS, key=lambda c: c != preselected):
        label = (CHECK if code == preselected else "") + LANGUAGE_LABELS[code]
        builder.button(text=label, callback_data=LanguageCallback(code=code))
    builder.adjust(2)
    return builder.as_markup()


def region_keyboard(locale: str, current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for region in regions_for_picker(locale):
        label = (CHECK if region.code == current else "") + region.name(locale)
        builder.button(text=label, callback_data=RegionCallback(code=region.code))
    # Two per row keeps all 20 on one screen without paging, which is easier on slow phones.
    builder.adjust(2)
    return builder.as_markup()


def main_menu() -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    for label in (MENU_REPORT, MENU_MY_REPORTS, MENU_NEWS, MENU_VOLUNTEER, MENU_HELP):
        builder.button(text=str(label))
    builder.adjust(1, 2, 2)
    return builder.as_markup(resize_keyboard=True, is_persistent=True)
