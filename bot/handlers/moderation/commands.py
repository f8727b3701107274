"""Moderators' typed acts on one case: /status, /ask, /note, /assign, /ban and /unban.

Each is `/command <case number> [words]`: one handler finds the case (refusing and auditing
what is outside the moderator's regions) and runs the act named by the command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation import acts
from bot.handlers.moderation.access import IsModerator
from bot.handlers.moderation.casefile import STATUS_WORDS, case_from_args
from bot.services.moderation import InvalidActionError, ModerationService
from bot.views.moderation import invalid_text, no_such_moderator_text, status_usage_text

CaseAct = Callable[[ModerationService, Moderator, Report, str], Awaitable[str]]


async def _status(
    moderation: ModerationService, moderator: Moderator, report: Report, rest: str
) -> str:
    word, _sep, comment = rest.partition(" ")
    new_status = STATUS_WORDS.get(word.lower())
    if new_status is None:
        return status_usage_text()
    return await acts.set_status(moderation, moderator, report, new_status, comment)


async def _assign(
    moderation: ModerationService, moderator: Moderator, report: Report, rest: str
) -> str:
    target = await _moderator_named(rest, moderator, moderation)
    if target is None:
        return no_such_moderator_text()
    return await acts.assign(moderation, moderator, report, target)


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


ACTS: dict[str, CaseAct] = {
    "status": _status,
    "ask": acts.ask,
    "note": acts.note,
    "assign": _assign,
    "ban": acts.ban,
    "unban": acts.unban,
}


def get_router() -> Router:
    router = Router(name="moderation-commands")
    router.message.register(on_case, Command(*ACTS), IsModerator())
    return router


async def on_case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    report, rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    try:
        reply = await ACTS[command.command](moderation, moderator, report, rest)
    except InvalidActionError as exc:
        reply = invalid_text(exc.reason)
    await message.reply(reply)
