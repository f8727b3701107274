"""What is wrong with an input or an action, and what to do next."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.volunteers.errors import NextSession
from bot.views.volunteers.labels import moment_of, skill_label


def input_error_text(reason: str, details: dict[str, int]) -> str:
    texts = {
        "too_long": _("That is {length} characters; the limit is {maximum}. Please shorten it."),
        "too_short": _("The text is empty or too short. Please write it again."),
        "name_short": _("Please write your first name and surname in letters."),
        "name_chars": _(
            "A name may hold only letters, spaces, hyphens and apostrophes. Please write it again."
        ),
        "phone": _(
            "This does not look like a phone number. Type it like +7 701 123 45 67 or "
            "8 701 123 45 67, or use the button below."
        ),
        "phone_not_kz": _(
            "Please give a Kazakhstan number: +7 7XX XXX XX XX. Or share your number with the "
            "button below."
        ),
        "moment": _("Write the date and time like 25.12.2026 19:00 (Almaty time)."),
        "moment_time": _("Add the time, like 25.12.2026 19:00 (Almaty time)."),
        "moment_past": _("This moment has already passed. Please write a later one."),
        "moment_far": _("This is more than a year ahead. Please write an earlier date."),
        "number": _("Write a whole number from 1 to {maximum}."),
    }
    text = texts.get(reason, _("This does not fit. Please try again."))
    return text.format(**details) if details else text


def action_error_text(reason: str) -> str:
    texts = {
        "already": _("You are already a volunteer or your application is being reviewed: /me."),
        "decided": _("This application has already been decided."),
        "status": _("This cannot be done in the current state."),
        "state": _("This task has changed meanwhile. Open it again: /tasks."),
        "gone": _("This is no longer available."),
        "taken": _(
            "Another volunteer took this task a moment earlier. Thank you for being quick; "
            "other tasks are in /tasks."
        ),
        "not_active": _("This is for active volunteers. If you paused, resume in /me first."),
        "volunteer": _(
            "That volunteer is not active in this task's region. See /volunteers for numbers."
        ),
        "deadline": _("The deadline must be in the future and at most a year ahead."),
        "moment": _("The time must be in the future and at most a year ahead."),
        "skill": _("Unknown kind of work."),
        "region": _("Unknown region."),
        "incomplete": _("Something is missing. Please start again."),
        "no_case": _("These findings cannot be attached: the task has no source case."),
        "attached": _("These findings are already attached to the case."),
        "cancelled": _("This session has been cancelled."),
        "not_started": _("Attendance can be marked once the session has started."),
        "files": _("Too many files."),
    }
    return texts.get(reason, _("This cannot be done."))


def training_needed_text(skill: str, session: NextSession | None, locale: str) -> str:
    text = _(
        "Tasks of the kind «{skill}» need the training session on it first: it shows how to "
        "do such checks safely and correctly."
    ).format(skill=skill_label(skill))
    if session is None:
        return (
            text
            + "\n"
            + _("No session is scheduled yet. Moderators will announce one; see /trainings.")
        )
    title = session.title_ru if locale == "ru" else session.title_kk
    return (
        text
        + "\n"
        + _("The next session: «{title}», {when}. Join it in /trainings.").format(
            title=escape(title), when=moment_of(session.starts_at, locale)
        )
    )


def volunteer_action_refused_text() -> str:
    """A moderators' volunteer action refused (and audited) by the service."""
    return _("Only the moderators of the region concerned can do this.")
