"""/audit: a case's audit log in pages, or without a case number the refused attempts (for
moderators: those about their regions or about no case; for superadmins: all of them)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, or_f
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from aiogram.utils.i18n import I18n

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.delivery.names import ModeratorNames
from bot.handlers.moderation.access import IsModerator, IsSuperadmin
from bot.handlers.moderation.casefile import case_from_args, edit_in_place, pressed_case
from bot.services.moderation import ModerationService
from bot.views.callbacks import PageAction, PageCallback
from bot.views.history import AuditLine, audit_pages, pages_keyboard, refusals_text
from bot.views.moderation import moderators_command_refused


def get_router() -> Router:
    router = Router(name="moderation-audit")
    staff = or_f(IsModerator(), IsSuperadmin())
    router.message.register(audit, Command("audit"), staff)
    on = PageCallback.filter
    router.callback_query.register(audit_page, on(F.action == PageAction.AUDIT), IsModerator())
    router.callback_query.register(refusals_page, on(F.action == PageAction.REFUSALS), staff)
    return router


async def audit(
    message: Message,
    command: CommandObject,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
    pseudonym: str | None,
    event_from_user: User,
    moderator: Moderator | None = None,
) -> None:
    if not (command.args or "").strip():
        regions = _scope(moderation, event_from_user, moderator)
        text, markup = await _refusals(message.bot, regions, 0, moderation, names, i18n)
        await message.reply(text, reply_markup=markup)
        return
    if moderator is None:  # a superadmin who is not a moderator sees no case
        await moderation.refuse(None, pseudonym, "audit")
        await message.reply(moderators_command_refused(command.command, "superadmin"))
        return
    report, _rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    text, markup = await _audit(message.bot, report, None, moderation, names, i18n)
    await message.reply(text, reply_markup=markup)


async def audit_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
    pseudonym: str | None,
) -> None:
    found = await pressed_case(query, callback_data.id, moderation, pseudonym, "audit")
    if found is None:
        return
    _moderator, report = found
    text, markup = await _audit(query.bot, report, callback_data.page, moderation, names, i18n)
    await edit_in_place(query, text, markup)


async def refusals_page(
    query: CallbackQuery,
    callback_data: PageCallback,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
    event_from_user: User,
    moderator: Moderator | None = None,
) -> None:
    regions = _scope(moderation, event_from_user, moderator)
    text, markup = await _refusals(query.bot, regions, callback_data.page, moderation, names, i18n)
    await edit_in_place(query, text, markup)


async def _audit(
    bot: Bot,
    report: Report,
    page: int | None,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        AuditLine(
            entry.at,
            await names.name(bot, entry.actor),
            entry.action,
            entry.old_value,
            entry.new_value,
            # Only a refused non-moderator's key is a tag; a superadmin's is never shown.
            entry.actor_key if entry.action.startswith("refused:") else None,
        )
        for entry in await moderation.audit_trail(report)
    ]
    pages = audit_pages(report.case_number, lines, i18n.current_locale)
    page = len(pages) - 1 if page is None else max(0, min(page, len(pages) - 1))
    return pages[page], pages_keyboard(PageAction.AUDIT, report.id, page, len(pages))


def _scope(
    moderation: ModerationService, user: User, moderator: Moderator | None
) -> frozenset[str] | None:
    """Whose refusals: a superadmin's are everybody's; a moderator's, their regions'."""
    if moderation.is_superadmin(user.id) or moderator is None:
        return None
    return moderator.regions


async def _refusals(
    bot: Bot,
    regions: frozenset[str] | None,
    page: int,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
) -> tuple[str, InlineKeyboardMarkup]:
    """Newest first, in the scope given (None: all)."""
    found = await moderation.refusals.page(regions, page)
    authors = {
        row.actor: await names.name(bot, row.actor) or "" for row in found.rows if row.actor
    }
    text = refusals_text(found, authors, i18n.current_locale)
    return text, pages_keyboard(PageAction.REFUSALS, 0, found.page, found.pages)
