"""The buttons of a case card: one handler per action.

A middleware re-authorises every press before any handler runs (a refusal is answered and
audited there), hands the handler the `moderator` and the `report`, and remembers the pressed
message as a live copy of the card, so that a copy posted just before a crash is kept in step
too. "Open" buttons sit on the queue, not on a card, but are authorised the same way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, ForceReply, TelegramObject

from bot.config import Settings
from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report
from bot.delivery.cards import CardDesk
from bot.handlers.gates import ClaimedBy
from bot.handlers.moderation import acts
from bot.handlers.moderation.access import FORGED, refuse_press, refused_press
from bot.handlers.moderation.casefile import chat_key, open_case
from bot.handlers.moderation.evidence import send_evidence
from bot.handlers.moderation.states import ModInput
from bot.replies import acknowledge
from bot.services.moderation import (
    MAX_NOTE,
    MAX_QUESTION,
    MAX_REASON,
    InvalidActionError,
    ModerationService,
    NotAllowedError,
)
from bot.services.reports import ReportService
from bot.views.callbacks import ModAction, ModCallback
from bot.views.cards import status_keyboard
from bot.views.labels import status_label
from bot.views.moderation import (
    addressed_to,
    ask_prompt,
    duplicate_prompt,
    invalid_text,
    note_prompt,
    phone_text,
    reject_prompt,
)


def get_router() -> Router:
    router = Router(name="moderation-buttons")
    router.callback_query.middleware(CardPress())
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
    router.callback_query.register(open_case, on(F.action == ModAction.OPEN))
    # A moderator button whose data does not even parse was forged: refuse it and audit it.
    router.callback_query.register(forged, ClaimedBy(ModCallback))
    return router


class CardPress(BaseMiddleware):
    """Runs after a button's handler is chosen: only an allowed press reaches it."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        callback_data = data.get("callback_data")
        if not isinstance(event, CallbackQuery) or not isinstance(callback_data, ModCallback):
            return await handler(event, data)  # the forged-data handler
        moderation: ModerationService = data["moderation"]
        pseudonym: str | None = data.get("pseudonym")
        moderator = await moderation.moderator(pseudonym) if pseudonym else None
        try:
            report = await moderation.case_for(
                moderator, callback_data.id, action=callback_data.action, pseudonym=pseudonym
            )
        except NotAllowedError as refusal:
            await refused_press(event, refusal)
            return None
        assert moderator is not None and pseudonym is not None
        if event.message is not None and callback_data.action != ModAction.OPEN:
            chat = event.message.chat
            key = chat_key(chat, data["settings"], pseudonym)
            await moderation.remember_card(report.id, key, chat.id, event.message.message_id)
        data["moderator"], data["report"] = moderator, report
        return await handler(event, data)


async def take(
    query: CallbackQuery, moderator: Moderator, report: Report, moderation: ModerationService
) -> None:
    try:
        reply = await acts.take(moderation, moderator, report)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc), alert=True)
        return
    await acknowledge(query, reply)


async def status_picker(query: CallbackQuery, report: Report) -> None:
    await acknowledge(query)
    await query.message.edit_reply_markup(reply_markup=status_keyboard(report))


async def back_to_card(
    query: CallbackQuery, report: Report, cards: CardDesk, settings: Settings, pseudonym: str
) -> None:
    await acknowledge(query)
    key = chat_key(query.message.chat, settings, pseudonym)
    await query.message.edit_reply_markup(reply_markup=await cards.keyboard(report.id, key))


async def set_status(
    query: CallbackQuery,
    callback_data: ModCallback,
    state: FSMContext,
    moderator: Moderator,
    report: Report,
    moderation: ModerationService,
) -> None:
    wanted = callback_data.value
    # A rejection needs a reason and a duplicate needs the other case: ask for it first.
    if wanted == "rejected":
        prompt = reject_prompt(report.case_number, MAX_REASON)
        await _prompt(query, state, report, ModInput.reject_reason, prompt)
        return
    if wanted == "duplicate":
        prompt = duplicate_prompt(report.case_number)
        await _prompt(query, state, report, ModInput.duplicate_of, prompt)
        return
    try:
        await acts.set_status(moderation, moderator, report, wanted)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc), alert=True)
        return
    await acknowledge(query, status_label(wanted))


async def ask(query: CallbackQuery, state: FSMContext, report: Report) -> None:
    prompt = ask_prompt(report.case_number, report.locale, MAX_QUESTION)
    await _prompt(query, state, report, ModInput.question, prompt)


async def note(query: CallbackQuery, state: FSMContext, report: Report) -> None:
    await _prompt(query, state, report, ModInput.note, note_prompt(report.case_number, MAX_NOTE))


async def _prompt(
    query: CallbackQuery, state: FSMContext, report: Report, target: State, text: str
) -> None:
    """The act needs a second message: ask for it with ForceReply, which also reaches a bot
    that keeps Telegram's privacy mode on in the group."""
    await acknowledge(query)
    await state.set_state(target)
    await state.update_data(mod_case=report.id)
    if query.message.chat.type != "private":
        # A selective ForceReply opens the reply field only for users mentioned in the
        # message: without the mention nobody in the group would get it.
        text = addressed_to(query.from_user.id, query.from_user.first_name, text)
    await query.message.answer(text, reply_markup=ForceReply(selective=True))


async def files(query: CallbackQuery, report: Report, reports: ReportService) -> None:
    await acknowledge(query)
    evidence = await reports.evidence(report.id)
    await send_evidence(query.bot, query.message.chat.id, report, evidence)


async def phone(
    query: CallbackQuery, moderator: Moderator, report: Report, moderation: ModerationService
) -> None:
    try:
        number = await moderation.reveal_phone(moderator, report)
    except InvalidActionError as exc:
        await acknowledge(query, invalid_text(exc), alert=True)
        return
    await acknowledge(query, phone_text(number), alert=True)


async def task(
    query: CallbackQuery, state: FSMContext, moderator: Moderator, report: Report
) -> None:
    # Imported here: the volunteers' handlers use this package's access helpers.
    from bot.handlers.volunteers.mod_task_new import start_from_case

    await start_from_case(query, state, moderator, report)


async def forged(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse_press(query, moderation, pseudonym, FORGED)
