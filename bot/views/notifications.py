"""Messages the outbox sends, rendered in the recipient's language at send time: what
reporters are told about their cases, and what moderators are reminded of."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.views.callbacks import AnswerCallback
from bot.views.entry_pages import MESSAGE_LIMIT, shorten, shown_length
from bot.views.labels import status_label

Rendered = tuple[str, InlineKeyboardMarkup | None]


def render(payload: dict[str, Any]) -> Rendered:
    """The text (and buttons, if any) of a queued notification; unknown kinds raise KeyError."""
    return KINDS[str(payload.get("kind"))](payload)


def _case(payload: dict[str, Any]) -> str:
    return escape(str(payload.get("case", "")))


def _status(payload: dict[str, Any]) -> Rendered:
    text = _("ℹ️ The status of your report {case} has changed: {status}.").format(
        case=_case(payload), status=status_label(str(payload.get("status")))
    )
    duplicate = ""
    if payload.get("duplicate_of"):
        duplicate_of = escape(str(payload["duplicate_of"]))
        duplicate = "\n" + _("Same as report: {case}").format(case=duplicate_of)
    if payload.get("reason"):
        line = "\n" + _("Reason: {reason}")
        # Whatever its length, the reason fits the message (the case view shows it whole).
        room = MESSAGE_LIMIT - shown_length(text + line.format(reason="") + duplicate)
        text += line.format(reason=escape(shorten(str(payload["reason"]), room)))
    return text + duplicate, None


def _question(payload: dict[str, Any]) -> Rendered:
    """The question, and a button that opens the answer step for this report at once (the
    handler checks that whoever presses it is the report's reporter)."""
    template = _(
        "❓ A moderator has a question about your report {case}:\n\n{question}\n\n"
        "To answer, tap the button below."
    )
    room = MESSAGE_LIMIT - shown_length(template.format(case=_case(payload), question=""))
    question = shorten(str(payload.get("question", "")), room)
    text = template.format(case=_case(payload), question=escape(question))
    answer = InlineKeyboardButton(
        text=_("✍️ Answer"), callback_data=AnswerCallback(case=str(payload.get("case"))).pack()
    )
    return text, InlineKeyboardMarkup(inline_keyboard=[[answer]])


def _banned(_payload: dict[str, Any]) -> Rendered:
    return _(
        "A moderator has closed the filing of new reports from your account. Your earlier "
        "reports stay as they are. You can still call the Anti-Corruption Agency: 1424."
    ), None


def _unbanned(_payload: dict[str, Any]) -> Rendered:
    return _("You can file reports in the bot again."), None


def _untaken(payload: dict[str, Any]) -> Rendered:
    return _("⏰ Case {case} has waited {hours} h and nobody has taken it. /case {case}").format(
        case=_case(payload), hours=payload.get("hours")
    ), None


def _stale(payload: dict[str, Any]) -> Rendered:
    return _(
        "⏰ Case {case} has waited {days} days for more information from the reporter. "
        "Consider closing it or asking again. /case {case}"
    ).format(case=_case(payload), days=payload.get("days")), None


def _daily(payload: dict[str, Any]) -> Rendered:
    return _(
        "☀️ <b>Good morning.</b> In your regions: {open} open cases, {overdue} waiting over "
        "48 hours, {new} new in the last day, {mine} assigned to you. /queue"
    ).format(**{key: payload.get(key, 0) for key in ("open", "overdue", "new", "mine")}), None


def _answered(payload: dict[str, Any]) -> Rendered:
    return _(
        "✍️ The reporter of case {case} has answered or added information. /case {case}"
    ).format(case=_case(payload)), None


def _guessing(payload: dict[str, Any]) -> Rendered:
    return _(
        "⚠️ Wrong follow-up codes in the last {minutes} min: {misses}. Someone may be trying "
        "to guess codes. For the next {pause} min, people who have already typed a wrong code "
        "cannot check again; a first try works as usual. This notice comes at most once an "
        "hour."
    ).format(**{key: int(payload.get(key, 0)) for key in ("minutes", "misses", "pause")}), None


KINDS: dict[str, Callable[[dict[str, Any]], Rendered]] = {
    "status": _status,
    "question": _question,
    "banned": _banned,
    "unbanned": _unbanned,
    "mod_untaken": _untaken,
    "mod_stale": _stale,
    "mod_daily": _daily,
    "mod_answered": _answered,
    "mod_guessing": _guessing,
}
