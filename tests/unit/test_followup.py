"""Following a report: /check with the code, /mytips, answers in the case thread."""

from __future__ import annotations

import re

import pytest
from aiogram.methods import AnswerCallbackQuery, DeleteMessage, SendMessage
from aiogram.utils.i18n import I18n

from bot.db.connection import Database
from bot.services.reports import ReportService
from bot.views.callbacks import CaseCallback
from tests import updates as u
from tests.conftest import Chat, shown, translate
from tests.unit.test_report_flow import file_report, onboard, rp

# Every status change here is audited and told (queued or delivered): tests/invariants.py.
pytestmark = pytest.mark.usefixtures("case_invariants")

NO_MATCH = "No report matches this code. Check the code and try again."
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


async def submit(chat: Chat, i18n: I18n, person: dict, anonymity: str, locale: str) -> str:
    await file_report(chat, i18n, person, anonymity, locale)
    replies = await chat.send(u.callback(person, rp("submit")))
    return "\n".join(shown(replies))


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_check_by_code_shows_the_case_and_deletes_the_code_message(
    chat: Chat, i18n: I18n, locale: str
) -> None:
    person = u.user(601, locale)
    await onboard(chat, person, locale)
    text = await submit(chat, i18n, person, "anonymous", locale)
    code = CODE.search(text).group(0)
    replies = await chat.send(u.text(person, f"/check {code.lower().replace('-', ' ')}"))
    assert any(isinstance(r, DeleteMessage) for r in replies)
    shown = [r.text for r in replies if isinstance(r, SendMessage)]
    assert len(shown) == 1 and "KZ27-000001" in shown[0]
    assert translate(i18n, "Received", locale) in shown[0]


@pytest.mark.parametrize("attempt", ["", "AAAA-BBBB-CCCC-DDDD", "not a code", "1" * 200])
async def test_wrong_codes_get_one_uniform_answer(chat: Chat, i18n: I18n, attempt: str) -> None:
    person = u.user(602, "ru")
    await onboard(chat, person, "ru")
    await submit(chat, i18n, person, "anonymous", "ru")
    if attempt:
        texts = await chat.texts(u.text(person, f"/check {attempt}"))
    else:
        await chat.send(u.text(person, "/check"))
        texts = await chat.texts(u.text(person, "QQQQ-0000-1111-2222"))
    assert texts == [translate(i18n, NO_MATCH, "ru")]


async def test_too_many_wrong_codes_are_refused(chat: Chat, i18n: I18n, db: Database) -> None:
    person = u.user(603, "kk")
    await onboard(chat, person, "kk")
    for _ in range(10):
        assert await chat.texts(u.text(person, "/check AAAA-BBBB-CCCC-DDDD")) == [
            translate(i18n, NO_MATCH, "kk")
        ]
    texts = await chat.texts(u.text(person, "/check AAAA-BBBB-CCCC-DDDD"))
    assert texts[0].startswith(
        translate(i18n, "Too many wrong codes. Try again after {time}.", "kk").split("{time}")[0]
    )
    rows = await db.fetchall("SELECT actor FROM check_failures")
    assert len(rows) == 10


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_mytips_lists_confidential_and_open_but_not_anonymous(
    chat: Chat, i18n: I18n, locale: str
) -> None:
    person = u.user(604, locale)
    await onboard(chat, person, locale)
    await submit(chat, i18n, person, "anonymous", locale)
    await submit(chat, i18n, person, "confidential", locale)
    await submit(chat, i18n, person, "open", locale)
    texts = await chat.texts(u.text(person, "/mytips"))
    assert len(texts) == 1
    assert "KZ27-000002" in texts[0] and "KZ27-000003" in texts[0]
    assert "KZ27-000001" not in texts[0]
    area = "Мемлекеттік сатып алу" if locale == "kk" else "Государственные закупки"
    assert area in texts[0]


async def test_reporter_answers_a_question_in_the_thread(
    chat: Chat, i18n: I18n, db: Database, dp
) -> None:
    person = u.user(605, "ru")
    await onboard(chat, person, "ru")
    await submit(chat, i18n, person, "confidential", "ru")
    service: ReportService = dp["reports"]
    moderation = dp["moderation"]
    moderator = await moderation.add_moderator(4242, None, by="admin")
    report = await service.get(1)
    await moderation.ask(moderator, report, "Укажите, пожалуйста, номер договора.")

    await chat.send(u.callback(person, CaseCallback(action="open", id=1).pack()))
    replies = await chat.send(u.callback(person, CaseCallback(action="add", id=1).pack()))
    assert not any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in replies)
    await chat.send(u.text(person, "Договор № 12/34 от 5 мая."))
    view = await service.view(await service.get(1))
    assert [(m.author, m.kind) for m in view.thread] == [
        ("moderator", "question"),
        ("reporter", "answer"),
    ]
    assert view.report.status == "need_info"
    shown = await chat.texts(u.callback(person, CaseCallback(action="open", id=1).pack()))
    assert "Договор № 12/34" in shown[0] and "номер договора" in shown[0]


THREAD_LINE = re.compile(r"<i>[^<]*?(\d\d):(\d\d)(?:–(\d\d):(\d\d))?</i> · <b>[^<]+</b> (.+)")


async def test_an_answer_never_shows_a_time_before_its_question(
    chat: Chat, i18n: I18n, dp
) -> None:
    """Issue 9 §4: the reporter's messages are stored to the hour, so they are shown as the
    hour they fell in («20:00–21:00»), never as a time earlier than the question, in the
    reporter's view and in the moderator's /case."""
    person = u.user(608, "ru")
    await onboard(chat, person, "ru")
    await submit(chat, i18n, person, "confidential", "ru")
    moderation = dp["moderation"]
    moderator = await moderation.add_moderator(4243, None, by="admin")
    await moderation.ask(moderator, await dp["reports"].get(1), "Укажите номер договора.")
    await chat.send(u.callback(person, CaseCallback(action="add", id=1).pack()))
    await chat.send(u.text(person, "Договор 12/34."))
    views = {
        "reporter": await chat.texts(u.callback(person, CaseCallback(action="open", id=1).pack())),
        "moderator": await chat.texts(u.text(u.user(4243, "ru"), "/case KZ27-000001")),
    }
    for who, texts in views.items():
        lines = [m for line in texts[-1].split("\n") if (m := THREAD_LINE.match(line))]
        question = next(m for m in lines if "номер договора" in m.group(5))
        answer = next(m for m in lines if "12/34" in m.group(5))
        assert question.group(3) is None, who  # a moderator's time, to the minute
        assert answer.group(3) is not None, who  # the reporter's: the hour it fell in
        asked = int(question.group(1)) * 60 + int(question.group(2))
        start = int(answer.group(1)) * 60 + int(answer.group(2))
        end = int(answer.group(3)) * 60 + int(answer.group(4))
        assert answer.group(2) == "00" and (end - start) % (24 * 60) == 60, who
        # The hour shown ends after the question was asked: it cannot read as earlier.
        assert (end - asked) % (24 * 60) > 0, who
        assert texts[-1].index("номер договора") < texts[-1].index("12/34"), who


async def test_someone_elses_case_buttons_are_refused(chat: Chat, i18n: I18n) -> None:
    owner, other = u.user(606, "ru"), u.user(607, "ru")
    await onboard(chat, owner, "ru")
    await onboard(chat, other, "ru")
    await submit(chat, i18n, owner, "confidential", "ru")
    for action in ("open", "add"):
        replies = await chat.send(u.callback(other, CaseCallback(action=action, id=1).pack()))
        answers = [r for r in replies if isinstance(r, AnswerCallbackQuery)]
        assert answers and answers[0].show_alert
        assert not [r for r in replies if isinstance(r, SendMessage)]


async def test_anonymous_case_can_be_added_to_only_after_the_code(
    chat: Chat, i18n: I18n, dp
) -> None:
    person = u.user(608, "kk")
    await onboard(chat, person, "kk")
    text = await submit(chat, i18n, person, "anonymous", "kk")
    forged = await chat.send(u.callback(person, CaseCallback(action="add", id=1).pack()))
    assert next(r for r in forged if isinstance(r, AnswerCallbackQuery)).show_alert
    await chat.send(u.text(person, "/check " + CODE.search(text).group(0)))
    await chat.send(u.callback(person, CaseCallback(action="add", id=1).pack()))
    await chat.send(u.text(person, "Тағы бір куә бар, аты-жөні белгілі."))
    view = await dp["reports"].view(await dp["reports"].get(1))
    assert [m.body for m in view.thread] == ["Тағы бір куә бар, аты-жөні белгілі."]
