"""A case card for moderators: its text and its buttons.

The card must fit one message whatever the case holds: the description is cut (the whole of
it opens /case's history), and the other fields the reporter typed are capped as when they
were typed, again here in case older rows hold more. The buttons are those that apply to the
case's state and to whoever looks at this copy (see `card_keyboard`)."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.reports import Report
from bot.domain import CLOSED_STATUSES
from bot.services.amounts import format_tenge
from bot.services.dates import format_day, from_db
from bot.services.drafts import MAX_INVOLVED, MAX_SETTLEMENT
from bot.views.callbacks import ModAction, ModCallback
from bot.views.labels import (
    anonymity_label,
    area_name,
    files_label,
    language_label,
    region_name,
    status_label,
    when_label,
)
from bot.views.pages import clip

CARD_DESCRIPTION_CHARS = 2500  # the card must fit one message; /case shows the full text
NAME_CHARS = 150  # a Telegram name is at most 64 + 64 characters, and the number follows


def description_cut(report: Report) -> bool:
    """Whether the card shows only the beginning of the description."""
    return len(report.description) > CARD_DESCRIPTION_CHARS


def erased_case_text(erased_on: str, locale: str) -> str:
    """In place of an erased case's description (moderators; see bot/services/retention.py)."""
    return _(
        "<i>Erased on {date} under the retention policy: a closed case keeps its text, place, "
        "files, contact details and thread for a limited time. Its number, region, area, "
        "status and dates remain for the statistics.</i>"
    ).format(date=format_day(date.fromisoformat(erased_on), locale))


def card_text(report: Report, evidence: int, assignee: str | None, locale: str) -> str:
    description = report.description
    if description_cut(report):
        description = description[:CARD_DESCRIPTION_CHARS] + "…"
    body = escape(description)
    if report.erased_on:
        body = erased_case_text(report.erased_on, locale)
    place = f", {escape(clip(report.settlement, MAX_SETTLEMENT))}" if report.settlement else ""
    amount = format_tenge(report.amount, locale) if report.amount else "—"
    lines = [
        f"<b>{report.case_number}</b> · {status_label(report.status)}",
        _("<b>Region:</b> {value}").format(value=escape(region_name(report.region, locale)))
        + place,
        _("<b>Area:</b> {value}").format(value=escape(area_name(report.area, locale))),
        _("<b>When:</b> {value}").format(value=escape(when_label(report.occurred, locale))),
        _("<b>Amount:</b> {value}").format(value=amount),
        _("<b>Who is involved:</b> {value}").format(
            value=escape(clip(report.involved or "—", MAX_INVOLVED))
        ),
        _("<b>Files:</b> {value}").format(value=files_label(evidence)),
        _("<b>Reporting mode:</b> {value}").format(value=anonymity_label(report.anonymity)),
        _("<b>Reporter's language:</b> {value}").format(value=language_label(report.locale)),
        _("<b>Filed:</b> {value}").format(
            value=format_day(from_db(report.created_at).date(), locale)
        ),
        _("<b>Assigned to:</b> {value}").format(
            value=escape(clip(assignee or _("nobody"), NAME_CHARS))
        ),
        "",
        body,
    ]
    if description_cut(report):
        lines.append(
            _("<i>The card shows the beginning; the full text is in /case {case}.</i>").format(
                case=report.case_number
            )
        )
    if report.latitude is not None and report.longitude is not None:
        lines.insert(
            2,
            _("<b>Location:</b> {lat}, {lon}").format(
                lat=f"{report.latitude:.5f}", lon=f"{report.longitude:.5f}"
            ),
        )
    return "\n".join(lines)


def _button(report: Report, text: str, action: ModAction, value: str = "") -> InlineKeyboardButton:
    data = ModCallback(action=action, id=report.id, value=value).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def card_keyboard(report: Report, evidence: int, viewer: int | None) -> InlineKeyboardMarkup:
    """The buttons that apply: `viewer` is the moderator whose private chat holds this copy,
    or None for the moderators' group.

    An open case can be taken by whoever does not hold it yet (in the group: while nobody
    does), given a status, a question or a note; a closed one keeps what still makes sense:
    notes, the files, an open report's phone number. "Show evidence" only when there is some.
    """
    is_open = report.status not in CLOSED_STATUSES
    held_by_viewer = report.assignee is not None and report.assignee == viewer
    rows: list[list[InlineKeyboardButton]] = []
    first = []
    if is_open and not held_by_viewer and (viewer is not None or report.assignee is None):
        first.append(_button(report, _("🙋 Take"), ModAction.TAKE))
    if is_open:
        first.append(_button(report, _("📋 Status ▸"), ModAction.STATUS))
    second = [_button(report, _("📝 Internal note"), ModAction.NOTE)]
    if is_open:
        second.insert(0, _button(report, _("❓ Ask the reporter"), ModAction.ASK))
    extra = []
    if evidence:
        label = _("📎 Show evidence ({count})").format(count=evidence)
        extra.append(_button(report, label, ModAction.FILES))
    if is_open:
        extra.append(_button(report, _("🗂 Make a volunteer task"), ModAction.TASK))
    rows += [row for row in (first, second, extra) if row]
    if report.anonymity == "open":
        rows.append([_button(report, _("📞 Show the phone number"), ModAction.PHONE)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def button_label(action: str) -> str:
    """What a moderator's button says, to name it in an answer («…» is for moderators)."""
    labels = {
        ModAction.TAKE: _("🙋 Take"),
        ModAction.STATUS: _("📋 Status ▸"),
        ModAction.CARD: _("⬅️ Back"),
        ModAction.ASK: _("❓ Ask the reporter"),
        ModAction.NOTE: _("📝 Internal note"),
        ModAction.FILES: _("📎 Show evidence"),
        ModAction.PHONE: _("📞 Show the phone number"),
        ModAction.TASK: _("🗂 Make a volunteer task"),
    }
    if action == ModAction.SET:
        return _("📋 Status ▸")
    if action in ("audit", "refusals"):
        return _("Audit log")
    if action == "queue":
        return _("Queue")
    return labels.get(action, _("Open the case"))


def status_keyboard(report: Report) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for status in ("review", "forwarded", "resolved", "rejected", "duplicate"):
        if status != report.status:
            builder.row(_button(report, status_label(status), ModAction.SET, status))
    builder.row(_button(report, _("⬅️ Back"), ModAction.CARD))
    return builder.as_markup()
