"""A task's card for moderators (/task <n>): publish, give to a volunteer, cancel; review the
findings (accept, send back with a comment, show the files); attach accepted findings to the
source case as an internal note. Every press re-checks the moderator's regions. (Sending
findings back and giving the task to a volunteer need a typed answer: mod_task_input.py.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteer_tasks import Task
from bot.handlers.moderation.access import IsModerator
from bot.handlers.volunteers.access import StaffPress, covered, polite_no
from bot.handlers.volunteers.files import send_files
from bot.replies import acknowledge
from bot.services.moderation import InvalidActionError, ModerationService, NotAllowedError
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import parse_ref
from bot.services.volunteers.tasks import TaskService
from bot.views.callbacks import TaskModAction, TaskModCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.task_admin import (
    accepted_reply,
    admin_task_keyboard,
    admin_task_text,
    attached_reply,
    cancelled_reply,
    files_caption,
    no_files_text,
    published_reply,
    task_usage_text,
)


def get_router() -> Router:
    router = Router(name="volunteer-task-review")
    router.callback_query.middleware(StaffPress())
    on = TaskModCallback.filter
    card = on(F.id > 0)
    router.message.register(show_task, Command("task"), IsModerator())
    router.callback_query.register(open_task, card, on(F.action == TaskModAction.OPEN))
    router.callback_query.register(accept, card, on(F.action == TaskModAction.ACCEPT))
    router.callback_query.register(files, card, on(F.action == TaskModAction.FILES))
    router.callback_query.register(attach, card, on(F.action == TaskModAction.ATTACH))
    router.callback_query.register(cancel, card, on(F.action == TaskModAction.CANCEL))
    router.callback_query.register(publish, card, on(F.action == TaskModAction.PUBLISH))
    return router


async def _card(vol_tasks: TaskService, task: Task, locale: str) -> tuple[str, object]:
    case = await vol_tasks.case_number(task)
    finding, _files = await vol_tasks.findings(task)
    events = await vol_tasks.events(task)
    return (
        admin_task_text(task, case, finding, events, locale),
        admin_task_keyboard(task, finding, case),
    )


async def show_task(
    message: Message,
    command: CommandObject,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    number = parse_ref(command.args or "")
    if number is None:
        await message.reply(task_usage_text())
        return
    found = await covered(message, moderation, vol_tasks, pseudonym, number, "task")
    if found is not None:
        text, markup = await _card(vol_tasks, found[1], i18n.current_locale)
        await message.answer(text, reply_markup=markup)


async def open_task(query: CallbackQuery, task: Task, vol_tasks: TaskService, i18n: I18n) -> None:
    await acknowledge(query)
    text, markup = await _card(vol_tasks, task, i18n.current_locale)
    await query.message.answer(text, reply_markup=markup)


Act = Callable[[Moderator, Task], Awaitable[Any]]


async def _act(
    query: CallbackQuery, moderator: Moderator, task: Task, act: Act, reply: Callable[[Any], str]
) -> None:
    try:
        result = await act(moderator, task)
    except (VolunteerActionError, InvalidActionError) as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    except NotAllowedError:
        await polite_no(query)
        return
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=None)
    await query.message.answer(reply(result))


async def accept(
    query: CallbackQuery, moderator: Moderator, task: Task, vol_tasks: TaskService
) -> None:
    await _act(
        query, moderator, task, vol_tasks.accept_findings, lambda _r: accepted_reply(task.id)
    )


async def attach(
    query: CallbackQuery, moderator: Moderator, task: Task, vol_tasks: TaskService
) -> None:
    await _act(query, moderator, task, vol_tasks.attach_to_case, attached_reply)


async def cancel(
    query: CallbackQuery, moderator: Moderator, task: Task, vol_tasks: TaskService
) -> None:
    await _act(query, moderator, task, vol_tasks.cancel, lambda _r: cancelled_reply(task.id))


async def publish(
    query: CallbackQuery, moderator: Moderator, task: Task, vol_tasks: TaskService
) -> None:
    await _act(
        query, moderator, task, vol_tasks.publish, lambda told: published_reply(task.id, told)
    )


async def files(query: CallbackQuery, task: Task, vol_tasks: TaskService) -> None:
    await acknowledge(query)
    _finding, items = await vol_tasks.findings(task)
    chat_id = query.message.chat.id
    if not items:
        await query.bot.send_message(chat_id, no_files_text())
        return
    await send_files(query.bot, chat_id, items, files_caption(task.id))
