"""The long views of moderation, in pages that fit Telegram: a case's history (what happened
in full, status changes, the questions and answers, internal notes), its audit log, the
refused attempts, and the list of moderators.

Each page is one message. A case's history and audit log are numbered from the oldest part
(page 0) and open on the newest; the refused attempts are read newest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.moderation import Note
from bot.db.repositories.reports import Report
from bot.services.refusals import RefusalPage, shown_tag
from bot.services.reports import CaseView
from bot.views.callbacks import PageAction, PageCallback
from bot.views.cards import NAME_CHARS, description_cut
from bot.views.labels import files_label, status_label
from bot.views.moderation import scope_text
from bot.views.pages import Line, clip, paginate, titled
from bot.views.times import exact_time, hour_range, thread_time

AUDIT_VALUE_CHARS = 200  # a question or a note in the audit log; /case has the whole text
# Audit rows written to the hour (see services/refusals.py and services/reports.py).
_HOURLY = ("filed", "reporter_added")


def page_note(page: int, pages: int) -> str:
    """«page 2 of 5» after a title; nothing when everything fits one page."""
    if pages <= 1:
        return ""
    return " · " + _("page {page} of {pages}").format(page=page, pages=pages)


def pages_keyboard(action: PageAction, item: int, page: int, pages: int) -> InlineKeyboardMarkup:
    """◀️ and ▶️ between pages counted from 0; no buttons for a single page."""
    row = []
    if page > 0:
        data = PageCallback(action=action, id=item, page=page - 1).pack()
        row.append(InlineKeyboardButton(text="◀️", callback_data=data))
    if page + 1 < pages:
        data = PageCallback(action=action, id=item, page=page + 1).pack()
        row.append(InlineKeyboardButton(text="▶️", callback_data=data))
    return InlineKeyboardMarkup(inline_keyboard=[row] if row else [])


# A case's history


def history_pages(
    report: Report, view: CaseView, notes: Sequence[Note], names: Mapping[int, str], locale: str
) -> list[str]:
    lines: list[Line] = []
    if description_cut(report):
        section = _("<b>What happened, in full</b>")
        lines.append(Line("", report.description, section=section))
    section = _("<b>Status changes</b>")
    for change in view.history:
        head = f"<i>{exact_time(change.created_at, locale)}</i> · {status_label(change.status)}"
        comment = change.reason or change.duplicate_of
        lines.append(Line(head + (": " if comment else ""), comment or "", section=section))
    section = _("<b>Questions and answers</b>")
    for item in view.thread:
        when = thread_time(item.created_at, item.author, locale)
        who = _("Moderator") if item.author == "moderator" else _("Reporter")
        files = " 📎 " + files_label(item.files) if item.files else ""
        lines.append(Line(f"<i>{when}</i> · <b>{who}:</b> ", item.body or "", files, section))
    section = _("<b>Internal notes</b>")
    for note in notes:
        name = escape(clip(names.get(note.moderator_id, f"#{note.moderator_id}"), NAME_CHARS))
        head = f"<i>{exact_time(note.created_at, locale)}</i> · 📝 <b>{name}:</b> "
        lines.append(Line(head, note.body, section=section))

    def title(page: int, pages: int) -> str:
        return _("<b>History of {case}</b>").format(case=report.case_number) + page_note(
            page, pages
        )

    return titled(paginate(lines), title)


# A case's audit log


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: str
    who: str | None  # a moderator's name
    action: str
    old_value: str | None
    new_value: str | None
    tag: str | None = None  # a refused non-moderator (see services/refusals.py)


def audit_pages(case: str, entries: Sequence[AuditLine], locale: str) -> list[str]:
    lines = []
    for entry in entries:
        hourly = entry.action in _HOURLY or entry.tag is not None
        when = hour_range(entry.at, locale) if hourly else exact_time(entry.at, locale)
        who = _tag(entry.tag) if entry.tag else escape(clip(entry.who or "—", NAME_CHARS))
        change = " → ".join(
            clip(v, AUDIT_VALUE_CHARS) for v in (entry.old_value, entry.new_value) if v
        )
        head = f"<i>{when}</i> · {who} · <code>{escape(entry.action)}</code> "
        lines.append(Line(head, change))

    def title(page: int, pages: int) -> str:
        return _("<b>Audit log of {case}</b>").format(case=case) + page_note(page, pages)

    return titled(paginate(lines), title)


def _tag(tag: str) -> str:
    return f"🏷 <code>{escape(shown_tag(tag))}</code>"


# Refused attempts


def refusals_text(page: RefusalPage, names: Mapping[int, str], locale: str) -> str:
    lines = [
        _("<b>Refused attempts</b>") + page_note(page.page + 1, page.pages),
        _(
            "A tag stands for one person who is not a moderator; their attempts are kept to the "
            "hour. A superadmin can restrict that person's filing: /ban_tag TAG."
        ),
        "",
    ]
    for row in page.rows:
        if row.actor is None:
            when = hour_range(row.at, locale)
            who = _tag(row.tag) if row.tag else "—"
        else:
            when = exact_time(row.at, locale)
            who = escape(clip(names.get(row.actor, f"#{row.actor}"), NAME_CHARS))
        case = f" · {escape(row.case_number)}" if row.case_number else ""
        lines.append(f"<i>{when}</i> · {who} · <code>{escape(row.action)}</code>{case}")
    if not page.rows:
        lines.append(_("No refused attempts."))
    return "\n".join(lines)


# Superadmins: the list of moderators, in as many messages as it takes


def mods_pages(rows: Sequence[tuple[int, str, frozenset[str] | None]]) -> list[str]:
    lines = [
        Line(f"#{moderator_id} · ", clip(name, NAME_CHARS), f" · {scope_text(regions)}")
        for moderator_id, name, regions in rows
    ]

    def title(page: int, pages: int) -> str:
        return _("<b>Moderators</b>") + page_note(page, pages)

    return titled(paginate(lines), title)
