"""Training sessions as moderators see them: making one, its card, moving, attendance."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.trainings import Training
from bot.services.volunteers.rules import (
    DURATIONS,
    MAX_CAPACITY,
    MAX_PLACE,
    MAX_TITLE,
    MAX_TRAINING_DESCRIPTION,
    SKILLS,
)
from bot.services.volunteers.trainings import Participant
from bot.views.callbacks import TrainingModAction, TrainingModCallback
from bot.views.labels import region_name
from bot.views.volunteers.labels import moment, skill_label
from bot.views.volunteers.trainings import duration_label, where_for

STEPS = 10
ALL = "all"
ATTENDANCE_PAGE = 20


def _button(text: str, action: TrainingModAction, training_id: int = 0, value: str = ""):
    data = TrainingModCallback(action=action, id=training_id, value=value).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _step(number: int) -> str:
    return _("Step {step} of {steps}.").format(step=number, steps=STEPS)


def title_kk_prompt() -> str:
    return (
        _("📚 <b>A new training session</b>")
        + "\n"
        + _step(1)
        + " "
        + _("Write the title in Kazakh (at most {limit} characters). /cancel to stop.").format(
            limit=MAX_TITLE
        )
    )


def title_ru_prompt() -> str:
    return _step(2) + " " + _("Now the same title in Russian.")


def description_kk_prompt() -> str:
    return (
        _step(3)
        + " "
        + _(
            "Describe the session in Kazakh: what volunteers will learn and what to bring "
            "(at most {limit} characters)."
        ).format(limit=MAX_TRAINING_DESCRIPTION)
    )


def description_ru_prompt() -> str:
    return _step(4) + " " + _("Now the same description in Russian.")


def starts_prompt() -> str:
    return (
        _step(5)
        + " "
        + _("When does it start? Write the date and time, Almaty time, like 25.12.2026 19:00.")
    )


def minutes_prompt() -> str:
    return _step(6) + " " + _("How long is it?")


def minutes_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for minutes in DURATIONS:
        builder.add(
            _button(duration_label(minutes), TrainingModAction.MINUTES, value=str(minutes))
        )
    builder.adjust(4)
    return builder.as_markup()


def place_prompt() -> str:
    return (
        _step(7)
        + " "
        + _(
            "Where? Write the address, or the link for an online session (at most {limit} "
            "characters)."
        ).format(limit=MAX_PLACE)
    )


def region_prompt() -> str:
    return _step(8) + " " + _("For which region is it?")


def region_keyboard(regions: list[str], everywhere: bool, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if everywhere:
        builder.add(_button(_("🇰🇿 All of Kazakhstan"), TrainingModAction.REGION, value=ALL))
    for code in regions:
        builder.add(_button(region_name(code, locale), TrainingModAction.REGION, value=code))
    builder.adjust(2)
    return builder.as_markup()


def capacity_prompt() -> str:
    return (
        _step(9)
        + " "
        + _("How many seats? Write a number from 1 to {maximum}.").format(maximum=MAX_CAPACITY)
    )


def unlocks_prompt() -> str:
    return (
        _step(10)
        + " "
        + _(
            "Does attending unlock a kind of work? Procurement tasks, for example, are open "
            "only to volunteers who attended a session that unlocks them."
        )
    )


def unlocks_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in SKILLS:
        builder.add(_button(skill_label(key), TrainingModAction.UNLOCKS, value=key))
    builder.add(_button(_("No"), TrainingModAction.UNLOCKS, value="-"))
    builder.adjust(1)
    return builder.as_markup()


def summary_text(draft: dict[str, Any], locale: str) -> str:
    lines = [
        _("<b>Check the session</b>"),
        f"🇰🇿 <b>{escape(draft['title_kk'])}</b>",
        escape(draft["description_kk"]),
        "",
        f"🇷🇺 <b>{escape(draft['title_ru'])}</b>",
        escape(draft["description_ru"]),
        "",
        _("When: {when} ({duration})").format(
            when=moment(draft["starts"], locale), duration=duration_label(draft["minutes"])
        ),
        _("Where: {place}").format(place=escape(draft["place"])),
        _("For: {where}").format(where=escape(where_for(draft["region"], locale))),
        _("Seats: {capacity}").format(capacity=draft["capacity"]),
        _("Unlocks: {skill}").format(skill=skill_label(draft["unlocks"])),
    ]
    return "\n".join(lines)


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("📣 Publish and invite"), TrainingModAction.PUBLISH)],
            [_button(_("✖️ Stop"), TrainingModAction.STOP)],
        ]
    )


def created_reply(training_id: int, told: int) -> str:
    return _(
        "Session №{number} is published; volunteers invited: {count}. Reminders go 24 hours and "
        "1 hour before. To manage it: /training {number}"
    ).format(number=training_id, count=told)


def stopped_reply() -> str:
    return _("Stopped; no session was made.")


# One session


def admin_text(training: Training, locale: str) -> str:
    status = _("Scheduled") if training.status == "scheduled" else _("Cancelled")
    lines = [
        _("📚 <b>Session №{number}</b>: {status}").format(number=training.id, status=status),
        f"🇰🇿 {escape(training.title_kk)}",
        f"🇷🇺 {escape(training.title_ru)}",
        _("When: {when} ({duration})").format(
            when=moment(training.starts_at, locale), duration=duration_label(training.minutes)
        ),
        _("Where: {place}").format(place=escape(training.place)),
        _("For: {where}").format(where=escape(where_for(training.region, locale))),
        _("Unlocks: {skill}").format(skill=skill_label(training.unlocks)),
        _("Signed up: {joined} of {capacity}; on the waiting list: {waiting}").format(
            joined=training.joined, capacity=training.capacity, waiting=training.waiting
        ),
    ]
    return "\n".join(lines)


def admin_keyboard(training: Training, started: bool) -> InlineKeyboardMarkup:
    rows = []
    if training.status == "scheduled":
        if started:
            rows.append(
                [_button(_("✅ Mark attendance"), TrainingModAction.ATTENDANCE, training.id, "0")]
            )
        else:
            rows.append(
                [
                    _button(_("🕒 Move"), TrainingModAction.MOVE, training.id),
                    _button(_("✖️ Cancel the session"), TrainingModAction.CANCEL, training.id),
                ]
            )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def recent_text(trainings: list[Training]) -> str:
    if not trainings:
        return _("No training sessions yet. A new one: /training_new")
    return _(
        "📚 <b>Training sessions</b>: the latest. Tap one to manage it; a new one: /training_new"
    )


def recent_keyboard(trainings: list[Training], locale: str) -> InlineKeyboardMarkup:
    rows = []
    for training in trainings:
        title = training.title(locale)
        title = title if len(title) <= 30 else title[:30] + "…"
        when = moment(training.starts_at, locale)
        rows.append(
            [_button(f"№{training.id} · {title} · {when}", TrainingModAction.OPEN, training.id)]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def move_prompt(training_id: int) -> str:
    return _(
        "Write the new date and time of session №{number}, Almaty time, like 25.12.2026 19:00. "
        "Everyone signed up will be told. /cancel to stop."
    ).format(number=training_id)


def moved_reply(training_id: int, when: str) -> str:
    return _(
        "Session №{number} is moved to {when}. Everyone on it is told, and the reminders are "
        "moved."
    ).format(number=training_id, when=when)


def cancel_confirm_text(training_id: int) -> str:
    return _("Cancel session №{number}? Everyone signed up will be told.").format(
        number=training_id
    )


def cancel_confirm_keyboard(training_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✖️ Yes, cancel it"), TrainingModAction.CANCEL_SURE, training_id)]
        ]
    )


def cancelled_reply(training_id: int) -> str:
    return _("Session №{number} is cancelled; everyone on it is told.").format(number=training_id)


def training_usage_text() -> str:
    return _("Write the session number after the command, for example /training 3.")


# Attendance


def attendance_text(training: Training, count: int, attended: int) -> str:
    if not count:
        return _("Nobody signed up for session №{number}.").format(number=training.id)
    return _(
        "Attendance at session №{number}: {attended} of {count}. Tap those who came; tap "
        "again to undo. Attending unlocks the session's kind of work and gives points. "
        "Volunteers are shown by number; a volunteer's card in /volunteers shows who it is."
    ).format(number=training.id, attended=attended, count=count)


def attendance_keyboard(
    training: Training, people: list[Participant], page: int
) -> InlineKeyboardMarkup:
    """Volunteers by number only: the list may be shown in a group."""
    rows = []
    start = page * ATTENDANCE_PAGE
    for person in people[start : start + ATTENDANCE_PAGE]:
        came = person.seat.status == "attended"
        label = ("✅ " if came else "▫️ ") + f"№{person.volunteer.id} · {person.volunteer.region}"
        value = f"{person.volunteer.id}-{0 if came else 1}-{page}"
        rows.append([_button(label, TrainingModAction.MARK, training.id, value)])
    pager = []
    if page > 0:
        pager.append(_button("◀️", TrainingModAction.ATTENDANCE, training.id, str(page - 1)))
    if start + ATTENDANCE_PAGE < len(people):
        pager.append(_button("▶️", TrainingModAction.ATTENDANCE, training.id, str(page + 1)))
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(inline_keyboard=rows)
