"""One case in full: /case (and "open" from the queue) shows the card, then the history, in
pages; the history's ◀️ ▶️ buttons turn them."""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.delivery.cards import CardDesk
from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsModerator, refused_press
from bot.replies import acknowledge
from bot.services.moderation import GROUP_CHAT_KEY, ModerationService, NotAllowedError
from bot.services.reports import ReportService
from bot.views.callbacks import PageAction, PageCallback
from bot.views.history import history_pages, pages_keyboard
from bot.views.moderation import case_number_needed_text, no_such_case_text

STATUS_WORDS = {
    "received": "received",
    "review": "review",
    "info": "need_info",
    "need_info": "need_info",
    "forwarded": "forwarded",
    "resolved": "resolved",
    "rejected": "rejected",
    "duplicate": "duplicate",
}


def get_router() -> Router:
    router = Router(name="moderation-casefile")
    mod = IsModerator()
    router.message.register(case, Command("case"), mod)
    router.callback_query.register(
        history_page, PageCallback.filter(F.action == PageAction.HISTORY), mod
    )
    return router


def chat_key(chat: Chat, settings: Settings, pseudonym: str) -> str:
    """Whose chat a card copy lives in: the moderators' group, or this moderator's own."""
    return GROUP_CHAT_KEY if chat.id == settings.moderator_chat_id else pseudonym


async def case_from_args(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> tuple[Report | None, str]:
    """The case named first in the command's arguments, and the rest of them."""
    parts = (command.args or "").split(maxsplit=1)
    if not parts:
        await message.reply(case_number_needed_text(command.command))
        return None, ""
    try:
        report = await moderation.case_by_number(
            moderator, parts[0], action=command.command, pseudonym=pseudonym
        )
    except NotAllowedError:
        await message.reply(no_such_case_text())
        return None, ""
    return report, parts[1] if len(parts) > 1 else ""


async def pressed_case(
    query: CallbackQuery,
    report_id: int,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
) -> tuple[Moderator, Report] | None:
    """The case a page button names, if the presser may see it (else refused and audited)."""
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, report_id, action=action, pseudonym=pseudonym
        )
    except NotAllowedError as refusal:
        await refused_press(query, refusal)
        return None
    assert moderator is not None
    return moderator, report


async def edit_in_place(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    """Turn a page: the same page pressed twice is no error."""
    await acknowledge(query)
    with contextlib.suppress(TelegramBadRequest):
        await query.message.edit_text(text, reply_markup=markup)


async def case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    reports: ReportService,
    cards: CardDesk,
    names: ModeratorNames,
    settings: Settings,
    i18n: I18n,
    pseudonym: str,
) -> None:
    report, _rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    key = chat_key(message.chat, settings, pseudonym)
    await cards.show(message.bot, report.id, message.chat.id, key)
    text, markup = await _history(message.bot, report, None, moderation, reports, names, i18n)
    await message.bot.send_message(message.chat.id, text, reply_markup=markup)


async def open_case(
    query: CallbackQuery,
    report: Report,
    reports: ReportService,
    moderation: ModerationService,
    cards: CardDesk,
    names: ModeratorNames,
    settings: Settings,
    i18n: I18n,
    pseudonym: str,
) -> None:
    """A case picked from the queue (a card button: the press is authorised like the others)."""
    await acknowledge(query)
    chat = query.message.chat
    await cards.show(query.bot, report.id, chat.id, chat_key(chat, settings, pseudonym))
    text, markup = await _history(query.bot, report, None, moderation, reports, names, i18n)
    await query.bot.send_message(chat.id, text, reply_markup=markup)


async def history_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    moderation: ModerationService,
    reports: ReportService,
    names: ModeratorNames,
    i18n: I18n,
    pseudonym: str | None,
) -> None:
    found = await pressed_case(query, callback_data.id, moderation, pseudonym, "history")
    if found is None:
        return
    _moderator, report = found
    text, markup = await _history(
        query.bot, report, callback_data.page, moderation, reports, names, i18n
    )
    await edit_in_place(query, text, markup)


async def _history(
    bot: Bot,
    report: Report,
    page: int | None,
    moderation: ModerationService,
    reports: ReportService,
    names: ModeratorNames,
    i18n: I18n,
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the history (None: the newest) and its buttons."""
    notes = await moderation.notes(report)
    authors = {n.moderator_id: await names.name(bot, n.moderator_id) or "" for n in notes}
    pages = history_pages(report, await reports.view(report), notes, authors, i18n.current_locale)
    page = len(pages) - 1 if page is None else max(0, min(page, len(pages) - 1))
    return pages[page], pages_keyboard(PageAction.HISTORY, report.id, page, len(pages))
