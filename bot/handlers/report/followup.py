"""Following a report: /mytips, /check with the secret code, and the reporter's view of a case,
page by page. Answering is in `answering`."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.reports import Report
from bot.domain import CLOSED_STATUSES
from bot.handlers.gates import Word
from bot.handlers.report.flow import TYPED
from bot.handlers.report.states import FollowUp
from bot.middlewares.held import HeldReplies
from bot.replies import acknowledge
from bot.services.limits import LimitReachedError
from bot.services.reports import ReportNotFoundError, ReportService
from bot.views.callbacks import (
    CaseAction,
    CaseCallback,
    CasePageCallback,
    MyReportsCallback,
    ReportAction,
    ReportCallback,
)
from bot.views.common import MENU_MY_REPORTS, button_expired_text
from bot.views.followup import (
    MY_REPORTS_PAGE,
    ask_code_text,
    case_keyboard,
    case_pages,
    codes_paused_text,
    my_reports_keyboard,
    my_reports_text,
    no_match_text,
    too_many_codes_text,
)


def get_router() -> Router:
    router = Router(name="report-followup")
    router.message.register(my_reports, Command("mytips"))
    router.message.register(my_reports, Word(MENU_MY_REPORTS))
    router.callback_query.register(my_reports_page, MyReportsCallback.filter())
    router.message.register(check_command, Command("check"))
    router.callback_query.register(ask_code, ReportCallback.filter(F.action == ReportAction.CHECK))
    router.message.register(code_typed, FollowUp.code, *TYPED)
    router.callback_query.register(open_mine, CaseCallback.filter(F.action == CaseAction.OPEN))
    router.callback_query.register(turn_page, CasePageCallback.filter())
    return router


async def my_reports(
    message: Message, state: FSMContext, reports: ReportService, i18n: I18n, pseudonym: str
) -> None:
    if await state.get_state() == FollowUp.adding.state:
        await state.set_state(None)  # looking elsewhere ends the answer step
    page, pages = await reports.mine_page(pseudonym, 0, MY_REPORTS_PAGE)
    await message.answer(
        my_reports_text(page, i18n.current_locale, 0, pages),
        reply_markup=my_reports_keyboard(page, 0, pages),
    )


async def my_reports_page(
    query: CallbackQuery,
    callback_data: MyReportsCallback,
    reports: ReportService,
    i18n: I18n,
    pseudonym: str,
) -> None:
    """Only ever the presser's own reports: a forged page number shows nothing else."""
    await acknowledge(query)
    wanted = max(callback_data.page, 0)
    page, pages = await reports.mine_page(pseudonym, wanted, MY_REPORTS_PAGE)
    number = min(wanted, pages - 1)
    await _show(
        query,
        my_reports_text(page, i18n.current_locale, number, pages),
        my_reports_keyboard(page, number, pages),
    )


async def check_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    reports: ReportService,
    i18n: I18n,
    held_replies: HeldReplies,
) -> None:
    if not command.args:
        await state.set_state(FollowUp.code)
        await message.answer(ask_code_text())
        return
    await _forget_code_message(message)
    await show_by_code(message, command.args, state, reports, i18n, held_replies)


async def ask_code(query: CallbackQuery, state: FSMContext) -> None:
    await acknowledge(query)
    await state.set_state(FollowUp.code)
    await query.message.answer(ask_code_text())


async def code_typed(
    message: Message,
    state: FSMContext,
    reports: ReportService,
    i18n: I18n,
    held_replies: HeldReplies,
) -> None:
    await _forget_code_message(message)
    await show_by_code(message, message.text or "", state, reports, i18n, held_replies)


async def _forget_code_message(message: Message) -> None:
    """The code is a secret: take it off the screen once read."""
    with contextlib.suppress(TelegramBadRequest):
        await message.delete()


async def show_by_code(
    message: Message,
    code: str,
    state: FSMContext,
    reports: ReportService,
    i18n: I18n,
    held_replies: HeldReplies,
) -> None:
    """The answer is rendered now and held until the check's fixed time is over; this
    handler does not wait for it (see bot/middlewares/held.py)."""
    bot, chat_id = message.bot, message.chat.id
    await bot.send_chat_action(chat_id, "typing")
    try:
        check = await reports.find_by_code(code, message.from_user.id)
    except LimitReachedError as exc:
        explain = codes_paused_text if exc.everyone else too_many_codes_text
        await message.answer(explain(exc.retry_at, i18n.current_locale))
        return
    if check.report is None:
        # One answer for malformed, unknown and wrong codes alike.
        text, markup = no_match_text(), None
    else:
        await state.set_state(None)
        await state.update_data(verified=check.report.id)
        text, markup = await _case_page(check.report, reports, i18n, None)

    async def send() -> None:
        await bot.send_message(chat_id, text, reply_markup=markup)

    await held_replies.hold(chat_id, check.answer_at, send)


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


async def turn_page(
    query: CallbackQuery,
    callback_data: CasePageCallback,
    state: FSMContext,
    reports: ReportService,
    i18n: I18n,
    pseudonym: str,
) -> None:
    report = await viewable(callback_data.id, state, reports, pseudonym)
    if report is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    text, markup = await _case_page(report, reports, i18n, callback_data.page)
    await _show(query, text, markup)


async def viewable(
    report_id: int, state: FSMContext, reports: ReportService, pseudonym: str
) -> Report | None:
    """A case this person may see: their own (confidential or open), or an anonymous one
    opened with its code in this chat."""
    report = await reports.get(report_id)
    if report is None:
        return None
    if report.reporter is not None:
        return report if report.reporter == pseudonym else None
    return report if (await state.get_data()).get("verified") == report_id else None


async def send_case(
    bot: Bot, chat_id: int, report: Report, reports: ReportService, i18n: I18n
) -> None:
    text, markup = await _case_page(report, reports, i18n, None)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def _case_page(
    report: Report, reports: ReportService, i18n: I18n, page: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the case (where the newest entry begins when `page` is None), with its
    buttons."""
    pages = case_pages(await reports.view(report), i18n.current_locale)
    total = len(pages.texts)
    number = pages.first if page is None else min(max(page, 0), total - 1)
    can_answer = report.status not in CLOSED_STATUSES
    return pages.texts[number], case_keyboard(report.id, number, total, can_answer)


async def _show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Turn a page in place; a message that cannot be edited any more gets a fresh one."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
    await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
