"""Unexpected input always gets an answer, commands work mid-flow, forged buttons are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.methods.base import TelegramMethod
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.repositories.users import UserRepository
from bot.handlers.common import help_text
from bot.views.subscriptions import regions_text as news_regions_text
from bot.views.volunteers.application import intro_text as volunteer_intro_text
from tests import updates as u
from tests.conftest import Chat, render, translate

NOT_UNDERSTOOD = "I did not understand that. Please use the menu buttons below or /help."
UNSUPPORTED = "I cannot use this kind of message here. Please send text or use the buttons."
STALE = "This button is no longer valid."


async def onboard(chat: Chat, user_id: int, locale: str) -> dict:
    person = u.user(user_id, locale)
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, f"lang:{locale}"))
    await chat.send(u.callback(person, "reg:KZ-27"))
    return person


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize(
    ("make_update", "msgid"),
    [
        (lambda p: u.sticker(p), UNSUPPORTED),
        (lambda p: u.voice(p), UNSUPPORTED),
        (lambda p: u.text(p, "/nonsense"), "Unknown command. See /help for the list."),
        (lambda p: u.text(p, "asdf qwerty"), NOT_UNDERSTOOD),
        (lambda p: u.text(p, "я" * 4096), NOT_UNDERSTOOD),
    ],
)
async def test_unexpected_input_outside_a_flow_gets_a_hint(
    chat: Chat, i18n: I18n, locale: str, make_update, msgid: str
) -> None:
    person = await onboard(chat, 300 + len(msgid) % 7, locale)
    texts = await chat.texts(make_update(person))
    assert texts == [translate(i18n, msgid, locale)]


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_sticker_and_text_in_region_step_repeat_the_question(
    chat: Chat, i18n: I18n, locale: str
) -> None:
    person = u.user(311, locale)
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, f"lang:{locale}"))
    for update in (u.text(person, "Орал"), u.sticker(person)):
        sent = [r for r in await chat.send(update) if isinstance(r, SendMessage)]
        assert [s.text for s in sent] == [
            translate(i18n, "Please tap your region on the buttons below.", locale)
        ]
        assert sent[0].reply_markup is not None
    # The step is kept: the region button still finishes onboarding.
    sent = await chat.texts(u.callback(person, "reg:KZ-27"))
    assert any("/privacy" in t for t in sent)


async def test_commands_work_in_the_middle_of_onboarding(chat: Chat, i18n: I18n) -> None:
    person = u.user(312, "ru")
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, "lang:ru"))  # now in the region step
    assert await chat.texts(u.text(person, "/help")) == [render(i18n, help_text, "ru")]
    privacy = await chat.texts(u.text(person, "/privacy"))
    assert "Telegram" in privacy[0] and "1424" in privacy[0]
    unknown = await chat.texts(u.text(person, "/foo"))
    assert unknown == [
        translate(
            i18n,
            "Unknown command. Your progress is kept: continue, or send /cancel to stop.",
            "ru",
        )
    ]
    # /language mid-flow switches the language and keeps the region step.
    replies = await chat.texts(u.callback(person, "lang:kk"))
    assert replies[-1] == translate(
        i18n, "Now choose your region. Reports and news will be for this region by default.", "kk"
    )
    assert await chat.texts(u.text(person, "/cancel")) == [
        translate(i18n, "Cancelled. You are back in the main menu.", "kk")
    ]
    assert await chat.texts(u.text(person, "/cancel")) == [
        translate(i18n, "There is nothing to cancel. You are in the main menu.", "kk")
    ]


@pytest.mark.parametrize(
    "data", ["reg:KZ-99", "lang:en", "reg:", "zzz", "lang:kk:extra", "x" * 64]
)
async def test_forged_or_stale_callbacks_are_refused_and_change_nothing(
    chat: Chat, i18n: I18n, db, keyring: Keyring, data: str
) -> None:
    person = u.user(313, "ru")
    await chat.send(u.text(person, "/start"))
    replies = await chat.send(u.callback(person, data))
    answers = [r for r in replies if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1 and answers[0].show_alert
    assert answers[0].text == translate(i18n, STALE, "ru")
    assert not [r for r in replies if isinstance(r, SendMessage)]
    assert await UserRepository(db).get(keyring.pseudonym(313)) is None


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize(
    ("button", "first_screen"),
    [
        ("📰 News subscriptions", news_regions_text),
        ("🤝 Become a volunteer", volunteer_intro_text),
    ],
)
async def test_the_news_and_volunteer_menu_entries_open_their_features(
    chat: Chat, i18n: I18n, locale: str, button: str, first_screen: Callable[[], str]
) -> None:
    person = await onboard(chat, 320, locale)
    texts = await chat.texts(u.text(person, translate(i18n, button, locale)))
    assert texts == [render(i18n, first_screen, locale)]


async def test_help_button_and_command_agree(chat: Chat, i18n: I18n) -> None:
    person = await onboard(chat, 321, "kk")
    by_button = await chat.texts(u.text(person, translate(i18n, "❓ Help", "kk")))
    by_command = await chat.texts(u.text(person, "/help"))
    assert by_button == by_command == [render(i18n, help_text, "kk")]


async def test_blocked_user_is_marked_inactive_and_back_when_writing_again(
    chat: Chat, db, keyring: Keyring
) -> None:
    person = await onboard(chat, 330, "ru")
    chat.bot.session_.errors.append(
        TelegramForbiddenError(
            method=_any_method(), message="Forbidden: bot was blocked by the user"
        )
    )
    await chat.send(u.text(person, "/help"))
    repo = UserRepository(db)
    assert (await repo.get(keyring.pseudonym(330))).is_active is False
    await chat.send(u.text(person, "/help"))
    assert (await repo.get(keyring.pseudonym(330))).is_active is True


def _any_method() -> TelegramMethod:
    return SendMessage(chat_id=1, text="x")


async def test_a_crashing_handler_gets_a_calm_answer_and_logs_no_content(
    chat: Chat, i18n: I18n, monkeypatch, caplog
) -> None:
    person = await onboard(chat, 331, "kk")

    async def boom(*args, **kwargs):
        raise RuntimeError("secret " + "user text")  # split so no source line matches

    monkeypatch.setattr("bot.services.users.UserService.choose_region", boom)
    replies = await chat.send(u.callback(person, "reg:KZ-75"))
    answers = [r for r in replies if isinstance(r, AnswerCallbackQuery)]
    assert answers and answers[-1].text == translate(
        i18n, "Something went wrong on our side. Nothing you sent is lost; please try again.", "kk"
    )
    assert "RuntimeError" in caplog.text
    assert "secret user text" not in caplog.text


async def test_a_burst_of_stickers_gets_one_hint(chat: Chat, i18n: I18n) -> None:
    person = await onboard(chat, 340, "kk")
    answers = [await chat.texts(u.sticker(person)) for _ in range(20)]
    assert [len(a) for a in answers] == [1] + [0] * 19
    assert answers[0] == [translate(i18n, UNSUPPORTED, "kk")]
    # Text still gets its answer right away: only the repeated hint is held back.
    assert await chat.texts(u.text(person, "сәлем")) == [translate(i18n, NOT_UNDERSTOOD, "kk")]
