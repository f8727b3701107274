"""Subscribers through the real dispatcher: /subscribe with buttons only, /subscriptions,
changing one choice, /unsubscribe after one confirmation, and forged buttons."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.news import NewsRepository
from bot.views.callbacks import SubAction, SubCallback
from bot.views.subscriptions import (
    ALL,
    REGION_CODES,
    TOPIC_KEYS,
    regions_text,
    unsubscribed_text,
)
from tests import updates as u
from tests.conftest import Chat, render, translate

KZ27 = REGION_CODES.index("KZ-27")
KZ23 = REGION_CODES.index("KZ-23")


async def onboard(chat: Chat, user_id: int, locale: str, region: str = "KZ-27") -> dict:
    person = u.user(user_id, locale)
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, f"lang:{locale}"))
    await chat.send(u.callback(person, f"reg:{region}"))
    return person


def buttons(request: Any) -> list[str]:
    markup = request.reply_markup
    return [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []


def labels(request: Any) -> list[str]:
    markup = request.reply_markup
    return [b.text for row in markup.inline_keyboard for b in row] if markup else []


def data_for(request: Any, action: SubAction, v: str | None = None) -> str:
    for data in buttons(request):
        parsed = SubCallback.unpack(data)
        if parsed.action == action and (v is None or parsed.v == v):
            return data
    raise AssertionError(f"no {action} {v} button in {buttons(request)}")


def last_shown(requests: list[Any]) -> Any:
    shown = [r for r in requests if isinstance(r, SendMessage | EditMessageText)]
    assert shown, requests
    return shown[-1]


async def press(chat: Chat, person: dict, request: Any, action: SubAction, v: str | None = None):
    return await chat.send(u.callback(person, data_for(request, action, v)))


async def subscribe(chat: Chat, person: dict, frequency: str, slot: str | None = None) -> Any:
    """Through the buttons: the preselected region, all topics, `frequency` (and `slot`)."""
    shown = last_shown(await chat.send(u.text(person, "/subscribe")))
    shown = last_shown(await press(chat, person, shown, SubAction.REGIONS_DONE))
    shown = last_shown(await press(chat, person, shown, SubAction.TOPICS_DONE))
    shown = last_shown(await press(chat, person, shown, SubAction.FREQUENCY, frequency))
    if slot is not None:
        shown = last_shown(await press(chat, person, shown, SubAction.SLOT, slot))
    return shown


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_subscribe_preselects_own_region_and_saves_in_words(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring, locale: str
) -> None:
    person = await onboard(chat, 7001, locale)
    first = last_shown(await chat.send(u.text(person, "/subscribe")))
    assert first.text == render(i18n, regions_text, locale)
    ticked = [label for label in labels(first) if label.startswith("✅")]
    assert len(ticked) == 1 and (
        "Батыс" in ticked[0] or "Западно" in ticked[0]
    )  # West Kaz., the person's region
    summary = await subscribe(chat, person, "daily", "evening")
    assert summary.text.startswith(translate(i18n, "✅ <b>Subscription saved.</b>", locale))
    assert translate(i18n, "📅 A daily digest", locale) in summary.text
    assert "19:00" in summary.text
    stored = await NewsRepository(db).subscription(keyring.pseudonym(7001))
    assert stored is not None
    assert (stored.regions, stored.topics) == (frozenset({"KZ-27"}), None)
    assert (stored.frequency, stored.slot) == ("daily", "evening")
    # Keyed by pseudonym only: the Telegram id is nowhere in the table.
    rows = await db.fetchall("SELECT * FROM news_subscriptions")
    assert "7001" not in str([tuple(r) for r in rows])


async def test_the_menu_entry_opens_the_subscription(chat: Chat, i18n: I18n) -> None:
    person = await onboard(chat, 7002, "kk")
    label = translate(i18n, "📰 News subscriptions", "kk")
    shown = last_shown(await chat.send(u.text(person, label)))
    assert data_for(shown, SubAction.REGIONS_DONE)


async def test_regions_toggle_and_all_of_kazakhstan(chat: Chat, i18n: I18n) -> None:
    person = await onboard(chat, 7003, "ru")
    shown = last_shown(await chat.send(u.text(person, "/subscribe")))
    shown = last_shown(await press(chat, person, shown, SubAction.REGION, str(KZ23)))
    assert len([x for x in labels(shown) if x.startswith("✅")]) == 2
    shown = last_shown(await press(chat, person, shown, SubAction.REGION, str(KZ27)))
    shown = last_shown(await press(chat, person, shown, SubAction.REGION, str(KZ23)))
    # Nothing chosen: "Next" is refused with an alert, the step stays.
    replies = await press(chat, person, shown, SubAction.REGIONS_DONE)
    (alert,) = [r for r in replies if isinstance(r, AnswerCallbackQuery)]
    assert alert.show_alert and alert.text == translate(i18n, "Please choose at least one.", "ru")
    shown = last_shown(await press(chat, person, shown, SubAction.ALL_REGIONS))
    assert labels(shown)[0].startswith("✅")
    assert SubCallback.unpack(data_for(shown, SubAction.REGIONS_DONE)).r == ALL
    shown = last_shown(await press(chat, person, shown, SubAction.REGIONS_DONE))
    # Topics: none, then one, then all.
    shown = last_shown(await press(chat, person, shown, SubAction.ALL_TOPICS))
    replies = await press(chat, person, shown, SubAction.TOPICS_DONE)
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in replies)
    shown = last_shown(await press(chat, person, shown, SubAction.TOPIC, "0"))
    shown = last_shown(await press(chat, person, shown, SubAction.TOPICS_DONE))
    summary = last_shown(await press(chat, person, shown, SubAction.FREQUENCY, "instant"))
    assert translate(i18n, "All of Kazakhstan", "ru") in summary.text
    assert "Земельные отношения" in summary.text
    assert translate(i18n, "When: {slot}", "ru")[:6] not in summary.text  # instant: no time


async def test_subscriptions_shows_and_changes_one_choice(chat: Chat, i18n: I18n) -> None:
    person = await onboard(chat, 7004, "kk")
    missing = await chat.texts(u.text(person, "/subscriptions"))
    assert missing == [
        translate(i18n, "You are not subscribed to news. To subscribe, send /subscribe.", "kk")
    ]
    await subscribe(chat, person, "instant")
    shown = last_shown(await chat.send(u.text(person, "/subscriptions")))
    assert shown.text.startswith(translate(i18n, "📰 <b>Your news subscription</b>", "kk"))
    # Change how often: instant -> weekly asks the time, then saves at once.
    step = last_shown(await press(chat, person, shown, SubAction.CHANGE, "frequency"))
    step = last_shown(await press(chat, person, step, SubAction.FREQUENCY, "weekly"))
    assert step.text == translate(
        i18n, "Step 4 of 4. When should the digest come? Times are Almaty time.", "kk"
    )
    saved = last_shown(await press(chat, person, step, SubAction.SLOT, "morning"))
    assert translate(i18n, "🗓 A weekly digest", "kk") in saved.text
    # Change the regions only: the rest stays.
    step = last_shown(await press(chat, person, saved, SubAction.CHANGE, "regions"))
    step = last_shown(await press(chat, person, step, SubAction.REGION, str(KZ23)))
    saved = last_shown(await press(chat, person, step, SubAction.REGIONS_DONE))
    assert "Атырау" in saved.text and translate(i18n, "🗓 A weekly digest", "kk") in saved.text
    # Change the topics, and the time.
    step = last_shown(await press(chat, person, saved, SubAction.CHANGE, "topics"))
    step = last_shown(await press(chat, person, step, SubAction.TOPIC, "1"))
    saved = last_shown(await press(chat, person, step, SubAction.TOPICS_DONE))
    step = last_shown(await press(chat, person, saved, SubAction.CHANGE, "slot"))
    saved = last_shown(await press(chat, person, step, SubAction.SLOT, "evening"))
    assert "19:00" in saved.text


@pytest.mark.parametrize("via", ["command", "button"])
async def test_unsubscribe_after_one_confirmation(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring, via: str
) -> None:
    person = await onboard(chat, 7005, "ru")
    summary = await subscribe(chat, person, "instant")
    if via == "command":
        question = last_shown(await chat.send(u.text(person, "/unsubscribe")))
    else:
        question = last_shown(await press(chat, person, summary, SubAction.STOP))
    kept = last_shown(await press(chat, person, question, SubAction.STOP_NO))
    assert kept.text == translate(i18n, "The subscription stays as it was.", "ru")
    assert await NewsRepository(db).subscription(keyring.pseudonym(7005)) is not None
    done = last_shown(await press(chat, person, question, SubAction.STOP_YES))
    assert done.text == render(i18n, unsubscribed_text, "ru")
    assert await NewsRepository(db).subscription(keyring.pseudonym(7005)) is None
    again = await chat.texts(u.text(person, "/unsubscribe"))
    assert again == [
        translate(i18n, "You are not subscribed to news. To subscribe, send /subscribe.", "ru")
    ]


@pytest.mark.parametrize(
    "forged",
    [
        SubCallback(action=SubAction.REGION, v="99"),
        SubCallback(action=SubAction.REGION, v="x"),
        SubCallback(action=SubAction.TOPIC, v="42"),
        SubCallback(action=SubAction.FREQUENCY, v="hourly", r=1, t=ALL),
        SubCallback(action=SubAction.SLOT, v="midnight", r=1, t=ALL, f="daily"),
        SubCallback(action=SubAction.SLOT, v="morning", r=1 << 30, t=ALL, f="daily"),
        SubCallback(action=SubAction.SLOT, v="morning", r=1, t=1 << 20, f="daily"),
        SubCallback(action=SubAction.CHANGE, v="everything"),
    ],
)
async def test_forged_buttons_are_refused_and_store_nothing(
    chat: Chat, dp: Dispatcher, db: Database, forged: SubCallback
) -> None:
    person = await onboard(chat, 7006, "kk")
    replies = await chat.send(u.callback(person, forged.pack()))
    assert [r for r in replies if isinstance(r, AnswerCallbackQuery) and r.show_alert]
    assert await db.fetchall("SELECT * FROM news_subscriptions") == []


async def test_a_person_who_never_started_is_onboarded_first(chat: Chat, i18n: I18n) -> None:
    person = u.user(7007, "ru")
    texts = await chat.texts(u.text(person, "/subscribe"))
    assert texts and "Қазақша" in str(await chat.send(u.text(person, "/subscribe")))


def test_topics_cover_every_risk_area_and_general_news() -> None:
    assert TOPIC_KEYS[-1] == "general" and len(set(TOPIC_KEYS)) == len(TOPIC_KEYS)
