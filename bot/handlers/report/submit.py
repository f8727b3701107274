"""Submitting the report, and erasing the conversation from the chat afterwards."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.handlers.report.flow import banned_text, flow_of, limit_text
from bot.handlers.report.states import ReportFlow
from bot.keyboards.callbacks import ReportCallback
from bot.keyboards.common import main_menu
from bot.keyboards.report import submitted_keyboard
from bot.services.drafts import DraftService
from bot.services.limits import LimitReachedError
from bot.services.reports import (
    DraftIncompleteError,
    ReporterBannedError,
    ReportService,
    Submitted,
)

log = logging.getLogger(__name__)
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


def get_router() -> Router:
    router = Router(name="report-submit")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.callback_query.register(
        submit, ReportFlow.summary, ReportCallback.filter(F.action == "submit")
    )
    router.callback_query.register(erase, ReportCallback.filter(F.action == "erase"))
    return router


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    drafts: DraftService,
    reports: ReportService,
    i18n: I18n,
    pseudonym: str,
) -> None:
    flow = flow_of(query, state, drafts, i18n)
    draft = await flow.draft()
    try:
        result = await reports.submit(draft, query.from_user.id, pseudonym, i18n.current_locale)
    except LimitReachedError as exc:
        await query.answer()
        await flow.say(draft, limit_text(exc, i18n.current_locale), reply_markup=main_menu())
        return
    except ReporterBannedError:
        await query.answer()
        await flow.say(draft, banned_text(), reply_markup=main_menu())
        return
    except DraftIncompleteError:
        await query.answer()
        await flow.show(draft.next_step() or "summary", draft)
        return
    await query.answer(_("Sent."))
    trail = [*draft.trail]
    if query.message is not None:
        await query.message.edit_reply_markup(reply_markup=None)  # no double submit
    await state.clear()
    sent = await flow.bot.send_message(
        flow.chat_id, submitted_text(result), reply_markup=submitted_keyboard()
    )
    await state.update_data(erase=[*trail, sent.message_id])
    await flow.bot.send_message(flow.chat_id, _("Main menu."), reply_markup=main_menu())


def submitted_text(result: Submitted) -> str:
    parts = [
        _("✅ <b>Your report has been received.</b>"),
        _("Case number: <code>{case}</code>").format(case=result.report.case_number),
    ]
    if result.code:
        parts += [
            "",
            _("Your secret follow-up code:\n<code>{code}</code>").format(code=result.code),
            _(
                "Save it now, for example on paper. We show it only once and cannot restore "
                "it. To check the report later, send /check with this code."
            ),
        ]
    else:
        parts.append(_("You can follow it with /mytips."))
    parts += [
        "",
        _(
            "You can also report corruption officially to the Anti-Corruption Agency: "
            "call 1424 (free of charge)."
        ),
        "",
        _(
            "If someone else may see your phone, you can delete this conversation from the "
            "chat with the button below. The report itself stays with us."
        ),
    ]
    return "\n".join(parts)


async def erase(query: CallbackQuery, state: FSMContext) -> None:
    ids: list[int] = (await state.get_data()).get("erase") or []
    if not ids or query.message is None:
        await query.answer(_("There is nothing left to delete."), show_alert=True)
        return
    await query.answer()
    chat_id = query.message.chat.id
    failed = 0
    for start in range(0, len(ids), DELETE_BATCH):
        try:
            await query.bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
        except TelegramBadRequest:
            failed += 1  # older than 48 hours or already gone
    await state.update_data(erase=None)
    text = _("The conversation about the report was deleted from this chat.")
    if failed:
        text = _(
            "Some messages could not be deleted: Telegram allows it only within 48 hours. "
            "You can delete them yourself in the chat."
        )
    await query.bot.send_message(chat_id, text, reply_markup=main_menu())
