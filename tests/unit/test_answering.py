"""Answering a moderator's question (issue 9 §1): «Answer» under the question opens the answer
step for that case; one text answer takes two actions; every message is stored at once."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from aiogram.types import ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.services.reports import MAX_ANSWER
from bot.views.callbacks import AnswerCallback, CaseCallback, ReportCallback
from tests import updates as u
from tests.conftest import Chat, translate
from tests.unit.test_followup import CODE, submit
from tests.unit.test_report_flow import onboard

# Every status change here is audited and told (queued or delivered): tests/invariants.py.
pytestmark = pytest.mark.usefixtures("case_invariants")

QUESTION = "Шарттың нөмірі қандай?"
PROMPT = (
    "Write your answer for report {case}, up to {maximum} characters, or send a photo, "
    "a video or a document. Each message is added to the report as soon as it arrives."
)
PHOTO = [{"file_id": "AgAC-a", "file_unique_id": "a", "width": 90, "height": 90}]


async def asked(chat: Chat, dp: Dispatcher, report_id: int = 1, take: bool = True) -> Any:
    """A moderator (holding the case) asks; returns the moderator. The outbox delivers."""
    moderation, reports = dp["moderation"], dp["reports"]
    moderator = await moderation.add_moderator(4242, None, by="admin")
    if take:
        await moderation.take(moderator, await reports.get(report_id))
    await moderation.ask(moderator, await reports.get(report_id), QUESTION)
    await chat.flush()
    return moderator


async def at_the_answer_step(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot, person: dict, locale: str, take: bool = True
) -> Any:
    """A confidential report, a question, and «Answer» under it pressed; returns the
    moderator."""
    await onboard(chat, person, locale)
    await submit(chat, i18n, person, "confidential", locale)
    before = len(bot.session_.requests)
    moderator = await asked(chat, dp, take=take)
    await chat.send(u.callback(person, notice_button(bot.session_.requests[before:], person)))
    return moderator


def notice_button(requests: list[Any], person: dict) -> str:
    for r in reversed(requests):
        if isinstance(r, SendMessage) and int(r.chat_id) == person["id"] and r.reply_markup:
            return r.reply_markup.inline_keyboard[0][0].callback_data
    raise AssertionError("no question with a button reached the reporter")


async def thread(dp: Dispatcher, report_id: int = 1) -> list[tuple[str, str | None, int]]:
    view = await dp["reports"].view(await dp["reports"].get(report_id))
    return [(m.author, m.body, m.files) for m in view.thread]


def sent(replies: list[Any]) -> list[SendMessage]:
    return [r for r in replies if isinstance(r, SendMessage)]


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_one_text_answer_takes_two_actions_from_the_notification(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot, locale: str
) -> None:
    person = u.user(980, locale)
    await onboard(chat, person, locale)
    await submit(chat, i18n, person, "confidential", locale)
    before = len(bot.session_.requests)
    await asked(chat, dp)
    button = notice_button(bot.session_.requests[before:], person)
    assert button == AnswerCallback(case="KZ27-000001").pack()

    # 1: «Answer» under the question opens the answer step for this report, limit said.
    prompt = sent(await chat.send(u.callback(person, button)))
    assert [p.text for p in prompt] == [
        translate(i18n, PROMPT, locale).format(case="KZ27-000001", maximum=MAX_ANSWER)
    ]
    # 2: the answer. It is stored at once; nothing else is needed.
    replies = await chat.send(u.text(person, "№ 12/34, 2025 жылғы 5 мамыр."))
    assert await thread(dp) == [
        ("moderator", QUESTION, 0),
        ("reporter", "№ 12/34, 2025 жылғы 5 мамыр.", 0),
    ]
    (added,) = sent(replies)
    added_msgid = "✅ Added to report {case}. The moderator will see it."
    assert translate(i18n, added_msgid, locale).format(case="KZ27-000001") in added.text
    assert [b.callback_data for b in added.reply_markup.inline_keyboard[0]] == [
        CaseCallback(action="more", id=1).pack(),
        ReportCallback(action="thread_done").pack(),
    ]
    # The moderator who holds the case hears of it.
    told = [
        r
        for r in await chat.flush()
        if isinstance(r, SendMessage) and "KZ27-000001" in r.text and int(r.chat_id) == 4242
    ]
    assert told


async def test_the_button_opens_nothing_for_anyone_but_the_reporter(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot
) -> None:
    owner, other = u.user(981, "ru"), u.user(982, "ru")
    await onboard(chat, owner, "ru")
    await onboard(chat, other, "ru")
    await submit(chat, i18n, owner, "confidential", "ru")
    await asked(chat, dp)
    for data in (
        AnswerCallback(case="KZ27-000001").pack(),  # someone else's case
        AnswerCallback(case="KZ27-999999").pack(),  # no such case
        AnswerCallback(case="<b>").pack(),
    ):
        replies = await chat.send(u.callback(other, data))
        assert [r.show_alert for r in replies if isinstance(r, AnswerCallbackQuery)] == [True]
        assert not sent(replies)
    await chat.send(u.text(other, "Бұл менің жауабым емес."))
    assert await thread(dp) == [("moderator", QUESTION, 0)]


async def test_the_anonymous_reporter_gets_the_same_step_after_check(
    chat: Chat, dp: Dispatcher, i18n: I18n
) -> None:
    person = u.user(983, "kk")
    await onboard(chat, person, "kk")
    code = CODE.search(await submit(chat, i18n, person, "anonymous", "kk")).group(0)
    await asked(chat, dp)  # nobody is pushed anything: the reporter is unknown
    shown = sent(await chat.send(u.text(person, f"/check {code}")))
    assert QUESTION in shown[-1].text
    datas = [b.callback_data for row in shown[-1].reply_markup.inline_keyboard for b in row]
    assert CaseCallback(action="add", id=1).pack() in datas
    prompt = sent(await chat.send(u.callback(person, CaseCallback(action="add", id=1).pack())))
    assert prompt[0].text == translate(i18n, PROMPT, "kk").format(
        case="KZ27-000001", maximum=MAX_ANSWER
    )
    await chat.send(u.text(person, "Акт 12 қазанда жасалған."))
    assert await thread(dp) == [
        ("moderator", QUESTION, 0),
        ("reporter", "Акт 12 қазанда жасалған.", 0),
    ]


async def test_every_message_is_kept_and_an_album_gets_one_confirmation(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot
) -> None:
    person = u.user(984, "ru")
    await at_the_answer_step(chat, dp, i18n, bot, person, "ru", take=False)
    sent_before = len(bot.session_.requests)
    first = sent(await chat.send(u.text(person, "Договор № 12/34.")))
    first_id = bot.session_.results[bot.session_.requests.index(first[0], sent_before)].message_id
    second = await chat.send(u.text(person, "И ещё: подписан 5 мая."))
    # A confirmation for each message; the older one loses its buttons.
    assert len(sent(second)) == 1
    stripped = [r for r in second if isinstance(r, EditMessageReplyMarkup)]
    assert [(r.message_id, r.reply_markup) for r in stripped] == [(first_id, None)]
    album = [
        await chat.send(u.message(person, photo=PHOTO, media_group_id="g1", caption="Акт")),
        await chat.send(u.message(person, photo=PHOTO, media_group_id="g1")),
    ]
    assert len(sent(album[0])) == 1 and not sent(album[1])
    (edit,) = [r for r in album[1] if isinstance(r, EditMessageText)]
    assert "4" in edit.text  # messages added in this answer
    assert await thread(dp) == [
        ("moderator", QUESTION, 0),
        ("reporter", "Договор № 12/34.", 0),
        ("reporter", "И ещё: подписан 5 мая.", 0),
        ("reporter", "Акт", 1),
        ("reporter", None, 1),
    ]


@pytest.mark.parametrize(
    ("text", "msgid_start"),
    [
        ("я" * (MAX_ANSWER + 1), "This is too long"),
        ("\u200b\u200b", "There is no visible text"),
    ],
)
async def test_an_answer_that_does_not_fit_is_explained_and_not_stored(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot, text: str, msgid_start: str
) -> None:
    person = u.user(985, "kk")
    await at_the_answer_step(chat, dp, i18n, bot, person, "kk")
    (reply,) = sent(await chat.send(u.text(person, text)))
    msgids = {
        "This is too long": "This is too long: {length} characters, at most {maximum} fit. "
        "Please shorten it.",
        "There is no visible text": "There is no visible text in this message. Please write "
        "it in words.",
    }
    expected = translate(i18n, msgids[msgid_start], "kk")
    assert reply.text == expected.format(length=len(text), maximum=MAX_ANSWER)
    assert await thread(dp) == [("moderator", QUESTION, 0)]
    # Still in the step: a good answer goes in.
    await chat.send(u.text(person, "Жақсы жауап."))
    assert (await thread(dp))[-1] == ("reporter", "Жақсы жауап.", 0)


async def test_thats_all_closes_the_step_and_brings_the_menu_back(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot
) -> None:
    person = u.user(986, "ru")
    await at_the_answer_step(chat, dp, i18n, bot, person, "ru")
    await chat.send(u.text(person, "Ответ."))
    more = await chat.send(u.callback(person, CaseCallback(action="more", id=1).pack()))
    hint = [r for r in more if isinstance(r, AnswerCallbackQuery)]
    assert hint and hint[0].text and not sent(more)  # a hint, the step stays open
    done = sent(await chat.send(u.callback(person, ReportCallback(action="thread_done").pack())))
    assert done[-1].text == translate(i18n, "Thank you. The moderators will see it.", "ru")
    assert isinstance(done[-1].reply_markup, ReplyKeyboardMarkup)
    await chat.send(u.text(person, "Это уже не ответ."))
    assert [body for _, body, _ in await thread(dp)] == [QUESTION, "Ответ."]


async def test_a_closed_case_cannot_be_answered(
    chat: Chat, dp: Dispatcher, i18n: I18n, bot
) -> None:
    person = u.user(987, "kk")
    await onboard(chat, person, "kk")
    await submit(chat, i18n, person, "confidential", "kk")
    before = len(bot.session_.requests)
    moderator = await asked(chat, dp)
    button = notice_button(bot.session_.requests[before:], person)
    await dp["moderation"].set_status(
        moderator, await dp["reports"].get(1), "rejected", reason="Дерек жоқ."
    )
    replies = await chat.send(u.callback(person, button))
    alerts = [r for r in replies if isinstance(r, AnswerCallbackQuery)]
    assert alerts[0].show_alert
    assert alerts[0].text == translate(i18n, "This report cannot be changed any more.", "kk")
    assert not sent(replies)
