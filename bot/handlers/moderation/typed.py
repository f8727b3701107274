"""The second message of a button's act: the question, the note, the reason, the other case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation import acts
from bot.handlers.moderation.access import polite_no
from bot.handlers.moderation.states import ModInput
from bot.services.moderation import InvalidActionError, ModerationService, NotAllowedError
from bot.views.callbacks import ModAction
from bot.views.moderation import invalid_text

TypedAct = Callable[[ModerationService, Moderator, Report, str], Awaitable[str]]


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
) -> None:
    """Re-authorise (the role may have changed since the button), act, and reply."""
    report_id = (await state.get_data()).get("mod_case")
    await state.set_state(None)
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, int(report_id or -1), action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(message)
        return
    assert moderator is not None
    try:
        reply = await act(moderation, moderator, report, message.text or "")
    except InvalidActionError as exc:
        reply = invalid_text(exc.reason)
    await message.reply(reply)


async def typed_question(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.ASK, acts.ask)


async def typed_note(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.NOTE, acts.note)


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
    await _typed(message, state, moderation, pseudonym, ModAction.SET, _reject)


async def typed_duplicate(
    message: Message, state: FSMContext, moderation: ModerationService, pseudonym: str | None
) -> None:
    await _typed(message, state, moderation, pseudonym, ModAction.SET, _duplicate)
