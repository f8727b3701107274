"""The /start → language → region → menu path through the real dispatcher."""

from __future__ import annotations

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.repositories.users import UserRepository
from bot.handlers.common import help_text
from bot.services.regions import all_regions
from tests import updates as u
from tests.conftest import Chat, render, translate


def inline_buttons(method: SendMessage) -> list[tuple[str, str]]:
    assert isinstance(method.reply_markup, InlineKeyboardMarkup)
    return [
        (b.text, b.callback_data or "") for row in method.reply_markup.inline_keyboard for b in row
    ]


def reply_buttons(method: SendMessage) -> list[str]:
    assert isinstance(method.reply_markup, ReplyKeyboardMarkup)
    return [b.text for row in method.reply_markup.keyboard for b in row]


@pytest.mark.parametrize(
    ("language_code", "preselected"),
    [
        ("kk", "Қазақша"),
        ("ru", "Русский"),
        ("ru-RU", "Русский"),
        ("en", "Қазақша"),
        (None, "Қазақша"),
    ],
)
async def test_start_asks_language_in_both_languages_with_preselection(
    chat: Chat, i18n: I18n, language_code: str | None, preselected: str
) -> None:
    sent = [
        r
        for r in await chat.send(u.text(u.user(101, language_code), "/start"))
        if isinstance(r, SendMessage)
    ]
    assert len(sent) == 1
    assert translate(i18n, "Hello! Please choose your language.", "kk") in sent[0].text
    assert translate(i18n, "Hello! Please choose your language.", "ru") in sent[0].text
    buttons = inline_buttons(sent[0])
    assert buttons[0] == (
        "✅ " + preselected,
        "lang:" + ("ru" if preselected == "Русский" else "kk"),
    )
    assert {data for _, data in buttons} == {"lang:kk", "lang:ru"}


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_full_onboarding_stores_choice_and_shows_menu(
    chat: Chat, i18n: I18n, db, keyring: Keyring, locale: str
) -> None:
    person = u.user(202, "en")
    await chat.send(u.text(person, "/start"))

    replies = await chat.send(u.callback(person, f"lang:{locale}"))
    assert any(isinstance(r, AnswerCallbackQuery) for r in replies)
    edit = next(r for r in replies if isinstance(r, EditMessageText))
    assert edit.text == translate(i18n, "Language: {language}", locale).format(
        language={"kk": "Қазақша", "ru": "Русский"}[locale]
    )
    region_prompt = next(r for r in replies if isinstance(r, SendMessage))
    assert region_prompt.text == translate(
        i18n,
        "Now choose your region. Reports and news will be for this region by default.",
        locale,
    )
    buttons = inline_buttons(region_prompt)
    assert len(buttons) == 20
    names = {r.name(locale) for r in all_regions()}
    assert {text for text, _ in buttons} == names
    assert all(len(data.encode()) <= 64 for _, data in buttons)

    replies = await chat.send(u.callback(person, "reg:KZ-27"))
    welcome = next(r for r in replies if isinstance(r, SendMessage))
    assert "Adal" in welcome.text and "/privacy" in welcome.text
    menu = reply_buttons(welcome)
    assert translate(i18n, "📝 Report corruption", locale) in menu
    assert len(menu) == 5

    record = await UserRepository(db).get(keyring.pseudonym(202))
    assert record is not None
    assert (record.locale, record.region, record.is_active) == (locale, "KZ-27", True)


async def test_region_names_are_sorted_with_cities_first(chat: Chat) -> None:
    person = u.user(203, "kk")
    await chat.send(u.text(person, "/start"))
    replies = await chat.send(u.callback(person, "lang:kk"))
    names = [t for t, _ in inline_buttons(next(r for r in replies if isinstance(r, SendMessage)))]
    assert names[:3] == ["Алматы қаласы", "Астана қаласы", "Шымкент қаласы"]
    # Kazakh alphabet order: Ә sorts right after А, not after Я.
    assert (
        names.index("Абай облысы")
        < names.index("Ақмола облысы")
        < names.index("Батыс Қазақстан облысы")
    )


async def test_returning_user_gets_menu_not_pickers(chat: Chat, i18n: I18n) -> None:
    person = u.user(204, "ru")
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, "lang:ru"))
    await chat.send(u.callback(person, "reg:KZ-75"))
    sent = [r for r in await chat.send(u.text(person, "/start")) if isinstance(r, SendMessage)]
    assert len(sent) == 1
    assert translate(i18n, "❓ Help", "ru") in reply_buttons(sent[0])


async def test_language_survives_cancel(chat: Chat, i18n: I18n) -> None:
    person = u.user(205, "kk")
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, "lang:ru"))
    await chat.texts(u.text(person, "/cancel"))
    texts = await chat.texts(u.text(person, "/help"))
    assert texts == [render(i18n, help_text, "ru")]
