"""Training sessions as volunteers see them: the list, one session, invitations, notices."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.trainings import Training
from bot.views.callbacks import TrainingAction, TrainingCallback
from bot.views.labels import region_name
from bot.views.volunteers.labels import moment, seat_label, skill_label

TITLE_IN_BUTTON = 40


def duration_label(minutes: int) -> str:
    return _("{minutes} min").format(minutes=minutes)


def where_for(region: str | None, locale: str) -> str:
    return region_name(region, locale) if region else _("All of Kazakhstan")


def session_lines(
    title: str, starts: str, minutes: int, place: str, unlocks: str | None, locale: str
) -> list[str]:
    lines = [
        f"📚 <b>{escape(title)}</b>",
        _("When: {when} ({duration})").format(
            when=moment(starts, locale), duration=duration_label(minutes)
        ),
        _("Where: {place}").format(place=escape(place)),
    ]
    if unlocks:
        lines.append(
            _("After it, tasks of the kind «{skill}» are open to you.").format(
                skill=skill_label(unlocks)
            )
        )
    return lines


def training_text(training: Training, seat: str | None, locale: str) -> str:
    lines = session_lines(
        training.title(locale),
        training.starts_at,
        training.minutes,
        training.place,
        training.unlocks,
        locale,
    )
    lines += [
        _("For: {where}").format(where=escape(where_for(training.region, locale))),
        _("Free seats: {free} of {capacity}; on the waiting list: {waiting}").format(
            free=training.free, capacity=training.capacity, waiting=training.waiting
        ),
        _("Your answer: {answer}").format(answer=seat_label(seat)),
        "",
        escape(training.description(locale)),
    ]
    return "\n".join(lines)


def _button(text: str, action: TrainingAction, training_id: int) -> InlineKeyboardButton:
    data = TrainingCallback(action=action, id=training_id).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def join_button(training_id: int) -> InlineKeyboardButton:
    return _button(_("✅ I will come"), TrainingAction.JOIN, training_id)


def cant_button(training_id: int) -> InlineKeyboardButton:
    return _button(_("🙅 I cannot come"), TrainingAction.CANT, training_id)


def training_keyboard(training: Training, seat: str | None) -> InlineKeyboardMarkup:
    if seat in ("joined", "waiting"):
        row = [cant_button(training.id)]
    elif seat == "declined":
        row = [join_button(training.id)]
    else:
        row = [join_button(training.id), cant_button(training.id)]
    return InlineKeyboardMarkup(inline_keyboard=[row])


def invite_keyboard(training_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [join_button(training_id), cant_button(training_id)],
            [_button(_("📄 Details"), TrainingAction.OPEN, training_id)],
        ]
    )


def list_text(sessions: list[tuple[Training, str | None]], locale: str) -> str:
    if not sessions:
        return _(
            "No training sessions are scheduled for your region yet. The bot will tell you "
            "when one is."
        )
    lines = [_("📚 <b>Training sessions</b>"), ""]
    lines += [
        f"• «{escape(t.title(locale))}», {moment(t.starts_at, locale)}: {seat_label(s)}"
        for t, s in sessions
    ]
    return "\n".join(lines)


def list_keyboard(
    sessions: list[tuple[Training, str | None]], locale: str
) -> InlineKeyboardMarkup:
    rows = []
    for training, _seat in sessions:
        title = training.title(locale)
        if len(title) > TITLE_IN_BUTTON:
            title = title[:TITLE_IN_BUTTON] + "…"
        rows.append([_button(f"📚 {title}", TrainingAction.OPEN, training.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


# Replies


def joined_text() -> str:
    return _("✅ You are signed up. A calendar file for your phone follows.")


def already_text() -> str:
    return _("You are already signed up.")


def full_text() -> str:
    return _(
        "The session is full. Join the waiting list? If a seat comes free, it goes to the "
        "first on the list, and the bot will tell you."
    )


def full_keyboard(training_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("⏳ Join the waiting list"), TrainingAction.WAIT, training_id)]
        ]
    )


def waiting_text(place: int) -> str:
    return _("You are on the waiting list, number {place}.").format(place=place)


def cant_text() -> str:
    return _("Noted: you cannot come. Thank you for saying so.")


# Notices (the outbox's kinds)


def _title(payload: dict[str, Any], locale: str) -> str:
    return str(payload.get("title_ru") if locale == "ru" else payload.get("title_kk"))


def _lines(payload: dict[str, Any], locale: str) -> list[str]:
    return session_lines(
        _title(payload, locale),
        str(payload["starts"]),
        int(payload.get("minutes") or 0),
        str(payload.get("place", "")),
        payload.get("unlocks"),
        locale,
    )


def invite_text(payload: dict[str, Any], locale: str) -> str:
    lines = [_("<b>A training session for volunteers</b>"), *_lines(payload, locale)]
    lines.append(_("For: {where}").format(where=escape(where_for(payload.get("region"), locale))))
    return "\n".join(lines)


def invite_question() -> str:
    return _("Will you come?")


def invite_in_group() -> str:
    return _("To sign up, send /trainings to the bot in a private chat.")


def reminder_text(payload: dict[str, Any], locale: str) -> str:
    title, when = escape(_title(payload, locale)), moment(str(payload["starts"]), locale)
    if payload.get("before") == "1h":
        text = _("⏰ Starting soon: the training session «{title}», {when}.")
    else:
        text = _("⏰ Reminder: the training session «{title}» is on {when}.")
    place = _("Where: {place}").format(place=escape(str(payload.get("place", ""))))
    return text.format(title=title, when=when) + "\n" + place


def moved_text(payload: dict[str, Any], locale: str) -> str:
    return _("🕒 The training session «{title}» has moved to {when}. Where: {place}").format(
        title=escape(_title(payload, locale)),
        when=moment(str(payload["starts"]), locale),
        place=escape(str(payload.get("place", ""))),
    )


def cancelled_text(payload: dict[str, Any], locale: str) -> str:
    return _("✖️ The training session «{title}» on {when} is cancelled.").format(
        title=escape(_title(payload, locale)), when=moment(str(payload["starts"]), locale)
    )


def seat_freed_text(payload: dict[str, Any], locale: str) -> str:
    return _(
        "🎉 A seat came free, and it is yours: you are signed up for «{title}», {when}. "
        "Where: {place}. A calendar file follows."
    ).format(
        title=escape(_title(payload, locale)),
        when=moment(str(payload["starts"]), locale),
        place=escape(str(payload.get("place", ""))),
    )


def attended_text(payload: dict[str, Any], locale: str) -> str:
    text = _("✅ Thank you for attending «{title}». +{points} points.").format(
        title=escape(_title(payload, locale)), points=payload.get("points", 0)
    )
    if payload.get("unlocks"):
        text += "\n" + _("Tasks of the kind «{skill}» are now open to you: /tasks").format(
            skill=skill_label(str(payload["unlocks"]))
        )
    return text


def calendar_caption(title: str) -> str:
    return _("📅 Open this file to add «{title}» to your phone's calendar.").format(
        title=escape(title)
    )
