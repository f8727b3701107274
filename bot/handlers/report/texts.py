"""Report texts shown to citizens: prompts, the summary and a case's screen."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.db.repositories.reports import Report
from bot.services.amounts import format_tenge
from bot.services.dates import format_day, format_local_time, from_db
from bot.services.drafts import MAX_EVIDENCE, ReportDraft
from bot.services.regions import get_region
from bot.services.reports import CaseView
from bot.services.risk_areas import get_area

SUMMARY_DESCRIPTION_CHARS = 1500  # the full text is kept; the summary must fit one message


def status_label(status: str) -> str:
    labels = {
        "received": _("Received"),
        "review": _("Under review"),
        "need_info": _("Needs more information"),
        "forwarded": _("Forwarded to the authorities"),
        "resolved": _("Resolved"),
        "rejected": _("Rejected"),
        "duplicate": _("Duplicate of another case"),
    }
    return labels.get(status, status)


def anonymity_label(level: str | None) -> str:
    return {
        "anonymous": _("Anonymous"),
        "confidential": _("Confidential"),
        "open": _("Open"),
    }.get(level or "", "—")


def when_label(occurred: str | None, locale: str) -> str:
    fixed = {
        "today": _("Today"),
        "week": _("This week"),
        "month": _("This month"),
        "earlier": _("Earlier"),
    }
    if occurred in fixed:
        return fixed[occurred]
    if occurred:
        return format_day(date.fromisoformat(occurred), locale)
    return "—"


def area_name(key: str | None, locale: str) -> str:
    area = get_area(key) if key else None
    return area.name(locale) if area else "—"


def region_name(code: str | None, locale: str) -> str:
    region = get_region(code) if code else None
    return region.name(locale) if region else "—"


def files_label(count: int) -> str:
    if not count:
        return _("none")
    return ngettext("{count} file", "{count} files", count).format(count=count)


def summary_text(draft: ReportDraft, locale: str) -> str:
    description = draft.description or ""
    if len(description) > SUMMARY_DESCRIPTION_CHARS:
        description = description[:SUMMARY_DESCRIPTION_CHARS] + "…"
    location = _("shared") if draft.latitude is not None else _("not shared")
    lines = [
        _("<b>Check your report before sending</b>"),
        "",
        _("<b>Area:</b> {value}").format(value=escape(area_name(draft.area, locale))),
        _("<b>Region:</b> {value}").format(value=escape(region_name(draft.region, locale))),
        _("<b>Place:</b> {value}").format(value=escape(draft.settlement or "—")),
        _("<b>When:</b> {value}").format(value=escape(when_label(draft.occurred, locale))),
        _("<b>Who is involved:</b> {value}").format(value=escape(draft.involved or "—")),
        _("<b>Amount:</b> {value}").format(
            value=format_tenge(draft.amount, locale) if draft.amount else "—"
        ),
        _("<b>Files:</b> {value}").format(value=files_label(len(draft.evidence))),
        _("<b>Location:</b> {value}").format(value=location),
        _("<b>Reporting mode:</b> {value}").format(value=anonymity_label(draft.anonymity)),
        "",
        _("<b>What happened:</b>"),
        escape(description),
        "",
        _("Tap a button to change an answer, or send the report."),
    ]
    return "\n".join(lines)


def evidence_status(count: int, warn_documents: bool, warn_videos: bool = False) -> str:
    text = _("Files received: {count} of {maximum}.").format(count=count, maximum=MAX_EVIDENCE)
    text += "\n" + _("Send more, or tap the button below when you are done.")
    if warn_documents:
        text += "\n\n" + _(
            "⚠️ Documents (PDF, Word, Excel) may contain the author's name and other hidden "
            "details. Check them before sending if this matters to you."
        )
    if warn_videos:
        # The bot cannot clean videos: it keeps Telegram's file as it is.
        text += "\n\n" + _(
            "⚠️ A video may contain where and with which phone it was shot. If this matters "
            "to you, send a screenshot of it instead."
        )
    return text


def case_text(view: CaseView, locale: str) -> str:
    report = view.report
    lines = [
        _("<b>Case {case}</b>").format(case=report.case_number),
        _("<b>Status:</b> {status}").format(status=status_label(report.status)),
        _("<b>Area:</b> {value}").format(value=escape(area_name(report.area, locale))),
        _("<b>Region:</b> {value}").format(value=escape(region_name(report.region, locale))),
        _("<b>Filed:</b> {value}").format(
            value=format_day(from_db(report.created_at).date(), locale)
        ),
    ]
    last = view.history[-1] if view.history else None
    if last and last.status == "rejected" and last.reason:
        lines.append(_("<b>Reason:</b> {reason}").format(reason=escape(last.reason)))
    if last and last.status == "duplicate" and last.duplicate_of:
        lines.append(_("<b>Same as case:</b> {case}").format(case=escape(last.duplicate_of)))
    if view.thread:
        lines += ["", _("<b>Questions and answers</b>")]
        for item in view.thread:
            when = format_local_time(from_db(item.created_at), locale)
            who = _("Moderator") if item.author == "moderator" else _("You")
            body = escape(item.body or "")
            if item.files:
                body = (body + " " if body else "") + "📎 " + files_label(item.files)
            lines.append(f"<i>{when}</i> · <b>{who}:</b> {body}")
    return "\n".join(lines)


def my_reports_text(reports: list[Report], locale: str) -> str:
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
    lines += ["", _("Anonymous reports are not listed here: open them with their code.")]
    return "\n".join(lines)
