"""Submitting the report, and erasing the conversation from the chat afterwards.

Submit is safe to press twice and safe to replay after a crash: the filing and the sealed
confirmation commit together, and the confirmation replaces the summary message in place.
A replay finds the confirmation still waiting (and delivers it) or already delivered.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n

from bot.handlers.report.flow import flow_of
from bot.handlers.report.states import ReportFlow
from bot.replies import acknowledge
from bot.services.drafts import DraftService
from bot.services.limits import LimitReachedError
from bot.services.outbox import Outbox
from bot.services.reports import DraftIncompleteError, ReporterBannedError, ReportService
from bot.views.callbacks import ReportAction, ReportCallback
from bot.views.common import button_expired_text, main_menu
from bot.views.followup import erased_text, main_menu_text, nothing_to_erase_text, sent_text
from bot.views.report_flow import banned_text, limit_text

log = logging.getLogger(__name__)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


def get_router() -> Router:
    router = Router(name="report-submit")
    on = ReportCallback.filter
    router.callback_query.register(submit, on(F.action == ReportAction.SUBMIT))
    router.callback_query.register(erase, on(F.action == ReportAction.ERASE))
    return router


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    drafts: DraftService,
    reports: ReportService,
    outbox: Outbox,
    i18n: I18n,
    pseudonym: str,
) -> None:
    flow = flow_of(query, state, drafts, i18n)
    message_id = query.message.message_id if query.message is not None else None
    draft = await flow.draft()
    if await state.get_state() != ReportFlow.summary.state or not draft.complete:
        await _already_filed(query, state, reports, outbox, flow.chat_id, message_id)
        return
    # Remembered before filing: after the filing the draft and its trail are gone.
    trail = [*draft.trail, *([message_id] if message_id else [])]
    await state.update_data(erase=trail)
    try:
        result = await reports.submit(
            draft,
            query.from_user.id,
            pseudonym,
            i18n.current_locale,
            chat_id=flow.chat_id,
            message_id=message_id,
        )
    except LimitReachedError as exc:
        await acknowledge(query)
        await flow.say(
            draft, limit_text(exc.retry_at, i18n.current_locale), reply_markup=main_menu()
        )
        return
    except ReporterBannedError:
        await acknowledge(query)
        await flow.say(draft, banned_text(), reply_markup=main_menu())
        return
    except DraftIncompleteError:
        await acknowledge(query)
        await flow.show(draft.next_step() or "summary", draft)
        return
    await acknowledge(query, sent_text())
    await outbox.deliver_now(result.confirmation)  # if it fails now, the outbox retries
    await state.set_state(None)
    await flow.bot.send_message(flow.chat_id, main_menu_text(), reply_markup=main_menu())


async def _already_filed(
    query: CallbackQuery,
    state: FSMContext,
    reports: ReportService,
    outbox: Outbox,
    chat_id: int,
    message_id: int | None,
) -> None:
    """A second press, or the same press replayed after a crash: never a second report."""
    if await state.get_state() == ReportFlow.summary.state:
        await state.set_state(None)
    pending = await reports.pending_confirmation(query.from_user.id, chat_id, message_id)
    if pending is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    await outbox.deliver_now(pending)


async def erase(query: CallbackQuery, state: FSMContext) -> None:
    ids: list[int] = (await state.get_data()).get("erase") or []
    if not ids or query.message is None:
        await acknowledge(query, nothing_to_erase_text(), alert=True)
        return
    await acknowledge(query)
    chat_id = query.message.chat.id
    failed = False
    for start in range(0, len(ids), DELETE_BATCH):
        try:
            await query.bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
        except TelegramBadRequest:
            failed = True  # older than 48 hours or already gone
    await state.update_data(erase=None)
    await query.bot.send_message(chat_id, erased_text(failed), reply_markup=main_menu())
