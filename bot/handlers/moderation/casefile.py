"""A case in full for moderators: the card, then its history, thread and notes."""

from __future__ import annotations

from html import escape

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.reports import Report
from bot.handlers.moderation.cards import CardPublisher
from bot.handlers.report.texts import status_label
from bot.services.dates import format_local_time, from_db
from bot.services.moderation import ModerationService
from bot.services.reports import ReportService


async def send_case(
    message: Message,
    report: Report,
    moderation: ModerationService,
    reports: ReportService,
    cards: CardPublisher,
    locale: str,
) -> None:
    text, markup = await cards.render(message.bot, report, locale)
    await message.answer(text, reply_markup=markup)
    view = await reports.view(report)
    notes = await moderation.notes(report)
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
        when = format_local_time(from_db(item.created_at), locale)
        who = _("Moderator") if item.author == "moderator" else _("Reporter")
        lines.append(f"<i>{when}</i> · <b>{who}:</b> {escape(item.body or '')}")
    for item in notes:
        when = format_local_time(from_db(item.created_at), locale)
        lines.append(f"<i>{when}</i> · 📝 {escape(item.body)}")
    if lines:
        await message.answer(
            _("<b>History of {case}</b>").format(case=report.case_number)
            + "\n"
            + "\n".join(lines[-40:])
        )
