"""Each step of the report flow shows only its own keyboard (issue 9 §2).

Telegram keeps a reply keyboard under the input field until a message replaces or removes it.
These tests follow the reply keyboard through the real dispatcher: the main menu must be gone
for the whole flow and come back only when the flow ends.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardMarkup, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n

from bot.views.common import MENU_LABELS
from bot.views.report_keyboards import BACK, SKIP
from tests import updates as u
from tests.conftest import Chat, render
from tests.unit.test_report_flow import DESCRIPTION, onboard, rp


class Keyboard:
    """What is under the input field after each request, as Telegram would show it."""

    def __init__(self) -> None:
        self.current: list[str] | None = None  # labels of the reply keyboard up, or None

    def follow(self, replies: list[Any]) -> list[str] | None:
        for request in replies:
            if not isinstance(request, SendMessage):
                continue
            if isinstance(request.reply_markup, ReplyKeyboardMarkup):
                self.current = [b.text for row in request.reply_markup.keyboard for b in row]
            elif isinstance(request.reply_markup, ReplyKeyboardRemove):
                self.current = None
        return self.current


def is_main_menu(labels: list[str] | None, i18n: I18n, locale: str) -> bool:
    menu = {render(i18n, lambda label=label: str(label), locale) for label in MENU_LABELS}
    return labels is not None and bool(menu & set(labels))


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_main_menu_never_shows_mid_flow(chat: Chat, i18n: I18n, locale: str) -> None:
    person = u.user(950, locale)
    await onboard(chat, person, locale)
    keyboard = Keyboard()
    assert is_main_menu(keyboard.follow(await chat.send(u.text(person, "/start"))), i18n, locale)
    photo = [{"file_id": "AgAC-1", "file_unique_id": "p1", "width": 90, "height": 90}]
    steps = [
        u.text(person, "/report"),
        u.callback(person, rp("area", "land")),
        u.callback(person, rp("region", "KZ-27")),
        u.text(person, "Орал"),
        u.text(person, DESCRIPTION),
        u.callback(person, rp("when", "today")),
        u.text(person, "ЖШС"),
        u.text(person, "150 000"),  # brings the location step and its reply keyboard
        u.message(person, location={"latitude": 51.2, "longitude": 51.3}),
        u.callback(person, rp("anon", "confidential")),
        u.message(person, photo=photo),
    ]
    shown = []
    for update in steps:
        shown.append(keyboard.follow(await chat.send(update)))
        assert not is_main_menu(shown[-1], i18n, locale), update
    location_step = shown[7]
    assert location_step is not None and render(i18n, lambda: str(SKIP), locale) in location_step
    assert [labels is None for labels in shown] == [True] * 7 + [False] + [True] * 3
    # Submitting ends the flow: the main menu is back.
    replies = await chat.send(u.callback(person, rp("submit")))
    assert is_main_menu(keyboard.follow(replies), i18n, locale)


async def at_the_location_step(chat: Chat, person: dict, locale: str) -> Keyboard:
    """Onboarded, and a report answered up to the location step (its keyboard is up)."""
    await onboard(chat, person, locale)
    keyboard = Keyboard()
    for update in [
        u.text(person, "/start"),
        u.text(person, "/report"),
        u.callback(person, rp("area", "land")),
        u.callback(person, rp("region", "KZ-27")),
        u.text(person, "Орал"),
        u.text(person, DESCRIPTION),
        u.callback(person, rp("when", "today")),
        u.callback(person, rp("skip")),
        u.text(person, "150 000"),
    ]:
        keyboard.follow(await chat.send(update))
    return keyboard


@pytest.mark.parametrize("how", ["location", "skip"])
async def test_the_location_keyboard_goes_when_the_location_step_ends(
    chat: Chat, i18n: I18n, how: str
) -> None:
    person = u.user(951, "ru")
    keyboard = await at_the_location_step(chat, person, "ru")
    labels = keyboard.current
    assert labels is not None and not is_main_menu(labels, i18n, "ru")
    assert render(i18n, lambda: str(SKIP), "ru") in labels  # the location step's own buttons
    if how == "location":
        answer = u.message(person, location={"latitude": 51.2, "longitude": 51.3})
    else:
        answer = u.text(person, render(i18n, lambda: str(SKIP), "ru"))
    replies = await chat.send(answer)
    # "📍 Location saved" / "No location, fine" takes the keyboard away before the anonymity
    # question, whose buttons are inline: no main menu while that question is pending.
    assert keyboard.follow(replies) is None
    anonymity = [r for r in replies if isinstance(r, SendMessage)][-1]
    assert rp("anon", "anonymous") in str(anonymity.reply_markup)
    for update in [u.callback(person, rp("anon", "confidential")), u.callback(person, rp("skip"))]:
        assert keyboard.follow(await chat.send(update)) is None
    # Submitting ends the flow: the main menu is back.
    replies = await chat.send(u.callback(person, rp("submit")))
    assert is_main_menu(keyboard.follow(replies), i18n, "ru")


async def test_back_from_the_location_step_takes_its_keyboard_away(chat: Chat, i18n: I18n) -> None:
    person = u.user(952, "kk")
    keyboard = await at_the_location_step(chat, person, "kk")
    assert keyboard.current is not None
    replies = await chat.send(u.text(person, render(i18n, lambda: str(BACK), "kk")))
    assert keyboard.follow(replies) is None
    amount = [r for r in replies if isinstance(r, SendMessage)][-1]
    assert rp("skip") in str(amount.reply_markup)  # the amount question, inline buttons only


@pytest.mark.parametrize("entry", ["/report", "resume"])
async def test_entering_the_flow_takes_the_main_menu_away(
    chat: Chat, i18n: I18n, entry: str
) -> None:
    person = u.user(953, "kk")
    await onboard(chat, person, "kk")
    keyboard = Keyboard()
    if entry == "resume":
        await chat.send(u.text(person, "/report"))
        await chat.send(u.callback(person, rp("area", "land")))
        replies = await chat.send(u.text(person, "/cancel"))
        assert is_main_menu(keyboard.follow(replies), i18n, "kk")
        await chat.send(u.text(person, "/report"))  # "continue your draft?"
        replies = await chat.send(u.callback(person, rp("resume")))
    else:
        keyboard.follow(await chat.send(u.text(person, "/start")))
        replies = await chat.send(u.text(person, "/report"))
    assert keyboard.follow(replies) is None
    sent = [r for r in replies if isinstance(r, SendMessage)]
    assert isinstance(sent[0].reply_markup, ReplyKeyboardRemove)
    assert "rp:" in str(sent[-1].reply_markup)  # the question with its inline buttons


@pytest.mark.parametrize("label", ["📰", "🤝"])
async def test_a_menu_word_typed_mid_flow_does_not_bring_the_menu_back(
    chat: Chat, i18n: I18n, label: str
) -> None:
    person = u.user(954, "ru")
    await onboard(chat, person, "ru")
    await chat.send(u.text(person, "/report"))
    word = next(
        text
        for item in MENU_LABELS
        if (text := render(i18n, lambda item=item: str(item), "ru")).startswith(label)
    )
    replies = await chat.send(u.text(person, word))
    sent = [r for r in replies if isinstance(r, SendMessage)]
    # The word is answered (news opens its own inline steps; the draft is kept for /report),
    # but the main menu's reply keyboard does not come back mid-flow.
    assert sent and not any(isinstance(r.reply_markup, ReplyKeyboardMarkup) for r in sent)
