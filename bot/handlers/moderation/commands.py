"""Moderators' typed commands: /queue, /case, /status, /ask, /note, /assign, /audit, /ban."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation.access import IsModerator, refuse
from bot.handlers.moderation.actions import invalid_text
from bot.handlers.moderation.cards import CardPublisher, ModeratorNames
from bot.handlers.moderation.casefile import send_case
from bot.handlers.report.texts import area_name, status_label
from bot.keyboards.callbacks import ModCallback, QueueCallback
from bot.services.dates import format_local_time, from_db
from bot.services.moderation import InvalidActionError, ModerationService, NotAllowedError
from bot.services.regions import region_from_text
from bot.services.reports import STATUSES, ReportService
from bot.services.risk_areas import get_area

STATUS_WORDS = {status: status for status in STATUSES} | {
    "review": "review",
    "info": "need_info",
    "need_info": "need_info",
}


def get_router() -> Router:
    router = Router(name="moderation-commands")
    mod = IsModerator()
    router.message.register(queue, Command("queue"), mod)
    router.callback_query.register(queue_page, QueueCallback.filter(), mod)
    router.message.register(case, Command("case"), mod)
    router.message.register(status, Command("status"), mod)
    router.message.register(ask, Command("ask"), mod)
    router.message.register(note, Command("note"), mod)
    router.message.register(assign, Command("assign"), mod)
    router.message.register(audit, Command("audit"), mod)
    router.message.register(ban, Command("ban"), mod)
    router.message.register(unban, Command("unban"), mod)
    for name in (
        "queue",
        "case",
        "status",
        "ask",
        "note",
        "assign",
        "audit",
        "ban",
        "unban",
        "stats",
        "export",
    ):
        router.message.register(not_a_moderator, Command(name))
    router.callback_query.register(not_a_moderator_button, QueueCallback.filter())
    return router


async def not_a_moderator(
    message: Message, moderation: ModerationService, pseudonym: str | None, command: CommandObject
) -> None:
    await refuse(message, moderation, pseudonym, command.command)


async def not_a_moderator_button(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse(query, moderation, pseudonym, "queue")


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
    text, markup = await render_queue(flt, moderator, moderation, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


async def queue_page(
    query: CallbackQuery,
    callback_data: QueueCallback,
    moderator: Moderator,
    moderation: ModerationService,
    i18n: I18n,
) -> None:
    text, markup = await render_queue(callback_data, moderator, moderation, i18n.current_locale)
    await query.answer()
    await query.message.edit_text(text, reply_markup=markup)


async def render_queue(
    flt: QueueCallback, moderator: Moderator, moderation: ModerationService, locale: str
) -> tuple[str, InlineKeyboardMarkup]:
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
    lines = [
        _("<b>Queue</b>: {total} open cases, page {page} of {pages}").format(
            total=page.total, page=page.page + 1, pages=page.pages
        )
    ]
    builder = InlineKeyboardBuilder()
    for report in page.reports:
        lines.append(queue_line(report, locale))
        builder.button(
            text=report.case_number, callback_data=ModCallback(action="open", id=report.id)
        )
    builder.adjust(2)
    if not page.reports:
        lines.append(_("Nothing here. Well done!"))
    nav = []
    if page.page > 0:
        nav.append(_nav("◀️", flt, page=page.page - 1))
    if page.page + 1 < page.pages:
        nav.append(_nav("▶️", flt, page=page.page + 1))
    if nav:
        builder.row(*nav)
    builder.row(
        _nav(
            _("Oldest first") if flt.order != "old" else _("Newest first"),
            flt,
            page=0,
            order="old" if flt.order != "old" else "new",
        ),
        _nav(
            _("Mine") if flt.who != "mine" else _("All"),
            flt,
            page=0,
            who="mine" if flt.who != "mine" else "",
        ),
        _nav(
            _("Unassigned") if flt.who != "free" else _("All"),
            flt,
            page=0,
            who="free" if flt.who != "free" else "",
        ),
    )
    return "\n".join(lines), builder.as_markup()


def _nav(text: str, flt: QueueCallback, **changes: object) -> InlineKeyboardButton:
    data = flt.model_copy(update=changes)
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def queue_line(report: Report, locale: str) -> str:
    age = format_local_time(from_db(report.created_at), locale)
    flag = "🆕" if report.assignee is None else "👤"
    return (
        f"{flag} <b>{report.case_number}</b> · {escape(area_name(report.area, locale))}"
        f" · {status_label(report.status)} · <i>{age}</i>"
    )


# One case


async def _case_from_args(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> tuple[Report | None, str]:
    parts = (command.args or "").split(maxsplit=1)
    if not parts:
        await message.reply(
            _(
                "Write the case number after the command, for example /{command} KZ27-000001."
            ).format(command=command.command)
        )
        return None, ""
    try:
        report = await moderation.case_by_number(
            moderator, parts[0], action=command.command, actor_key=pseudonym
        )
    except NotAllowedError:
        await message.reply(_("No such case in your regions."))
        return None, ""
    return report, parts[1] if len(parts) > 1 else ""


async def case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    reports: ReportService,
    cards: CardPublisher,
    i18n: I18n,
    pseudonym: str | None,
) -> None:
    report, _rest = await _case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    await send_case(message, report, moderation, reports, cards, i18n.current_locale)


CaseAction = Callable[[Report, str], Awaitable[str]]


async def _on_case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
    cards: CardPublisher | None,
    action: CaseAction,
) -> None:
    """Find the case, run the action, answer, and bring the cards up to date."""
    report, rest = await _case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    try:
        reply = await action(report, rest)
    except InvalidActionError as exc:
        await message.reply(invalid_text(exc.reason))
        return
    await message.reply(reply)
    if cards is not None:
        await cards.refresh(message.bot, report.id)


async def status(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        word, _sep, comment = rest.partition(" ")
        new_status = STATUS_WORDS.get(word.lower())
        if new_status is None:
            return _(
                "Statuses: review, need_info, forwarded, resolved, rejected [reason], "
                "duplicate [case number]."
            )
        if new_status == "duplicate":
            await moderation.set_status(moderator, report, new_status, duplicate_of=comment)
        else:
            await moderation.set_status(moderator, report, new_status, reason=comment or None)
        return _("Status of {case}: {status}.").format(
            case=report.case_number, status=status_label(new_status)
        )

    await _on_case(message, command, moderator, moderation, pseudonym, cards, act)


async def ask(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        await moderation.ask(moderator, report, rest)
        if report.reporter:
            return _("The question was sent to the reporter.")
        return _("The question was saved. The reporter is anonymous and will see it with /check.")

    await _on_case(message, command, moderator, moderation, pseudonym, cards, act)


async def note(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        await moderation.note(moderator, report, rest)
        return _("The note was saved.")

    await _on_case(message, command, moderator, moderation, pseudonym, cards, act)


async def assign(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        target = await _moderator_named(rest, moderator, moderation)
        if target is None:
            return _("No such moderator. See /mods for the list.")
        await moderation.assign(moderator, report, target)
        return _("Case {case} is assigned.").format(case=report.case_number)

    await _on_case(message, command, moderator, moderation, pseudonym, cards, act)


async def _moderator_named(
    ref: str, me: Moderator, moderation: ModerationService
) -> Moderator | None:
    ref = ref.strip().lstrip("#")
    if ref.lower() in ("me", "мне", "маған", ""):
        return me
    if ref.isdigit():
        return await moderation.moderator_by_id(int(ref))
    found = await moderation.pseudonym_for_username(ref)
    return await moderation.moderator(found) if found else None


async def audit(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    names: ModeratorNames,
    i18n: I18n,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, _rest: str) -> str:
        lines = [_("<b>Audit log of {case}</b>").format(case=report.case_number)]
        for entry in await moderation.audit_trail(report):
            who = await names.name(message.bot, entry.actor) or "—"
            change = " → ".join(escape(v) for v in (entry.old_value, entry.new_value) if v)
            when = format_local_time(from_db(entry.at), i18n.current_locale)
            lines.append(f"<i>{when}</i> · {escape(who)} · <code>{entry.action}</code> {change}")
        return "\n".join(lines[:80])

    await _on_case(message, command, moderator, moderation, pseudonym, None, act)


async def ban(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, _rest: str) -> str:
        await moderation.ban(moderator, report)
        return _(
            "The reporter of {case} can no longer file reports. They were told "
            "politely. /unban {case} undoes it."
        ).format(case=report.case_number)

    await _on_case(message, command, moderator, moderation, pseudonym, None, act)


async def unban(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, _rest: str) -> str:
        await moderation.unban(moderator, report)
        return _("The reporter of {case} can file reports again.").format(case=report.case_number)

    await _on_case(message, command, moderator, moderation, pseudonym, None, act)
