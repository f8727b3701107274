"""What a reporter reads after filing: the confirmation, their case, their list of reports,
and the answers of the follow-up screens."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.reports import Report
from bot.services.dates import format_day, format_local_time, from_db
from bot.services.reports import MAX_ANSWER, CaseView
from bot.views.callbacks import (
    CaseAction,
    CaseCallback,
    CasePageCallback,
    MyReportsCallback,
    ReportAction,
    ReportCallback,
)
from bot.views.entry_pages import Entry, Pages, paginate
from bot.views.labels import area_name, files_label, region_name, status_label
from bot.views.times import thread_time


def submitted_text(case_number: str, code: str | None) -> str:
    parts = [
        _("✅ <b>Your report has been received.</b>"),
        _("Report number: <code>{case}</code>").format(case=escape(case_number)),
    ]
    if code:
        parts += [
            "",
            _("Your secret follow-up code:\n<code>{code}</code>").format(code=escape(code)),
            _(
                "Save it now, for example on paper. We show it only once and cannot restore "
                "it. To check the report later, send /check with this code."
            ),
        ]
    else:
        parts.append(_("You can follow it with /mytips."))
    parts += [
        "",
        _(
            "You can also report corruption officially to the Anti-Corruption Agency: "
            "call 1424 (free of charge)."
        ),
        "",
        _(
            "If someone else may see your phone, you can delete this conversation from the "
            "chat with the button below. The report itself stays with us."
        ),
    ]
    return "\n".join(parts)


def submitted_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("🗑 Delete this conversation from the chat"),
                    callback_data=ReportCallback(action=ReportAction.ERASE).pack(),
                )
            ]
        ]
    )


def sent_text() -> str:
    return _("Sent.")


def main_menu_text() -> str:
    return _("Main menu.")


def erased_text(failed: bool) -> str:
    if failed:
        return _(
            "Some messages could not be deleted: Telegram allows it only within 48 hours. "
            "You can delete them yourself in the chat."
        )
    return _("The conversation about the report was deleted from this chat.")


def nothing_to_erase_text() -> str:
    return _("There is nothing left to delete.")


def erased_report_text(erased_on: str, locale: str) -> str:
    """The reporter's view of a case the retention job erased (bot/services/retention.py)."""
    return _(
        "<i>The text, place, files and messages of this report were erased on {date}: "
        "closed reports keep them for a limited time (see /privacy). Its number, status and "
        "dates remain.</i>"
    ).format(date=format_day(date.fromisoformat(erased_on), locale))


def case_pages(view: CaseView, locale: str) -> Pages:
    """The reporter's view of a case in pages, oldest first: each page repeats the case's
    head; the thread (and a rejection's reason, which comes last) fills the pages from the
    newest entry backwards. `Pages.first` is the page to open. Any thread fits."""
    report = view.report
    lines = [
        _("<b>Report {case}</b>").format(case=escape(report.case_number)),
        _("<b>Status:</b> {status}").format(status=status_label(report.status)),
        _("<b>Area:</b> {value}").format(value=escape(area_name(report.area, locale))),
        _("<b>Region:</b> {value}").format(value=escape(region_name(report.region, locale))),
        _("<b>Filed:</b> {value}").format(
            value=format_day(from_db(report.created_at).date(), locale)
        ),
    ]
    last = view.history[-1] if view.history else None
    if last and last.status == "duplicate" and last.duplicate_of:
        lines.append(_("<b>Same as report:</b> {case}").format(case=escape(last.duplicate_of)))
    if report.erased_on:
        lines += ["", erased_report_text(report.erased_on, locale)]
    entries = []
    for item in view.thread:
        when = thread_time(item.created_at, item.author, locale)
        who = _("Moderator") if item.author == "moderator" else _("You")
        body = item.body or ""
        if item.files:
            body = (body + " " if body else "") + "📎 " + files_label(item.files)
        entries.append(Entry(f"<i>{when}</i> · <b>{who}:</b> ", body))
    if view.thread:
        lines += ["", _("<b>Questions and answers</b>")]
    if last and last.status == "rejected" and last.reason:
        entries.append(Entry("\n" + _("<b>Reason:</b>") + " ", last.reason))
    pages = paginate("\n".join(lines), entries)
    total = len(pages.texts)
    if total > 1:
        numbered = []
        for n, page in enumerate(pages.texts, start=1):
            page_line = _("Page {page} of {pages}").format(page=n, pages=total)
            numbered.append(f"{page}\n\n<i>{page_line}</i>")
        pages = Pages(numbered, pages.first)
    return pages


def case_keyboard(
    report_id: int, page: int, pages: int, can_answer: bool
) -> InlineKeyboardMarkup | None:
    """Earlier and later pages of the case, and the way to answer while it is open."""
    builder = InlineKeyboardBuilder()
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=_("⬅️ Earlier"),
                callback_data=CasePageCallback(id=report_id, page=page - 1).pack(),
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                text=_("Later ➡️"),
                callback_data=CasePageCallback(id=report_id, page=page + 1).pack(),
            )
        )
    if nav:
        builder.row(*nav)
    if can_answer:
        builder.row(
            InlineKeyboardButton(
                text=_("✍️ Answer or add information"),
                callback_data=CaseCallback(action=CaseAction.ADD, id=report_id).pack(),
            )
        )
    return builder.as_markup() if nav or can_answer else None


MY_REPORTS_PAGE = 8  # entries of /mytips on one page: each is short, the list can grow


def my_reports_text(reports: list[Report], locale: str, page: int = 0, pages: int = 1) -> str:
    if not reports:
        return _(
            "You have no confidential or open reports yet. An anonymous report can be "
            "checked only with its secret code."
        )
    lines = [_("<b>Your reports</b>"), ""]
    for report in reports:
        filed = format_day(from_db(report.created_at).date(), locale)
        lines.append(
            _("<b>{case}</b> · {date}\n{area} · {status}").format(
                case=report.case_number,
                date=filed,
                area=escape(area_name(report.area, locale)),
                status=status_label(report.status),
            )
        )
    if pages > 1:
        page_line = _("Page {page} of {pages}").format(page=page + 1, pages=pages)
        lines += ["", f"<i>{page_line}</i>"]
    lines += ["", _("Anonymous reports are not listed here: open them with their code.")]
    return "\n".join(lines)


def my_reports_keyboard(
    reports: list[Report], page: int = 0, pages: int = 1
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for report in reports:
        builder.button(
            text="📄 " + report.case_number,
            callback_data=CaseCallback(action=CaseAction.OPEN, id=report.id),
        )
    builder.adjust(1)
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                text=_("⬅️ Newer"), callback_data=MyReportsCallback(page=page - 1).pack()
            )
        )
    if page < pages - 1:
        nav.append(
            InlineKeyboardButton(
                text=_("Older ➡️"), callback_data=MyReportsCallback(page=page + 1).pack()
            )
        )
    if nav:
        builder.row(*nav)
    builder.row(
        InlineKeyboardButton(
            text=_("🔑 Check a report by its code"),
            callback_data=ReportCallback(action=ReportAction.CHECK).pack(),
        )
    )
    return builder.as_markup()


def ask_code_text() -> str:
    return _("Send the secret code of your report, for example K7QD-3MXA-9TRF-2HWN.")


def too_many_codes_text(retry_at: datetime, locale: str) -> str:
    return _("Too many wrong codes. Try again after {time}.").format(
        time=format_local_time(retry_at, locale)
    )


def codes_paused_text(retry_at: datetime, locale: str) -> str:
    return _(
        "Code checks are paused for a while: many wrong codes were typed. Try again after {time}."
    ).format(time=format_local_time(retry_at, locale))


def no_match_text() -> str:
    return _("No report matches this code. Check the code and try again.")


def answer_prompt_text(case_number: str) -> str:
    return _(
        "Write your answer for report {case}, up to {maximum} characters, or send a photo, "
        "a video or a document. Each message is added to the report as soon as it arrives."
    ).format(case=escape(case_number), maximum=MAX_ANSWER)


def answer_added_text(case_number: str, count: int) -> str:
    text = _("✅ Added to report {case}. The moderator will see it.").format(
        case=escape(case_number)
    )
    if count > 1:
        text += "\n" + _("Messages added now: {count}.").format(count=count)
    return text + "\n" + _("You can send more text or files: they are added too.")


def add_more_hint_text() -> str:
    return _("Send more text or files: each message is added to the report.")


def answer_closed_text() -> str:
    return _("This report cannot be changed any more.")


def answer_cancelled_text() -> str:
    return _("Nothing was added.")


def thanks_text() -> str:
    return _("Thank you. The moderators will see it.")


def answer_prompt_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("✖️ Cancel"),
                    callback_data=ReportCallback(action=ReportAction.THREAD_DONE).pack(),
                )
            ]
        ]
    )


def answer_added_keyboard(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=_("➕ Add more"),
                    callback_data=CaseCallback(action=CaseAction.MORE, id=report_id).pack(),
                ),
                InlineKeyboardButton(
                    text=_("✅ That's all"),
                    callback_data=ReportCallback(action=ReportAction.THREAD_DONE).pack(),
                ),
            ]
        ]
    )
