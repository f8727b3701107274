"""Filing a report step by step through the real dispatcher."""

from __future__ import annotations

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMessages,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.services.text import visible_count
from bot.views.callbacks import ReportCallback
from bot.views.report_keyboards import SKIP
from tests import updates as u
from tests.conftest import Chat, render, shown, translate

DESCRIPTION = (
    "Әкімдік қызметкері мектеп құрылысына бөлінген қаржыны жалған актілермен жұмсаған. "
    "Құрылыс екі жылдан бері тоқтап тұр."
)


def rp(action: str, value: str = "") -> str:
    return ReportCallback(action=action, value=value).pack()


def last_markup(replies: list) -> InlineKeyboardMarkup | None:
    for r in reversed(replies):
        if isinstance(r, SendMessage) and isinstance(r.reply_markup, InlineKeyboardMarkup):
            return r.reply_markup
    return None


def callbacks(markup: InlineKeyboardMarkup) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data]


async def onboard(chat: Chat, person: dict, locale: str) -> None:
    await chat.send(u.text(person, "/start"))
    await chat.send(u.callback(person, f"lang:{locale}"))
    await chat.send(u.callback(person, "reg:KZ-27"))


async def file_report(
    chat: Chat, i18n: I18n, person: dict, anonymity: str, locale: str = "kk"
) -> list:
    await chat.send(u.text(person, "/report"))
    await chat.send(u.callback(person, "rp:area:procurement"))
    await chat.send(u.callback(person, "rp:region:KZ-27"))
    await chat.send(u.text(person, "Орал қаласы"))
    await chat.send(u.text(person, DESCRIPTION))
    await chat.send(u.callback(person, "rp:when:month"))
    await chat.send(u.text(person, "Қалалық білім бөлімі"))
    await chat.send(u.text(person, "1,5 млн"))
    await chat.send(u.text(person, render(i18n, lambda: str(SKIP), locale)))  # no location
    await chat.send(u.callback(person, f"rp:anon:{anonymity}"))
    if anonymity == "open":
        await chat.send(
            u.message(
                person,
                contact={
                    "phone_number": "+77011234567",
                    "first_name": person["first_name"],
                    "user_id": person["id"],
                },
            )
        )
    return await chat.send(u.callback(person, rp("skip")))  # no files: the summary


@pytest.mark.parametrize("anonymity", ["anonymous", "confidential", "open"])
async def test_report_can_be_filed(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring, anonymity: str
) -> None:
    person = u.user(501, "kk")
    await onboard(chat, person, "kk")
    replies = await file_report(chat, i18n, person, anonymity, "kk")
    summary = [r for r in replies if isinstance(r, SendMessage)][-1]
    assert rp("submit") in callbacks(summary.reply_markup)
    replies = await chat.send(u.callback(person, rp("submit")))
    texts = shown(replies)
    assert any("KZ27-000001" in t for t in texts), texts
    row = await db.fetchone("SELECT * FROM reports")
    assert row["anonymity"] == anonymity
    assert row["amount"] == 1_500_000
    assert (row["reporter"] is None) == (anonymity == "anonymous")


def sent_texts(replies: list) -> list[str]:
    return [r.text for r in replies if isinstance(r, SendMessage)]


async def to_step(chat: Chat, person: dict, step: str) -> None:
    """Walk a fresh report up to (and showing) `step`."""
    order = [
        u.text(person, "/report"),
        u.callback(person, rp("area", "ecology")),
        u.callback(person, rp("region", "KZ-75")),
        u.text(person, "Медеу ауданы"),
        u.text(person, DESCRIPTION),
        u.callback(person, rp("when", "today")),
        u.text(person, "ТОО «Құрылыс»"),
        u.text(person, "150 000"),
        # The location step's reply-keyboard "Skip" and this button share one handler
        # (test_the_main_menu_never_shows_mid_flow types the word).
        u.callback(person, rp("skip")),
        u.callback(person, rp("anon", "confidential")),
    ]
    steps = ["area", "region", "settlement", "description", "when", "involved", "amount"]
    index = [*steps, "location", "anonymity", "evidence"].index(step) + 1
    for update in order[:index]:
        await chat.send(update)


@pytest.mark.parametrize(
    ("text", "msgid_start"),
    [("Қысқа мәтін", "This is too short"), ("я" * 5000, "This is too long")],
)
async def test_description_length_is_checked_and_the_step_kept(
    chat: Chat, i18n: I18n, text: str, msgid_start: str
) -> None:
    person = u.user(510, "ru")
    await onboard(chat, person, "ru")
    await to_step(chat, person, "description")
    texts = sent_texts(await chat.send(u.text(person, text)))
    # A minimum counts visible characters (not the space); a maximum, what is stored.
    length = visible_count(text) if msgid_start.endswith("short") else len(text)
    assert len(texts) == 1 and str(length) in texts[0]
    # Still at the description step: a good text moves on to "when".
    replies = await chat.send(u.text(person, DESCRIPTION))
    assert rp("when", "today") in callbacks(last_markup(replies))


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_amount_is_shown_back_in_tenge(chat: Chat, i18n: I18n, locale: str) -> None:
    from bot.services.amounts import format_tenge

    person = u.user(511, locale)
    await onboard(chat, person, locale)
    await to_step(chat, person, "amount")
    bad = sent_texts(await chat.send(u.text(person, "көп ақша")))
    assert bad and "150 000" in bad[0]
    await chat.send(u.text(person, "1.5 млн"))
    await chat.send(u.text(person, render(i18n, lambda: str(SKIP), locale)))
    await chat.send(u.callback(person, rp("anon", "confidential")))
    replies = await chat.send(u.callback(person, rp("skip")))
    summary = sent_texts(replies)[-1]
    assert format_tenge(1_500_000, locale) in summary
    assert "₸" in summary


async def test_exact_date_step(chat: Chat, i18n: I18n, db: Database) -> None:
    person = u.user(512, "ru")
    await onboard(chat, person, "ru")
    await to_step(chat, person, "when")
    await chat.send(u.callback(person, rp("when", "exact")))
    future = sent_texts(await chat.send(u.text(person, "01.01.2099")))
    assert future == [
        translate(i18n, "This date is in the future. Write the date when it happened.", "ru")
    ]
    replies = await chat.send(u.text(person, "05.11.2025"))
    assert rp("skip") in callbacks(last_markup(replies))  # on to "who is involved"


async def test_back_goes_to_the_previous_question_keeping_answers(chat: Chat) -> None:
    person = u.user(513, "kk")
    await onboard(chat, person, "kk")
    await to_step(chat, person, "settlement")
    replies = await chat.send(u.callback(person, rp("back")))
    markup = last_markup(replies)
    ticked = [b.text for row in markup.inline_keyboard for b in row if b.text.startswith("✅")]
    assert ticked == ["✅ Алматы қаласы"]  # the region chosen before is still ticked
    replies = await chat.send(u.callback(person, rp("back")))
    ticked = [
        b.text
        for row in last_markup(replies).inline_keyboard
        for b in row
        if b.text.startswith("✅")
    ]
    assert ticked == ["✅ Экология"]


async def test_cancel_keeps_the_draft_and_report_offers_to_continue(
    chat: Chat, i18n: I18n, db: Database
) -> None:
    person = u.user(514, "ru")
    await onboard(chat, person, "ru")
    await to_step(chat, person, "when")
    texts = sent_texts(await chat.send(u.callback(person, rp("cancel"))))
    assert texts == [
        translate(
            i18n,
            "Stopped. Your draft is saved: send /report to continue it or to discard it.",
            "ru",
        )
    ]
    replies = await chat.send(u.text(person, "/report"))
    assert callbacks(last_markup(replies)) == [rp("resume"), rp("restart")]
    replies = await chat.send(u.callback(person, rp("resume")))
    assert rp("when", "today") in callbacks(last_markup(replies))  # right where it stopped
    # /cancel (the command) keeps the draft too
    await chat.send(u.text(person, "/cancel"))
    assert await db.fetchone("SELECT 1 FROM report_drafts") is not None
    await chat.send(u.text(person, "/report"))
    await chat.send(u.callback(person, rp("restart")))
    assert await db.fetchone("SELECT 1 FROM report_drafts") is not None  # a fresh one


async def test_discard_deletes_the_draft(chat: Chat, db: Database) -> None:
    person = u.user(515, "ru")
    await onboard(chat, person, "ru")
    await to_step(chat, person, "when")
    await chat.send(u.callback(person, rp("cancel")))
    await chat.send(u.callback(person, rp("discard")))
    assert await db.fetchone("SELECT 1 FROM report_drafts") is None


async def test_edit_from_the_summary_returns_to_the_summary(chat: Chat, i18n: I18n) -> None:
    person = u.user(516, "kk")
    await onboard(chat, person, "kk")
    await file_report(chat, i18n, person, "confidential")
    await chat.send(u.callback(person, rp("edit", "settlement")))
    replies = await chat.send(u.text(person, "Ақсай қаласы"))
    summary = sent_texts(replies)[-1]
    assert "Ақсай қаласы" in summary
    assert rp("submit") in callbacks(last_markup(replies))


async def test_switching_to_open_asks_for_the_phone(chat: Chat, i18n: I18n) -> None:
    person = u.user(517, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, "anonymous", "ru")
    await chat.send(u.callback(person, rp("edit", "anonymity")))
    replies = await chat.send(u.callback(person, rp("anon", "open")))
    markup = [r for r in replies if isinstance(r, SendMessage)][-1].reply_markup
    assert any(b.request_contact for row in markup.keyboard for b in row)
    # someone else's contact is refused
    texts = sent_texts(
        await chat.send(
            u.message(
                person,
                contact={"phone_number": "+77000000000", "first_name": "Other", "user_id": 999},
            )
        )
    )
    assert texts == [translate(i18n, "Please share your own number with the button below.", "ru")]


async def test_the_first_file_brings_the_summary_and_an_album_edits_it(chat: Chat) -> None:
    person = u.user(518, "kk")
    await onboard(chat, person, "kk")
    await to_step(chat, person, "evidence")
    photo = [
        {"file_id": f"AgAC-{i}", "file_unique_id": f"u{i}", "width": 90, "height": 90}
        for i in range(2)
    ]
    first = await chat.send(u.message(person, photo=photo, media_group_id="album1"))
    (summary,) = [r for r in first if isinstance(r, SendMessage)]
    assert rp("submit") in callbacks(summary.reply_markup)  # no "done" tap after one photo
    assert "1 файл" in summary.text
    # «No files, next step» under the question would read wrong now: its buttons go.
    stripped = [r for r in first if isinstance(r, EditMessageReplyMarkup)]
    assert len(stripped) == 1 and stripped[0].reply_markup is None
    # And an older "next step" press changes nothing: the summary is where the flow is.
    stale = await chat.send(u.callback(person, rp("skip")))
    assert not [r for r in stale if isinstance(r, SendMessage | EditMessageText)]
    second = await chat.send(u.message(person, photo=photo, media_group_id="album1"))
    edits = [r for r in second if isinstance(r, EditMessageText)]
    assert not [r for r in second if isinstance(r, SendMessage)]
    assert len(edits) == 1 and "2 файл" in edits[0].text
    assert rp("submit") in callbacks(edits[0].reply_markup)
    # A file on its own (not of the album) comes with a fresh summary; the old one goes.
    third = await chat.send(u.message(person, photo=photo))
    (fresh,) = [r for r in third if isinstance(r, SendMessage)]
    assert "3 файл" in fresh.text
    assert [r.message_id for r in third if isinstance(r, DeleteMessage)] == [edits[0].message_id]


async def test_eleventh_file_is_refused(chat: Chat, i18n: I18n) -> None:
    person = u.user(519, "ru")
    await onboard(chat, person, "ru")
    await to_step(chat, person, "evidence")
    video = {"file_id": "BAAC-v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 1}
    for _ in range(10):
        await chat.send(u.message(person, video=video))
    texts = sent_texts(await chat.send(u.message(person, video=video)))
    assert texts[0].startswith(
        translate(
            i18n,
            "You have already added 10 files, the most a report can hold. This one was not added.",
            "ru",
        )[:20]
    )


@pytest.mark.parametrize("step", ["settlement", "description", "amount"])
async def test_stickers_commands_and_menu_buttons_mid_flow_lose_nothing(
    chat: Chat, i18n: I18n, db: Database, step: str
) -> None:
    person = u.user(520, "kk")
    await onboard(chat, person, "kk")
    await to_step(chat, person, step)
    sticker = sent_texts(await chat.send(u.sticker(person)))
    assert len(sticker) == 1
    unknown = sent_texts(await chat.send(u.text(person, "/foo")))
    assert unknown == [
        translate(
            i18n,
            "Unknown command. Your progress is kept: continue, or send /cancel to stop.",
            "kk",
        )
    ]
    help_texts = sent_texts(await chat.send(u.text(person, translate(i18n, "❓ Help", "kk"))))
    assert "/report" in help_texts[0] or "/start" in help_texts[0]
    state = await db.fetchone("SELECT state FROM fsm_state WHERE state IS NOT NULL")
    assert state["state"] == f"ReportFlow:{step}"


async def test_sixth_report_in_a_day_is_refused_with_the_time(
    chat: Chat, i18n: I18n, db: Database
) -> None:
    person = u.user(521, "ru")
    await onboard(chat, person, "ru")
    for _ in range(5):
        await file_report(chat, i18n, person, "anonymous", "ru")
        await chat.send(u.callback(person, rp("submit")))
    texts = sent_texts(await chat.send(u.text(person, "/report")))
    assert "1424" in texts[0] and "5" in texts[0]
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM reports"))["n"] == 5


async def test_erase_deletes_the_whole_conversation(chat: Chat, i18n: I18n) -> None:
    person = u.user(522, "kk")
    await onboard(chat, person, "kk")
    await file_report(chat, i18n, person, "anonymous")
    replies = await chat.send(u.callback(person, rp("submit")))
    # The summary became the confirmation, with the button to erase the conversation.
    (confirmation,) = [r for r in replies if isinstance(r, EditMessageText)]
    assert rp("erase") in callbacks(confirmation.reply_markup)
    replies = await chat.send(u.callback(person, rp("erase")))
    deleted = [i for r in replies if isinstance(r, DeleteMessages) for i in r.message_ids]
    # 6 typed answers (/report, place, text, involved, amount, "skip") and 14 bot messages
    # (the introduction, 10 questions, the location reply, the summary, the confirmation
    # with the code).
    assert len(deleted) == len(set(deleted)) == 20
    again = await chat.send(u.callback(person, rp("erase")))
    answers = [r for r in again if isinstance(r, AnswerCallbackQuery)]
    assert answers[0].show_alert  # nothing left to delete


async def test_double_submit_files_one_report(chat: Chat, i18n: I18n, db: Database) -> None:
    person = u.user(523, "kk")
    await onboard(chat, person, "kk")
    await file_report(chat, i18n, person, "confidential")
    await chat.send(u.callback(person, rp("submit")))
    await chat.send(u.callback(person, rp("submit")))
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM reports"))["n"] == 1


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_videos_and_documents_come_with_a_metadata_warning(
    chat: Chat, i18n: I18n, locale: str
) -> None:
    person = u.user(524, locale)
    await onboard(chat, person, locale)
    await to_step(chat, person, "evidence")
    video = {"file_id": "BAAC-v", "file_unique_id": "v", "width": 1, "height": 1, "duration": 1}
    texts = sent_texts(await chat.send(u.message(person, video=video)))
    warning = translate(
        i18n,
        "⚠️ A video may contain where and with which phone it was shot. If this matters "
        "to you, send a screenshot of it instead.",
        locale,
    )
    assert warning in texts[-1]  # on the summary the video brought
    pdf = {
        "file_id": "BQAC-d",
        "file_unique_id": "d",
        "file_name": "act.pdf",
        "mime_type": "application/pdf",
    }
    texts = sent_texts(await chat.send(u.message(person, document=pdf)))
    assert warning in texts[-1] and "PDF" in texts[-1]
