"""Tasks as volunteers see them: the list with its tabs, one task, its buttons.

Nothing here ever shows a task's source case: volunteers only read the moderator's words."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.volunteer_tasks import Finding, Task
from bot.services.volunteers.rules import MAX_FINDING_FILES, MAX_FINDINGS, MAX_PROGRESS, MAX_REASON
from bot.services.volunteers.tasks import TABS, TaskPage
from bot.views.callbacks import TaskAction, TaskCallback
from bot.views.labels import region_name
from bot.views.volunteers.labels import moment, skill_label, task_status_label

TITLE_IN_BUTTON = 40
CURRENT = "• "  # marks the tab being shown (its label has its own emoji)


def task_lines(task: Task, locale: str) -> list[str]:
    """What every reader of a task sees (moderators see more: see the moderators' view)."""
    lines = [
        _("🗂 <b>Task №{number}: {title}</b>").format(number=task.id, title=escape(task.title)),
        _("Status: {status}").format(status=task_status_label(task.status)),
        _("Kind of work: {skill}").format(skill=skill_label(task.skill)),
        _("Region: {region}").format(region=escape(region_name(task.region, locale))),
        _("Deadline: {deadline}").format(deadline=moment(task.deadline, locale)),
    ]
    if task.lot:
        lines.append(_("Announcement or lot number: {lot}").format(lot=escape(task.lot)))
    return lines


def task_text(task: Task, finding: Finding | None, locale: str) -> str:
    lines = [*task_lines(task, locale), "", escape(task.instructions)]
    if finding is not None and finding.status == "returned" and task.status == "in_progress":
        lines += [
            "",
            _("↩️ The moderator sent your findings back: {comment}").format(
                comment=escape(finding.comment or "")
            ),
        ]
    return "\n".join(lines)


def _button(
    text: str, action: TaskAction, task_id: int = 0, **extra: object
) -> InlineKeyboardButton:
    data = TaskCallback(action=action, id=task_id, **extra).pack()  # type: ignore[arg-type]
    return InlineKeyboardButton(text=text, callback_data=data)


def claim_button(task_id: int) -> InlineKeyboardButton:
    return _button(_("🙋 Take this task"), TaskAction.CLAIM, task_id)


def details_button(task_id: int) -> InlineKeyboardButton:
    return _button(_("📄 Details"), TaskAction.OPEN, task_id)


def task_keyboard(task: Task, volunteer_id: int) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    mine = task.assignee == volunteer_id
    if task.status == "pool":
        rows.append([claim_button(task.id)])
    elif mine and task.status == "offered":
        rows.append(
            [
                _button(_("✅ Accept"), TaskAction.ACCEPT, task.id),
                _button(_("🙅 Decline"), TaskAction.DECLINE, task.id),
            ]
        )
    elif mine and task.status == "in_progress":
        rows.append(
            [
                _button(_("✍️ Post progress"), TaskAction.PROGRESS, task.id),
                _button(_("📤 Submit findings"), TaskAction.SUBMIT, task.id),
            ]
        )
        rows.append([_button(_("🙅 Give it up"), TaskAction.DECLINE, task.id)])
    back_tab = (
        "available" if task.status == "pool" else "done" if task.status == "done" else "mine"
    )
    rows.append([_button(_("⬅️ Tasks"), TaskAction.TAB, tab=back_tab)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def offer_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [details_button(task_id)],
            [
                _button(_("✅ Accept"), TaskAction.ACCEPT, task_id),
                _button(_("🙅 Decline"), TaskAction.DECLINE, task_id),
            ],
        ]
    )


def pool_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[claim_button(task_id)], [details_button(task_id)]]
    )


def tab_label(tab: str) -> str:
    return {
        "mine": _("📌 Mine"),
        "available": _("🙋 Available"),
        "done": _("✅ Completed"),
    }[tab]


def list_text(page: TaskPage) -> str:
    lines = [_("🗂 <b>Tasks</b>: {tab}").format(tab=tab_label(page.tab))]
    if page.total == 0:
        lines.append(
            {
                "mine": _(
                    "You have no tasks in hand. Tasks open to everyone in your region are "
                    "under «🙋 Available»."
                ),
                "available": _(
                    "No tasks are open in your region right now. New ones come as messages."
                ),
                "done": _("No tasks done yet."),
            }[page.tab]
        )
    else:
        lines.append(
            _("Page {page} of {pages}. Tap a task to open it.").format(
                page=page.page + 1, pages=page.pages
            )
        )
    return "\n".join(lines)


def list_keyboard(page: TaskPage, locale: str) -> InlineKeyboardMarkup:
    rows = [
        [
            _button((CURRENT if tab == page.tab else "") + tab_label(tab), TaskAction.TAB, tab=tab)
            for tab in TABS
        ]
    ]
    for task in page.tasks:
        title = (
            task.title
            if len(task.title) <= TITLE_IN_BUTTON
            else task.title[:TITLE_IN_BUTTON] + "…"
        )
        rows.append([_button(f"№{task.id} · {title}", TaskAction.OPEN, task.id)])
    pager = []
    if page.page > 0:
        pager.append(_button("◀️", TaskAction.TAB, tab=page.tab, page=page.page - 1))
    if page.page + 1 < page.pages:
        pager.append(_button("▶️", TaskAction.TAB, tab=page.tab, page=page.page + 1))
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(inline_keyboard=rows)


# Replies and prompts


def claimed_text(task: Task) -> str:
    return _("The task is yours: №{number} «{title}». Good luck! /tasks").format(
        number=task.id, title=escape(task.title)
    )


def accepted_text() -> str:
    return _("You accepted the task. Post progress and submit findings from the task: /tasks")


def decline_prompt() -> str:
    return _(
        "Why can you not do it? Write a short reason (at most {limit} characters); the "
        "moderator will read it. /cancel to keep the task."
    ).format(limit=MAX_REASON)


def declined_text() -> str:
    return _("The task went back to the moderator. Thank you for saying so.")


def progress_prompt() -> str:
    return _(
        "Write how the task is going (at most {limit} characters). The moderator will read it. "
        "/cancel to stop."
    ).format(limit=MAX_PROGRESS)


def progress_sent_text() -> str:
    return _("Sent to the moderator.")


def findings_prompt() -> str:
    return _(
        "📤 Write what you found (at most {limit} characters): what you checked, where, when, "
        "and what is wrong. Then you can add photos or documents. /cancel to stop."
    ).format(limit=MAX_FINDINGS)


def findings_files_prompt() -> str:
    return _(
        "Now send photos or documents, up to {limit}, or press «📤 Send findings» right away. "
        "Image files have their metadata (location, camera) removed before they are kept."
    ).format(limit=MAX_FINDING_FILES)


def findings_file_added_text(count: int) -> str:
    return _("Files added: {count} of {limit}. Send more, or press «📤 Send findings».").format(
        count=count, limit=MAX_FINDING_FILES
    )


def findings_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(_("📤 Send findings"), TaskAction.SEND, task_id)]]
    )


def findings_sent_text() -> str:
    return _("📤 Your findings are sent to the moderator. The bot will tell you what they decide.")


def too_many_files_text() -> str:
    return _("That is the most files for one submission. Press «📤 Send findings».")
