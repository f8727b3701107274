"""Answers to the report's questions: buttons for choices, typed text, location and phone."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.domain import ANONYMITY_LEVELS
from bot.handlers.report.flow import TYPED, Flow, flow_of
from bot.handlers.report.states import ReportFlow
from bot.replies import acknowledge
from bot.services.amounts import AmountError, parse_amount
from bot.services.dates import WHEN_CHOICES, DateError, local_today, parse_exact_date
from bot.services.drafts import (
    DraftService,
    FieldError,
    ReportDraft,
    check_description,
    check_involved,
    check_settlement,
)
from bot.services.regions import get_region
from bot.services.risk_areas import get_area
from bot.views.callbacks import ReportAction, ReportCallback
from bot.views.common import button_expired_text
from bot.views.report_flow import (
    amount_error_text,
    date_error_text,
    field_error_text,
    location_saved_text,
    own_number_text,
    phone_saved_text,
)

# Button answers: the draft field each sets, its step, and whether a value is on offer (a
# forged or stale button carries one that is not).
CHOICES: dict[ReportAction, tuple[str, str, Callable[[str], bool]]] = {
    ReportAction.AREA: ("area", "area", lambda value: get_area(value) is not None),
    ReportAction.REGION: ("region", "region", lambda value: get_region(value) is not None),
    ReportAction.WHEN: ("occurred", "when", lambda value: value in WHEN_CHOICES),
    ReportAction.ANONYMITY: ("anonymity", "anonymity", lambda value: value in ANONYMITY_LEVELS),
}
EXACT_DATE = "exact"


def get_router() -> Router:
    router = Router(name="report-answers")
    on = ReportCallback.filter
    router.callback_query.register(choose, ReportFlow.area, on(F.action == ReportAction.AREA))
    router.callback_query.register(choose, ReportFlow.region, on(F.action == ReportAction.REGION))
    router.callback_query.register(choose_when, ReportFlow.when, on(F.action == ReportAction.WHEN))
    router.callback_query.register(
        choose, ReportFlow.anonymity, on(F.action == ReportAction.ANONYMITY)
    )
    router.message.register(type_settlement, ReportFlow.settlement, *TYPED)
    router.message.register(type_description, ReportFlow.description, *TYPED)
    router.message.register(type_date, ReportFlow.when_date, *TYPED)
    router.message.register(type_involved, ReportFlow.involved, *TYPED)
    router.message.register(type_amount, ReportFlow.amount, *TYPED)
    router.message.register(share_location, ReportFlow.location, F.location)
    router.message.register(share_phone, ReportFlow.phone, F.contact)
    return router


async def choose(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    """A button answer: refuse a value that is not on offer, otherwise store it, move on."""
    field, step, offered = CHOICES[callback_data.action]
    if not offered(callback_data.value):
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await acknowledge(query)
    flow = flow_of(query, state, drafts, i18n)
    draft = await flow.draft()
    setattr(draft, field, callback_data.value)
    if field == "anonymity" and callback_data.value != "open":
        draft.phone = None  # never keep a number the report does not need
    await flow.answered(step, draft)


async def choose_when(
    query: CallbackQuery,
    callback_data: ReportCallback,
    state: FSMContext,
    drafts: DraftService,
    i18n: I18n,
) -> None:
    if callback_data.value != EXACT_DATE:
        await choose(query, callback_data, state, drafts, i18n)
        return
    await acknowledge(query)
    flow = flow_of(query, state, drafts, i18n)
    await flow.show("when_date", await flow.draft())


# Typed answers


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


async def type_involved(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    await _type_text_field(message, state, drafts, i18n, "involved", check_involved)


async def type_date(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n, settings: Settings
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    try:
        day = parse_exact_date(message.text or "", local_today(settings.timezone))
    except DateError as exc:
        await flow.say(draft, date_error_text(exc.reason))
        return
    draft.occurred = day.isoformat()
    await flow.answered("when_date", draft)


async def type_amount(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    try:
        draft.amount = parse_amount(message.text or "")
    except AmountError:
        await flow.say(draft, amount_error_text())
        return
    await flow.answered("amount", draft)


async def share_location(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    assert message.location is not None
    draft.latitude = round(message.location.latitude, 6)
    draft.longitude = round(message.location.longitude, 6)
    # The location's reply keyboard goes; the next step has its own (inline) buttons.
    await flow.say(draft, location_saved_text(), reply_markup=ReplyKeyboardRemove())
    await flow.answered("location", draft)


async def share_phone(
    message: Message, state: FSMContext, drafts: DraftService, i18n: I18n
) -> None:
    flow, draft = await typed(message, state, drafts, i18n)
    contact = message.contact
    assert contact is not None
    if contact.user_id != message.from_user.id:
        await flow.say(draft, own_number_text())
        return
    draft.phone = contact.phone_number
    await flow.say(draft, phone_saved_text(), reply_markup=ReplyKeyboardRemove())
    await flow.answered("phone", draft)
