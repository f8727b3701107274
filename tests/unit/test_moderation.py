"""Moderators through the real dispatcher: roles, scope, buttons, commands and the audit log."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage, SendPhoto
from aiogram.types import ForceReply, FSInputFile
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.services.export import EXPORT_COLUMNS
from bot.services.moderation import MAX_NOTE, MAX_QUESTION, MAX_REASON
from bot.views.callbacks import ModCallback
from bot.views.cards import button_label
from bot.views.common import button_expired_text
from bot.views.moderation import (
    moderators_button_refused,
    moderators_command_refused,
    out_of_scope_text,
    superadmins_command_refused,
    too_long_text,
)
from bot.views.stats import export_headers, export_usage
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat, render, shown, translate
from tests.unit.test_report_flow import file_report, onboard, rp

ADMIN, MOD_ORAL, MOD_ALMATY, CITIZEN, STRANGER = 900, 901, 902, 903, 904
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def moderation_settings(db_path: Any, **changes: Any) -> Settings:
    """Test settings with a superadmin (ADMIN unless `admin_ids` says otherwise)."""
    values: dict[str, Any] = {
        "bot_token": "42:TEST-TOKEN",
        "secret_key": TEST_SECRET,
        "database_path": db_path,
        "admin_ids": (ADMIN,),
        "code_check_seconds": 0.01,
        "outbox_rate": 1000,
    }
    return Settings(_env_file=None, **{**values, **changes})


@pytest.fixture
def settings(db_path) -> Settings:
    return moderation_settings(db_path)


@pytest.fixture(autouse=True)
async def invariants(case_invariants: None) -> None:
    """After every test here: no dangling keys, every status change audited and told
    (tests/conftest.py `case_invariants`)."""


@pytest.fixture
async def staffed(chat: Chat) -> Chat:
    admin = u.user(ADMIN, "ru")
    for user_id, locale in ((MOD_ORAL, "kk"), (MOD_ALMATY, "ru")):
        await onboard(chat, u.user(user_id, locale), locale)
    await chat.send(u.text(admin, f"/mod_add {MOD_ORAL} KZ-27"))
    await chat.send(u.text(admin, f"/mod_add {MOD_ALMATY} KZ-75"))
    return chat


async def file_case(
    chat: Chat, i18n: I18n, anonymity: str = "confidential", user_id: int = CITIZEN
) -> str:
    person = u.user(user_id, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, anonymity, "ru")
    replies = await chat.send(u.callback(person, rp("submit")))
    return "\n".join(shown(replies))


def press(user_id: int, action: str, report_id: int = 1, value: str = "") -> dict:
    return u.callback(
        u.user(user_id, "ru"), ModCallback(action=action, id=report_id, value=value).pack()
    )


def alerts(replies: list) -> list[str]:
    return [r.text for r in replies if isinstance(r, AnswerCallbackQuery) and r.show_alert]


async def audit_actions(db: Database) -> list[str]:
    return [r["action"] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]


async def test_only_superadmins_manage_moderators(chat: Chat, db: Database, i18n: I18n) -> None:
    texts = await chat.texts(u.text(u.user(STRANGER, "ru"), f"/mod_add {STRANGER} all"))
    assert texts == [render(i18n, lambda: superadmins_command_refused("mod_add", "citizen"), "ru")]
    assert await db.fetchall("SELECT * FROM moderators") == []
    assert await audit_actions(db) == ["refused:mod_add"]
    texts = await chat.texts(u.text(u.user(ADMIN, "ru"), f"/mod_add {MOD_ORAL} KZ-27 kz23"))
    assert "#1" in texts[0]
    row = await db.fetchone("SELECT regions FROM moderators")
    assert row["regions"] == "KZ-23,KZ-27"
    mods = await chat.texts(u.text(u.user(ADMIN, "ru"), "/mods"))
    assert "KZ-23, KZ-27" in mods[0]


async def test_mod_add_by_username_needs_a_seen_user(chat: Chat, db: Database) -> None:
    admin = u.user(ADMIN, "ru")
    unknown = await chat.texts(u.text(admin, "/mod_add @aigerim_moderator KZ-27"))
    assert "@aigerim_moderator" in unknown[0]
    await onboard(chat, u.user(MOD_ORAL, "kk", username="Aigerim_Moderator"), "kk")
    await chat.send(u.text(admin, "/mod_add @aigerim_moderator KZ-27"))
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM moderators"))["n"] == 1
    raw = b"".join(
        str(tuple(r)).encode() for r in await db.fetchall("SELECT * FROM username_index")
    )
    assert b"aigerim" not in raw.lower()  # only a keyed digest is stored


async def test_new_report_becomes_a_card_for_the_regions_moderators(
    staffed: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    await file_case(staffed, i18n)
    rows = await db.fetchall("SELECT recipient, payload FROM outbox")
    payloads = [(r["recipient"], keyring.unseal(r["payload"], b"outbox")) for r in rows]
    cards = [who for who, body in payloads if b'"card"' in body]
    assert cards == [keyring.pseudonym(MOD_ORAL)]  # not the Almaty moderator


async def test_take_assigns_and_audits(staffed: Chat, i18n: I18n, db: Database) -> None:
    await file_case(staffed, i18n)
    replies = await staffed.send(press(MOD_ORAL, "take"))
    assert not alerts(replies)
    report = await db.fetchone("SELECT assignee, status, first_response_at FROM reports")
    assert (report["assignee"], report["status"]) == (1, "review")
    assert report["first_response_at"] is not None
    assert await audit_actions(db) == ["mod_add", "mod_add", "filed", "assign", "status"]


@pytest.mark.parametrize("who", [MOD_ALMATY, STRANGER, CITIZEN])
@pytest.mark.parametrize("action", ["take", "status", "ask", "note", "files", "phone"])
async def test_other_regions_and_strangers_are_refused_and_audited(
    staffed: Chat, i18n: I18n, db: Database, who: int, action: str
) -> None:
    await file_case(staffed, i18n, "open")
    replies = await staffed.send(press(who, action))
    label = render(i18n, lambda: button_label(action), "ru")
    if who == MOD_ALMATY:  # a moderator, of another region: told which case and why
        expected = render(i18n, lambda: out_of_scope_text(label, "KZ27-000001"), "ru")
    else:  # not a moderator: told what the button is for and what they can do instead
        expected = render(i18n, lambda: moderators_button_refused(label), "ru")
    assert alerts(replies) == [expected]
    assert not [r for r in replies if isinstance(r, SendMessage)]
    report = await db.fetchone("SELECT assignee, status FROM reports")
    assert (report["assignee"], report["status"]) == (None, "received")
    assert (await audit_actions(db))[-1] == f"refused:{action}"


@pytest.mark.parametrize("data", ["md:take:abc:", "md:take", "md:take:999:", "md:zap:1:"])
async def test_forged_moderator_buttons_are_refused(
    staffed: Chat, i18n: I18n, db: Database, data: str
) -> None:
    await file_case(staffed, i18n)
    replies = await staffed.send(u.callback(u.user(MOD_ORAL, "kk"), data))
    assert alerts(replies) == [render(i18n, button_expired_text, "kk")]
    assert (await audit_actions(db))[-1].startswith("refused:")


async def test_full_case_by_commands(
    staffed: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    await file_case(staffed, i18n)
    mod = u.user(MOD_ORAL, "kk")
    queue = await staffed.texts(u.text(mod, "/queue"))
    assert "KZ27-000001" in queue[0]
    await staffed.send(u.text(mod, "/ask KZ27-000001 Шарт нөмірін жазыңызшы."))
    await staffed.send(u.text(mod, "/note KZ27-000001 Тексеру керек"))
    replies = await staffed.texts(u.text(mod, "/status KZ27-000001 resolved"))
    assert "KZ27-000001" in replies[0]
    trail = await staffed.texts(u.text(mod, "/audit KZ27-000001"))
    assert "ask" in trail[0] and "note" in trail[0] and "resolved" in trail[0]
    # The reporter was told in their own language (ru): a question, then the status.
    rows = await db.fetchall("SELECT recipient, payload FROM outbox ORDER BY id")
    told = [
        keyring.unseal(r["payload"], b"outbox").decode()
        for r in rows
        if r["recipient"] == keyring.pseudonym(CITIZEN)
    ]
    assert ['"question"' in t for t in told] == [True, False]
    assert '"resolved"' in told[1]
    # Closed cases leave the default queue.
    assert "KZ27-000001" not in (await staffed.texts(u.text(mod, "/queue")))[0]
    # Internal notes never reach the reporter's view.
    view = await staffed.texts(u.callback(u.user(CITIZEN, "ru"), "cs:open:1"))
    assert "Тексеру керек" not in view[0] and "Шарт нөмірін" in view[0]


async def test_rejection_needs_a_reason_typed_after_the_button(
    staffed: Chat, i18n: I18n, db: Database
) -> None:
    await file_case(staffed, i18n)
    await staffed.send(press(MOD_ORAL, "set", value="rejected"))
    assert (await db.fetchone("SELECT status FROM reports"))["status"] == "received"
    await staffed.send(u.text(u.user(MOD_ORAL, "kk"), "Дерек жеткіліксіз"))
    history = await db.fetchall("SELECT status, reason FROM report_status_history")
    assert tuple(history[-1]) == ("rejected", "Дерек жеткіліксіз")


async def test_anonymous_question_waits_for_check(
    staffed: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    text = await file_case(staffed, i18n, "anonymous")
    code = CODE.search(text).group(0)
    await staffed.send(u.text(u.user(MOD_ORAL, "kk"), "/ask KZ27-000001 Қай мектеп?"))
    # Nothing is pushed to an anonymous reporter: only the moderator's card (and its refresh)
    # are queued; the confirmation of the filing went out at once.
    recipients = [r["recipient"] for r in await db.fetchall("SELECT recipient FROM outbox")]
    assert recipients == [keyring.pseudonym(MOD_ORAL), "@cards"]
    shown = await staffed.texts(u.text(u.user(CITIZEN, "ru"), f"/check {code}"))
    assert "Қай мектеп?" in shown[0]


async def test_ban_works_for_confidential_only(staffed: Chat, i18n: I18n, db: Database) -> None:
    await file_case(staffed, i18n, "anonymous")
    await file_case(staffed, i18n, "confidential")
    mod = u.user(MOD_ORAL, "kk")
    refused = await staffed.texts(u.text(mod, "/ban KZ27-000001"))
    assert refused == [
        translate(i18n, "This report is anonymous: its reporter cannot be identified.", "kk")
    ]
    await staffed.send(u.text(mod, "/ban KZ27-000002"))
    texts = await staffed.texts(u.text(u.user(CITIZEN, "ru"), "/report"))
    assert "1424" in texts[0]
    await staffed.send(u.text(mod, "/unban KZ27-000002"))
    texts = await staffed.texts(u.text(u.user(CITIZEN, "ru"), "/report"))
    assert "1424" not in texts[0]


async def test_phone_is_revealed_only_to_the_region_and_audited(
    staffed: Chat, i18n: I18n, db: Database
) -> None:
    await file_case(staffed, i18n, "open")
    replies = await staffed.send(press(MOD_ORAL, "phone"))
    assert any("+77011234567" in t for t in alerts(replies))
    assert (await audit_actions(db))[-1] == "reveal_phone"


def _read(path: str) -> bytes | None:
    file = Path(path)
    return file.read_bytes() if file.exists() else None


@pytest.fixture
def sent_files(bot) -> dict[str, bytes]:
    """What each document sent from a file held when it was sent (the handler deletes the
    file right after): by file name."""
    files: dict[str, bytes | None] = {}
    session = bot.session_
    make_request = session.make_request

    async def reading(bot_: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, SendDocument) and isinstance(method.document, FSInputFile):
            files[method.document.filename] = _read(method.document.path)
        return await make_request(bot_, method, timeout)

    session.make_request = reading
    return files


async def test_stats_chart_and_export_respect_scope(
    staffed: Chat, i18n: I18n, sent_files: dict[str, bytes]
) -> None:
    await file_case(staffed, i18n)
    replies = await staffed.send(u.text(u.user(MOD_ORAL, "kk"), "/stats month"))
    photo = next(r for r in replies if isinstance(r, SendPhoto))
    assert photo.photo.data.startswith(b"\x89PNG")
    assert "1" in photo.caption
    replies = await staffed.send(u.text(u.user(MOD_ALMATY, "ru"), "/export csv month"))
    document = next(r for r in replies if isinstance(r, SendDocument))
    assert document.document.filename.endswith(".csv")
    data = sent_files[document.document.filename]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == []  # the Almaty moderator sees no Oral case
    replies = await staffed.send(u.text(u.user(MOD_ORAL, "kk"), "/export month csv"))
    document = next(r for r in replies if isinstance(r, SendDocument))
    data = sent_files[document.document.filename]
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    rows = list(reader)
    assert tuple(reader.fieldnames) == EXPORT_COLUMNS
    assert [r["case_number"] for r in rows] == ["KZ27-000001"]
    assert str(CITIZEN) not in data.decode("utf-8-sig")
    assert _read(document.document.path) is None  # the file is gone once sent


async def test_export_is_xlsx_by_default_with_headers_in_the_moderators_language(
    staffed: Chat, i18n: I18n, sent_files: dict[str, bytes]
) -> None:
    from openpyxl import load_workbook

    await file_case(staffed, i18n)
    for user_id, locale in ((MOD_ORAL, "kk"), (MOD_ALMATY, "ru")):
        await staffed.send(u.text(u.user(ADMIN, "ru"), f"/mod_add {user_id} all"))
        replies = await staffed.send(u.text(u.user(user_id, locale), "/export"))
        document = next(r for r in replies if isinstance(r, SendDocument))
        assert document.document.filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(sent_files[document.document.filename])).active
        header = [cell.value for cell in sheet[1]]
        assert header == list(render(i18n, export_headers, locale).values())
        assert sheet["A2"].value == "KZ27-000001"
    usage = await staffed.texts(u.text(u.user(MOD_ORAL, "kk"), "/export fortnight"))
    assert usage == [render(i18n, export_usage, "kk")]


async def test_moderation_commands_refuse_citizens(chat: Chat, i18n: I18n, db: Database) -> None:
    for command in ("/queue", "/stats", "/case KZ27-000001", "/export"):
        texts = await chat.texts(u.text(u.user(STRANGER, "kk"), command))
        name = command.split()[0][1:]
        assert texts == [
            render(i18n, lambda n=name: moderators_command_refused(n, "citizen"), "kk")
        ]
        assert "/report" in texts[0] and "/mytips" in texts[0]  # what a citizen can do instead
    assert len(await audit_actions(db)) == 4


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", ["KZ27-000002", "KZ27-000001"]),
        ("old", ["KZ27-000001", "KZ27-000002"]),
        ("mine", ["KZ27-000001"]),
        ("free", ["KZ27-000002"]),
        ("review", ["KZ27-000001"]),
        ("procurement", ["KZ27-000002", "KZ27-000001"]),
        ("land", []),
        ("27", ["KZ27-000002", "KZ27-000001"]),
        ("kz-75", []),
    ],
)
async def test_queue_filters(staffed: Chat, i18n: I18n, args: str, expected: list[str]) -> None:
    await file_case(staffed, i18n)
    await file_case(staffed, i18n, user_id=905)
    await staffed.send(press(MOD_ORAL, "take", report_id=1))
    text = (await staffed.texts(u.text(u.user(MOD_ORAL, "kk"), f"/queue {args}")))[0]
    found = re.findall(r"KZ27-\d{6}", text)
    assert found == expected


async def test_queue_pages_through_many_cases(staffed: Chat, i18n: I18n, db: Database) -> None:
    from bot.views.callbacks import QueueCallback

    for n in range(10):
        await file_case(staffed, i18n, user_id=1000 + n)
    first = (await staffed.texts(u.text(u.user(MOD_ORAL, "kk"), "/queue")))[0]
    assert len(re.findall(r"KZ27-\d{6}", first)) == 8
    replies = await staffed.send(u.callback(u.user(MOD_ORAL, "kk"), QueueCallback(page=1).pack()))
    from aiogram.methods import EditMessageText

    second = next(r for r in replies if isinstance(r, EditMessageText)).text
    assert re.findall(r"KZ27-\d{6}", second) == ["KZ27-000002", "KZ27-000001"]


@pytest.mark.parametrize(
    ("button", "maximum"),
    [
        (("ask", ""), MAX_QUESTION),
        (("note", ""), MAX_NOTE),
        (("set", "rejected"), MAX_REASON),
    ],
)
async def test_a_text_over_its_limit_is_refused_where_it_is_typed_and_the_prompt_stays(
    staffed: Chat, i18n: I18n, db: Database, button: tuple[str, str], maximum: int
) -> None:
    await file_case(staffed, i18n)
    mod = u.user(MOD_ORAL, "kk")
    action, value = button
    prompt = await staffed.send(press(MOD_ORAL, action, value=value))
    said = next(r for r in prompt if isinstance(r, SendMessage))
    assert f"{maximum}" in said.text  # the prompt says the limit
    before = await audit_actions(db)
    replies = await staffed.send(u.text(mod, "ж" * (maximum + 1)))
    (answer,) = [r for r in replies if isinstance(r, SendMessage)]
    too_long = render(i18n, lambda: too_long_text(maximum + 1, maximum), "kk")
    assert answer.text.startswith(too_long)
    assert isinstance(answer.reply_markup, ForceReply)  # reaches the bot in a group, too
    assert await audit_actions(db) == before  # nothing was saved
    # The step is still open: a text within the limit is taken.
    await staffed.send(u.text(mod, "ж" * maximum))
    assert len(await audit_actions(db)) > len(before)


@pytest.mark.parametrize(
    ("command", "maximum"),
    [("/ask", MAX_QUESTION), ("/note", MAX_NOTE), ("/status", MAX_REASON)],
)
async def test_a_typed_command_over_its_limit_says_the_limit(
    staffed: Chat, i18n: I18n, db: Database, command: str, maximum: int
) -> None:
    await file_case(staffed, i18n)
    words = "rejected " if command == "/status" else ""
    text = f"{command} KZ27-000001 {words}{'ж' * (maximum + 1)}"
    before = await audit_actions(db)
    replies = await staffed.texts(u.text(u.user(MOD_ORAL, "kk"), text))
    assert replies == [render(i18n, lambda: too_long_text(maximum + 1, maximum), "kk")]
    assert await audit_actions(db) == before


@pytest.mark.parametrize("text", ["\u200b\u200b", "\u2060", "\u0301\u0301", " \u200b "])
async def test_an_invisible_question_or_note_is_refused(
    staffed: Chat, i18n: I18n, db: Database, text: str
) -> None:
    await file_case(staffed, i18n)
    mod = u.user(MOD_ORAL, "kk")
    for command in ("ask", "note"):
        replies = await staffed.texts(u.text(mod, f"/{command} KZ27-000001 {text}"))
        assert replies == [translate(i18n, "The text is empty.", "kk")]
    assert await db.fetchone("SELECT id FROM report_messages") is None
    assert await db.fetchone("SELECT id FROM report_notes") is None


async def test_stats_give_the_first_response_as_the_range_it_is_known_to(
    staffed: Chat, i18n: I18n
) -> None:
    """Issue 9 §6: a case taken within a minute is filed at a time stored to the hour, so
    /stats says "0–1 h" (or the range it knows), never a single figure up to an hour off."""
    await file_case(staffed, i18n)
    await staffed.send(press(MOD_ORAL, "take"))
    replies = await staffed.send(u.text(u.user(MOD_ORAL, "kk"), "/stats month"))
    photo = next(r for r in replies if isinstance(r, SendPhoto))
    found = re.search(r"(\d+(?:,\d+)?)–(\d+(?:,\d+)?) сағ", photo.caption)
    assert found is not None, photo.caption
    low, high = (float(x.replace(",", ".")) for x in found.groups())
    assert low <= high <= low + 1.0  # the whole uncertainty is the hour of filing
    assert high <= 1.0  # taken within the hour it was filed in
    msgid = (
        "Median time to first response: {low}–{high} h (reports are timed to the hour, "
        "so only this range is known)"
    )
    assert translate(i18n, msgid, "kk").split("{low}")[0] in photo.caption
