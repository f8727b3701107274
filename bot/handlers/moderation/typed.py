"""The second message of a button's act: the question, the note, the reason, the other case.

The limit of each text is said in its prompt and checked here, at the step where it is typed:
a text that is too long (or empty) keeps the step open, so the moderator sends a shorter one
as a reply (which reaches the bot in a group with privacy mode on), or /cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import ForceReply, Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation import acts
from bot.handlers.moderation.states import ModInput
from bot.services.moderation import (
    MAX_NOTE,
    MAX_QUESTION,
    MAX_REASON,
    InvalidActionError,
    ModerationService,
    NotAllowedError,
)
from bot.views.callbacks import ModAction
from bot.views.moderation import invalid_text, send_again_text, too_long_text, typed_refused_text

TypedAct = Callable[[ModerationService, Moderator, Report, str], Awaitable[str]]
RETRY = ("too_long", "empty", "duplicate_unknown")  # typed again, the step stays open


def get_router() -> Router:
    router = Router(name="moderation-typed")
    router.message.register(typed_question, ModInput.question, F.text)
    router.message.register(typed_note, ModInput.note, F.text)
    router.message.register(typed_reason, ModInput.reject_reason, F.text)
    router.message.register(typed_duplicate, ModInput.duplicate_of, F.text)
    return router


async def _typed(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
    act: TypedAct,
    maximum: int | None = None,
) -> None:
    """Check the length, re-authorise (the role may have changed since the button), act."""
    text = message.text or ""
    if maximum is not None and len(text.strip()) > maximum:
        await _again(message, too_long_text(len(text.strip()), maximum))
        return
    report_id = (await state.get_data()).get("mod_case")
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, int(report_id or -1), action=action, pseudonym=pseudonym
        )
    except NotAllowedError:
        await state.set_state(None)
        await message.reply(typed_refused_text())
        return
    assert moderator is not None
    try:
        reply = await act(moderation, moderator, report, text)
    except InvalidActionError as exc:
        if exc.reason in RETRY:
            await _again(message, invalid_text(exc))
            return
        reply = invalid_text(exc)
    await state.set_state(None)
    await message.reply(reply)


async def _again(message: Message, problem: str) -> None:
    await message.reply(
        problem + "\n" + send_again_text(), reply_markup=ForceReply(selective=True)
    )


async def typed_question(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.ASK, acts.ask, MAX_QUESTION)


async def typed_note(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.NOTE, acts.note, MAX_NOTE)


async def _reject(
    moderation: ModerationService, moderator: Moderator, report: Report, text: str
) -> str:
    return await acts.set_status(moderation, moderator, report, "rejected", text)


async def _duplicate(
    moderation: ModerationService, moderator: Moderator, report: Report, text: str
) -> str:
    return await acts.set_status(moderation, moderator, report, "duplicate", text)


async def typed_reason(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.SET, _reject, MAX_REASON)


async def typed_duplicate(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.SET, _duplicate)
