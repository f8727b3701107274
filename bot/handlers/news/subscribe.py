"""/subscribe, /subscriptions, /unsubscribe and the menu's "📰 News subscriptions": buttons
only. One message is edited in place through the steps; the choices ride in the buttons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.db.repositories.users import UserRecord
from bot.handlers import onboarding
from bot.handlers.gates import Word
from bot.handlers.news.common import edit_shown
from bot.replies import acknowledge
from bot.services.digests import Digests
from bot.services.subscriptions import FREQUENCIES, SubscriptionError, Subscriptions
from bot.views.callbacks import SubAction, SubCallback
from bot.views.common import MENU_NEWS, button_expired_text
from bot.views.subscriptions import (
    ALL,
    REGION_CODES,
    TOPIC_KEYS,
    choose_one_text,
    frequency_keyboard,
    frequency_text,
    from_mask,
    kept_text,
    not_subscribed_text,
    regions_keyboard,
    regions_text,
    slot_keyboard,
    slot_text,
    summary_keyboard,
    summary_text,
    to_mask,
    topics_keyboard,
    topics_text,
    unsubscribe_keyboard,
    unsubscribe_question_text,
    unsubscribed_text,
)


def get_router() -> Router:
    router = Router(name="news-subscribe")
    router.message.register(subscribe, Command("subscribe"))
    router.message.register(subscribe, Word(MENU_NEWS))
    router.message.register(show, Command("subscriptions"))
    router.message.register(ask_stop, Command("unsubscribe"))
    on = router.callback_query.register
    on(toggle_region, SubCallback.filter(F.action == SubAction.REGION))
    on(all_regions, SubCallback.filter(F.action == SubAction.ALL_REGIONS))
    on(regions_done, SubCallback.filter(F.action == SubAction.REGIONS_DONE))
    on(toggle_topic, SubCallback.filter(F.action == SubAction.TOPIC))
    on(all_topics, SubCallback.filter(F.action == SubAction.ALL_TOPICS))
    on(topics_done, SubCallback.filter(F.action == SubAction.TOPICS_DONE))
    on(frequency_chosen, SubCallback.filter(F.action == SubAction.FREQUENCY))
    on(slot_chosen, SubCallback.filter(F.action == SubAction.SLOT))
    on(change, SubCallback.filter(F.action == SubAction.CHANGE))
    on(ask_stop_button, SubCallback.filter(F.action == SubAction.STOP))
    on(stop, SubCallback.filter(F.action == SubAction.STOP_YES))
    on(keep, SubCallback.filter(F.action == SubAction.STOP_NO))
    return router


async def subscribe(
    message: Message,
    state: FSMContext,
    i18n: I18n,
    user_record: UserRecord | None,
    subscriptions: Subscriptions,
) -> None:
    if user_record is None or not user_record.onboarded:
        await onboarding.start(message, state, i18n, user_record)
        return
    await state.clear()
    current = await subscriptions.get(user_record.pseudonym)
    if current is not None:
        data = SubCallback(
            action=SubAction.REGION,
            r=to_mask(current.regions, REGION_CODES),
            t=to_mask(current.topics, TOPIC_KEYS),
            f=current.frequency,
            s=current.slot,
        )
    else:  # the person's own region, every topic
        region = user_record.region
        data = SubCallback(
            action=SubAction.REGION,
            r=to_mask(frozenset({region}) if region else frozenset(), REGION_CODES),
            t=ALL,
        )
    await message.answer(regions_text(), reply_markup=regions_keyboard(data, i18n.current_locale))


async def show(
    message: Message,
    pseudonym: str | None,
    subscriptions: Subscriptions,
    digests: Digests,
    i18n: I18n,
) -> None:
    current = await subscriptions.get(pseudonym) if pseudonym else None
    if current is None:
        await message.answer(not_subscribed_text())
        return
    await message.answer(
        summary_text(current, i18n.current_locale, digests.slots, saved=False),
        reply_markup=summary_keyboard(current),
    )


def _toggle(mask: int, index: str, size: int) -> int | None:
    if not index.isdigit() or int(index) >= size:
        return None
    bit = 1 << int(index)
    return bit if mask == ALL else mask ^ bit


@dataclass(frozen=True)
class _Choice:
    """A screen where several of a list are chosen: its mask rides in `field` of the buttons."""

    field: str
    keys: tuple[str, ...]
    text: Callable[[], str]
    keyboard: Callable[[SubCallback, str], InlineKeyboardMarkup]


REGIONS = _Choice("r", REGION_CODES, regions_text, regions_keyboard)
TOPICS = _Choice("t", TOPIC_KEYS, topics_text, topics_keyboard)


async def _show(query: CallbackQuery, data: SubCallback, i18n: I18n, choice: _Choice) -> None:
    await edit_shown(query, choice.text(), choice.keyboard(data, i18n.current_locale))


async def _toggle_one(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, choice: _Choice
) -> None:
    mask = _toggle(getattr(callback_data, choice.field), callback_data.v, len(choice.keys))
    if mask is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await _show(query, callback_data.model_copy(update={choice.field: mask}), i18n, choice)


async def _toggle_all(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, choice: _Choice
) -> None:
    mask = 0 if getattr(callback_data, choice.field) == ALL else ALL
    await _show(query, callback_data.model_copy(update={choice.field: mask}), i18n, choice)


async def _none_chosen(query: CallbackQuery, callback_data: SubCallback, choice: _Choice) -> bool:
    """«Next» with nothing chosen: asked to choose one (then True)."""
    mask = getattr(callback_data, choice.field)
    if from_mask(mask, choice.keys) or mask == ALL:
        return False
    await acknowledge(query, choose_one_text(), alert=True)
    return True


async def toggle_region(query: CallbackQuery, callback_data: SubCallback, i18n: I18n) -> None:
    await _toggle_one(query, callback_data, i18n, REGIONS)


async def all_regions(query: CallbackQuery, callback_data: SubCallback, i18n: I18n) -> None:
    await _toggle_all(query, callback_data, i18n, REGIONS)


async def regions_done(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, **deps: object
) -> None:
    if await _none_chosen(query, callback_data, REGIONS):
        return
    if callback_data.one:
        await _save(query, callback_data, i18n, **deps)
        return
    await _show(query, callback_data, i18n, TOPICS)


async def toggle_topic(query: CallbackQuery, callback_data: SubCallback, i18n: I18n) -> None:
    await _toggle_one(query, callback_data, i18n, TOPICS)


async def all_topics(query: CallbackQuery, callback_data: SubCallback, i18n: I18n) -> None:
    await _toggle_all(query, callback_data, i18n, TOPICS)


async def topics_done(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, **deps: object
) -> None:
    if await _none_chosen(query, callback_data, TOPICS):
        return
    if callback_data.one:
        await _save(query, callback_data, i18n, **deps)
        return
    await edit_shown(query, frequency_text(), frequency_keyboard(callback_data))


async def frequency_chosen(
    query: CallbackQuery,
    callback_data: SubCallback,
    i18n: I18n,
    digests: Digests,
    **deps: object,
) -> None:
    if callback_data.v not in FREQUENCIES:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    data = callback_data.model_copy(update={"f": callback_data.v})
    # Instant items need no time; a change between digests keeps the time chosen before.
    if data.v == "instant" or (data.one and callback_data.f in ("daily", "weekly")):
        await _save(query, data, i18n, digests=digests, **deps)
        return
    await edit_shown(query, slot_text(), slot_keyboard(data, digests.slots))


async def slot_chosen(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, **deps: object
) -> None:
    await _save(query, callback_data.model_copy(update={"s": callback_data.v}), i18n, **deps)


async def change(
    query: CallbackQuery, callback_data: SubCallback, i18n: I18n, digests: Digests
) -> None:
    locale = i18n.current_locale
    screens = {
        "regions": lambda: (regions_text(), regions_keyboard(callback_data, locale)),
        "topics": lambda: (topics_text(), topics_keyboard(callback_data, locale)),
        "frequency": lambda: (frequency_text(), frequency_keyboard(callback_data)),
        "slot": lambda: (slot_text(), slot_keyboard(callback_data, digests.slots)),
    }
    screen = screens.get(callback_data.v)
    if screen is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    await edit_shown(query, *screen())


async def _save(
    query: CallbackQuery,
    data: SubCallback,
    i18n: I18n,
    *,
    subscriptions: Subscriptions,
    digests: Digests,
    pseudonym: str | None,
    user_record: UserRecord | None,
    **_: object,
) -> None:
    if pseudonym is None or user_record is None:
        await acknowledge(query, button_expired_text(), alert=True)
        return
    try:
        saved = await subscriptions.save(
            pseudonym,
            from_mask(data.r, REGION_CODES),
            from_mask(data.t, TOPIC_KEYS),
            data.f,
            data.s or "morning",
        )
    except SubscriptionError:  # a forged or stale button
        await acknowledge(query, button_expired_text(), alert=True)
        return
    text = summary_text(saved, i18n.current_locale, digests.slots, saved=True)
    await edit_shown(query, text, summary_keyboard(saved))


async def ask_stop(message: Message, pseudonym: str | None, subscriptions: Subscriptions) -> None:
    if pseudonym is None or await subscriptions.get(pseudonym) is None:
        await message.answer(not_subscribed_text())
        return
    await message.answer(unsubscribe_question_text(), reply_markup=unsubscribe_keyboard())


async def ask_stop_button(query: CallbackQuery) -> None:
    await edit_shown(query, unsubscribe_question_text(), unsubscribe_keyboard())


async def stop(query: CallbackQuery, pseudonym: str | None, subscriptions: Subscriptions) -> None:
    if pseudonym is None or not await subscriptions.unsubscribe(pseudonym):
        await edit_shown(query, not_subscribed_text(), None)
        return
    await edit_shown(query, unsubscribed_text(), None)


async def keep(query: CallbackQuery) -> None:
    await edit_shown(query, kept_text(), None)
