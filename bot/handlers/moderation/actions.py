"""Card buttons and the typed input some of them ask for. Every press is re-authorised."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
    Message,
)
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.db.repositories.moderators import Moderator
from bot.db.repositories.reports import Report, ReportRepository
from bot.handlers.moderation.access import polite_no, refuse
from bot.handlers.moderation.cards import CardPublisher, status_keyboard
from bot.handlers.moderation.casefile import send_case
from bot.handlers.moderation.states import ModInput
from bot.handlers.report.texts import status_label
from bot.keyboards.callbacks import ModCallback
from bot.services.moderation import InvalidActionError, ModerationService, NotAllowedError
from bot.services.reports import ReportService

PROMPTS = {
    "ask": (
        ModInput.question,
        __(
            "Write the question for the reporter of case {case}. It is "
            "sent without revealing anyone. /cancel to stop."
        ),
    ),
    "note": (
        ModInput.note,
        __("Write an internal note for case {case}. Reporters never see notes. /cancel to stop."),
    ),
}


def get_router() -> Router:
    router = Router(name="moderation-actions")
    router.callback_query.register(on_button, ModCallback.filter())
    # A moderator button whose data does not even parse was forged: refuse it and audit it.
    router.callback_query.register(forged, F.data.startswith(ModCallback.__prefix__ + ":"))
    router.message.register(typed_question, ModInput.question, F.text)
    router.message.register(typed_note, ModInput.note, F.text)
    router.message.register(typed_reason, ModInput.reject_reason, F.text)
    router.message.register(typed_duplicate, ModInput.duplicate_of, F.text)
    return router


def invalid_text(reason: str) -> str:
    texts = {
        "closed": _("This case is closed."),
        "reason_needed": _("A rejection needs a reason."),
        "duplicate_unknown": _("There is no other case with that number."),
        "same_status": _("The case already has this status."),
        "anonymous": _("This report is anonymous: its reporter cannot be identified."),
        "already_banned": _("This reporter is already blocked."),
        "not_banned": _("This reporter is not blocked."),
        "no_phone": _("This report has no phone number: it is not an open report."),
        "empty": _("The text is empty."),
        "too_long": _("The text is too long."),
        "target_scope": _("That moderator does not cover this case's region."),
        "status": _("Unknown status."),
    }
    return texts.get(reason, _("This cannot be done."))


async def forged(
    query: CallbackQuery, moderation: ModerationService, pseudonym: str | None
) -> None:
    await refuse(query, moderation, pseudonym, "forged")


async def on_button(
    query: CallbackQuery,
    callback_data: ModCallback,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    reports_repo: ReportRepository,
    reports: ReportService,
    i18n: I18n,
    pseudonym: str | None,
    bot: Bot,
) -> None:
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, callback_data.id, action=callback_data.action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(query)
        return
    assert moderator is not None
    action = callback_data.action
    try:
        if action == "take":
            await moderation.take(moderator, report)
            await query.answer(_("The case is yours."))
        elif action == "status":
            await query.answer()
            await query.message.edit_reply_markup(reply_markup=status_keyboard(report))
            return
        elif action == "card":
            await query.answer()
        elif action == "open":
            await query.answer()
            await send_case(query.message, report, moderation, reports, cards, i18n.current_locale)
            return
        elif action == "set":
            if await _needs_more(query, state, report, callback_data.value):
                return
            await moderation.set_status(moderator, report, callback_data.value)
            await query.answer(status_label(callback_data.value))
        elif action in PROMPTS:
            await _prompt(query, state, report, action)
            return
        elif action == "files":
            await query.answer()
            await send_evidence(bot, query.message.chat.id, report, reports_repo)
            return
        elif action == "phone":
            phone = await moderation.reveal_phone(moderator, report)
            await query.answer(_("Phone number: {phone}").format(phone=phone), show_alert=True)
            return
        elif action == "task":
            await query.answer(
                _("Volunteer tasks will come with the volunteers feature."), show_alert=True
            )
            return
        else:
            await refuse(query, moderation, pseudonym, action)
            return
    except InvalidActionError as exc:
        await query.answer(invalid_text(exc.reason), show_alert=True)
        return
    await cards.refresh(bot, report.id)


async def _needs_more(
    query: CallbackQuery, state: FSMContext, report: Report, status: str
) -> bool:
    """Rejection needs a reason and a duplicate needs the other case: ask for it first."""
    if status == "rejected":
        await _ask_input(
            query,
            state,
            report,
            ModInput.reject_reason,
            _(
                "Write the reason for rejecting case {case}. The reporter will see "
                "it. /cancel to stop."
            ).format(case=report.case_number),
        )
        return True
    if status == "duplicate":
        await _ask_input(
            query,
            state,
            report,
            ModInput.duplicate_of,
            _(
                "Write the number of the case that {case} duplicates, for example "
                "KZ27-000001. /cancel to stop."
            ).format(case=report.case_number),
        )
        return True
    return False


async def _prompt(query: CallbackQuery, state: FSMContext, report: Report, action: str) -> None:
    target, text = PROMPTS[action]
    await _ask_input(query, state, report, target, str(text).format(case=report.case_number))


async def _ask_input(
    query: CallbackQuery, state: FSMContext, report: Report, target: object, text: str
) -> None:
    await query.answer()
    await state.set_state(target)  # type: ignore[arg-type]
    await state.update_data(mod_case=report.id)
    await query.message.answer(text, reply_markup=ForceReply(selective=True))


async def _typed(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    pseudonym: str | None,
    action: str,
) -> tuple:
    report_id = (await state.get_data()).get("mod_case")
    await state.set_state(None)
    moderator = await moderation.moderator(pseudonym) if pseudonym else None
    try:
        report = await moderation.case_for(
            moderator, int(report_id or -1), action=action, actor_key=pseudonym
        )
    except NotAllowedError:
        await polite_no(message)
        return None, None
    return moderator, report


TypedAction = Callable[[Moderator, Report, str], Awaitable[str]]


async def _typed_action(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
    name: str,
    act: TypedAction,
) -> None:
    """The second message of a button's action: re-authorise, act, answer, refresh cards."""
    moderator, report = await _typed(message, state, moderation, pseudonym, name)
    if report is None:
        return
    try:
        reply = await act(moderator, report, message.text or "")
    except InvalidActionError as exc:
        await message.reply(invalid_text(exc.reason))
        return
    await message.reply(reply)
    await cards.refresh(message.bot, report.id)


async def typed_question(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(moderator: Moderator, report: Report, text: str) -> str:
        await moderation.ask(moderator, report, text)
        if report.reporter:
            return _("The question was sent to the reporter.")
        return _("The question was saved. The reporter is anonymous and will see it with /check.")

    await _typed_action(message, state, moderation, cards, pseudonym, "ask", act)


async def typed_note(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    async def act(moderator: Moderator, report: Report, text: str) -> str:
        await moderation.note(moderator, report, text)
        return _("The note was saved.")

    await _typed_action(message, state, moderation, cards, pseudonym, "note", act)


def _status_act(moderation: ModerationService, status: str, field: str) -> TypedAction:
    async def act(moderator: Moderator, report: Report, text: str) -> str:
        await moderation.set_status(moderator, report, status, **{field: text})
        return _("Status of {case}: {status}.").format(
            case=report.case_number, status=status_label(status)
        )

    return act


async def typed_reason(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    await _typed_action(
        message,
        state,
        moderation,
        cards,
        pseudonym,
        "set",
        _status_act(moderation, "rejected", "reason"),
    )


async def typed_duplicate(
    message: Message,
    state: FSMContext,
    moderation: ModerationService,
    cards: CardPublisher,
    pseudonym: str | None,
) -> None:
    await _typed_action(
        message,
        state,
        moderation,
        cards,
        pseudonym,
        "set",
        _status_act(moderation, "duplicate", "duplicate_of"),
    )


async def send_evidence(bot: Bot, chat_id: int, report: Report, repo: ReportRepository) -> None:
    """Re-send the files by file_id: nothing is downloaded or stored."""
    files = await repo.evidence(report.id)
    if not files:
        await bot.send_message(
            chat_id, _("Case {case} has no files.").format(case=report.case_number)
        )
        return
    media = []
    for item in files:
        kind = {"photo": InputMediaPhoto, "video": InputMediaVideo}.get(
            item.kind, InputMediaDocument
        )
        media.append(kind(media=item.file_id))
    caption = _("Files of case {case}").format(case=report.case_number)
    for start in range(0, len(media), 10):
        batch = media[start : start + 10]
        try:
            if len(batch) == 1:
                await _send_one(bot, chat_id, files[start].kind, batch[0].media, caption)
            else:
                await bot.send_media_group(chat_id, batch)
        except TelegramBadRequest:
            # Albums cannot mix documents with photos: fall back to one by one.
            for item in files[start : start + 10]:
                await _send_one(bot, chat_id, item.kind, item.file_id, caption)


async def _send_one(bot: Bot, chat_id: int, kind: str, file_id: str, caption: str) -> None:
    if kind == "photo":
        await bot.send_photo(chat_id, file_id, caption=caption)
    elif kind == "video":
        await bot.send_video(chat_id, file_id, caption=caption)
    else:
        await bot.send_document(chat_id, file_id, caption=caption)
