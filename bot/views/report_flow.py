"""What a citizen reads while filing a report: each step's question, the summary, and the
answers to mistakes. Keyboards are in `report_keyboards`."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.amounts import format_tenge
from bot.services.dates import format_local_time
from bot.services.drafts import (
    MAX_EVIDENCE,
    MAX_INVOLVED,
    MAX_SETTLEMENT,
    MIN_DESCRIPTION,
    STEPS,
    FieldError,
    ReportDraft,
)
from bot.views.labels import anonymity_label, area_name, files_label, region_name, when_label
from bot.views.report_keyboards import (
    anonymity_keyboard,
    area_keyboard,
    evidence_keyboard,
    location_keyboard,
    nav_keyboard,
    phone_keyboard,
    region_keyboard,
    summary_keyboard,
    when_keyboard,
)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup
SUMMARY_DESCRIPTION_CHARS = 1500  # the full text is kept; the summary must fit one message


def _numbered(step: str, text: str) -> str:
    number = _("Step {number} of {total}").format(number=STEPS.index(step) + 1, total=len(STEPS))
    return f"<b>{number}.</b> {text}"


def prompt(step: str, draft: ReportDraft, locale: str) -> tuple[str, Markup]:
    """The question of `step` and the keyboard of that step only."""
    if step == "area":
        return _numbered(step, _("What is the report about? Choose the area.")), area_keyboard(
            locale, draft.area
        )
    if step == "region":
        return _numbered(
            step, _("In which region did it happen? Your region is ticked; tap another to change.")
        ), region_keyboard(locale, draft.region)
    if step == "settlement":
        text = _("Which town, village or district? Write its name, up to {maximum} characters.")
        return _numbered(step, text.format(maximum=MAX_SETTLEMENT)), nav_keyboard()
    if step == "description":
        text = _(
            "Describe what happened: who did what, where and how. Write at least {minimum} "
            "characters. If you want to stay anonymous, do not write your own name."
        ).format(minimum=MIN_DESCRIPTION)
        return _numbered(step, text), nav_keyboard()
    if step == "when":
        return _numbered(step, _("When did it happen?")), when_keyboard()
    if step == "when_date":
        return _("Write the date as DD.MM.YYYY, for example 05.11.2026."), nav_keyboard()
    if step == "involved":
        text = _(
            "Who is involved? An organisation, a position or a name, up to {maximum} "
            "characters. You may skip this."
        )
        return _numbered(step, text.format(maximum=MAX_INVOLVED)), nav_keyboard(skip=True)
    if step == "amount":
        return _numbered(
            step,
            _(
                "How much money is involved, in tenge? For example: 150 000 or 1,5 млн. "
                "You may skip this."
            ),
        ), nav_keyboard(skip=True)
    if step == "evidence":
        text = _(
            "Send photos, documents or videos as evidence, up to 10 files. You may skip this.\n"
            "Pictures sent as files are cleaned of hidden data (location, camera) before we "
            "keep them."
        )
        return _numbered(step, text), evidence_keyboard(bool(draft.evidence))
    if step == "location":
        return _numbered(
            step,
            _("You can show the place on the map: tap the button below. You may skip this."),
        ), location_keyboard()
    if step == "anonymity":
        return _numbered(step, anonymity_text()), anonymity_keyboard(draft.anonymity)
    if step == "phone":
        return _(
            "Share your phone number with the button below, so that the agency can call you "
            "back. Only moderators of your region can see it."
        ), phone_keyboard()
    return summary_text(draft, locale), summary_keyboard()


def anonymity_text() -> str:
    return _(
        "How do you want to report?\n\n"
        "🕶 <b>Anonymous.</b> The bot keeps nothing that links the report to your Telegram "
        "account. You follow it only with a secret code, which we show once.\n\n"
        "🔒 <b>Confidential.</b> The bot can tell you about progress here. Moderators never "
        "see who you are.\n\n"
        "👤 <b>Open.</b> You share your phone number so that the agency can call you back."
    )


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
    ]
    for warning in _file_warnings(draft):
        lines += [warning, ""]
    if len(draft.evidence) < MAX_EVIDENCE:
        lines.append(
            _("📎 More files? Send them here now, up to {maximum} in all.").format(
                maximum=MAX_EVIDENCE
            )
        )
    lines.append(_("Tap a button to change an answer, or send the report."))
    return "\n".join(lines)


def _file_warnings(draft: ReportDraft) -> list[str]:
    """What the bot could not clean from the files kept: said once, on the summary."""
    warnings = []
    if any(e.kind == "document" and not e.cleaned for e in draft.evidence):
        warnings.append(
            _(
                "⚠️ Documents (PDF, Word, Excel) may contain the author's name and other hidden "
                "details. Check them before sending if this matters to you."
            )
        )
    if any(e.kind == "video" for e in draft.evidence):
        # The bot cannot clean videos: it keeps Telegram's file as it is.
        warnings.append(
            _(
                "⚠️ A video may contain where and with which phone it was shot. If this matters "
                "to you, send a screenshot of it instead."
            )
        )
    return warnings


def new_report_text() -> str:
    return _(
        "📝 A new report. Answer the questions one by one: each answer is saved at once, "
        "and /cancel stops without losing them."
    )


def continuing_text() -> str:
    return _("📝 Back to your report.")


def send_a_file_text() -> str:
    return _("Please send a photo, a video or a document.")


def cannot_clean_text() -> str:
    return _(
        "This picture could not be cleaned of hidden data (location, camera), so it was not "
        "added. Please send it as a photo instead of a file."
    )


def cleaned_caption() -> str:
    return _(
        "🧹 Hidden data (location, camera, author) was removed. We keep only this clean copy."
    )


def too_many_files_text() -> str:
    return _(
        "You have already added 10 files, the most a report can hold. This one was not added."
    )


def unfinished_draft_text() -> str:
    return _("You have an unfinished report. Continue it, or discard it and start again?")


def no_draft_text() -> str:
    return _("There is no draft any more.")


def draft_deleted_text() -> str:
    return _("The draft was deleted.")


def paused_text() -> str:
    return _("Stopped. Your draft is saved: send /report to continue it or to discard it.")


def cannot_skip_text() -> str:
    return _("This question cannot be skipped.")


def no_location_text() -> str:
    return _("No location, fine.")


def location_saved_text() -> str:
    return _("📍 Location saved.")


def own_number_text() -> str:
    return _("Please share your own number with the button below.")


def phone_saved_text() -> str:
    return _("📞 Phone number saved.")


def banned_text() -> str:
    return _(
        "A moderator has closed the filing of new reports from your account. You can still "
        "report corruption to the Anti-Corruption Agency by phone: 1424."
    )


def limit_text(retry_at: datetime, locale: str) -> str:
    return _(
        "You have already sent 5 reports in the last 24 hours. You can send the next one "
        "after {time}. If it is urgent, call the Anti-Corruption Agency: 1424."
    ).format(time=format_local_time(retry_at, locale))


def date_error_text(reason: str) -> str:
    reasons = {
        "future": _("This date is in the future. Write the date when it happened."),
        "too_old": _("This date is too long ago. Write a date after 01.01.2000."),
    }
    return reasons.get(
        reason, _("I could not read the date. Write it as DD.MM.YYYY, for example 05.11.2026.")
    )


def amount_error_text() -> str:
    return _(
        "I could not read the amount. Write a number in tenge, for example 150 000, "
        "1,5 млн or 2 млрд, or skip this question."
    )


def field_error_text(exc: FieldError) -> str:
    if exc.reason == "blank":
        return _("There is no visible text in this message. Please write it in words.")
    if exc.reason == "too_short":
        return _(
            "This is too short: {length} characters, at least {minimum} are needed. "
            "Please add details."
        ).format(**exc.details)
    return _(
        "This is too long: {length} characters, at most {maximum} fit. Please shorten it."
    ).format(**exc.details)
