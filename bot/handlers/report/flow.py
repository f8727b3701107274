"""The report flow: entry, answers to each question, Back, Skip and Cancel."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.config import Settings
from bot.db.repositories.users import UserRecord
from bot.handlers.report import steps
from bot.handlers.report.filters import MenuText
from bot.handlers.report.states import ReportFlow
from bot.keyboards.callbacks import ReportCallback
from bot.keyboards.common import MENU_REPORT, main_menu
from bot.keyboards.report import BACK, CANCEL, SKIP, resume_keyboard
from bot.services.amounts import AmountError, parse_amount
from bot.services.dates import DateError, format_local_time, local_today, parse_exact_date
from bot.services.drafts import (
    ANONYMITY_LEVELS,
    DraftService,
    FieldError,
    ReportDraft,
    check_description,
    check_involved,
    check_settlement,
)
from bot.services.limits import LimitReachedError, Limits
from bot.services.regions import get_region
from bot.services.reports import ReporterBannedError, ReportService
from bot.services.risk_areas import get_area

# Typed answers: not a command and not a main-menu button (those work at any step).
TYPED = (F.text & ~F.text.startswith("/"), ~MenuText())


def get_router() -> Router:
    router = Router(name="report-flow")
    router.message.filter(F.chat.type == "private")  # citizens talk to the bot alone
    router.message.register(start, Command("report"))
    router.message.register(start, F.text == MENU_REPORT)
    router.callback_query.register(resume, ReportCallback.filter(F.action == "resume"))
    router.callback_query.register(restart, ReportCallback.filter(F.action == "restart"))
    router.callback_query.register(discard, ReportCallback.filter(F.action == "discard"))
    flow = StateFilter(ReportFlow)
    router.callback_query.register(back, flow, ReportCallback.filter(F.action == "back"))
    router.callback_query.register(cancel, ReportCallback.filter(F.action == "cancel"))
    router.callback_query.register(skip, flow, ReportCallback.filter(F.action == "skip"))
    router.message.register(back_typed, flow, F.text == BACK)
    router.message.register(cancel_typed, flow, F.text == CANCEL)
    router.message.register(skip_typed, flow, F.text == SKIP)
    router.callback_query.register(
        choose_area, ReportFlow.area, ReportCallback.filter(F.action == "area")
    )
    router.callback_query.register(
        choose_region, ReportFlow.region, ReportCallback.filter(F.action == "region")
    )
    router.callback_query.register(
        choose_when, ReportFlow.when, ReportCallback.filter(F.action == "when")
    )
    router.callback_query.register(
        choose_anonymity, ReportFlow.anonymity, ReportCallback.filter(F.action == "anon")
    )
    router.callback_query.register(edit_field, ReportCallback.filter(F.action == "edit"))
    router.message.register(type_settlement, ReportFlow.settlement, *TYPED)
    router.message.register(type_description, ReportFlow.description, *TYPED)
    router.message.register(type_date, ReportFlow.when_date, *TYPED)
    router.message.register(type_involved, ReportFlow.involved, *TYPED)
    router.message.register(type_amount, ReportFlow.amount, *TYPED)
    router.message.register(share_location, ReportFlow.location, F.location)
    router.message.register(share_phone, ReportFlow.phone, F.contact)
    return router


class Flow:
    """What every step handler needs, gathered once per update."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        user: User,
        state: FSMContext,
        drafts: DraftService,
        locale: str,
    ) -> None:
        self.bot, self.chat_id, self.user = bot, chat_id, user
        self.state, self.drafts, self.locale = state, drafts, locale

    async def draft(self) -> ReportDraft:
        return await self.drafts.load(self.user.id) or ReportDraft()

    async def show(self, step: str, draft: ReportDraft) -> None:
        await steps.show(
            self.bot,
            self.chat_id,
            step,
            draft,
            state=self.state,
            drafts=self.drafts,
            user_id=self.user.id,
            locale=self.locale,
        )

    async def answered(self, step: str, draft: ReportDraft) -> None:
        draft.mark("when" if step == "when_date" else step)
        await self.show(steps.following(step, draft), draft)

    async def say(self, draft: ReportDraft, text: str, **kwargs: object) -> None:
        sent = await self.bot.send_message(self.chat_id, text, **kwargs)  # type: ignore[arg-type]
        draft.remember(sent.message_id)
        await self.drafts.save(self.user.id, draft)


def flow_of(
    event: Message | CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> Flow:
    message = event if isinstance(event, Message) else event.message
    chat_id = message.chat.id if message else event.from_user.id
    return Flow(event.bot, chat_id, event.from_user, state, drafts, i18n.current_locale)


async def current_step(state: FSMContext) -> str:
    raw = await state.get_state() or ""
    return raw.split(":", 1)[-1]


# Entry


async def start(
    message: Message,
    state: FSMContext,
    drafts: DraftService,
    limits: Limits,
    i18n: I18n,
    user_record: UserRecord | None,
    pseudonym: str,
    reports: ReportService,
) -> None:
    flow = flow_of(message, state, drafts, i18n)
    try:
        await reports.ensure_allowed(pseudonym)
        await limits.check_submission(message.from_user.id, pseudonym)
    except LimitReachedError as exc:
        await message.answer(limit_text(exc, i18n.current_locale), reply_markup=main_menu())
        return
    except ReporterBannedError:
        await message.answer(banned_text(), reply_markup=main_menu())
        return
    draft = await drafts.load(message.from_user.id)
    if draft is not None and draft.done:
        await message.answer(
            _("You have an unfinished report. Continue it, or discard it and start again?"),
            reply_markup=resume_keyboard(),
        )
        return
    draft = ReportDraft(region=user_record.region if user_record else None)
    draft.remember(message.message_id)
    await flow.show("area", draft)


def banned_text() -> str:
    return _(
        "A moderator has closed the filing of new reports from your account. You can still "
        "report corruption to the Anti-Corruption Agency by phone: 1424."
    )


def limit_text(exc: LimitReachedError, locale: str) -> str:
    return _(
        "You have already sent 5 reports in the last 24 hours. You can send the next one "
        "after {time}. If it is urgent, call the Anti-Corruption Agency: 1424."
    ).format(time=format_local_time(exc.retry_at, locale))


async def resume(
    query: CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow = flow_of(query, state, drafts, i18n)
    draft = await drafts.load(query.from_user.id)
    await query.answer()
    if draft is None:
        await query.message.answer(_("There is no draft any more."), reply_markup=main_menu())
        return
    draft.editing = False
    await flow.show(draft.next_step() or "summary", draft)


async def restart(
    query: CallbackQuery,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
    user_record: UserRecord | None,
) -> None:
    await drafts.discard(query.from_user.id)
    await query.answer()
    draft = ReportDraft(region=user_record.region if user_record else None)
    await flow_of(query, state, drafts, i18n).show("area", draft)


async def discard(query: CallbackQuery, state: FSMContext, drafts: DraftService) -> None:
    await drafts.discard(query.from_user.id)
    await state.clear()
    await query.answer()
    await query.message.answer(_("The draft was deleted."), reply_markup=main_menu())


# Navigation


async def back(query: CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n) -> None:
    await query.answer()
    await go_back(flow_of(query, state, drafts, i18n))


async def back_typed(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await go_back(flow_of(message, state, drafts, i18n), message.message_id)


async def go_back(flow: Flow, *remember: int) -> None:
    draft = await flow.draft()
    draft.remember(*remember)
    previous = steps.preceding(await current_step(flow.state))
    if previous is None:
        await pause(flow, draft)
        return
    draft.editing = False
    await flow.show(previous, draft)


async def cancel(
    query: CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await query.answer()
    flow = flow_of(query, state, drafts, i18n)
    await pause(flow, await flow.draft())


async def cancel_typed(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow = flow_of(message, state, drafts, i18n)
    draft = await flow.draft()
    draft.remember(message.message_id)
    await pause(flow, draft)


async def pause(flow: Flow, draft: ReportDraft) -> None:
    """Leave the flow but keep every answer: a mis-tap must not cost a pensioner her text."""
    await flow.state.clear()
    await flow.say(
        draft,
        _("Stopped. Your draft is saved: send /report to continue it or to discard it."),
        reply_markup=main_menu(),
    )


async def skip(query: CallbackQuery, state: FSMContext, drafts: DraftService, i18n: I18n) -> None:
    await query.answer()
    await skip_step(flow_of(query, state, drafts, i18n))


async def skip_typed(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await skip_step(flow_of(message, state, drafts, i18n), message.message_id)


async def skip_step(flow: Flow, *remember: int) -> None:
    step = await current_step(flow.state)
    draft = await flow.draft()
    draft.remember(*remember)
    if step not in ("involved", "amount", "evidence", "location"):
        await flow.say(draft, _("This question cannot be skipped."))
        return
    if step == "location":
        await flow.say(draft, _("No location, fine."), reply_markup=main_menu())
    await flow.answered(step, draft)


async def edit_field(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    flow = flow_of(query, state, drafts, i18n)
    draft = await drafts.load(query.from_user.id)
    if draft is None or callback_data.value not in steps.STATE_OF:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    draft.editing = True
    await flow.show(callback_data.value, draft)


# Answers


async def _choose(
    query: CallbackQuery,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
    step: str,
    value: str,
    valid: bool,
) -> None:
    """A button answer: refuse a forged or stale value, otherwise store it and move on."""
    if not valid:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    flow = flow_of(query, state, drafts, i18n)
    draft = await flow.draft()
    setattr(draft, step, value)
    if step == "anonymity" and value != "open":
        draft.phone = None  # never keep a number the report does not need
    await flow.answered(step, draft)


async def choose_area(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    value = callback_data.value
    await _choose(query, state, drafts, i18n, "area", value, get_area(value) is not None)


async def choose_region(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    value = callback_data.value
    await _choose(query, state, drafts, i18n, "region", value, get_region(value) is not None)


async def choose_when(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    flow = flow_of(query, state, drafts, i18n)
    draft = await flow.draft()
    if callback_data.value == "exact":
        await query.answer()
        await flow.show("when_date", draft)
        return
    if callback_data.value not in ("today", "week", "month", "earlier"):
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer()
    draft.occurred = callback_data.value
    await flow.answered("when", draft)


async def choose_anonymity(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    value = callback_data.value
    await _choose(query, state, drafts, i18n, "anonymity", value, value in ANONYMITY_LEVELS)


async def typed(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> tuple[Flow, ReportDraft]:
    flow = flow_of(message, state, drafts, i18n)
    draft = await flow.draft()
    draft.remember(message.message_id)
    return flow, draft


async def _type_text_field(
    message: Message,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
    step: str,
    check: Callable[[str], str],
) -> None:
    """A free-text answer: checked, stored under the step's name, or explained and kept."""
    flow, draft = await typed(message, state, drafts, i18n)
    try:
        setattr(draft, step, check(message.text or ""))
    except FieldError as exc:
        await flow.say(draft, field_error_text(exc))
        return
    await flow.answered(step, draft)


async def type_settlement(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await _type_text_field(message, state, drafts, i18n, "settlement", check_settlement)


async def type_description(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await _type_text_field(message, state, drafts, i18n, "description", check_description)


async def type_date(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n, settings: Settings
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    try:
        day = parse_exact_date(message.text or "", local_today(settings.timezone))
    except DateError as exc:
        reasons = {
            "future": _("This date is in the future. Write the date when it happened."),
            "too_old": _("This date is too long ago. Write a date after 01.01.2000."),
        }
        await flow.say(
            draft,
            reasons.get(
                exc.reason,
                _("I could not read the date. Write it as DD.MM.YYYY, for example 05.11.2026."),
            ),
        )
        return
    draft.occurred = day.isoformat()
    await flow.answered("when_date", draft)


async def type_involved(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await _type_text_field(message, state, drafts, i18n, "involved", check_involved)


async def type_amount(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    try:
        draft.amount = parse_amount(message.text or "")
    except AmountError:
        await flow.say(
            draft,
            _(
                "I could not read the amount. Write a number in tenge, for example 150 000, "
                "1,5 млн or 2 млрд, or skip this question."
            ),
        )
        return
    await flow.answered("amount", draft)


async def share_location(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    assert message.location is not None
    draft.latitude = round(message.location.latitude, 6)
    draft.longitude = round(message.location.longitude, 6)
    await flow.say(draft, _("📍 Location saved."), reply_markup=main_menu())
    await flow.answered("location", draft)


async def share_phone(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    contact = message.contact
    assert contact is not None
    if contact.user_id != message.from_user.id:
        await flow.say(draft, _("Please share your own number with the button below."))
        return
    draft.phone = contact.phone_number
    await flow.say(draft, _("📞 Phone number saved."), reply_markup=main_menu())
    await flow.answered("phone", draft)


def field_error_text(exc: FieldError) -> str:
    if exc.reason == "too_short":
        return _(
            "This is too short: {length} characters, at least {minimum} are needed. "
            "Please add details."
        ).format(**exc.details)
    return _(
        "This is too long: {length} characters, at most {maximum} fit. Please shorten it."
    ).format(**exc.details)
