"""A task's acts that need a typed answer: sending findings back (with what to add) and
giving the task to one volunteer (by number). Re-authorised when the answer arrives."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteer_tasks import Task
from bot.handlers.replies import acknowledge
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import StaffPress, task_for
from bot.handlers.volunteers.states import TaskModInput
from bot.services.moderation import ModerationService
from bot.services.volunteers.errors import TrainingNeededError, VolunteerActionError
from bot.services.volunteers.inputs import InputError, parse_ref
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.tasks import TaskService
from bot.views.callbacks import TaskModAction, TaskModCallback
from bot.views.volunteers.errors import action_error_text, input_error_text
from bot.views.volunteers.task_admin import (
    assignee_prompt,
    offered_reply,
    return_prompt,
    returned_reply,
    untrained_text,
)

ASK = ForceReply(selective=True)


def get_router() -> Router:
    router = Router(name="volunteer-task-input")
    router.callback_query.middleware(StaffPress())
    on = TaskModCallback.filter
    card = on(F.id > 0)
    router.callback_query.register(ask_return, card, on(F.action == TaskModAction.RETURN))
    router.callback_query.register(ask_assignee, card, on(F.action == TaskModAction.ASSIGN))
    router.message.register(type_return, TaskModInput.return_comment, *TYPED)
    router.message.register(type_assignee, TaskModInput.assignee, *TYPED)
    return router


async def _prompt(
    query: CallbackQuery, state: FSMContext, task: Task, step: State, text: str
) -> None:
    await acknowledge(query)
    await state.set_state(step)
    await state.update_data(tm_task=task.id)
    await query.message.answer(text, reply_markup=ASK)


async def ask_return(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    await _prompt(query, state, task, TaskModInput.return_comment, return_prompt(task.id))


async def ask_assignee(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    await _prompt(query, state, task, TaskModInput.assignee, assignee_prompt())


async def _typed_task(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    action: str,
) -> tuple[Moderator, Task] | None:
    task_id = int((await state.get_data()).get("tm_task") or 0)
    found = await task_for(message, moderation, vol_tasks, pseudonym, task_id, action)
    if found is None:
        await state.clear()
    return found


async def type_return(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
) -> None:
    found = await _typed_task(message, state, moderation, vol_tasks, pseudonym, "tm:back")
    if found is None:
        return
    moderator, task = found
    try:
        await vol_tasks.return_findings(moderator, task, message.text or "")
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details), reply_markup=ASK)
        return
    except VolunteerActionError as exc:
        await state.clear()
        await message.reply(action_error_text(exc.reason))
        return
    await state.clear()
    await message.reply(returned_reply(task.id))


async def type_assignee(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    volunteers: VolunteerService,
    vol_tasks: TaskService,
    pseudonym: str | None,
) -> None:
    found = await _typed_task(message, state, moderation, vol_tasks, pseudonym, "tm:assign")
    if found is None:
        return
    moderator, task = found
    number = parse_ref(message.text or "")
    volunteer = await volunteers.by_id(number) if number else None
    if volunteer is None:
        await message.reply(action_error_text("volunteer"), reply_markup=ASK)
        return
    try:
        await vol_tasks.assign(moderator, task, volunteer)
    except TrainingNeededError:
        await message.reply(untrained_text(volunteer.id), reply_markup=ASK)
        return
    except VolunteerActionError as exc:
        await state.clear()
        await message.reply(action_error_text(exc.reason))
        return
    await state.clear()
    await message.reply(offered_reply(task.id, volunteer.id))
