"""What moderators read: the queue, a case's history, the audit log, prompts and replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.moderation import Note
from bot.db.repositories.reports import Report
from bot.services.dates import format_local_time, from_db
from bot.services.moderation import QueuePage
from bot.services.reports import CaseView
from bot.views.callbacks import ModAction, ModCallback, QueueCallback
from bot.views.labels import area_name, status_label
from bot.views.times import thread_time

# Refusals and errors


def refusal_text() -> str:
    return _("Sorry, this is only for moderators of this case's region.")


def invalid_text(reason: str) -> str:
    texts = {
        "closed": _("This case is closed."),
        "reason_needed": _("A rejection needs a reason."),
        "duplicate_unknown": _("There is no other case with that number."),
        "same_status": _("The case already has this status."),
        "anonymous": _("This report is anonymous: its reporter cannot be identified."),
        "already_banned": _("This reporter is already blocked."),
        "not_banned": _("This reporter is not blocked."),
        "no_phone": _("This report has no phone number: it is not an open report."),
        "empty": _("The text is empty."),
        "too_long": _("The text is too long."),
        "target_scope": _("That moderator does not cover this case's region."),
        "status": _("Unknown status."),
    }
    return texts.get(reason, _("This cannot be done."))


def no_such_case_text() -> str:
    return _("No such case in your regions.")


def case_number_needed_text(command: str) -> str:
    return _(
        "Write the case number after the command, for example /{command} KZ27-000001."
    ).format(command=command)


# Prompts for the second message of a button's action


def ask_prompt(case: str) -> str:
    return _(
        "Write the question for the reporter of case {case}. It is "
        "sent without revealing anyone. /cancel to stop."
    ).format(case=case)


def note_prompt(case: str) -> str:
    return _(
        "Write an internal note for case {case}. Reporters never see notes. /cancel to stop."
    ).format(case=case)


def reject_prompt(case: str) -> str:
    return _(
        "Write the reason for rejecting case {case}. The reporter will see it. /cancel to stop."
    ).format(case=case)


def duplicate_prompt(case: str) -> str:
    return _(
        "Write the number of the case that {case} duplicates, for example "
        "KZ27-000001. /cancel to stop."
    ).format(case=case)


# Replies to acts


def taken_text() -> str:
    return _("The case is yours.")


def question_sent_text(anonymous: bool) -> str:
    if anonymous:
        return _("The question was saved. The reporter is anonymous and will see it with /check.")
    return _("The question was sent to the reporter.")


def note_saved_text() -> str:
    return _("The note was saved.")


def status_set_text(case: str, status: str) -> str:
    return _("Status of {case}: {status}.").format(case=case, status=status_label(status))


def status_usage_text() -> str:
    return _(
        "Statuses: review, need_info, forwarded, resolved, rejected [reason], "
        "duplicate [case number]."
    )


def assigned_text(case: str) -> str:
    return _("Case {case} is assigned.").format(case=case)


def no_such_moderator_text() -> str:
    return _("No such moderator. See /mods for the list.")


def phone_text(phone: str) -> str:
    """Shown in an alert, which Telegram does not parse as HTML."""
    return _("Phone number: {phone}").format(phone=phone)


def task_soon_text() -> str:
    return _("Volunteer tasks will come with the volunteers feature.")


def no_files_text(case: str) -> str:
    return _("Case {case} has no files.").format(case=case)


def files_caption(case: str) -> str:
    return _("Files of case {case}").format(case=case)


def banned_reply(case: str) -> str:
    return _(
        "The reporter of {case} can no longer file reports. They were told "
        "politely. /unban {case} undoes it."
    ).format(case=case)


def unbanned_reply(case: str) -> str:
    return _("The reporter of {case} can file reports again.").format(case=case)


# The queue


def queue_view(
    page: QueuePage, flt: QueueCallback, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        _("<b>Queue</b>: {total} open cases, page {page} of {pages}").format(
            total=page.total, page=page.page + 1, pages=page.pages
        )
    ]
    builder = InlineKeyboardBuilder()
    for report in page.reports:
        lines.append(queue_line(report, locale))
        builder.button(
            text=report.case_number,
            callback_data=ModCallback(action=ModAction.OPEN, id=report.id),
        )
    builder.adjust(2)
    if not page.reports:
        lines.append(_("Nothing here. Well done!"))
    nav = []
    if page.page > 0:
        nav.append(_nav("◀️", flt, page=page.page - 1))
    if page.page + 1 < page.pages:
        nav.append(_nav("▶️", flt, page=page.page + 1))
    if nav:
        builder.row(*nav)
    old = flt.order == "old"
    builder.row(
        _nav(
            _("Newest first") if old else _("Oldest first"),
            flt,
            page=0,
            order="new" if old else "old",
        ),
        _nav(
            _("All") if flt.who == "mine" else _("Mine"),
            flt,
            page=0,
            who="" if flt.who == "mine" else "mine",
        ),
        _nav(
            _("All") if flt.who == "free" else _("Unassigned"),
            flt,
            page=0,
            who="" if flt.who == "free" else "free",
        ),
    )
    return "\n".join(lines), builder.as_markup()


def _nav(text: str, flt: QueueCallback, **changes: object) -> InlineKeyboardButton:
    data = flt.model_copy(update=changes)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def queue_line(report: Report, locale: str) -> str:
    age = format_local_time(from_db(report.created_at), locale)
    flag = "🆕" if report.assignee is None else "👤"
    return (
        f"{flag} <b>{report.case_number}</b> · {escape(area_name(report.area, locale))}"
        f" · {status_label(report.status)} · <i>{age}</i>"
    )


# A case in full, and its audit log


def history_text(report: Report, view: CaseView, notes: Sequence[Note], locale: str) -> str | None:
    lines = []
    for change in view.history:
        when = format_local_time(from_db(change.created_at), locale)
        detail = (
            f" ({escape(change.reason or change.duplicate_of or '')})"
            if (change.reason or change.duplicate_of)
            else ""
        )
        lines.append(f"<i>{when}</i> · {status_label(change.status)}{detail}")
    for item in view.thread:
        when = thread_time(item.created_at, item.author, locale)
        who = _("Moderator") if item.author == "moderator" else _("Reporter")
        lines.append(f"<i>{when}</i> · <b>{who}:</b> {escape(item.body or '')}")
    for note in notes:
        when = format_local_time(from_db(note.created_at), locale)
        lines.append(f"<i>{when}</i> · 📝 {escape(note.body)}")
    if not lines:
        return None
    title = _("<b>History of {case}</b>").format(case=report.case_number)
    return title + "\n" + "\n".join(lines[-40:])


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: str
    who: str | None
    action: str
    old_value: str | None
    new_value: str | None


def audit_text(case: str, entries: Sequence[AuditLine], locale: str) -> str:
    lines = [_("<b>Audit log of {case}</b>").format(case=case)]
    for entry in entries:
        change = " → ".join(escape(v) for v in (entry.old_value, entry.new_value) if v)
        when = format_local_time(from_db(entry.at), locale)
        who = escape(entry.who or "—")
        lines.append(f"<i>{when}</i> · {who} · <code>{escape(entry.action)}</code> {change}")
    return "\n".join(lines[:80])


# Superadmins


def scope_text(regions: frozenset[str] | None) -> str:
    return _("all of Kazakhstan") if regions is None else ", ".join(sorted(regions))


def unknown_username_text(user: str) -> str:
    return _(
        "I have not seen {user} yet. Ask them to send /start to "
        "the bot first, or use their numeric id."
    ).format(user=escape(user))


def mod_added_text(moderator_id: int, regions: frozenset[str] | None) -> str:
    return _("Moderator #{id} added for: {scope}.").format(
        id=moderator_id, scope=scope_text(regions)
    )


def mod_add_usage() -> str:
    return _(
        "Usage: /mod_add [id or @username] [regions], for example /mod_add 123456789 KZ-27 "
        "KZ-23, or /mod_add @name all. You can also reply with /mod_add [regions] to a "
        "message forwarded from that person."
    )


def mod_remove_usage() -> str:
    return _("Usage: /mod_remove [moderator number from /mods].")


def mod_removed_text(moderator_id: int) -> str:
    return _("Moderator #{id} removed.").format(id=moderator_id)


def no_moderators_text() -> str:
    return _("There are no moderators yet. Add one with /mod_add.")


def mods_text(rows: Sequence[tuple[int, str, frozenset[str] | None]]) -> str:
    lines = [_("<b>Moderators</b>")]
    for moderator_id, name, regions in rows:
        lines.append(f"#{moderator_id} · {escape(name)} · {scope_text(regions)}")
    return "\n".join(lines)
