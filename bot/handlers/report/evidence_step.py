"""The evidence step: files arrive one by one or as albums; one status message is updated."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.flow import flow_of
from bot.handlers.report.states import ReportFlow
from bot.services.drafts import MAX_EVIDENCE, DraftService, ReportDraft
from bot.views.report_flow import evidence_status, too_many_files_text
from bot.views.report_keyboards import evidence_keyboard


def get_router() -> Router:
    router = Router(name="report-evidence")
    router.message.register(add_file, ReportFlow.evidence, F.func(has_file))
    return router


async def add_file(
    message: Message, bot: Bot, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow = flow_of(message, state, drafts, i18n)
    draft = await flow.draft()
    draft.remember(message.message_id)
    if len(draft.evidence) >= MAX_EVIDENCE:
        await flow.say(draft, too_many_files_text())
        return
    outcome = await take_file(message, bot)
    if isinstance(outcome, Refused):
        await flow.say(draft, outcome.reason)
        return
    draft.evidence.append(outcome.evidence)
    if outcome.clean_copy_message_id:
        draft.remember(outcome.clean_copy_message_id)
    await _update_status(flow.bot, flow.chat_id, state, draft)
    await drafts.save(message.from_user.id, draft)


async def _update_status(bot: Bot, chat_id: int, state: FSMContext, draft: ReportDraft) -> None:
    """Edit the one status message; an album of ten then shows one counter, not ten."""
    text, markup = evidence_status(draft), evidence_keyboard(bool(draft.evidence))
    status_id = (await state.get_data()).get("evidence_status")
    if status_id:
        try:
            await bot.edit_message_text(
                text, chat_id=chat_id, message_id=status_id, reply_markup=markup
            )
            return
        except TelegramBadRequest:
            pass  # too old or deleted: send a fresh one
    sent = await bot.send_message(chat_id, text, reply_markup=markup)
    draft.remember(sent.message_id)
    await state.update_data(evidence_status=sent.message_id)
