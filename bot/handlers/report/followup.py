"""Following a report: /mytips, /check with the secret code, and adding to the case thread."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.db.repositories.reports import EvidenceFile, Report
from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.filters import MenuText
from bot.handlers.report.flow import TYPED
from bot.handlers.report.states import FollowUp
from bot.handlers.report.texts import case_text, my_reports_text
from bot.keyboards.callbacks import CaseCallback, ReportCallback
from bot.keyboards.common import MENU_MY_REPORTS, main_menu
from bot.keyboards.report import case_keyboard, my_reports_keyboard, thread_done_keyboard
from bot.services.dates import format_local_time
from bot.services.limits import LimitReachedError
from bot.services.reports import CLOSED_STATUSES, ReportNotFoundError, ReportService

MAX_ADDITION = 4096


def get_router() -> Router:
    router = Router(name="report-followup")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.message.register(my_reports, Command("mytips"))
    router.message.register(my_reports, F.text == MENU_MY_REPORTS)
    router.message.register(check_command, Command("check"))
    router.callback_query.register(ask_code, ReportCallback.filter(F.action == "check"))
    router.message.register(code_typed, FollowUp.code, *TYPED)
    router.callback_query.register(open_mine, CaseCallback.filter(F.action == "open"))
    router.callback_query.register(start_adding, CaseCallback.filter(F.action == "add"))
    router.message.register(
        add_to_case,
        FollowUp.adding,
        ~MenuText(),
        (F.text & ~F.text.startswith("/")) | F.func(has_file),
    )
    router.callback_query.register(stop_adding, ReportCallback.filter(F.action == "thread_done"))
    return router


async def my_reports(message: Message, reports: ReportService, i18n: I18n, pseudonym: str) -> None:
    mine = await reports.mine(pseudonym)
    if not mine:
        await message.answer(
            _(
                "You have no confidential or open reports yet. An anonymous report can be "
                "checked only with its secret code."
            ),
            reply_markup=my_reports_keyboard([]),
        )
        return
    buttons = [(r.id, "📄 " + r.case_number) for r in mine]
    await message.answer(
        my_reports_text(mine, i18n.current_locale), reply_markup=my_reports_keyboard(buttons)
    )


async def check_command(
    message: Message, command: CommandObject, state: FSMContext, reports: ReportService, i18n: I18n
) -> None:
    if not command.args:
        await state.set_state(FollowUp.code)
        await message.answer(
            _("Send the secret code of your report, for example K7QD-3MXA-9TRF-2HWN.")
        )
        return
    await _forget_code_message(message)
    await show_by_code(message, command.args, state, reports, i18n)


async def ask_code(query: CallbackQuery, state: FSMContext) -> None:
    await query.answer()
    await state.set_state(FollowUp.code)
    await query.message.answer(
        _("Send the secret code of your report, for example K7QD-3MXA-9TRF-2HWN.")
    )


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
        await message.answer(
            _("Too many wrong codes. Try again after {time}.").format(
                time=format_local_time(exc.retry_at, i18n.current_locale)
            )
        )
        return
    if report is None:
        # One answer for malformed, unknown and wrong codes alike.
        await message.answer(_("No report matches this code. Check the code and try again."))
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
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
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
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    await state.set_state(FollowUp.adding)
    await query.message.answer(
        _(
            "Write your answer or send files for case {case}. Each message is added to the "
            "case. Tap Done when you have finished."
        ).format(case=report.case_number),
        reply_markup=thread_done_keyboard(),
    )


async def add_to_case(
    message: Message, state: FSMContext, reports: ReportService, pseudonym: str
) -> None:
    report_id = (await state.get_data()).get("verified")
    report = await _authorised(report_id, state, reports, pseudonym) if report_id else None
    if report is None:
        await state.set_state(None)
        await message.answer(_("This case cannot be changed any more."), reply_markup=main_menu())
        return
    files: list[EvidenceFile] = []
    text = message.text or message.caption
    if text and len(text) > MAX_ADDITION:
        await message.answer(
            _(
                "This is too long: {length} characters, at most {maximum} fit. Please shorten it."
            ).format(length=len(text), maximum=MAX_ADDITION)
        )
        return
    if has_file(message):
        outcome = await take_file(message, message.bot)
        if isinstance(outcome, Refused):
            await message.answer(outcome.reason)
            return
        e = outcome.evidence
        files.append(EvidenceFile(e.kind, e.file_id, e.mime_type, e.cleaned))
    await reports.add_from_reporter(report, text, files)
    await message.answer(
        _("Added to case {case}.").format(case=report.case_number),
        reply_markup=thread_done_keyboard(),
    )


async def stop_adding(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(None)
    await query.answer()
    await query.message.answer(
        _("Thank you. The moderators will see it."), reply_markup=main_menu()
    )
