"""Moderators' typed acts: /status, /ask, /note, /assign, /ban and /unban."""

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
from bot.views.moderation import (
    banned_reply,
    invalid_text,
    no_such_moderator_text,
    status_usage_text,
    unbanned_reply,
)

CaseAct = Callable[[Report, str], Awaitable[str]]


def get_router() -> Router:
    router = Router(name="moderation-commands")
    mod = IsModerator()
    router.message.register(status, Command("status"), mod)
    router.message.register(ask, Command("ask"), mod)
    router.message.register(note, Command("note"), mod)
    router.message.register(assign, Command("assign"), mod)
    router.message.register(ban, Command("ban"), mod)
    router.message.register(unban, Command("unban"), mod)
    return router


async def _on_case(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
    act: CaseAct,
) -> None:
    """Find the case named in the command, run the act on it, and reply."""
    report, rest = await case_from_args(message, command, moderator, moderation, pseudonym)
    if report is None:
        return
    try:
        reply = await act(report, rest)
    except InvalidActionError as exc:
        reply = invalid_text(exc.reason)
    await message.reply(reply)


async def status(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        word, _sep, comment = rest.partition(" ")
        new_status = STATUS_WORDS.get(word.lower())
        if new_status is None:
            return status_usage_text()
        return await acts.set_status(moderation, moderator, report, new_status, comment)

    await _on_case(message, command, moderator, moderation, pseudonym, act)


async def ask(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        return await acts.ask(moderation, moderator, report, rest)

    await _on_case(message, command, moderator, moderation, pseudonym, act)


async def note(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        return await acts.note(moderation, moderator, report, rest)

    await _on_case(message, command, moderator, moderation, pseudonym, act)


async def assign(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, rest: str) -> str:
        target = await _moderator_named(rest, moderator, moderation)
        if target is None:
            return no_such_moderator_text()
        return await acts.assign(moderation, moderator, report, target)

    await _on_case(message, command, moderator, moderation, pseudonym, act)


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


async def ban(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, _rest: str) -> str:
        await moderation.ban(moderator, report)
        return banned_reply(report.case_number)

    await _on_case(message, command, moderator, moderation, pseudonym, act)


async def unban(
    message: Message,
    command: CommandObject,
    moderator: Moderator,
    moderation: ModerationService,
    pseudonym: str | None,
) -> None:
    async def act(report: Report, _rest: str) -> str:
        await moderation.unban(moderator, report)
        return unbanned_reply(report.case_number)

    await _on_case(message, command, moderator, moderation, pseudonym, act)
