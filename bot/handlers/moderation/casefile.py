"""Reading cases: /queue with its pages, /case (the card, then the history), /audit."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Chat, Message
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.delivery.cards import CardDesk
from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsModerator
from bot.handlers.replies import acknowledge
from bot.services.moderation import GROUP_CHAT_KEY, ModerationService, NotAllowedError
from bot.services.regions import region_from_text
from bot.services.reports import ReportService
from bot.services.risk_areas import get_area
from bot.views.callbacks import QueueCallback
from bot.views.moderation import (
    AuditLine,
    audit_text,
    case_number_needed_text,
    history_text,
    no_such_case_text,
    queue_view,
)

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
    router.message.register(queue, Command("queue"), mod)
    router.callback_query.register(queue_page, QueueCallback.filter(), mod)
    router.message.register(case, Command("case"), mod)
    router.message.register(audit, Command("audit"), mod)
    return router


def chat_key(chat: Chat, settings: Settings, pseudonym: str) -> str:
    """Whose chat a card copy lives in: the moderators' group, or this moderator's own."""
    return GROUP_CHAT_KEY if chat.id == settings.moderator_chat_id else pseudonym


# The queue


async def queue(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    flt = QueueCallback(page=0)
    for word in (command.args or "").lower().split():
        if word in ("old", "oldest"):
            flt.order = "old"
        elif word in ("mine", "free"):
            flt.who = word
        elif word in STATUS_WORDS:
            flt.status = STATUS_WORDS[word]
        elif get_area(word) is not None:
            flt.area = word
        elif (region := region_from_text(word)) is not None:
            flt.region = region.code
    text, markup = await _queue_screen(flt, moderator, moderation, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def queue_page(
    query: CallbackQuery,
    callback_data: QueueCallback,
    moderator: Moderator,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    await acknowledge(query)
    text, markup = await _queue_screen(callback_data, moderator, moderation, i18n.current_locale)
    await query.message.edit_text(text, reply_markup=markup)


async def _queue_screen(
    flt: QueueCallback, moderator: Moderator, moderation: ModerationService, locale: str
) -> tuple:
    page = await moderation.queue(
        moderator,
        flt.page,
        status=flt.status or None,
        mine=flt.who == "mine",
        unassigned=flt.who == "free",
        region=flt.region or None,
        area=flt.area or None,
        newest_first=flt.order != "old",
    )
    return queue_view(page, flt, locale)


# One case


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
            moderator, parts[0], action=command.command, actor_key=pseudonym
        )
    except NotAllowedError:
        await message.reply(no_such_case_text())
        return None, ""
    return report, parts[1] if len(parts) > 1 else ""


async def case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    reports: ReportService,
    cards: CardDesk,
    settings: Settings,
    i18n: I18n,
    pseudonym: str,
) -> None:
    report, _rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    key = chat_key(message.chat, settings, pseudonym)
    await show_case(message.bot, message.chat.id, key, report, moderation, reports, cards, i18n)


async def open_case(
    query: CallbackQuery,
    report: Report,
    reports: ReportService,
    moderation: ModerationService,
    cards: CardDesk,
    settings: Settings,
    i18n: I18n,
    pseudonym: str,
) -> None:
    """A case picked from the queue (a card button: the press is authorised like the others)."""
    await acknowledge(query)
    chat = query.message.chat
    key = chat_key(chat, settings, pseudonym)
    await show_case(query.bot, chat.id, key, report, moderation, reports, cards, i18n)


async def show_case(
    bot: Bot,
    chat_id: int,
    key: str,
    report: Report,
    moderation: ModerationService,
    reports: ReportService,
    cards: CardDesk,
    i18n: I18n,
) -> None:
    """The card (a live copy, kept in step with the others), then the history."""
    locale = i18n.current_locale
    await cards.show(bot, report.id, chat_id, key)
    history = history_text(
        report, await reports.view(report), await moderation.notes(report), locale
    )
    if history:
        await bot.send_message(chat_id, history)


async def audit(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
    pseudonym: str | None,
) -> None:
    report, _rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    lines = [
        AuditLine(
            entry.at,
            await names.name(message.bot, entry.actor),
            entry.action,
            entry.old_value,
            entry.new_value,
        )
        for entry in await moderation.audit_trail(report)
    ]
    await message.reply(audit_text(report.case_number, lines, i18n.current_locale))
