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
from bot.services.moderation import (
    MAX_NOTE,
    MAX_QUESTION,
    MAX_REASON,
    InvalidActionError,
    ModerationService,
)
from bot.services.numbers import parse_row_id
from bot.views.moderation import (
    ask_usage_text,
    assign_usage_text,
    invalid_text,
    no_such_moderator_text,
    note_usage_text,
    status_usage_text,
)

ME = ("me", "мне", "маған")

CaseAct = Callable[[ModerationService, Moderator, Report, str], Awaitable[str]]


async def _status(
    moderation: ModerationService, moderator: Moderator, report: Report, rest: str
) -> str:
    word, _sep, comment = rest.partition(" ")
    new_status = STATUS_WORDS.get(word.lower())
    if new_status is None:
        return status_usage_text(MAX_REASON)
    return await acts.set_status(moderation, moderator, report, new_status, comment)


def _with_text(act: CaseAct, usage: Callable[[], str]) -> CaseAct:
    """An act that needs a text after the case number: without one, its usage."""

    async def run(
        moderation: ModerationService, moderator: Moderator, report: Report, rest: str
    ) -> str:
        if not rest.strip():
            return usage()
        return await act(moderation, moderator, report, rest)

    return run


async def _assign(
    moderation: ModerationService, moderator: Moderator, report: Report, rest: str
) -> str:
    ref = rest.strip()
    if not ref or ref.lower() in ME:
        target: Moderator | None = moderator
    elif ref.startswith("@"):
        found = await moderation.pseudonym_for_username(ref)
        target = await moderation.moderator(found) if found else None
    else:
        number = parse_row_id(ref)
        if number is None:  # «²», «1.5», twenty digits, a name without «@»
            return assign_usage_text()
        target = await moderation.moderator_by_id(number)
    if target is None:
        return no_such_moderator_text()
    return await acts.assign(moderation, moderator, report, target)


ACTS: dict[str, CaseAct] = {
    "status": _status,
    "ask": _with_text(acts.ask, lambda: ask_usage_text(MAX_QUESTION)),
    "note": _with_text(acts.note, lambda: note_usage_text(MAX_NOTE)),
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
        reply = invalid_text(exc)
    await message.reply(reply)
