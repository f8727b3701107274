"""Every citizen view fits Telegram whatever the case holds (issue 8 §1).

The longest legal thread: many questions at the moderators' limit, each answered at the
reporter's limit, then a rejection with a ~4000-character reason. Every message the reporter's
views send (/check, /mytips, the case, every page of it, the notifications) goes through the
emulator's validation (tests/telegram_fit.py), and nothing of the thread is lost on the way.
"""

from __future__ import annotations

import re

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.utils.i18n import I18n

from bot.db.repositories.reports import NewReport, ReportRepository
from bot.services.moderation import MAX_QUESTION
from bot.services.reports import MAX_ANSWER
from bot.views.callbacks import CaseCallback, CasePageCallback, MyReportsCallback
from bot.views.notifications import render
from tests import updates as u
from tests.conftest import Chat
from tests.telegram_fit import check_all, fits
from tests.unit.test_followup import CODE, submit
from tests.unit.test_report_flow import onboard

# No case invariants here (tests/invariants.py): the longest thread ends with a rejection
# written straight through the repository, past the reason limit the service enforces.

ROUNDS = 8  # questions, each answered: 8 × (1000 + 3000) characters, far over one message
REASON = ("Дәлел жеткіліксіз, себебі " * 160)[:3990] + " END-OF-REASON"


def question(n: int) -> str:
    return (f"Q{n:02d} " + "Шарттың нөмірі мен күнін жазыңызшы. " * 120)[:MAX_QUESTION]


def answer(n: int) -> str:
    return (f"A{n:02d} " + "Шарт № 12/34, 2025 жылғы 5 мамыр. " * 120)[:MAX_ANSWER]


async def longest_thread(dp: Dispatcher, report_id: int) -> None:
    reports, moderation = dp["reports"], dp["moderation"]
    moderator = await moderation.add_moderator(4242, None, by="admin")
    for n in range(ROUNDS):
        report = await reports.get(report_id)
        await moderation.ask(moderator, report, question(n))
        await reports.add_from_reporter(await reports.get(report_id), answer(n), [])
    # Stored as a row can hold it, past whatever limit the moderators' side sets today.
    await ReportRepository(dp["reports"]._db).set_status(
        report_id, "rejected", REASON, None, moderator.pseudonym, "2026-11-23T15:00:00Z"
    )


async def read_every_page(chat: Chat, person: dict, report_id: int, opened: list) -> list[str]:
    """The newest page (as opened), then every page by its button; all validated."""
    texts = check_all(opened)
    assert texts, "the case was not shown"
    sent = [r for r in opened if isinstance(r, SendMessage)][-1]
    buttons = [b.callback_data for row in sent.reply_markup.inline_keyboard for b in row]
    count = next((CasePageCallback.unpack(b).page + 2 for b in buttons if b.startswith("cp:")), 1)
    assert count > 1, "this thread cannot fit one message"
    for page in range(count):
        replies = await chat.send(
            u.callback(person, CasePageCallback(id=report_id, page=page).pack())
        )
        assert not [r for r in replies if isinstance(r, AnswerCallbackQuery) and r.show_alert]
        texts += check_all(replies)
    return texts


def assert_nothing_lost(texts: list[str]) -> None:
    everything = "\n".join(texts)
    for n in range(ROUNDS):
        assert f"Q{n:02d}" in everything and f"A{n:02d}" in everything, n


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_longest_thread_fits_page_by_page_from_mytips(
    chat: Chat, dp: Dispatcher, i18n: I18n, locale: str
) -> None:
    person = u.user(960, locale)
    await onboard(chat, person, locale)
    await submit(chat, i18n, person, "confidential", locale)
    await longest_thread(dp, 1)
    check_all(await chat.send(u.text(person, "/mytips")))
    opened = await chat.send(u.callback(person, CaseCallback(action="open", id=1).pack()))
    first = check_all(opened)[-1]
    # A long rejection reason still shows: the case opens where it begins, and it goes on on
    # the next page (it is longer than a message with the case's head).
    assert REASON[:200] in first and "END-OF-REASON" not in first
    later = await chat.send(u.callback(person, CasePageCallback(id=1, page=99).pack()))
    assert "END-OF-REASON" in check_all(later)[-1]
    assert_nothing_lost(await read_every_page(chat, person, 1, opened))


async def test_the_longest_thread_fits_after_check_with_the_code(
    chat: Chat, dp: Dispatcher, i18n: I18n
) -> None:
    person = u.user(961, "kk")
    await onboard(chat, person, "kk")
    code = CODE.search(await submit(chat, i18n, person, "anonymous", "kk")).group(0)
    await longest_thread(dp, 1)
    opened = await chat.send(u.text(person, f"/check {code}"))
    assert REASON[:200] in check_all(opened)[-1]
    assert_nothing_lost(await read_every_page(chat, person, 1, opened))


async def test_pages_of_an_anonymous_case_need_the_code_first(
    chat: Chat, dp: Dispatcher, i18n: I18n
) -> None:
    person, stranger = u.user(962, "ru"), u.user(963, "ru")
    await onboard(chat, person, "ru")
    await onboard(chat, stranger, "ru")
    await submit(chat, i18n, person, "anonymous", "ru")
    for who in (person, stranger):  # nobody has opened it with the code in this chat
        replies = await chat.send(u.callback(who, CasePageCallback(id=1, page=0).pack()))
        assert [r.show_alert for r in replies if isinstance(r, AnswerCallbackQuery)] == [True]
        assert not [r for r in replies if isinstance(r, SendMessage | EditMessageText)]


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_notifications_fit_with_the_longest_question_and_reason(i18n: I18n, locale: str) -> None:
    payloads = [
        {"kind": "question", "case": "KZ27-000001", "question": "<" * 4096},
        {"kind": "status", "case": "KZ27-000001", "status": "rejected", "reason": REASON},
        {
            "kind": "status",
            "case": "KZ27-000001",
            "status": "duplicate",
            "reason": "&" * 5000,
            "duplicate_of": "KZ27-000002",
        },
    ]
    for payload in payloads:
        with i18n.context(), i18n.use_locale(locale):
            text, _markup = render(payload)
        plain = fits(text)
        value = str(payload.get("question") or payload.get("reason"))
        assert value[:1000] in plain  # shortened if it must be, never dropped
    assert "KZ27-000002" in plain


async def test_mytips_lists_any_number_of_reports_in_pages(
    chat: Chat, dp: Dispatcher, keyring, db
) -> None:
    person, other = u.user(964, "kk"), u.user(965, "kk")
    await onboard(chat, person, "kk")
    repo = ReportRepository(db)
    for n in range(20):
        owner = person if n % 4 else other
        await repo.create(
            NewReport(
                region="KZ-27",
                area="land",
                settlement="Орал",
                description="x" * 40,
                occurred="today",
                involved=None,
                amount=None,
                latitude=None,
                longitude=None,
                anonymity="open",  # no code needed for the list
                reporter=keyring.pseudonym(owner["id"]),
                phone_enc=None,
                locale="kk",
                code_locator=None,
                code_salt=None,
                code_hash=None,
                created_at="2026-11-23T14:00:00Z",
            )
        )
    mine = {f"KZ27-{n + 1:06d}" for n in range(20) if n % 4}
    seen: set[str] = set()
    texts = check_all(await chat.send(u.text(person, "/mytips")))
    for page in range(1, 3):
        texts += check_all(
            await chat.send(u.callback(person, MyReportsCallback(page=page).pack()))
        )
    for text in texts:
        seen |= set(re.findall(r"KZ27-\d{6}", text))
    assert seen == mine  # all 15 own reports over two pages, and no one else's
    # A forged page number shows the last page of one's own reports, nothing else.
    forged = check_all(await chat.send(u.callback(person, MyReportsCallback(page=99).pack())))
    assert set(re.findall(r"KZ27-\d{6}", forged[0])) <= mine
