"""Files: the evidence step, and more files while the summary is shown.

Files are the last question, so the first file brings the summary at once: a report with one
photo costs that one message, with no "done" tap (issue 9). More files may follow; the summary
counts them. An album's later items edit the summary in place (ten photos, one summary); a
file sent on its own replaces the summary with a fresh one below it, so the count is in view.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import I18n

from bot.handlers.report.files import Refused, has_file, take_file
from bot.handlers.report.flow import Flow, flow_of
from bot.handlers.report.states import ReportFlow
from bot.services.drafts import MAX_EVIDENCE, DraftService, ReportDraft
from bot.views.report_flow import prompt, too_many_files_text


def get_router() -> Router:
    router = Router(name="report-evidence")
    router.message.register(
        add_file, StateFilter(ReportFlow.evidence, ReportFlow.summary), F.func(has_file)
    )
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
    group = message.media_group_id
    if await flow.step() == "evidence":
        data = await state.get_data()
        await state.update_data(media_group=group)
        if isinstance(data.get("question"), int):
            # «No files, next step» under the question would now read wrong: it goes.
            with contextlib.suppress(TelegramBadRequest):
                await bot.edit_message_reply_markup(
                    chat_id=flow.chat_id, message_id=data["question"], reply_markup=None
                )
        await flow.answered("evidence", draft)  # the summary (or what is still unanswered)
        return
    await _recount(flow, draft, group)


async def _recount(flow: Flow, draft: ReportDraft, group: str | None) -> None:
    """The summary with the new count: edited for an album's next item, else sent anew (and
    the older one deleted, so one summary with buttons stays)."""
    data = await flow.state.get_data()
    summary_id = data.get("summary")
    await flow.state.update_data(media_group=group)
    if isinstance(summary_id, int) and group is not None and group == data.get("media_group"):
        text, markup = prompt("summary", draft, flow.locale)
        try:
            await flow.bot.edit_message_text(
                text, chat_id=flow.chat_id, message_id=summary_id, reply_markup=markup
            )
            await flow.drafts.save(flow.user.id, draft)
            return
        except TelegramBadRequest:
            pass  # too old or gone: a fresh one below
    if isinstance(summary_id, int):
        with contextlib.suppress(TelegramBadRequest):
            await flow.bot.delete_message(flow.chat_id, summary_id)
        draft.forget(summary_id)
    await flow.show("summary", draft)
