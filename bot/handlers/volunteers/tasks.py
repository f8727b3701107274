"""/tasks for volunteers: mine, available, done; one task; take, accept, decline, progress.

Every button passes `VolunteerPress` first, which hands the handler the `volunteer` and the
`task`; a typed reason or progress note is checked again when it arrives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.volunteer_tasks import Task
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import VolunteerPress
from bot.handlers.volunteers.states import VolunteerInput
from bot.handlers.volunteers.wizard import act_on_typed, ask_about
from bot.replies import acknowledge
from bot.services.volunteers.errors import TrainingNeededError, VolunteerActionError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.tasks import TaskService
from bot.views.callbacks import TaskAction, TaskCallback
from bot.views.volunteers.errors import action_error_text, training_needed_text
from bot.views.volunteers.profile import not_volunteer_text
from bot.views.volunteers.tasks import (
    accepted_text,
    claimed_text,
    decline_prompt,
    declined_text,
    list_keyboard,
    list_text,
    progress_prompt,
    progress_sent_text,
    task_keyboard,
    task_text,
)

TaskAct = Callable[[Volunteer, Task, str], Awaitable[None]]


def get_router() -> Router:
    router = Router(name="volunteer-tasks")
    router.callback_query.middleware(VolunteerPress())
    on = TaskCallback.filter
    router.message.register(show_tasks, Command("tasks"))
    router.callback_query.register(tab, on(F.action == TaskAction.TAB))
    router.callback_query.register(open_task, on(F.action == TaskAction.OPEN))
    router.callback_query.register(claim, on(F.action == TaskAction.CLAIM))
    router.callback_query.register(accept, on(F.action == TaskAction.ACCEPT))
    router.callback_query.register(ask_decline, on(F.action == TaskAction.DECLINE))
    router.callback_query.register(ask_progress, on(F.action == TaskAction.PROGRESS))
    router.message.register(type_decline, VolunteerInput.decline_reason, *TYPED)
    router.message.register(type_progress, VolunteerInput.progress, *TYPED)
    return router


async def active_or_say(
    message: Message, volunteers: VolunteerService, pseudonym: str | None
) -> Volunteer | None:
    """For typed commands and answers: the volunteer, or a clear word that they are not one."""
    volunteer = await volunteers.get(pseudonym)
    if volunteer is not None and volunteer.status in ("active", "paused"):
        return volunteer
    await message.answer(not_volunteer_text())
    return None


async def show_tasks(
    message: Message,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    i18n: I18n,
) -> None:
    if volunteer := await active_or_say(message, volunteers, pseudonym):
        page = await vol_tasks.page(volunteer, "mine", 0)
        await message.answer(
            list_text(page), reply_markup=list_keyboard(page, i18n.current_locale)
        )


async def tab(
    query: CallbackQuery,
    callback_data: TaskCallback,
    volunteer: Volunteer,
    vol_tasks: TaskService,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    page = await vol_tasks.page(volunteer, callback_data.tab, callback_data.page)
    await query.message.edit_text(
        list_text(page), reply_markup=list_keyboard(page, i18n.current_locale)
    )


async def open_task(
    query: CallbackQuery, volunteer: Volunteer, task: Task, vol_tasks: TaskService, i18n: I18n
) -> None:
    await acknowledge(query)
    finding, _files = await vol_tasks.findings(task)
    await query.message.answer(
        task_text(task, finding, i18n.current_locale),
        reply_markup=task_keyboard(task, volunteer.id),
    )


async def claim(
    query: CallbackQuery,
    callback_data: TaskCallback,
    volunteer: Volunteer,
    vol_tasks: TaskService,
    i18n: I18n,
) -> None:
    try:
        task = await vol_tasks.claim(volunteer, callback_data.id)
    except TrainingNeededError as exc:
        await acknowledge(query)
        await query.message.answer(
            training_needed_text(exc.skill, exc.session, i18n.current_locale)
        )
        return
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await acknowledge(query)
    await query.message.answer(claimed_text(task), reply_markup=task_keyboard(task, volunteer.id))


async def accept(
    query: CallbackQuery, volunteer: Volunteer, task: Task, vol_tasks: TaskService
) -> None:
    try:
        await vol_tasks.accept(volunteer, task)
    except VolunteerActionError as exc:
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await acknowledge(query)
    await query.message.answer(accepted_text())


async def ask_decline(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    await ask_about(
        query, state, VolunteerInput.decline_reason, "vol_task", task.id, decline_prompt(), None
    )


async def ask_progress(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    await ask_about(
        query, state, VolunteerInput.progress, "vol_task", task.id, progress_prompt(), None
    )


async def _typed(
    message: Message,
    state: FSMContext,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    act: TaskAct,
    reply: str,
) -> None:
    volunteer = await active_or_say(message, volunteers, pseudonym)
    if volunteer is None:
        await state.clear()
        return
    task_id = int((await state.get_data()).get("vol_task") or 0)

    async def done() -> str:
        task = await vol_tasks.for_volunteer(volunteer, task_id)
        await act(volunteer, task, message.text or "")
        return reply

    # A bad text keeps the step (it can be written again); in a private chat, no ForceReply.
    await act_on_typed(message, state, done, retry_markup=None)


async def type_decline(
    message: Message,
    state: FSMContext,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
) -> None:
    await _typed(
        message, state, volunteers, vol_tasks, pseudonym, vol_tasks.decline, declined_text()
    )


async def type_progress(
    message: Message,
    state: FSMContext,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
) -> None:
    await _typed(
        message, state, volunteers, vol_tasks, pseudonym, vol_tasks.progress, progress_sent_text()
    )
