"""Following a report: /mytips, /check with the secret code, and adding to the case thread."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.reports import EvidenceFile, Report
from bot.domain import CLOSED_STATUSES
from bot.handlers.replies import acknowledge
from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.filters import MenuText
from bot.handlers.report.flow import TYPED
from bot.handlers.report.states import FollowUp
from bot.services.limits import LimitReachedError
from bot.services.reports import ReportNotFoundError, ReportService
from bot.views.callbacks import CaseAction, CaseCallback, ReportAction, ReportCallback
from bot.views.common import MENU_MY_REPORTS, button_expired_text, main_menu
from bot.views.followup import (
    added_text,
    adding_prompt_text,
    addition_too_long_text,
    ask_code_text,
    case_closed_text,
    case_keyboard,
    case_text,
    my_reports_keyboard,
    my_reports_text,
    no_match_text,
    thanks_text,
    thread_done_keyboard,
    too_many_codes_text,
)

MAX_ADDITION = 4096


def get_router() -> Router:
    router = Router(name="report-followup")
    router.message.register(my_reports, Command("mytips"))
    router.message.register(my_reports, F.text == MENU_MY_REPORTS)
    router.message.register(check_command, Command("check"))
    router.callback_query.register(ask_code, ReportCallback.filter(F.action == ReportAction.CHECK))
    router.message.register(code_typed, FollowUp.code, *TYPED)
    router.callback_query.register(open_mine, CaseCallback.filter(F.action == CaseAction.OPEN))
    router.callback_query.register(start_adding, CaseCallback.filter(F.action == CaseAction.ADD))
    router.message.register(
        add_to_case,
        FollowUp.adding,
        ~MenuText(),
        (F.text & ~F.text.startswith("/")) | F.func(has_file),
    )
    router.callback_query.register(
        stop_adding, ReportCallback.filter(F.action == ReportAction.THREAD_DONE)
    )
    return router


async def my_reports(message: Message, reports: ReportService, i18n: I18n, pseudonym: str) -> None:
    mine = await reports.mine(pseudonym)
    await message.answer(
        my_reports_text(mine, i18n.current_locale), reply_markup=my_reports_keyboard(mine)
    )


async def check_command(
    message: Message, command: CommandObject, state: FSMContext, reports: ReportService, i18n: I18n
) -> None:
    if not command.args:
        await state.set_state(FollowUp.code)
        await message.answer(ask_code_text())
        return
    await _forget_code_message(message)
    await show_by_code(message, command.args, state, reports, i18n)


async def ask_code(query: CallbackQuery, state: FSMContext) -> None:
    await acknowledge(query)
    await state.set_state(FollowUp.code)
    await query.message.answer(ask_code_text())


async def code_typed(
    message: Message, state: FSMContext, reports: ReportService, i18n: I18n
) -> None:
    await _forget_code_message(message)
    await show_by_code(message, message.text or "", state, reports, i18n)


async def _forget_code_message(message: Message) -> None:
    """The code is a secret: take it off the screen once read."""
    with contextlib.suppress(TelegramBadRequest):
        await message.delete()


async def show_by_code(
    message: Message, code: str, state: FSMContext, reports: ReportService, i18n: I18n
) -> None:
    await message.bot.send_chat_action(message.chat.id, "typing")
    try:
        report = await reports.find_by_code(code, message.from_user.id)
    except LimitReachedError as exc:
        await message.answer(too_many_codes_text(exc.retry_at, i18n.current_locale))
        return
    if report is None:
        # One answer for malformed, unknown and wrong codes alike.
        await message.answer(no_match_text())
        return
    await state.set_state(None)
    await state.update_data(verified=report.id)
    await send_case(message.bot, message.chat.id, report, reports, i18n)


async def open_mine(
    query: CallbackQuery,
    callback_data: CaseCallback,
    state: FSMContext,
    reports: ReportService,
    i18n: I18n,
    pseudonym: str,
) -> None:
    try:
        report = await reports.owned(callback_data.id, pseudonym)
    except ReportNotFoundError:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    await state.update_data(verified=report.id)
    await send_case(query.bot, query.message.chat.id, report, reports, i18n)


async def send_case(
    bot: Bot, chat_id: int, report: Report, reports: ReportService, i18n: I18n
) -> None:
    view = await reports.view(report)
    markup = None if report.status in CLOSED_STATUSES else case_keyboard(report.id)
    await bot.send_message(chat_id, case_text(view, i18n.current_locale), reply_markup=markup)


async def _authorised(
    report_id: int, state: FSMContext, reports: ReportService, pseudonym: str
) -> Report | None:
    """Only the case this person just opened (by code or as its owner) may be added to."""
    if (await state.get_data()).get("verified") != report_id:
        return None
    report = await reports.get(report_id)
    if report is None or report.status in CLOSED_STATUSES:
        return None
    if report.reporter is not None and report.reporter != pseudonym:
        return None
    return report


async def start_adding(
    query: CallbackQuery,
    callback_data: CaseCallback,
    state: FSMContext,
    reports: ReportService,
    pseudonym: str,
) -> None:
    report = await _authorised(callback_data.id, state, reports, pseudonym)
    if report is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    await state.set_state(FollowUp.adding)
    await query.message.answer(
        adding_prompt_text(report.case_number), reply_markup=thread_done_keyboard()
    )


async def add_to_case(
    message: Message, state: FSMContext, reports: ReportService, pseudonym: str
) -> None:
    report_id = (await state.get_data()).get("verified")
    report = await _authorised(report_id, state, reports, pseudonym) if report_id else None
    if report is None:
        await state.set_state(None)
        await message.answer(case_closed_text(), reply_markup=main_menu())
        return
    files: list[EvidenceFile] = []
    text = message.text or message.caption
    if text and len(text) > MAX_ADDITION:
        await message.answer(addition_too_long_text(len(text), MAX_ADDITION))
        return
    if has_file(message):
        outcome = await take_file(message, message.bot)
        if isinstance(outcome, Refused):
            await message.answer(outcome.reason)
            return
        e = outcome.evidence
        files.append(EvidenceFile(e.kind, e.file_id, e.mime_type, e.cleaned))
    await reports.add_from_reporter(report, text, files)
    await message.answer(added_text(report.case_number), reply_markup=thread_done_keyboard())


async def stop_adding(query: CallbackQuery, state: FSMContext) -> None:
    await acknowledge(query)
    await state.set_state(None)
    await query.message.answer(thanks_text(), reply_markup=main_menu())
