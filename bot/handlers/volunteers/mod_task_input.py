"""A task's acts that need a typed answer: sending findings back (with what to add) and
giving the task to one volunteer (by number). Re-authorised when the answer arrives."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.volunteer_tasks import Task
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import StaffPress, covered
from bot.handlers.volunteers.states import TaskModInput
from bot.handlers.volunteers.wizard import (
    ASK,
    act_on_typed,
    ask_about,
    still_allowed,
    typed_volunteer,
)
from bot.services.moderation import ModerationService
from bot.services.volunteers.errors import TrainingNeededError, VolunteerActionError
from bot.services.volunteers.people import VolunteerService
from bot.services.volunteers.tasks import TaskService
from bot.views.callbacks import TaskModAction, TaskModCallback
from bot.views.volunteers.errors import action_error_text
from bot.views.volunteers.task_admin import (
    assignee_prompt,
    offered_reply,
    return_prompt,
    returned_reply,
    untrained_text,
)


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


async def ask_return(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    prompt = return_prompt(task.id)
    await ask_about(query, state, TaskModInput.return_comment, "tm_task", task.id, prompt)


async def ask_assignee(query: CallbackQuery, state: FSMContext, task: Task) -> None:
    await ask_about(query, state, TaskModInput.assignee, "tm_task", task.id, assignee_prompt())


async def _typed_task(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    vol_tasks: TaskService,
    pseudonym: str | None,
    action: str,
) -> tuple[Moderator, Task] | None:
    return await still_allowed(
        state, "tm_task", lambda n: covered(message, moderation, vol_tasks, pseudonym, n, action)
    )


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

    async def send_back() -> str:
        await vol_tasks.return_findings(moderator, task, message.text or "")
        return returned_reply(task.id)

    await act_on_typed(message, state, send_back)


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
    volunteer = await typed_volunteer(message, volunteers)
    if volunteer is None:
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
