"""Keyboards of the report flow: one per step, and only that step's."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.risk_areas import all_areas
from bot.views.callbacks import ReportAction, ReportCallback
from bot.views.common import CHECK, add_region_buttons
from bot.views.keyboard_cache import per_language

BACK = __("⬅️ Back")
CANCEL = __("✖️ Cancel")
SKIP = __("Skip ➡️")
SEND_LOCATION = __("📍 Send my location")
SHARE_PHONE = __("📞 Share my phone number")


def _nav_row(skip: bool = False) -> list[InlineKeyboardButton]:
    row = [
        InlineKeyboardButton(
            text=str(BACK), callback_data=ReportCallback(action=ReportAction.BACK).pack()
        )
    ]
    if skip:
        row.append(
            InlineKeyboardButton(
                text=str(SKIP), callback_data=ReportCallback(action=ReportAction.SKIP).pack()
            )
        )
    row.append(
        InlineKeyboardButton(
            text=str(CANCEL), callback_data=ReportCallback(action=ReportAction.CANCEL).pack()
        )
    )
    return row


@per_language
def nav_keyboard(skip: bool = False) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_nav_row(skip)])


@per_language
def area_keyboard(locale: str, current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for area in all_areas():
        label = (CHECK if area.key == current else "") + area.name(locale)
        builder.button(
            text=label, callback_data=ReportCallback(action=ReportAction.AREA, value=area.key)
        )
    builder.adjust(2)
    builder.row(*_nav_row())
    return builder.as_markup()


@per_language
def region_keyboard(locale: str, current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    add_region_buttons(
        builder,
        locale,
        current,
        lambda code: ReportCallback(action=ReportAction.REGION, value=code),
    )
    builder.row(*_nav_row())
    return builder.as_markup()


@per_language
def when_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value, label in (
        ("today", _("Today")),
        ("week", _("This week")),
        ("month", _("This month")),
        ("earlier", _("Earlier")),
        ("exact", _("📅 Exact date")),
    ):
        builder.button(
            text=label, callback_data=ReportCallback(action=ReportAction.WHEN, value=value)
        )
    builder.adjust(2, 2, 1)
    builder.row(*_nav_row())
    return builder.as_markup()


@per_language
def evidence_keyboard(has_files: bool) -> InlineKeyboardMarkup:
    done = _("✅ That's all") if has_files else _("No files, next step ➡️")
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=done, callback_data=ReportCallback(action=ReportAction.SKIP).pack()
                )
            ],
            _nav_row(),  # back and cancel
        ]
    )


def _request_keyboard(first: KeyboardButton) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[
            [first],
            [KeyboardButton(text=str(SKIP))],
            [KeyboardButton(text=str(BACK)), KeyboardButton(text=str(CANCEL))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    return _request_keyboard(KeyboardButton(text=str(SEND_LOCATION), request_location=True))


def phone_keyboard() -> ReplyKeyboardMarkup:
    keyboard = _request_keyboard(KeyboardButton(text=str(SHARE_PHONE), request_contact=True))
    del keyboard.keyboard[1]  # an open report needs the number: no skipping here
    return keyboard


@per_language
def anonymity_keyboard(current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for value, label in (
        ("anonymous", _("🕶 Anonymous")),
        ("confidential", _("🔒 Confidential")),
        ("open", _("👤 Open")),
    ):
        text = (CHECK if value == current else "") + label
        builder.button(
            text=text, callback_data=ReportCallback(action=ReportAction.ANONYMITY, value=value)
        )
    builder.adjust(1)
    builder.row(*_nav_row())
    return builder.as_markup()


EDITABLE = (
    ("area", __("Area")),
    ("region", __("Region")),
    ("settlement", __("Place")),
    ("description", __("What happened")),
    ("when", __("When")),
    ("involved", __("Who is involved")),
    ("amount", __("Amount")),
    ("evidence", __("Files")),
    ("location", __("Location")),
    ("anonymity", __("Reporting mode")),
)


@per_language
def summary_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field, label in EDITABLE:
        builder.button(
            text="✏️ " + str(label),
            callback_data=ReportCallback(action=ReportAction.EDIT, value=field),
        )
    builder.adjust(2)
    builder.row(
        InlineKeyboardButton(
            text=_("✅ Submit the report"),
            callback_data=ReportCallback(action=ReportAction.SUBMIT).pack(),
        )
    )
    builder.row(
        InlineKeyboardButton(
            text=str(CANCEL), callback_data=ReportCallback(action=ReportAction.CANCEL).pack()
        )
    )
    return builder.as_markup()


def resume_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("▶️ Continue the draft"),
                    callback_data=ReportCallback(action=ReportAction.RESUME).pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=_("🗑 Discard it and start again"),
                    callback_data=ReportCallback(action=ReportAction.RESTART).pack(),
                )
            ],
        ]
    )
