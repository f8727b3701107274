"""The subscriber's screens: picking regions, topics, how often and when; the subscription in
plain words; stopping it. Choices travel in the buttons as bit masks (see SubCallback)."""

from __future__ import annotations

from datetime import time
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.news import Subscription
from bot.services.news import GENERAL_TOPIC
from bot.services.regions import all_regions, regions_for_picker
from bot.services.risk_areas import all_areas
from bot.views.callbacks import SubAction, SubCallback
from bot.views.news import place_label, topic_label

CHECK = "✅ "
ALL = -1
REGION_CODES = tuple(region.code for region in all_regions())
TOPIC_KEYS = (*(area.key for area in all_areas()), GENERAL_TOPIC)


# Masks: what the buttons carry


def to_mask(chosen: frozenset[str] | None, keys: tuple[str, ...]) -> int:
    if chosen is None:
        return ALL
    return sum(1 << keys.index(key) for key in chosen if key in keys)


def from_mask(mask: int, keys: tuple[str, ...]) -> frozenset[str] | None:
    """The chosen keys; None for "all". A mask naming nothing real gives an empty set."""
    if mask == ALL:
        return None
    if mask < 0 or mask >= 1 << len(keys):
        return frozenset()
    return frozenset(key for index, key in enumerate(keys) if mask >> index & 1)


def _button(builder: InlineKeyboardBuilder, text: str, data: SubCallback) -> None:
    builder.button(text=text, callback_data=data)


# Steps


def regions_text() -> str:
    return _(
        "📰 <b>News subscription</b>\n\nStep 1 of 4. Which regions' news do you want? Tap to "
        "choose one or several, then «Next ➡️»."
    )


def regions_keyboard(data: SubCallback, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    everywhere = data.r == ALL
    _button(
        builder,
        (CHECK if everywhere else "") + _("🇰🇿 All of Kazakhstan"),
        data.model_copy(update={"action": SubAction.ALL_REGIONS}),
    )
    for region in regions_for_picker(locale):
        index = REGION_CODES.index(region.code)
        ticked = not everywhere and data.r >> index & 1
        _button(
            builder,
            (CHECK if ticked else "") + region.name(locale),
            data.model_copy(update={"action": SubAction.REGION, "v": str(index)}),
        )
    _button(builder, _("Next ➡️"), data.model_copy(update={"action": SubAction.REGIONS_DONE}))
    builder.adjust(1, *[2] * 10, 1)
    return builder.as_markup()


def topics_text() -> str:
    return _(
        "Step 2 of 4. Which topics? Tap to choose one or several, or «All topics», then «Next ➡️»."
    )


def topics_keyboard(data: SubCallback, locale: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    every = data.t == ALL
    _button(
        builder,
        (CHECK if every else "") + _("All topics"),
        data.model_copy(update={"action": SubAction.ALL_TOPICS}),
    )
    for index, key in enumerate(TOPIC_KEYS):
        ticked = not every and data.t >> index & 1
        _button(
            builder,
            (CHECK if ticked else "") + topic_label(key, locale),
            data.model_copy(update={"action": SubAction.TOPIC, "v": str(index)}),
        )
    _button(builder, _("Next ➡️"), data.model_copy(update={"action": SubAction.TOPICS_DONE}))
    builder.adjust(1, *[1] * len(TOPIC_KEYS), 1)
    return builder.as_markup()


def frequency_text() -> str:
    return _(
        "Step 3 of 4. How often? Each news item at once, or a digest once a day or once a week "
        "(on Mondays)."
    )


def frequency_label(frequency: str) -> str:
    return {
        "instant": _("⚡ Each item at once"),
        "daily": _("📅 A daily digest"),
        "weekly": _("🗓 A weekly digest"),
    }.get(frequency, frequency)


def frequency_keyboard(data: SubCallback) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for frequency in ("instant", "daily", "weekly"):
        ticked = CHECK if data.f == frequency else ""
        _button(
            builder,
            ticked + frequency_label(frequency),
            data.model_copy(update={"action": SubAction.FREQUENCY, "v": frequency}),
        )
    builder.adjust(1)
    return builder.as_markup()


def slot_text() -> str:
    return _("Step 4 of 4. When should the digest come? Times are Almaty time.")


def slot_label(slot: str, at: time) -> str:
    if slot == "morning":
        return _("🌅 In the morning, {time}").format(time=at.strftime("%H:%M"))
    return _("🌆 In the evening, {time}").format(time=at.strftime("%H:%M"))


def slot_keyboard(data: SubCallback, slots: dict[str, time]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for slot, at in slots.items():
        ticked = CHECK if data.s == slot else ""
        _button(
            builder,
            ticked + slot_label(slot, at),
            data.model_copy(update={"action": SubAction.SLOT, "v": slot}),
        )
    builder.adjust(1)
    return builder.as_markup()


def choose_one_text() -> str:
    return _("Please choose at least one.")


# The subscription in words


def summary_text(sub: Subscription, locale: str, slots: dict[str, time], *, saved: bool) -> str:
    topics = (
        _("all topics")
        if sub.topics is None
        else ", ".join(topic_label(key, locale) for key in TOPIC_KEYS if key in sub.topics)
    )
    lines = [
        _("✅ <b>Subscription saved.</b>") if saved else _("📰 <b>Your news subscription</b>"),
        "",
        _("Regions: {regions}").format(regions=escape(place_label(sub.regions, locale))),
        _("Topics: {topics}").format(topics=escape(topics)),
        _("How often: {frequency}").format(frequency=frequency_label(sub.frequency)),
    ]
    if sub.frequency != "instant":
        lines.append(_("When: {slot}").format(slot=slot_label(sub.slot, slots[sub.slot])))
    lines += ["", _("News comes in your language. To change something, tap a button below.")]
    return "\n".join(lines)


def summary_keyboard(sub: Subscription) -> InlineKeyboardMarkup:
    data = SubCallback(
        action=SubAction.CHANGE,
        r=to_mask(sub.regions, REGION_CODES),
        t=to_mask(sub.topics, TOPIC_KEYS),
        f=sub.frequency,
        s=sub.slot,
        one=True,
    )
    builder = InlineKeyboardBuilder()
    choices = [
        ("regions", _("✏️ Regions")),
        ("topics", _("✏️ Topics")),
        ("frequency", _("✏️ How often")),
    ]
    if sub.frequency != "instant":
        choices.append(("slot", _("✏️ When")))
    for value, label in choices:
        _button(builder, label, data.model_copy(update={"v": value}))
    _button(builder, _("🔕 Unsubscribe"), SubCallback(action=SubAction.STOP))
    builder.adjust(2, 2, 1) if len(choices) == 4 else builder.adjust(2, 1, 1)
    return builder.as_markup()


def not_subscribed_text() -> str:
    return _("You are not subscribed to news. To subscribe, send /subscribe.")


def unsubscribe_question_text() -> str:
    return _("Stop all news from the bot? Digests and items waiting to be sent will not come.")


def unsubscribe_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _button(builder, _("🔕 Yes, unsubscribe"), SubCallback(action=SubAction.STOP_YES))
    _button(builder, _("Keep the subscription"), SubCallback(action=SubAction.STOP_NO))
    builder.adjust(1)
    return builder.as_markup()


def unsubscribed_text() -> str:
    return _("You have unsubscribed. No more news will come. To subscribe again: /subscribe")


def kept_text() -> str:
    return _("The subscription stays as it was.")
