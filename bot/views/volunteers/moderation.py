"""Volunteers as moderators see them: applications, a volunteer's card, /volunteers.

No card or list shows a name or phone number: they appear only in an alert (seen by the
moderator who pressed, never by a group) after «👤 Name and phone», and that is audited."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.volunteers import Standing, Volunteer
from bot.services.dates import format_day
from bot.services.volunteers.people import Identity, VolunteerPage
from bot.services.volunteers.rules import MAX_LETTER_REASON, MAX_REASON
from bot.views.callbacks import VolModAction, VolModCallback
from bot.views.labels import region_name
from bot.views.volunteers.labels import (
    availability_label,
    skills_label,
    volunteer_status_label,
)

STATUS_FILTERS = ("pending", "active", "paused")


def _button(text: str, action: VolModAction, volunteer_id: int = 0, **extra: object):
    data = VolModCallback(action=action, id=volunteer_id, **extra).pack()  # type: ignore[arg-type]
    return InlineKeyboardButton(text=text, callback_data=data)


def _facts(volunteer: Volunteer, locale: str) -> list[str]:
    return [
        _("Region: {region}").format(region=escape(region_name(volunteer.region, locale))),
        _("Kinds of work: {skills}").format(skills=skills_label(volunteer.skills)),
        _("Free time: {availability}").format(
            availability=availability_label(volunteer.availability)
        ),
        _("Applied: {day}").format(
            day=format_day(date.fromisoformat(volunteer.applied_on), locale)
        ),
    ]


def application_card(volunteer: Volunteer, locale: str) -> str:
    return "\n".join(
        [
            _("🤝 <b>Volunteer application №{number}</b>").format(number=volunteer.id),
            *_facts(volunteer, locale),
            "",
            _("Only moderators of the region see the name and phone number: «👤 Name and phone»."),
        ]
    )


def application_keyboard(volunteer_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(_("✅ Approve"), VolModAction.APPROVE, volunteer_id),
                _button(_("❌ Reject"), VolModAction.REJECT, volunteer_id),
            ],
            [_button(_("👤 Name and phone"), VolModAction.IDENTITY, volunteer_id)],
        ]
    )


def volunteer_card(
    volunteer: Volunteer, standing: Standing, points: int, unlocked: set[str], locale: str
) -> str:
    return "\n".join(
        [
            _("🤝 <b>Volunteer №{number}</b>").format(number=volunteer.id),
            _("Status: {status}").format(status=volunteer_status_label(volunteer.status)),
            *_facts(volunteer, locale),
            _("Trained for: {skills}").format(skills=skills_label(sorted(unlocked))),
            _(
                "Points: {points} (accepted findings: {findings}, training sessions: {trainings})"
            ).format(points=points, findings=standing.findings, trainings=standing.trainings),
            _("Thank-you letters: {count}").format(count=standing.letters),
        ]
    )


def volunteer_keyboard(volunteer: Volunteer) -> InlineKeyboardMarkup:
    rows = []
    if volunteer.status == "pending":
        rows.append(
            [
                _button(_("✅ Approve"), VolModAction.APPROVE, volunteer.id),
                _button(_("❌ Reject"), VolModAction.REJECT, volunteer.id),
            ]
        )
    rows.append([_button(_("👤 Name and phone"), VolModAction.IDENTITY, volunteer.id)])
    if volunteer.status in ("active", "paused"):
        rows.append([_button(_("🏅 Thank-you letter"), VolModAction.LETTER, volunteer.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def identity_alert(identity: Identity) -> str:
    """Shown in an alert, which Telegram does not parse as HTML."""
    return f"{identity.name}\n{identity.phone}"


def status_filter_label(status: str) -> str:
    return {
        "pending": _("⏳ Applications"),
        "active": _("✅ Active"),
        "paused": _("⏸ On a pause"),
        "": _("All"),
    }[status]


def list_text(page: VolunteerPage, status: str, region: str, skill: str, locale: str) -> str:
    lines = [_("🤝 <b>Volunteers</b>: {which}").format(which=status_filter_label(status))]
    if region:
        lines.append(_("Region: {region}").format(region=escape(region_name(region, locale))))
    if skill:
        lines.append(_("Kinds of work: {skills}").format(skills=skills_label((skill,))))
    if page.total == 0:
        lines.append(_("Nobody here."))
    else:
        lines.append(
            _("Found: {total}. Page {page} of {pages}. Tap a number to open the card.").format(
                total=page.total, page=page.page + 1, pages=page.pages
            )
        )
    lines.append(
        _(
            "Filters: /volunteers pending, active or paused; a region code (KZ-27); a kind of "
            "work (procurement, construction, land, ecology, legal, social, media)."
        )
    )
    return "\n".join(lines)


def list_keyboard(
    page: VolunteerPage, status: str, region: str, skill: str
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                ("• " if value == status else "") + status_filter_label(value),
                VolModAction.PAGE,
                status=value,
                region=region,
                skill=skill,
            )
            for value in (*STATUS_FILTERS, "")
        ]
    ]
    for volunteer in page.volunteers:
        label = (
            f"№{volunteer.id} · {volunteer.region} · {volunteer_status_label(volunteer.status)}"
        )
        rows.append([_button(label, VolModAction.CARD, volunteer.id)])
    pager = []
    if page.page > 0:
        pager.append(
            _button(
                "◀️",
                VolModAction.PAGE,
                status=status,
                region=region,
                skill=skill,
                page=page.page - 1,
            )
        )
    if page.page + 1 < page.pages:
        pager.append(
            _button(
                "▶️",
                VolModAction.PAGE,
                status=status,
                region=region,
                skill=skill,
                page=page.page + 1,
            )
        )
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def reject_prompt(volunteer_id: int) -> str:
    return _(
        "Write the reason for rejecting application №{number} (at most {limit} characters). "
        "The applicant will read it. /cancel to stop."
    ).format(number=volunteer_id, limit=MAX_REASON)


def letter_prompt(volunteer_id: int) -> str:
    return _(
        "🏅 A thank-you letter for volunteer №{number}. Write in a few words what they did; "
        "it goes into the letter (at most {limit} characters). /cancel to stop."
    ).format(number=volunteer_id, limit=MAX_LETTER_REASON)


def approved_reply(volunteer_id: int) -> str:
    return _("Application №{number} is approved; the volunteer is told.").format(
        number=volunteer_id
    )


def rejected_reply(volunteer_id: int) -> str:
    return _("Application №{number} is rejected; the applicant is told the reason.").format(
        number=volunteer_id
    )


def letter_reply(volunteer_id: int) -> str:
    return _("The thank-you letter is made; volunteer №{number} will get it as a PDF.").format(
        number=volunteer_id
    )


def approved_notice() -> str:
    return _(
        "🎉 Your volunteer application is approved. Welcome!\n\n"
        "/tasks: tasks for the volunteers of your region\n"
        "/trainings: training sessions\n"
        "/me: your profile and points"
    )


def rejected_notice(reason: str) -> str:
    return _(
        "Your volunteer application was not approved.\nReason: {reason}\n"
        "You can apply again: /volunteer"
    ).format(reason=escape(reason))


def letter_caption() -> str:
    return _("🏅 A thank-you letter from the anti-corruption volunteer movement. Thank you!")
