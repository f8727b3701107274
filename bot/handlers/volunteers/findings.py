"""Submitting findings: the text first, then photos or documents, then «📤 Send findings».

Files go through the same code as reports' evidence (bot/handlers/report/files.py): image
files are downloaded, stripped of metadata and re-uploaded, and only the clean copy is kept.
Until «Send», the text and the file ids wait in the (sealed) FSM data.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.db.repositories.reports import EvidenceFile
from bot.db.repositories.volunteer_tasks import Task
from bot.db.repositories.volunteers import Volunteer
from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.flow import TYPED
from bot.handlers.volunteers.access import VolunteerPress
from bot.handlers.volunteers.states import VolunteerInput
from bot.replies import acknowledge
from bot.services.volunteers.errors import VolunteerActionError
from bot.services.volunteers.inputs import InputError, check_text
from bot.services.volunteers.rules import MAX_FINDING_FILES, MAX_FINDINGS
from bot.services.volunteers.tasks import TaskService
from bot.views.callbacks import TaskAction, TaskCallback
from bot.views.volunteers.errors import action_error_text, input_error_text
from bot.views.volunteers.tasks import (
    findings_file_added_text,
    findings_files_prompt,
    findings_keyboard,
    findings_prompt,
    findings_sent_text,
    too_many_files_text,
)


def get_router() -> Router:
    router = Router(name="volunteer-findings")
    router.callback_query.middleware(VolunteerPress())
    on = TaskCallback.filter
    router.callback_query.register(start, on(F.action == TaskAction.SUBMIT))
    router.message.register(type_findings, VolunteerInput.findings_text, *TYPED)
    router.message.register(add_file, VolunteerInput.findings_files, F.func(has_file))
    router.callback_query.register(send, on(F.action == TaskAction.SEND))
    return router


async def start(query: CallbackQuery, state: FSMContext, volunteer: Volunteer, task: Task) -> None:
    if task.status != "in_progress" or task.assignee != volunteer.id:
        await acknowledge(query, action_error_text("state"), alert=True)
        return
    await acknowledge(query)
    await state.set_state(VolunteerInput.findings_text)
    await state.set_data({"vol_task": task.id, "vf_files": []})
    await query.message.answer(findings_prompt())


async def type_findings(message: Message, state: FSMContext) -> None:
    try:
        body = check_text(message.text or "", MAX_FINDINGS)
    except InputError as exc:
        await message.reply(input_error_text(exc.reason, exc.details))
        return
    await state.update_data(vf_body=body)
    await state.set_state(VolunteerInput.findings_files)
    task_id = int((await state.get_data()).get("vol_task") or 0)
    await message.answer(findings_files_prompt(), reply_markup=findings_keyboard(task_id))


async def add_file(message: Message, bot: Bot, state: FSMContext) -> None:
    data = await state.get_data()
    files = list(data.get("vf_files", []))
    task_id = int(data.get("vol_task") or 0)
    if len(files) >= MAX_FINDING_FILES:
        await message.reply(too_many_files_text(), reply_markup=findings_keyboard(task_id))
        return
    outcome = await take_file(message, bot)
    if isinstance(outcome, Refused):
        await message.reply(outcome.reason)
        return
    item = outcome.evidence
    files.append([item.kind, item.file_id, item.mime_type, item.cleaned])
    await state.update_data(vf_files=files)
    await _counter(bot, message.chat.id, state, len(files), task_id)


async def _counter(bot: Bot, chat_id: int, state: FSMContext, count: int, task_id: int) -> None:
    """One counter message edited in place: an album of ten shows one, not ten replies."""
    text, markup = findings_file_added_text(count), findings_keyboard(task_id)
    status_id = (await state.get_data()).get("vf_status")
    if status_id:
        try:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=status_id, reply_markup=markup
            )
            return
        except TelegramBadRequest:
            pass  # too old or deleted: a fresh one
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    await state.update_data(vf_status=sent.message_id)


async def send(
    query: CallbackQuery,
    state: FSMContext,
    volunteer: Volunteer,
    task: Task,
    vol_tasks: TaskService,
) -> None:
    data = await state.get_data()
    waiting = await state.get_state() == VolunteerInput.findings_files.state
    if not waiting or int(data.get("vol_task") or 0) != task.id:
        await acknowledge(query, action_error_text("state"), alert=True)
        return
    files = [EvidenceFile(k, f, m, bool(c)) for k, f, m, c in data.get("vf_files", [])]
    try:
        await vol_tasks.submit(volunteer, task, data.get("vf_body", ""), files)
    except (VolunteerActionError, InputError) as exc:
        await state.clear()
        await acknowledge(query, action_error_text(exc.reason), alert=True)
        return
    await state.clear()
    await acknowledge(query)
    await query.message.edit_text(findings_sent_text())
