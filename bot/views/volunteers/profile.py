"""/me and /top: the volunteer's profile, choices and points, and the most active."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.db.repositories.trainings import Training
from bot.db.repositories.volunteers import Standing, Volunteer
from bot.services.volunteers.people import Identity
from bot.services.volunteers.recognition import TopEntry
from bot.services.volunteers.rules import POINTS_FINDINGS_ACCEPTED, POINTS_TRAINING_ATTENDED
from bot.views.callbacks import VolAction, VolCallback
from bot.views.labels import region_name
from bot.views.volunteers.labels import (
    availability_label,
    moment,
    seat_label,
    skills_label,
    volunteer_number,
    volunteer_status_label,
)


@dataclass(frozen=True, slots=True)
class Profile:
    volunteer: Volunteer
    identity: Identity
    unlocked: set[str]
    tasks: dict[str, int]  # task status -> count
    trainings: list[tuple[Training, str]]
    standing: Standing
    points: int


def not_volunteer_text() -> str:
    return _("You are not a volunteer yet. To apply: /volunteer")


def points_rules_text() -> str:
    return _(
        "How points are counted: accepted findings +{findings}, an attended training session "
        "+{training}."
    ).format(findings=POINTS_FINDINGS_ACCEPTED, training=POINTS_TRAINING_ATTENDED)


def profile_text(profile: Profile, locale: str) -> str:
    volunteer, who = profile.volunteer, profile.identity
    lines = [
        _("👤 <b>Your volunteer profile</b> {number}").format(
            number=volunteer_number(volunteer.id)
        ),
        _("Status: {status}").format(status=volunteer_status_label(volunteer.status)),
        _("Name: {name}").format(name=escape(who.name)),
        _("Region: {region}").format(region=escape(region_name(volunteer.region, locale))),
        _("Phone number: {phone}").format(phone=escape(who.phone)),
        _("Kinds of work: {skills}").format(skills=skills_label(volunteer.skills)),
        _("Free time: {availability}").format(
            availability=availability_label(volunteer.availability)
        ),
        _("Trained for: {skills}").format(skills=skills_label(sorted(profile.unlocked))),
    ]
    if volunteer.status in ("active", "paused"):
        held = sum(profile.tasks.get(s, 0) for s in ("offered", "in_progress", "submitted"))
        lines += [
            "",
            _("<b>Tasks:</b> in hand {held}, done {done}. /tasks").format(
                held=held, done=profile.tasks.get("done", 0)
            ),
        ]
        if profile.trainings:
            lines.append(_("<b>Training sessions:</b>"))
            lines += [
                f"• «{escape(t.title(locale))}», {moment(t.starts_at, locale)}: {seat_label(s)}"
                for t, s in profile.trainings
            ]
        lines += [
            "",
            _("<b>Points:</b> {points}").format(points=profile.points),
            points_rules_text(),
            _("Thank-you letters: {count}").format(count=profile.standing.letters),
            _("Your name in the list of the most active (/top): shown.")
            if volunteer.show_name
            else _("Your name in the list of the most active (/top): hidden."),
        ]
    return "\n".join(lines)


def _button(text: str, action: VolAction, value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=VolCallback(action=action, value=value).pack()
    )


def profile_keyboard(volunteer: Volunteer) -> InlineKeyboardMarkup:
    rows = []
    if volunteer.status == "active":
        rows.append([_button(_("⏸ Pause"), VolAction.PAUSE)])
    elif volunteer.status == "paused":
        rows.append([_button(_("▶️ Resume"), VolAction.RESUME)])
    if volunteer.status in ("active", "paused"):
        if volunteer.show_name:
            rows.append([_button(_("🙈 Hide my name in /top"), VolAction.SHOW_NAME, "0")])
        else:
            rows.append([_button(_("🏷 Show my name in /top"), VolAction.SHOW_NAME, "1")])
        rows.append([_button(_("🚪 Stop volunteering"), VolAction.LEAVE)])
    rows.append([_button(_("🗑 Delete my data"), VolAction.DELETE)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def leave_confirm_text() -> str:
    return _(
        "Stop volunteering? Tasks you hold go back to the moderators. Your data stays until "
        "you delete it, and you can apply again with /volunteer."
    )


def leave_confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("🚪 Yes, stop"), VolAction.LEAVE_SURE)],
            [_button(_("↩️ No, stay"), VolAction.KEEP)],
        ]
    )


def delete_confirm_text() -> str:
    return _(
        "Delete your volunteer data? Your name, phone number, kinds of work, training "
        "sign-ups, points and thank-you letters are deleted for good, and tasks you hold go "
        "back to the moderators. Findings the moderators already accepted stay with their "
        "tasks without your name; the region keeps only anonymous counts."
    )


def delete_confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("🗑 Yes, delete"), VolAction.DELETE_SURE)],
            [_button(_("↩️ No, keep"), VolAction.KEEP)],
        ]
    )


def deleted_text() -> str:
    return _(
        "Your volunteer data is deleted. Thank you for your help. You can apply again at any "
        "time: /volunteer"
    )


def left_text() -> str:
    return _("You have stopped volunteering. Thank you for your help. To come back: /volunteer")


def paused_text() -> str:
    return _("Paused: no new tasks or invitations will come. Resume in /me.")


def resumed_text() -> str:
    return _("Welcome back: tasks and invitations will come again.")


def name_shown_text(show: bool) -> str:
    if show:
        return _("Your name will be shown in /top.")
    return _("Your name is hidden in /top: you appear as a volunteer from your region.")


def kept_text() -> str:
    return _("Nothing was changed.")


# /top


def top_text(entries: list[TopEntry], region: str | None, locale: str) -> str:
    where = region_name(region, locale) if region else _("All of Kazakhstan")
    lines = [_("🏆 <b>The most active volunteers</b>: {where}").format(where=escape(where)), ""]
    if not entries:
        lines.append(
            _(
                "Nobody has points here yet. Points come for accepted findings and attended "
                "training sessions."
            )
        )
    for place, entry in enumerate(entries, 1):
        who = (
            escape(entry.name)
            if entry.name
            else _("a volunteer from {region}").format(
                region=escape(region_name(entry.region, locale))
            )
        )
        line = ngettext(
            "{place}. {who}: {points} point", "{place}. {who}: {points} points", entry.points
        ).format(place=place, who=who, points=entry.points)
        lines.append(line + (" " + _("(you)") if entry.me else ""))
    lines += ["", points_rules_text()]
    return "\n".join(lines)


def top_keyboard(region: str | None) -> InlineKeyboardMarkup:
    value, label = ("all", _("🇰🇿 All of Kazakhstan")) if region else ("region", _("📍 My region"))
    return InlineKeyboardMarkup(inline_keyboard=[[_button(label, VolAction.TOP, value)]])
