"""Starting a report, continuing a draft, and moving through the flow: Back, Skip, Cancel."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n

from bot.db.repositories.users import UserRecord
from bot.handlers.gates import Word
from bot.handlers.report.flow import STATE_OF, Flow, flow_of, preceding
from bot.handlers.report.states import ReportFlow
from bot.replies import acknowledge
from bot.services.drafts import DraftService, ReportDraft
from bot.services.limits import LimitReachedError, Limits
from bot.services.reports import ReporterBannedError, ReportService
from bot.views.callbacks import ReportAction, ReportCallback
from bot.views.common import MENU_REPORT, button_expired_text, main_menu
from bot.views.report_flow import (
    banned_text,
    cannot_skip_text,
    draft_deleted_text,
    limit_text,
    new_report_text,
    no_draft_text,
    no_location_text,
    paused_text,
    unfinished_draft_text,
)
from bot.views.report_keyboards import BACK, CANCEL, SKIP, resume_keyboard

SKIPPABLE = ("involved", "amount", "evidence", "location")


def get_router() -> Router:
    router = Router(name="report-entry")
    router.message.register(start, Command("report"))
    router.message.register(start, Word(MENU_REPORT))
    on = ReportCallback.filter
    router.callback_query.register(resume, on(F.action == ReportAction.RESUME))
    router.callback_query.register(restart, on(F.action == ReportAction.RESTART))
    router.callback_query.register(discard, on(F.action == ReportAction.DISCARD))
    router.callback_query.register(cancel, on(F.action == ReportAction.CANCEL))
    router.callback_query.register(edit_field, on(F.action == ReportAction.EDIT))
    in_flow = StateFilter(ReportFlow)
    router.callback_query.register(back, in_flow, on(F.action == ReportAction.BACK))
    router.callback_query.register(skip, in_flow, on(F.action == ReportAction.SKIP))
    router.message.register(back, in_flow, F.text == BACK)
    router.message.register(cancel, in_flow, F.text == CANCEL)
    router.message.register(skip, in_flow, F.text == SKIP)
    return router


async def start(
    message: Message,
    state: FSMContext,
    drafts: DraftService,
    limits: Limits,
    i18n: I18n,
    user_record: UserRecord | None,
    pseudonym: str,
    reports: ReportService,
) -> None:
    try:
        await reports.ensure_allowed(pseudonym)
        await limits.check_submission(message.from_user.id, pseudonym)
    except LimitReachedError as exc:
        await message.answer(
            limit_text(exc.retry_at, i18n.current_locale), reply_markup=main_menu()
        )
        return
    except ReporterBannedError:
        await message.answer(banned_text(), reply_markup=main_menu())
        return
    draft = await drafts.load(message.from_user.id)
    if draft is not None and draft.done:
        await message.answer(unfinished_draft_text(), reply_markup=resume_keyboard())
        return
    draft = ReportDraft(region=user_record.region if user_record else None)
    draft.remember(message.message_id)
    # The introduction also takes the main menu away: mid-flow only the step's buttons show.
    await flow_of(message, state, drafts, i18n).show("area", draft, lead=new_report_text())


async def resume(
    query: CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await acknowledge(query)
    draft = await drafts.load(query.from_user.id)
    if draft is None:
        await query.message.answer(no_draft_text(), reply_markup=main_menu())
        return
    draft.editing = False
    await flow_of(query, state, drafts, i18n).show(draft.next_step() or "summary", draft)


async def restart(
    query: CallbackQuery,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
    user_record: UserRecord | None,
) -> None:
    await acknowledge(query)
    await drafts.discard(query.from_user.id)
    draft = ReportDraft(region=user_record.region if user_record else None)
    await flow_of(query, state, drafts, i18n).show("area", draft)


async def discard(query: CallbackQuery, state: FSMContext, drafts: DraftService) -> None:
    await acknowledge(query)
    await drafts.discard(query.from_user.id)
    await state.clear()
    await query.message.answer(draft_deleted_text(), reply_markup=main_menu())


async def _navigating(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> tuple[Flow, ReportDraft]:
    """Back, Skip and Cancel come as inline buttons or as reply-keyboard words."""
    if isinstance(event, CallbackQuery):
        await acknowledge(event)
    flow = flow_of(event, state, drafts, i18n)
    draft = await flow.draft()
    if isinstance(event, Message):
        draft.remember(event.message_id)
    return flow, draft


async def back(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await _navigating(event, state, drafts, i18n)
    previous = preceding(await flow.step())
    if previous is None:
        await pause(flow, draft)
        return
    draft.editing = False
    await flow.show(previous, draft)


async def cancel(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await _navigating(event, state, drafts, i18n)
    await pause(flow, draft)


async def pause(flow: Flow, draft: ReportDraft) -> None:
    """Leave the flow but keep every answer: a mis-tap must not cost a pensioner her text."""
    await flow.state.clear()
    await flow.say(draft, paused_text(), reply_markup=main_menu())


async def skip(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await _navigating(event, state, drafts, i18n)
    step = await flow.step()
    if step == "summary":
        return  # an older "next step" button: the summary below is where the flow is
    if step not in SKIPPABLE:
        await flow.say(draft, cannot_skip_text())
        return
    if step == "location":
        await flow.say(draft, no_location_text(), reply_markup=ReplyKeyboardRemove())
    await flow.answered(step, draft)


async def edit_field(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    draft = await drafts.load(query.from_user.id)
    if draft is None or callback_data.value not in STATE_OF:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    draft.editing = True
    await flow_of(query, state, drafts, i18n).show(callback_data.value, draft)
