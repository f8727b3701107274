"""The application to become a volunteer: each step's question, its buttons, the consent."""

from __future__ import annotations

from html import escape

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.regions import regions_for_picker
from bot.services.volunteers.rules import AVAILABILITY, MAX_NAME, SKILLS
from bot.views.callbacks import VolAction, VolCallback
from bot.views.common import CHECK
from bot.views.labels import region_name
from bot.views.report_keyboards import SHARE_PHONE
from bot.views.volunteers.labels import (
    AVAILABILITY_LABELS,
    SKILL_LABELS,
    availability_label,
    skills_label,
)

STEPS = 5


def intro_text() -> str:
    return _(
        "🤝 <b>Anti-corruption volunteers</b>\n\n"
        "Volunteers check contracts on the public procurement portal, visit construction "
        "sites and unfinished schools, and watch land and farm deals in their region. "
        "Moderators give the tasks and hold training sessions.\n\n"
        "The application has {steps} steps. First, write your first name and surname "
        "(at most {limit} characters). /cancel stops the application."
    ).format(steps=STEPS, limit=MAX_NAME)


def start_first_text() -> str:
    return _("Please choose your language and region first: /start")


def region_prompt() -> str:
    return _("Step {step} of {steps}. In which region will you volunteer?").format(
        step=2, steps=STEPS
    )


def region_keyboard(locale: str, current: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for region in regions_for_picker(locale):
        label = (CHECK if region.code == current else "") + region.name(locale)
        builder.button(
            text=label, callback_data=VolCallback(action=VolAction.REGION, value=region.code)
        )
    builder.adjust(2)
    return builder.as_markup()


def phone_prompt() -> str:
    return _(
        "Step {step} of {steps}. Share your phone number with the button below, or type it, "
        "for example +7 701 123 45 67. Only the moderators of your region will see it."
    ).format(step=3, steps=STEPS)


def phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=str(SHARE_PHONE), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def phone_saved_text() -> str:
    return _("The phone number is saved.")


def skills_prompt() -> str:
    return _(
        "Step {step} of {steps}. What can you do, or want to learn? Tap everything that fits, "
        "then «Done ➡️»."
    ).format(step=4, steps=STEPS)


def availability_prompt() -> str:
    return _(
        "Step {step} of {steps}. When are you usually free? Tap everything that fits, then "
        "«Done ➡️»."
    ).format(step=5, steps=STEPS)


def choose_one_text() -> str:
    return _("Choose at least one.")


def _toggles(
    keys: tuple[str, ...],
    labels: dict,
    chosen: list[str],
    toggle: VolAction,
    done: VolAction,
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in keys:
        label = (CHECK if key in chosen else "") + str(labels[key])
        builder.button(text=label, callback_data=VolCallback(action=toggle, value=key))
    builder.adjust(1)
    builder.row(
        InlineKeyboardButton(text=_("Done ➡️"), callback_data=VolCallback(action=done).pack())
    )
    return builder.as_markup()


def skills_keyboard(chosen: list[str]) -> InlineKeyboardMarkup:
    return _toggles(SKILLS, SKILL_LABELS, chosen, VolAction.SKILL, VolAction.SKILLS_DONE)


def availability_keyboard(chosen: list[str]) -> InlineKeyboardMarkup:
    return _toggles(
        AVAILABILITY,
        AVAILABILITY_LABELS,
        chosen,
        VolAction.AVAILABILITY,
        VolAction.AVAILABILITY_DONE,
    )


def consent_text(
    name: str, region: str, phone: str, skills: list[str], availability: list[str], locale: str
) -> str:
    return _(
        "<b>Before you send the application</b>\n\n"
        "<b>What is stored:</b> your name, phone number, region, the kinds of work you chose "
        "and when you are free. The name and the phone number are stored encrypted.\n"
        "<b>Who sees it:</b> only the moderators of your region. Other volunteers never see "
        "your name or phone number. In the list of the most active volunteers your name "
        "appears only if you allow it in /me.\n"
        "<b>How to delete it:</b> at any time in /me, with «🗑 Delete my data». Only anonymous "
        "counts stay, such as how many checks were done in the region.\n\n"
        "Name: {name}\nRegion: {region}\nPhone number: {phone}\nKinds of work: {skills}\n"
        "Free time: {availability}"
    ).format(
        name=escape(name),
        region=escape(region_name(region, locale)),
        phone=escape(phone),
        skills=skills_label(tuple(skills)),
        availability=availability_label(tuple(availability)),
    )


def consent_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("✅ I agree, send"), callback_data=VolCallback(action=VolAction.CONSENT))
    builder.button(text=_("✖️ Stop"), callback_data=VolCallback(action=VolAction.STOP))
    builder.adjust(1)
    return builder.as_markup()


def sent_text() -> str:
    return _(
        "📨 Your application is sent. The moderators of your region will review it, and the "
        "bot will write to you either way."
    )


def stopped_text() -> str:
    return _("The application is stopped; nothing was sent. You can start again: /volunteer")


def pending_text() -> str:
    return _(
        "Your application is being reviewed. The bot will write to you when the moderators decide."
    )
