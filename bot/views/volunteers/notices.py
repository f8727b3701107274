"""What the outbox sends about volunteering, drawn in the reader's language when it is sent.

`render` turns a payload into (text, buttons); bot/delivery/volunteers.py calls it with the
reader's locale active. Payloads carry ids and the moderator's own words, never a report's
text or a reporter, and never another volunteer's name.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services.volunteers.lessons import get_lesson
from bot.views.callbacks import TaskAction, TaskCallback, TaskModAction, TaskModCallback
from bot.views.volunteers import task_admin, trainings
from bot.views.volunteers.labels import moment, skill_label
from bot.views.volunteers.moderation import approved_notice, rejected_notice
from bot.views.volunteers.tasks import offer_keyboard, pool_keyboard

Rendered = tuple[str, InlineKeyboardMarkup | None]


def _task_head(payload: dict[str, Any], locale: str) -> list[str]:
    return [
        f"«{escape(str(payload.get('title', '')))}»",
        _("Kind of work: {skill}").format(skill=skill_label(str(payload.get("skill")))),
        _("Deadline: {deadline}").format(deadline=moment(str(payload["deadline"]), locale)),
    ]


def _pool(payload: dict[str, Any], locale: str) -> Rendered:
    lines = [
        _("🗂 <b>A new task for the volunteers of your region</b>"),
        *_task_head(payload, locale),
    ]
    lines += ["", _("The first volunteer to take it gets it.")]
    return "\n".join(lines), pool_keyboard(int(payload["task"]))


def _offer(payload: dict[str, Any], locale: str) -> Rendered:
    lines = [_("🗂 <b>A moderator offers you a task</b>"), *_task_head(payload, locale)]
    return "\n".join(lines), offer_keyboard(int(payload["task"]))


def _open_task(task_id: int) -> InlineKeyboardMarkup:
    data = TaskCallback(action=TaskAction.OPEN, id=task_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("📄 Open the task"), callback_data=data)]]
    )


def _findings_accepted(payload: dict[str, Any], locale: str) -> Rendered:
    return _(
        "🎉 Your findings for task №{task} «{title}» are accepted: +{points} points. Thank you!"
    ).format(
        task=payload.get("task"),
        title=escape(str(payload.get("title", ""))),
        points=payload.get("points", 0),
    ), None


def _findings_returned(payload: dict[str, Any], locale: str) -> Rendered:
    text = _(
        "↩️ The moderator sent back your findings for task №{task} «{title}»:\n{comment}\n\n"
        "Add what is asked and submit the findings again."
    ).format(
        task=payload.get("task"),
        title=escape(str(payload.get("title", ""))),
        comment=escape(str(payload.get("comment", ""))),
    )
    return text, _open_task(int(payload["task"]))


def _cancelled(payload: dict[str, Any], locale: str) -> Rendered:
    return _(
        "Task №{task} «{title}» was cancelled by the moderator. Thank you for your time."
    ).format(task=payload.get("task"), title=escape(str(payload.get("title", "")))), None


def _deadline(payload: dict[str, Any], locale: str) -> Rendered:
    return _("⏰ Task №{task} «{title}» is due {deadline}.").format(
        task=payload.get("task"),
        title=escape(str(payload.get("title", ""))),
        deadline=moment(str(payload["deadline"]), locale),
    ), _open_task(int(payload["task"]))


def _open_admin(task_id: int) -> InlineKeyboardButton:
    data = TaskModCallback(action=TaskModAction.OPEN, id=task_id).pack()
    return InlineKeyboardButton(text=_("📄 Open the task"), callback_data=data)


def _update(payload: dict[str, Any], locale: str) -> Rendered:
    markup = InlineKeyboardMarkup(inline_keyboard=[[_open_admin(int(payload["task"]))]])
    return task_admin.update_notice(payload), markup


def _findings(payload: dict[str, Any], locale: str) -> Rendered:
    rows = task_admin.findings_rows(int(payload["task"]), int(payload.get("files") or 0))
    return task_admin.findings_notice(payload), InlineKeyboardMarkup(inline_keyboard=rows)


def _released(payload: dict[str, Any], locale: str) -> Rendered:
    return task_admin.released_notice(payload), None


def _overdue(payload: dict[str, Any], locale: str) -> Rendered:
    markup = InlineKeyboardMarkup(inline_keyboard=[[_open_admin(int(payload["task"]))]])
    return task_admin.overdue_notice(payload, locale), markup


def _approved(payload: dict[str, Any], locale: str) -> Rendered:
    return approved_notice(), None


def _rejected(payload: dict[str, Any], locale: str) -> Rendered:
    return rejected_notice(str(payload.get("reason", ""))), None


def _invite(payload: dict[str, Any], locale: str) -> Rendered:
    text = trainings.invite_text(payload, locale) + "\n\n" + trainings.invite_question()
    return text, trainings.invite_keyboard(int(payload["training"]))


def _reminder(payload: dict[str, Any], locale: str) -> Rendered:
    return trainings.reminder_text(payload, locale), None


def _moved(payload: dict[str, Any], locale: str) -> Rendered:
    return trainings.moved_text(payload, locale), None


def _training_cancelled(payload: dict[str, Any], locale: str) -> Rendered:
    return trainings.cancelled_text(payload, locale), None


def _seat_freed(payload: dict[str, Any], locale: str) -> Rendered:
    return trainings.seat_freed_text(payload, locale), None


def _attended(payload: dict[str, Any], locale: str) -> Rendered:
    return trainings.attended_text(payload, locale), None


def _lesson(payload: dict[str, Any], locale: str) -> Rendered:
    lesson = get_lesson(str(payload.get("lesson")))
    if lesson is None:
        raise LookupError("lesson")
    head = _("📖 <b>Lesson of the week</b>")
    return f"{head}\n<b>{escape(lesson.title(locale))}</b>\n\n{escape(lesson.text(locale))}", None


KINDS: dict[str, Callable[[dict[str, Any], str], Rendered]] = {
    "vol_approved": _approved,
    "vol_rejected": _rejected,
    "vol_task_pool": _pool,
    "vol_task_offer": _offer,
    "vol_findings_accepted": _findings_accepted,
    "vol_findings_returned": _findings_returned,
    "vol_task_cancelled": _cancelled,
    "vol_task_deadline": _deadline,
    "vol_task_update": _update,
    "vol_findings": _findings,
    "vol_task_released": _released,
    "vol_task_overdue": _overdue,
    "vol_training_invite": _invite,
    "vol_training_reminder": _reminder,
    "vol_training_moved": _moved,
    "vol_training_cancelled": _training_cancelled,
    "vol_seat_freed": _seat_freed,
    "vol_attended": _attended,
    "vol_lesson": _lesson,
}


def render(payload: dict[str, Any], locale: str) -> Rendered:
    """Unknown kinds raise KeyError."""
    return KINDS[str(payload.get("kind"))](payload, locale)


def render_for_group(payload: dict[str, Any], locale: str) -> str:
    """The volunteers' group reads both languages: no buttons there (they answer in private)."""
    kind = payload.get("kind")
    if kind == "vol_training_invite":
        return trainings.invite_text(payload, locale) + "\n" + trainings.invite_in_group()
    return render(payload, locale)[0]
