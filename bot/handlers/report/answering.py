"""The answer step: the reporter answers a moderator's question or adds information.

It opens from «✍️ Answer» under the question's notification (confidential and open reports)
or from «✍️ Answer or add information» under the case (anyone who may see it, an anonymous
reporter after /check): the same step either way, and the case is re-authorised on every
press and every message.

Each message is stored the moment it arrives, in one transaction of its own
(`ReportService.add_from_reporter`): nothing typed waits for a button, so nothing is lost, and
the common answer (one text) takes two actions: «Answer», then the text. The step stays open
for more messages (a second thought, an album, a long text Telegram split in two) until the
person taps «✅ That's all» or does something else; «➕ Add more» says how.
"""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.db.repositories.reports import EvidenceFile, Report
from bot.domain import CLOSED_STATUSES
from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.filters import MenuText
from bot.handlers.report.followup import viewable
from bot.handlers.report.states import FollowUp
from bot.replies import acknowledge
from bot.services.reports import ReportNotFoundError, ReportService
from bot.services.text import TextError
from bot.views.callbacks import (
    AnswerCallback,
    CaseAction,
    CaseCallback,
    ReportAction,
    ReportCallback,
)
from bot.views.common import button_expired_text, main_menu
from bot.views.followup import (
    add_more_hint_text,
    answer_added_keyboard,
    answer_added_text,
    answer_cancelled_text,
    answer_closed_text,
    answer_prompt_keyboard,
    answer_prompt_text,
    thanks_text,
)
from bot.views.report_flow import field_error_text


def get_router() -> Router:
    router = Router(name="report-answering")
    router.callback_query.register(from_notice, AnswerCallback.filter())
    router.callback_query.register(from_case, CaseCallback.filter(F.action == CaseAction.ADD))
    router.callback_query.register(add_more, CaseCallback.filter(F.action == CaseAction.MORE))
    router.message.register(
        receive,
        FollowUp.adding,
        ~MenuText(),
        (F.text & ~F.text.startswith("/")) | F.func(has_file),
    )
    router.callback_query.register(
        finish, ReportCallback.filter(F.action == ReportAction.THREAD_DONE)
    )
    return router


async def from_notice(
    query: CallbackQuery,
    callback_data: AnswerCallback,
    state: FSMContext,
    reports: ReportService,
    pseudonym: str,
) -> None:
    """«Answer» under a question: only the report's own reporter may open it."""
    try:
        report = await reports.owned_by_number(callback_data.case, pseudonym)
    except ReportNotFoundError:
        report = None
    await _open(query, report, state)


async def from_case(
    query: CallbackQuery,
    callback_data: CaseCallback,
    state: FSMContext,
    reports: ReportService,
    pseudonym: str,
) -> None:
    await _open(query, await viewable(callback_data.id, state, reports, pseudonym), state)


async def _open(query: CallbackQuery, report: Report | None, state: FSMContext) -> None:
    if report is None or report.status in CLOSED_STATUSES:
        text = answer_closed_text() if report is not None else button_expired_text()
        await acknowledge(query, text, alert=True)
        return
    await acknowledge(query)
    await state.set_state(FollowUp.adding)
    await state.update_data(verified=report.id, answering=report.id, added=0, added_note=None)
    await query.bot.send_message(
        query.from_user.id,
        answer_prompt_text(report.case_number),
        reply_markup=answer_prompt_keyboard(),
    )


async def add_more(
    query: CallbackQuery,
    callback_data: CaseCallback,
    state: FSMContext,
    reports: ReportService,
    pseudonym: str,
) -> None:
    """«➕ Add more»: the step is still open, so it only says how; if it was closed in the
    meantime (the person tapped something else), it opens again."""
    data = await state.get_data()
    if await state.get_state() == FollowUp.adding.state and data.get("answering") == (
        callback_data.id
    ):
        await acknowledge(query, add_more_hint_text())
        return
    await from_case(query, callback_data, state, reports, pseudonym)


async def receive(
    message: Message, state: FSMContext, reports: ReportService, pseudonym: str
) -> None:
    """One message of the answer: checked, stored in its own transaction, confirmed."""
    data = await state.get_data()
    report_id = data.get("answering")
    report = await viewable(report_id, state, reports, pseudonym) if report_id else None
    if report is None or report.status in CLOSED_STATUSES:
        await state.set_state(None)
        await message.answer(answer_closed_text(), reply_markup=main_menu())
        return
    try:
        text = reports.answer_text(message.text or message.caption, with_files=has_file(message))
    except TextError as exc:
        await message.answer(field_error_text(exc))
        return
    files: list[EvidenceFile] = []
    if has_file(message):
        outcome = await take_file(message, message.bot)
        if isinstance(outcome, Refused):
            await message.answer(outcome.reason)
            return
        e = outcome.evidence
        files.append(EvidenceFile(e.kind, e.file_id, e.mime_type, e.cleaned))
    await reports.add_from_reporter(report, text, files)
    await _confirm(message, state, report, data)


async def _confirm(
    message: Message, state: FSMContext, report: Report, data: dict[str, object]
) -> None:
    """One confirmation per message, except that an album's items update one message; the
    previous confirmation loses its buttons, so only the newest one has them."""
    count = int(data.get("added") or 0) + 1  # type: ignore[call-overload]
    text = answer_added_text(report.case_number, count)
    markup = answer_added_keyboard(report.id)
    note = data.get("added_note")
    group = message.media_group_id
    if isinstance(note, int) and group is not None and group == data.get("added_group"):
        with contextlib.suppress(TelegramBadRequest):
            await message.bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=note, reply_markup=markup
            )
            await state.update_data(added=count)
            return
    if isinstance(note, int):
        with contextlib.suppress(TelegramBadRequest):
            await message.bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=note, reply_markup=None
            )
    sent = await message.answer(text, reply_markup=markup)
    await state.update_data(added=count, added_note=sent.message_id, added_group=group)


async def finish(query: CallbackQuery, state: FSMContext) -> None:
    """«✅ That's all» (or «✖️ Cancel» before anything was sent): the step closes."""
    await acknowledge(query)
    if isinstance(query.message, Message):
        with contextlib.suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)
    if await state.get_state() != FollowUp.adding.state:
        return  # an older button: the step was closed already
    data = await state.get_data()
    await state.set_state(None)
    await state.update_data(answering=None, added=0, added_note=None)
    text = thanks_text() if data.get("added") else answer_cancelled_text()
    await query.bot.send_message(query.from_user.id, text, reply_markup=main_menu())
