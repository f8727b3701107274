"""What moderators read: refusals, errors, prompts, replies, the queue and superadmins' texts.

A case's history, its audit log and the refused attempts are in views/history.py."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.reports import Report
from bot.services.dates import format_local_time, from_db
from bot.services.moderation import InvalidActionError, QueuePage
from bot.views.callbacks import ModAction, ModCallback, QueueCallback
from bot.views.labels import area_name, language_label, status_label

# Refusals: each says what the person tried, and to a citizen what they can do instead.
# `who` is "citizen" (neither a moderator nor a superadmin), "moderator" or "superadmin".


def citizen_instead_text() -> str:
    """The same sentence ends every refusal to a citizen."""
    return _("To report corruption, send /report; to follow your reports, /mytips or /check.")


def moderators_command_refused(command: str, who: str) -> str:
    """A moderators' command from someone who is not one."""
    text = _("/{command} is a command for moderators.").format(command=command)
    if who == "superadmin":
        return (
            text + " " + _("A superadmin can make anyone a moderator, also themselves: /mod_add.")
        )
    return text + " " + citizen_instead_text()


def superadmins_command_refused(command: str, who: str) -> str:
    """A superadmins' command from someone whose Telegram ID is not in ADMIN_IDS."""
    text = _("/{command} is a command for superadmins.").format(command=command)
    if who == "moderator":
        return text + " " + _("Superadmins are the Telegram IDs in the ADMIN_IDS setting.")
    return text + " " + citizen_instead_text()


def moderators_button_refused(button: str) -> str:
    """An alert (at most 200 characters): a moderator's button pressed by someone else."""
    return _("«{button}» is a button for moderators. To report corruption, send /report.").format(
        button=button
    )


def out_of_scope_text(button: str, case: str) -> str:
    """An alert: a moderator pressed a button of a case in a region they do not cover."""
    return _("«{button}»: case {case} is in a region you do not cover.").format(
        button=button, case=case
    )


def typed_refused_text() -> str:
    return _("This was not saved: you can no longer act on this case.")


def invalid_text(error: InvalidActionError | str) -> str:
    reason = error if isinstance(error, str) else error.reason
    if isinstance(error, InvalidActionError) and reason == "too_long":
        return too_long_text(error.length, error.maximum)
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
        "target_scope": _("That moderator does not cover this case's region."),
        "status": _("Unknown status."),
    }
    return texts.get(reason, _("This cannot be done."))


def too_long_text(length: int, maximum: int) -> str:
    return _(
        "The text is too long: {length} characters, at most {maximum} fit. Please shorten it."
    ).format(length=length, maximum=maximum)


def send_again_text() -> str:
    """After a typed text was refused: the prompt is still open."""
    return _("Send it again as a reply to this message, or /cancel to stop.")


def no_such_case_text() -> str:
    return _("No such case in your regions.")


def case_number_needed_text(command: str) -> str:
    return _(
        "Write the case number after the command, for example /{command} KZ27-000001."
    ).format(command=command)


# Prompts for the second message of a button's action


def ask_prompt(case: str, reporter_locale: str | None, maximum: int) -> str:
    return _(
        "Write the question for the reporter of case {case}, at most {maximum} characters. "
        "The reporter reads {language}: write in it if you can. The question is sent without "
        "revealing anyone. /cancel to stop."
    ).format(case=case, maximum=maximum, language=language_label(reporter_locale))


def note_prompt(case: str, maximum: int) -> str:
    return _(
        "Write an internal note for case {case}, at most {maximum} characters. Reporters "
        "never see notes. /cancel to stop."
    ).format(case=case, maximum=maximum)


def reject_prompt(case: str, maximum: int) -> str:
    return _(
        "Write the reason for rejecting case {case}, at most {maximum} characters. The "
        "reporter will see it. /cancel to stop."
    ).format(case=case, maximum=maximum)


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


def status_usage_text(maximum: int) -> str:
    return (
        _(
            "Statuses: review, need_info, forwarded, resolved, rejected [reason], "
            "duplicate [case number]."
        )
        + " "
        + _("A rejection reason takes at most {maximum} characters.").format(maximum=maximum)
    )


def ask_usage_text(maximum: int) -> str:
    return _(
        "Write the question after the case number, at most {maximum} characters: "
        "/ask KZ27-000001 Which school is it?"
    ).format(maximum=maximum)


def note_usage_text(maximum: int) -> str:
    return _(
        "Write the note after the case number, at most {maximum} characters: "
        "/note KZ27-000001 Check the contract."
    ).format(maximum=maximum)


def assign_usage_text() -> str:
    return _(
        "Usage: /assign [case number] me, or a moderator's number from /mods, or their "
        "@username. The number is written in digits: /assign KZ27-000001 2."
    )


def assigned_text(case: str) -> str:
    return _("Case {case} is assigned.").format(case=case)


def no_such_moderator_text() -> str:
    return _("No such moderator. See /mods for the list.")


def phone_text(phone: str) -> str:
    """Shown in an alert, which Telegram does not parse as HTML."""
    return _("Phone number: {phone}").format(phone=phone)


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
        "Usage: /mod_add [Telegram ID or @username] [regions], for example /mod_add 123456789 "
        "KZ-27 KZ-23, or /mod_add @name all. A Telegram ID is written in digits only. You can "
        "also reply with /mod_add [regions] to a message forwarded from that person."
    )


def mod_remove_usage() -> str:
    return _("Usage: /mod_remove [moderator number from /mods], in digits: /mod_remove 2.")


def mod_removed_text(moderator_id: int) -> str:
    return _("Moderator #{id} removed.").format(id=moderator_id)


def no_moderators_text() -> str:
    return _("There are no moderators yet. Add one with /mod_add.")


def ban_tag_usage() -> str:
    return _(
        "Usage: /ban_tag [tag], with the tag of a refused attempt as /audit shows it, for "
        "example /ban_tag 3fa91c0e. /unban_tag [tag] lifts the restriction."
    )


def tag_banned_text(tag: str) -> str:
    return _(
        "The person with tag {tag} can no longer file new reports. They were told politely. "
        "/unban_tag {tag} lifts the restriction."
    ).format(tag=tag)


def tag_unbanned_text(tag: str) -> str:
    return _("The person with tag {tag} can file reports again.").format(tag=tag)


def tag_error_text(reason: str, typed: str) -> str:
    if reason == "format":
        return ban_tag_usage()
    texts = {
        "unknown": _(
            "No refused attempt has the tag {tag}, or that person has not started the bot. "
            "Type the tag as /audit shows it."
        ),
        "moderator": _("The tag {tag} belongs to a moderator: use /mod_remove instead."),
        "already_banned": _("The person with tag {tag} is already restricted."),
        "not_banned": _("The person with tag {tag} is not restricted."),
    }
    return texts.get(reason, _("This cannot be done.")).format(tag=escape(typed))


def addressed_to(user_id: int, first_name: str, text: str) -> str:
    """A message in the moderators' group meant for one of them: their name, linked, first."""
    return f'<a href="tg://user?id={user_id}">{escape(first_name)}</a>\n{text}'
