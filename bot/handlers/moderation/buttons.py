"""The buttons of a case card: one handler per action. Every press is re-authorised, and the
pressed message is remembered as a live copy of the card, so it is kept in step too."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.handlers.moderation import acts
from bot.handlers.moderation.access import polite_no, refuse
from bot.handlers.moderation.casefile import chat_key
from bot.handlers.moderation.evidence import send_evidence
from bot.handlers.moderation.states import ModInput
from bot.handlers.replies import acknowledge
from bot.services.moderation import InvalidActionError, ModerationService, NotAllowedError
from bot.services.reports import ReportService
from bot.views.callbacks import ModAction, ModCallback
from bot.views.cards import card_keyboard, status_keyboard
from bot.views.labels import status_label
from bot.views.moderation import (
    ask_prompt,
    duplicate_prompt,
    invalid_text,
    note_prompt,
    phone_text,
    reject_prompt,
    task_soon_text,
)


def get_router() -> Router:
    router = Router(name="moderation-buttons")
    on = ModCallback.filter
    router.callback_query.register(take, on(F.action == ModAction.TAKE))
    router.callback_query.register(status_picker, on(F.action == ModAction.STATUS))
    router.callback_query.register(back_to_card, on(F.action == ModAction.CARD))
    router.callback_query.register(set_status, on(F.action == ModAction.SET))
    router.callback_query.register(ask, on(F.action == ModAction.ASK))
    router.callback_query.register(note, on(F.action == ModAction.NOTE))
    router.callback_query.register(files, on(F.action == ModAction.FILES))
    router.callback_query.register(phone, on(F.action == ModAction.PHONE))
    router.callback_query.register(task, on(F.action == ModAction.TASK))
    # A moderator button whose data does not even parse was forged: refuse it and audit it.
    router.callback_query.register(forged, F.data.startswith(ModCallback.__prefix__ + ":"))
    return router


async def _pressed(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> tuple[Moderator, Report] | None:
    """The moderator and the case, if this press is allowed; otherwise a polite no."""
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, callback_data.id, action=callback_data.action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(query)
        return None
    assert moderator is not None and pseudonym is not None
    if query.message is not None:
        # A copy posted just before a crash was never recorded: the first press adopts it.
        chat = query.message.chat
        key = chat_key(chat, settings, pseudonym)
        await moderation.remember_card(report.id, key, chat.id, query.message.message_id)
    return moderator, report


async def take(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    try:
        reply = await acts.take(moderation, *pressed)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc.reason), alert=True)
        return
    await acknowledge(query, reply)


async def status_picker(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=status_keyboard(pressed[1]))


async def back_to_card(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    await acknowledge(query)
    snapshot = await moderation.card_snapshot(pressed[1].id)
    if snapshot is not None:
        markup = card_keyboard(snapshot.report, snapshot.evidence)
        await query.message.edit_reply_markup(reply_markup=markup)


async def set_status(
    query: CallbackQuery,
    callback_data: ModCallback,
    state: FSMContext,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    moderator, report = pressed
    wanted = callback_data.value
    # A rejection needs a reason and a duplicate needs the other case: ask for it first.
    if wanted == "rejected":
        await _prompt(query, state, report, ModInput.reject_reason, reject_prompt)
        return
    if wanted == "duplicate":
        await _prompt(query, state, report, ModInput.duplicate_of, duplicate_prompt)
        return
    try:
        await acts.set_status(moderation, moderator, report, wanted)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc.reason), alert=True)
        return
    await acknowledge(query, status_label(wanted))


async def ask(
    query: CallbackQuery,
    callback_data: ModCallback,
    state: FSMContext,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    await _prompt(query, state, pressed[1], ModInput.question, ask_prompt)


async def note(
    query: CallbackQuery,
    callback_data: ModCallback,
    state: FSMContext,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    await _prompt(query, state, pressed[1], ModInput.note, note_prompt)


async def _prompt(
    query: CallbackQuery,
    state: FSMContext,
    report: Report,
    target: State,
    text: Callable[[str], str],
) -> None:
    """The act needs a second message: ask for it with ForceReply, which also reaches a bot
    that keeps Telegram's privacy mode on in the group."""
    await acknowledge(query)
    await state.set_state(target)
    await state.update_data(mod_case=report.id)
    await query.message.answer(text(report.case_number), reply_markup=ForceReply(selective=True))


async def files(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    reports: ReportService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    await acknowledge(query)
    report = pressed[1]
    evidence = await reports.evidence(report.id)
    await send_evidence(query.bot, query.message.chat.id, report, evidence)


async def phone(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if (pressed := await _pressed(query, callback_data, moderation, settings, pseudonym)) is None:
        return
    try:
        number = await moderation.reveal_phone(*pressed)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc.reason), alert=True)
        return
    await acknowledge(query, phone_text(number), alert=True)


async def task(
    query: CallbackQuery,
    callback_data: ModCallback,
    moderation: ModerationService,
    settings: Settings,
    pseudonym: str | None,
) -> None:
    if await _pressed(query, callback_data, moderation, settings, pseudonym) is None:
        return
    await acknowledge(query, task_soon_text(), alert=True)


async def forged(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse(query, moderation, pseudonym, "forged")
