"""Tasks as moderators see them: making one, its card, what volunteers did with it."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.volunteer_tasks import Finding, Task, TaskEvent
from bot.services.regions import get_region
from bot.services.volunteers.rules import MAX_INSTRUCTIONS, MAX_LOT, MAX_REASON, MAX_TITLE, SKILLS
from bot.views.callbacks import TaskModAction, TaskModCallback
from bot.views.common import CHECK
from bot.views.labels import region_name
from bot.views.volunteers.labels import moment, skill_label, task_status_label
from bot.views.volunteers.tasks import task_lines

EVENTS_SHOWN = 5
EVENT_BODY_CHARS = 200  # with the instructions, the card stays within one message


def _button(text: str, action: TaskModAction, task_id: int = 0, value: str = ""):
    data = TaskModCallback(action=action, id=task_id, value=value).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


# Making a task


def title_prompt(case: str | None) -> str:
    text = _("🗂 <b>A new volunteer task</b>")
    if case:
        text += "\n" + _(
            "From case {case}. The report's text, files and reporter never reach volunteers: "
            "write the task in your own words."
        ).format(case=case)
    return (
        text
        + "\n"
        + _(
            "Step 1 of 5. Write the task's title (at most {limit} characters). /cancel to stop."
        ).format(limit=MAX_TITLE)
    )


def instructions_prompt() -> str:
    return _(
        "Step 2 of 5. Write the instructions in your own words: what to check and how (at most "
        "{limit} characters). Do not copy the report or anything that could point to the "
        "reporter."
    ).format(limit=MAX_INSTRUCTIONS)


def region_prompt() -> str:
    return _("Which region is the task for?")


def region_keyboard(regions: list[str], locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in regions:
        builder.button(
            text=region_name(code, locale),
            callback_data=TaskModCallback(action=TaskModAction.REGION, value=code),
        )
    builder.adjust(2)
    return builder.as_markup()


def skill_prompt() -> str:
    return _("Step 3 of 5. What kind of work is it?")


def skill_keyboard(suggested: str | None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in SKILLS:
        builder.button(
            text=(CHECK if key == suggested else "") + skill_label(key),
            callback_data=TaskModCallback(action=TaskModAction.SKILL, value=key),
        )
    builder.adjust(1)
    return builder.as_markup()


def deadline_prompt() -> str:
    return _(
        "Step 4 of 5. Write the deadline, Almaty time: a date like 25.12.2026 (the day ends "
        "at 18:00) or a date and time like 25.12.2026 12:00."
    )


def lot_prompt() -> str:
    return _(
        "Step 5 of 5. If the task is about a purchase, write the announcement or lot number "
        "from the procurement portal (at most {limit} characters). Otherwise skip this step."
    ).format(limit=MAX_LOT)


def lot_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(_("Skip ➡️"), TaskModAction.NO_LOT)]])


def summary_text(draft: dict[str, Any], locale: str) -> str:
    lines = [
        _("<b>Check the task</b>"),
        f"<b>{escape(draft['title'])}</b>",
        _("Kind of work: {skill}").format(skill=skill_label(draft["skill"])),
        _("Region: {region}").format(region=escape(region_name(draft["region"], locale))),
        _("Deadline: {deadline}").format(deadline=moment(draft["deadline"], locale)),
    ]
    if draft.get("lot"):
        lines.append(_("Announcement or lot number: {lot}").format(lot=escape(draft["lot"])))
    lines += ["", escape(draft["instructions"]), "", _("Who should do it?")]
    return "\n".join(lines)


def decide_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("📣 Publish to the region's volunteers"), TaskModAction.PUBLISH)],
            [_button(_("👤 Give to one volunteer"), TaskModAction.ASSIGN)],
            [_button(_("✖️ Stop"), TaskModAction.STOP)],
        ]
    )


def assignee_prompt() -> str:
    return _(
        "Write the number of the volunteer, for example 12. Numbers are in /volunteers. "
        "/cancel to stop."
    )


def untrained_text(volunteer_id: int) -> str:
    return _(
        "Volunteer №{number} has not yet attended the training session this kind of work "
        "needs. Write another number, or publish the task to the region's volunteers."
    ).format(number=volunteer_id)


def published_reply(task_id: int, told: int) -> str:
    return _("Task №{number} is published; volunteers told: {count}. /task {number}").format(
        number=task_id, count=told
    )


def offered_reply(task_id: int, volunteer_id: int) -> str:
    return _("Task №{number} is offered to volunteer №{volunteer}. /task {number}").format(
        number=task_id, volunteer=volunteer_id
    )


def stopped_reply() -> str:
    return _("Stopped; no task was made.")


def task_usage_text() -> str:
    return _("Write the task number after the command, for example /task 12.")


# A task's card


def _event_line(event: TaskEvent, locale: str) -> str:
    labels = {
        "created": _("made"),
        "published": _("published to the region's volunteers"),
        "offered": _("offered to a volunteer"),
        "claimed": _("taken by a volunteer"),
        "accepted": _("accepted by the volunteer"),
        "declined": _("declined by the volunteer"),
        "progress": _("progress from the volunteer"),
        "submitted": _("findings submitted"),
        "returned": _("findings sent back"),
        "done": _("findings accepted"),
        "cancelled": _("cancelled"),
        "released": _("back: the volunteer stopped volunteering"),
    }
    line = f"• {moment(event.created_at, locale)}: {labels.get(event.kind, event.kind)}"
    if event.body:
        body = event.body
        if len(body) > EVENT_BODY_CHARS:
            body = body[:EVENT_BODY_CHARS] + "…"
        line += f": {escape(body)}"
    return line


def admin_task_text(
    task: Task,
    case_number: str | None,
    finding: Finding | None,
    events: list[TaskEvent],
    locale: str,
) -> str:
    lines = task_lines(task, locale)
    if case_number:
        lines.append(_("Source case: {case}").format(case=case_number))
    if task.assignee:
        lines.append(_("Volunteer: №{number}").format(number=task.assignee))
    if finding is not None:
        lines.append(
            _("Latest findings: {status}, files: {files}").format(
                status=finding_status_label(finding.status), files=finding.files
            )
        )
    lines += ["", escape(task.instructions)]
    if events:
        lines += ["", _("<b>History:</b>")]
        lines += [_event_line(event, locale) for event in events[-EVENTS_SHOWN:]]
    return "\n".join(lines)


def finding_status_label(status: str) -> str:
    return {
        "submitted": _("waiting for review"),
        "accepted": _("accepted"),
        "returned": _("sent back"),
    }.get(status, status)


def admin_task_keyboard(
    task: Task, finding: Finding | None, case_number: str | None
) -> InlineKeyboardMarkup:
    rows = []
    if task.status == "new":
        rows.append(
            [_button(_("📣 Publish to the region's volunteers"), TaskModAction.PUBLISH, task.id)]
        )
    if task.status in ("new", "pool"):
        rows.append([_button(_("👤 Give to one volunteer"), TaskModAction.ASSIGN, task.id)])
    if task.status == "submitted":
        rows += findings_rows(task.id, finding.files if finding else 0)
    if task.status == "done" and case_number and finding is not None and not finding.attached:
        rows.append(
            [
                _button(
                    _("📝 Attach to case {case}").format(case=case_number),
                    TaskModAction.ATTACH,
                    task.id,
                )
            ]
        )
    if task.status not in ("done", "cancelled"):
        rows.append([_button(_("✖️ Cancel the task"), TaskModAction.CANCEL, task.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def findings_rows(task_id: int, files: int) -> list[list[InlineKeyboardButton]]:
    rows = [
        [
            _button(_("✅ Accept findings"), TaskModAction.ACCEPT, task_id),
            _button(_("↩️ Send back"), TaskModAction.RETURN, task_id),
        ]
    ]
    if files:
        rows.append(
            [
                _button(
                    _("📎 Show files ({count})").format(count=files), TaskModAction.FILES, task_id
                )
            ]
        )
    return rows


def return_prompt(task_id: int) -> str:
    return _(
        "Write what to add or fix in the findings of task №{number} (at most {limit} "
        "characters). The volunteer will read it. /cancel to stop."
    ).format(number=task_id, limit=MAX_REASON)


def accepted_reply(task_id: int) -> str:
    return _("The findings of task №{number} are accepted; the volunteer gets the points.").format(
        number=task_id
    )


def returned_reply(task_id: int) -> str:
    return _("The findings of task №{number} went back to the volunteer.").format(number=task_id)


def attached_reply(case: str) -> str:
    return _("The findings are attached to case {case} as an internal note.").format(case=case)


def cancelled_reply(task_id: int) -> str:
    return _("Task №{number} is cancelled.").format(number=task_id)


def no_files_text() -> str:
    return _("These findings have no files.")


def files_caption(task_id: int) -> str:
    return _("Findings of task №{number}").format(number=task_id)


# What moderators are told


def update_notice(payload: dict[str, Any]) -> str:
    values = {
        "task": payload.get("task"),
        "title": escape(str(payload.get("title", ""))),
        "volunteer": payload.get("volunteer"),
    }
    event = payload.get("event")
    if event == "claimed":
        text = _("🙋 Volunteer №{volunteer} took task №{task} «{title}».")
    elif event == "accepted":
        text = _("✅ Volunteer №{volunteer} accepted task №{task} «{title}».")
    elif event == "declined":
        text = _(
            "🙅 Volunteer №{volunteer} declined task №{task} «{title}». The task is not given "
            "to anyone now: /task {task}"
        )
    else:
        text = _("✍️ Progress on task №{task} «{title}» from volunteer №{volunteer}:")
    text = text.format(**values)
    if payload.get("body"):
        prefix = _("Reason: {reason}") if event == "declined" else "{reason}"
        text += "\n" + prefix.format(reason=escape(str(payload["body"])))
    return text


def findings_notice(payload: dict[str, Any]) -> str:
    return _(
        "📤 <b>Findings for task №{task}</b> «{title}» from volunteer №{volunteer}. "
        "Files: {files}\n\n{body}"
    ).format(
        task=payload.get("task"),
        title=escape(str(payload.get("title", ""))),
        volunteer=payload.get("volunteer"),
        files=payload.get("files", 0),
        body=escape(str(payload.get("body", ""))),
    )


def released_notice(payload: dict[str, Any]) -> str:
    return _(
        "Task №{task} «{title}» is back with you: its volunteer stopped volunteering. /task {task}"
    ).format(task=payload.get("task"), title=escape(str(payload.get("title", ""))))


def overdue_notice(payload: dict[str, Any], locale: str) -> str:
    return _(
        "⏰ Task №{task} «{title}» is past its deadline ({deadline}) and not done: {status}. "
        "/task {task}"
    ).format(
        task=payload.get("task"),
        title=escape(str(payload.get("title", ""))),
        deadline=moment(str(payload.get("deadline")), locale),
        status=task_status_label(str(payload.get("status"))),
    )


def region_label(code: str, locale: str) -> str:
    region = get_region(code)
    return region.name(locale) if region else code
