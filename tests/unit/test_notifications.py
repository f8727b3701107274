"""Outbox payloads rendered (bot/views/notifications.py) and sent (bot/delivery/sender.py)
through a fake Telegram session."""

from __future__ import annotations

from html import escape
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.users import UserRecord, UserRepository
from bot.delivery.sender import TelegramSender
from bot.services.outbox import RecipientGoneError, RetryLaterError
from bot.services.users import UserService
from bot.views.callbacks import AnswerCallback
from bot.views.notifications import render
from tests.fake_session import FakeBot

LOCALES = ["kk", "ru"]
TELEGRAM_ID = 987654321
CHAT_ID = 555000111  # differs from the user id, so the test sees which one is used
CASE = "KZ27-000042"
STATUS_MSGID = "ℹ️ The status of your report {case} has changed: {status}."
QUESTION_MSGID = (
    "❓ A moderator has a question about your report {case}:\n\n{question}\n\n"
    "To answer, tap the button below."
)
STATUS_LABELS = {
    "received": "Received",
    "review": "Under review",
    "need_info": "Needs more information",
    "forwarded": "Forwarded to the authorities",
    "resolved": "Resolved",
    "rejected": "Rejected",
    "duplicate": "Duplicate of another case",
}
HTML_REASON = "Нет <b>доказательств</b> & свидетелей"
HTML_QUESTION = "Что значит <b>это</b>? <a href='x'>x</a> & где?"


def status_payload(status: str = "review", **extra: Any) -> dict[str, Any]:
    payload = {"kind": "status", "case": CASE, "status": status, "reason": None}
    payload["duplicate_of"] = None
    payload.update(extra)
    return payload


def question_payload(question: str = HTML_QUESTION) -> dict[str, Any]:
    return {"kind": "question", "case": CASE, "question": question}


def rendered(i18n: I18n, payload: dict[str, Any], locale: str) -> str:
    with i18n.context(), i18n.use_locale(locale):
        text, _markup = render(payload)
        return text


def expected_status(
    i18n: I18n, locale: str, status: str, reason: str | None = None, duplicate: str | None = None
) -> str:
    text = i18n.gettext(STATUS_MSGID, locale=locale).format(
        case=CASE, status=i18n.gettext(STATUS_LABELS[status], locale=locale)
    )
    if reason:
        text += "\n" + i18n.gettext("Reason: {reason}", locale=locale).format(
            reason=escape(reason)
        )
    if duplicate:
        text += "\n" + i18n.gettext("Same as report: {case}", locale=locale).format(case=duplicate)
    return text


def expected_question(i18n: I18n, locale: str, question: str = HTML_QUESTION) -> str:
    return i18n.gettext(QUESTION_MSGID, locale=locale).format(case=CASE, question=escape(question))


# --- render -----------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("status", list(STATUS_LABELS))
def test_status_is_rendered_in_the_locale(i18n: I18n, locale: str, status: str) -> None:
    text = rendered(i18n, status_payload(status), locale)
    assert text == expected_status(i18n, locale, status)
    assert CASE in text
    assert i18n.gettext(STATUS_LABELS[status], locale=locale) in text
    assert "\n" not in text  # no reason line without a reason


@pytest.mark.parametrize("locale", LOCALES)
def test_status_with_reason(i18n: I18n, locale: str) -> None:
    text = rendered(i18n, status_payload("rejected", reason=HTML_REASON), locale)
    assert text == expected_status(i18n, locale, "rejected", reason=HTML_REASON)
    assert CASE in text
    assert i18n.gettext("Rejected", locale=locale) in text
    assert "Нет &lt;b&gt;доказательств&lt;/b&gt; &amp; свидетелей" in text
    assert "<b>" not in text


@pytest.mark.parametrize("locale", LOCALES)
def test_status_with_duplicate(i18n: I18n, locale: str) -> None:
    payload = status_payload("duplicate", reason="Same facts", duplicate_of="KZ27-000007")
    text = rendered(i18n, payload, locale)
    assert text == expected_status(
        i18n, locale, "duplicate", reason="Same facts", duplicate="KZ27-000007"
    )
    assert "KZ27-000007" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_question_is_rendered_and_escaped(i18n: I18n, locale: str) -> None:
    text = rendered(i18n, question_payload(), locale)
    assert text == expected_question(i18n, locale)
    assert CASE in text
    assert "Что значит &lt;b&gt;это&lt;/b&gt;?" in text
    assert "&lt;a href=&#x27;x&#x27;&gt;x&lt;/a&gt; &amp; где?" in text
    assert "<b>" not in text and "<a " not in text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_question_comes_with_an_answer_button_for_its_case(i18n: I18n, locale: str) -> None:
    with i18n.context(), i18n.use_locale(locale):
        _text, markup = render(question_payload())
    assert markup is not None
    ((button,),) = markup.inline_keyboard
    assert button.text == i18n.gettext("✍️ Answer", locale=locale)
    assert button.callback_data == AnswerCallback(case=CASE).pack() == "an:KZ27-000042"


@pytest.mark.parametrize("locale", LOCALES)
def test_braces_in_user_text_are_kept(i18n: I18n, locale: str) -> None:
    text = rendered(i18n, question_payload("Was it {case} or {0}?"), locale)
    assert "Was it {case} or {0}?" in text
    text = rendered(i18n, status_payload("rejected", reason="{reason} {status}"), locale)
    assert "{reason} {status}" in text


def test_case_number_is_escaped(i18n: I18n) -> None:
    text = rendered(i18n, {**status_payload(), "case": "<i>KZ</i>"}, "ru")
    assert "&lt;i&gt;KZ&lt;/i&gt;" in text and "<i>" not in text


# --- TelegramSender ---------------------------------------------------------------------------


@pytest.fixture
def users(db: Database, keyring: Keyring) -> UserService:
    return UserService(UserRepository(db), keyring)


@pytest.fixture
def sender(bot: FakeBot, users: UserService, i18n: I18n, dp, settings) -> TelegramSender:
    return TelegramSender(
        bot,
        users=users,
        i18n=i18n,
        cards=dp["cards"],
        group_chat_id=None,
        group_locale="kk",
        default_locale="kk",
    )


async def reload(users: UserService, record: UserRecord) -> UserRecord:
    again = await users.get(record.pseudonym)
    assert again is not None
    return again


@pytest.mark.parametrize("locale", LOCALES)
async def test_sends_to_the_stored_chat_in_the_stored_locale(
    bot: FakeBot, users: UserService, sender: TelegramSender, i18n: I18n, locale: str
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, locale)
    await sender(record.pseudonym, status_payload("rejected", reason=HTML_REASON))
    await sender(record.pseudonym, question_payload())
    first, second = bot.session_.sent()
    assert len(bot.session_.requests) == 2
    assert first.chat_id == second.chat_id == CHAT_ID
    assert first.text == expected_status(i18n, locale, "rejected", reason=HTML_REASON)
    assert second.text == expected_question(i18n, locale)
    assert second.reply_markup is not None  # the «Answer» button travels with it


async def test_a_changed_locale_is_used_at_send_time(
    bot: FakeBot, users: UserService, sender: TelegramSender, i18n: I18n
) -> None:
    await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "ru")
    await sender(record.pseudonym, status_payload())
    (sent,) = bot.session_.sent()
    assert sent.text == expected_status(i18n, "ru", "review")


async def test_no_stored_locale_means_kazakh(
    bot: FakeBot, users: UserService, sender: TelegramSender, i18n: I18n
) -> None:
    record = await users.ensure(TELEGRAM_ID, CHAT_ID, None)
    assert record.locale is None
    await sender(record.pseudonym, status_payload())
    (sent,) = bot.session_.sent()
    assert sent.chat_id == CHAT_ID
    assert sent.text == expected_status(i18n, "kk", "review")


def a_request() -> SendMessage:
    return SendMessage(chat_id=CHAT_ID, text="x")


async def test_blocked_bot_marks_the_user_inactive(
    bot: FakeBot, users: UserService, sender: TelegramSender
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "ru")
    bot.session_.errors.append(
        TelegramForbiddenError(a_request(), "Forbidden: bot was blocked by the user")
    )
    with pytest.raises(RecipientGoneError):
        await sender(record.pseudonym, status_payload())
    assert len(bot.session_.requests) == 1
    assert (await reload(users, record)).is_active is False

    with pytest.raises(RecipientGoneError):  # from now on, without asking Telegram
        await sender(record.pseudonym, status_payload())
    assert len(bot.session_.requests) == 1


@pytest.mark.parametrize("seconds", [1, 17, 3600])
async def test_flood_wait_becomes_retry_later(
    bot: FakeBot, users: UserService, sender: TelegramSender, seconds: int
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    bot.session_.errors.append(
        TelegramRetryAfter(a_request(), f"Too Many Requests: retry after {seconds}", seconds)
    )
    with pytest.raises(RetryLaterError) as caught:
        await sender(record.pseudonym, status_payload())
    assert caught.value.seconds == seconds
    assert (await reload(users, record)).is_active is True


@pytest.mark.parametrize(
    "error",
    [
        TelegramServerError(a_request(), "Internal Server Error"),
        TelegramNetworkError(a_request(), "connection reset"),
    ],
    ids=["server", "network"],
)
async def test_server_and_network_errors_reach_the_outbox_for_a_retry(
    bot: FakeBot, users: UserService, sender: TelegramSender, error: Exception
) -> None:
    """Not a flood wait: the outbox retries this one message with backoff, nothing pauses."""
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    bot.session_.errors.append(error)
    with pytest.raises(type(error)):
        await sender(record.pseudonym, status_payload())
    assert (await reload(users, record)).is_active is True


async def test_chat_not_found_is_gone(
    bot: FakeBot, users: UserService, sender: TelegramSender
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    bot.session_.errors.append(TelegramBadRequest(a_request(), "Bad Request: chat not found"))
    with pytest.raises(RecipientGoneError):
        await sender(record.pseudonym, status_payload())


async def test_other_bad_requests_propagate(
    bot: FakeBot, users: UserService, sender: TelegramSender
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    bot.session_.errors.append(
        TelegramBadRequest(a_request(), "Bad Request: can't parse entities")
    )
    with pytest.raises(TelegramBadRequest):
        await sender(record.pseudonym, status_payload())
    assert (await reload(users, record)).is_active is True


async def test_inactive_recipient_gets_no_request(
    bot: FakeBot, users: UserService, sender: TelegramSender
) -> None:
    record = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    await users.set_active(record.pseudonym, active=False)
    with pytest.raises(RecipientGoneError):
        await sender(record.pseudonym, status_payload())
    assert bot.session_.requests == []


async def test_unknown_recipient_gets_no_request(
    bot: FakeBot, users: UserService, sender: TelegramSender, keyring: Keyring
) -> None:
    await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    with pytest.raises(RecipientGoneError):
        await sender(keyring.pseudonym(TELEGRAM_ID + 1), status_payload())
    with pytest.raises(RecipientGoneError):
        await sender("0" * 32, question_payload())
    assert bot.session_.requests == []


async def test_two_users_get_their_own_chats(
    bot: FakeBot, users: UserService, sender: TelegramSender, i18n: I18n
) -> None:
    kk = await users.choose_locale(TELEGRAM_ID, CHAT_ID, "kk")
    ru = await users.choose_locale(TELEGRAM_ID + 1, CHAT_ID + 1, "ru")
    await sender(ru.pseudonym, status_payload())
    await sender(kk.pseudonym, status_payload())
    first, second = bot.session_.sent()
    assert (first.chat_id, second.chat_id) == (CHAT_ID + 1, CHAT_ID)
    assert first.text == expected_status(i18n, "ru", "review")
    assert second.text == expected_status(i18n, "kk", "review")
