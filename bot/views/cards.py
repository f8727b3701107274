"""A case card for moderators: its text and its buttons. The card must fit one message; the
whole case is shown by /case."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.reports import Report
from bot.domain import CLOSED_STATUSES
from bot.services.amounts import format_tenge
from bot.services.dates import format_day, from_db
from bot.views.callbacks import ModAction, ModCallback
from bot.views.labels import (
    anonymity_label,
    area_name,
    files_label,
    region_name,
    status_label,
    when_label,
)

CARD_DESCRIPTION_CHARS = 2500  # the card must fit one message; /case shows the full text


def card_text(report: Report, evidence: int, assignee: str | None, locale: str) -> str:
    description = report.description
    if len(description) > CARD_DESCRIPTION_CHARS:
        description = description[:CARD_DESCRIPTION_CHARS] + "…"
    amount = format_tenge(report.amount, locale) if report.amount else "—"
    lines = [
        f"<b>{report.case_number}</b> · {status_label(report.status)}",
        _("<b>Region:</b> {value}").format(value=escape(region_name(report.region, locale)))
        + f", {escape(report.settlement)}",
        _("<b>Area:</b> {value}").format(value=escape(area_name(report.area, locale))),
        _("<b>When:</b> {value}").format(value=escape(when_label(report.occurred, locale))),
        _("<b>Amount:</b> {value}").format(value=amount),
        _("<b>Who is involved:</b> {value}").format(value=escape(report.involved or "—")),
        _("<b>Files:</b> {value}").format(value=files_label(evidence)),
        _("<b>Reporting mode:</b> {value}").format(value=anonymity_label(report.anonymity)),
        _("<b>Filed:</b> {value}").format(
            value=format_day(from_db(report.created_at).date(), locale)
        ),
        _("<b>Assigned to:</b> {value}").format(value=escape(assignee or _("nobody"))),
        "",
        escape(description),
    ]
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


def card_keyboard(report: Report, evidence: int) -> InlineKeyboardMarkup:
    rows = []
    if report.status not in CLOSED_STATUSES:
        take = _button(report, _("🙋 Take"), ModAction.TAKE)
        status = _button(report, _("📋 Status ▸"), ModAction.STATUS)
        ask = _button(report, _("❓ Ask the reporter"), ModAction.ASK)
        note = _button(report, _("📝 Internal note"), ModAction.NOTE)
        rows += [[take, status], [ask, note]]
    extra = [
        _button(report, _("📎 Show evidence ({count})").format(count=evidence), ModAction.FILES)
    ]
    if report.status not in CLOSED_STATUSES:
        extra.append(_button(report, _("🗂 Make a volunteer task"), ModAction.TASK))
    rows.append(extra)
    if report.anonymity == "open":
        rows.append([_button(report, _("📞 Show the phone number"), ModAction.PHONE)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def status_keyboard(report: Report) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for status in ("review", "forwarded", "resolved", "rejected", "duplicate"):
        if status != report.status:
            builder.row(_button(report, status_label(status), ModAction.SET, status))
    builder.row(_button(report, _("⬅️ Back"), ModAction.CARD))
    return builder.as_markup()
