"""Tasks through the real dispatcher: made from a case (nothing of the report travels),
published to the pool, taken (a late press refused politely), progress, findings with files,
review, attaching to the case; offers, declines, the training gate, and /tasks pages."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendMessage, SendPhoto
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.services.dates import utc_now
from bot.views.callbacks import ModCallback, TaskAction, TaskModAction
from tests import updates as u
from tests.conftest import Chat, translate
from tests.invariants import check_case_invariants
from tests.unit.test_privacy_dump import dump
from tests.unit.test_report_flow import DESCRIPTION, file_report, onboard, rp
from tests.volunteers import (
    MODERATOR,
    OTHER_MOD,
    SECOND,
    THIRD,
    VOLUNTEER,
    active_volunteer,
    admin_settings,
    alerts,
    buttons,
    sent_to,
    staff,
    tm,
    vt,
)

CITIZEN = 1500
TITLE = "Мектеп құрылысын тексеру"
INSTRUCTIONS = (
    "Зачаганск кентіндегі жаңа мектеп құрылысына барып, жұмыс жүріп жатқанын суретке "
    "түсіріңіз. Құрылыс алаңына кірмеңіз, сырттан ғана түсіріңіз."
)


@pytest.fixture
def settings(db_path) -> Settings:
    return admin_settings(db_path)


def deadline_text(days: int = 10) -> str:
    return (utc_now() + timedelta(days=days)).strftime("%d.%m.%Y")


async def a_case(chat: Chat, i18n: I18n) -> None:
    person = u.user(CITIZEN, "ru")
    await onboard(chat, person, "ru")
    await file_report(chat, i18n, person, "confidential", "ru")
    await chat.send(u.callback(person, rp("submit")))
    await chat.flush()


async def make_task(
    chat: Chat,
    *,
    from_case: bool,
    skill: str = "construction",
    publish: bool = True,
    assignee: int | None = None,
    region: str | None = None,
) -> list:
    """The wizard; `region` when the moderator covers several (then it is asked)."""
    moderator = u.user(MODERATOR, "ru")
    if from_case:
        await chat.send(u.callback(moderator, ModCallback(action="task", id=1).pack()))
    else:
        await chat.send(u.text(moderator, "/task_new"))
    await chat.send(u.text(moderator, TITLE))
    await chat.send(u.text(moderator, INSTRUCTIONS))
    if region is not None:
        await chat.send(u.callback(moderator, tm(TaskModAction.REGION, value=region)))
    await chat.send(u.callback(moderator, tm(TaskModAction.SKILL, value=skill)))
    await chat.send(u.text(moderator, deadline_text()))
    await chat.send(u.callback(moderator, tm(TaskModAction.NO_LOT)))
    if publish:
        return await chat.send(u.callback(moderator, tm(TaskModAction.PUBLISH)))
    await chat.send(u.callback(moderator, tm(TaskModAction.ASSIGN)))
    return await chat.send(u.text(moderator, f"#{assignee}"))


@pytest.fixture
async def region(chat: Chat, i18n: I18n, db: Database, keyring: Keyring):
    """Two moderators, a filed case in KZ-27, three active volunteers of KZ-27."""
    await staff(chat)
    await a_case(chat, i18n)
    for number, user_id in enumerate((VOLUNTEER, SECOND, THIRD), 1):
        await active_volunteer(chat, user_id, number)
    yield chat
    await check_case_invariants(db, keyring)


async def test_a_task_from_a_case_carries_nothing_of_the_report(
    region: Chat, db: Database, db_path: Path, keyring: Keyring, i18n: I18n
) -> None:
    chat = region
    replies = await make_task(chat, from_case=True)
    assert "№1" in replies[-1].text
    task = await db.fetchone("SELECT * FROM volunteer_tasks")
    assert (task["source_case"], task["region"], task["status"]) == (1, "KZ-27", "pool")
    delivered = await chat.flush()
    told = [
        r
        for r in delivered
        if isinstance(r, SendMessage) and int(r.chat_id) in (VOLUNTEER, SECOND, THIRD)
    ]
    assert len(told) == 3 and all(TITLE in r.text for r in told)
    # The report's text is nowhere: not in the task's rows, not in any message a volunteer
    # received, not in what the outbox keeps (sealed) for them.
    for row in await db.fetchall("SELECT * FROM volunteer_tasks"):
        assert DESCRIPTION[:30] not in json.dumps(dict(row), ensure_ascii=False, default=str)
    for r in told:
        assert DESCRIPTION[:30] not in r.text and "KZ27-000001" not in r.text
    opened = await chat.send(u.callback(u.user(VOLUNTEER, "kk"), vt(TaskAction.OPEN, 1)))
    assert INSTRUCTIONS in opened[-1].text and "KZ27" not in opened[-1].text
    # Every table but the case's own, and every queued payload (unsealed), is free of it.
    needle = DESCRIPTION[:30]
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'reports'"
    )
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table['name']}"):
            assert needle not in json.dumps([str(v) for v in tuple(row)], ensure_ascii=False), (
                table["name"]
            )
    for row in await db.fetchall("SELECT payload FROM outbox"):
        assert needle not in keyring.unseal(row["payload"], b"outbox").decode()
    # In the file itself it is there once per copy of the case's row only.
    raw = dump(db_path)
    full = (await db.fetchone("SELECT description FROM reports"))["description"].encode()
    assert needle.encode() not in raw.replace(full, b"")


async def test_first_claim_wins_and_the_second_is_refused_politely(
    region: Chat, db: Database, i18n: I18n
) -> None:
    chat = region
    await make_task(chat, from_case=False)
    await chat.flush()
    won = await chat.send(u.callback(u.user(VOLUNTEER, "kk"), vt(TaskAction.CLAIM, 1)))
    assert TITLE in won[-1].text
    late = await chat.send(u.callback(u.user(SECOND, "kk"), vt(TaskAction.CLAIM, 1)))
    taken = translate(
        i18n,
        "Another volunteer took this task a moment earlier. Thank you for being quick; "
        "other tasks are in /tasks.",
        "kk",
    )
    assert alerts(late) == [taken]
    row = await db.fetchone("SELECT status, assignee FROM volunteer_tasks")
    assert (row["status"], row["assignee"]) == ("in_progress", 1)
    (news,) = sent_to(await chat.flush(), MODERATOR)
    assert "№1" in news.text and "Әсел" not in news.text  # a number, never a name


async def test_progress_findings_review_and_the_case_note(
    region: Chat, db: Database, i18n: I18n
) -> None:
    chat = region
    await make_task(chat, from_case=True)
    volunteer = u.user(VOLUNTEER, "kk")
    await chat.send(u.callback(volunteer, vt(TaskAction.CLAIM, 1)))
    await chat.send(u.callback(volunteer, vt(TaskAction.PROGRESS, 1)))
    await chat.send(u.text(volunteer, "Ертең барамын."))
    await chat.flush()
    await chat.send(u.callback(volunteer, vt(TaskAction.SUBMIT, 1)))
    await chat.send(u.text(volunteer, "Құрылыс тоқтап тұр, алаңда ешкім жоқ."))
    photo = u.message(
        volunteer,
        photo=[{"file_id": "PHOTO-F1", "file_unique_id": "pf1", "width": 800, "height": 600}],
    )
    await chat.send(photo)
    await chat.send(u.callback(volunteer, vt(TaskAction.SEND, 1)))
    finding = await db.fetchone("SELECT * FROM task_findings")
    assert finding["status"] == "submitted"
    files = await db.fetchall("SELECT file_id FROM finding_files")
    assert [r["file_id"] for r in files] == ["PHOTO-F1"]
    delivered = await chat.flush()
    (card,) = [r for r in sent_to(delivered, MODERATOR) if "Құрылыс тоқтап тұр" in r.text]
    assert tm(TaskModAction.ACCEPT, 1) in buttons([card])

    moderator = u.user(MODERATOR, "ru")
    shown = await chat.send(u.callback(moderator, tm(TaskModAction.FILES, 1)))
    assert [r.photo for r in shown if isinstance(r, SendPhoto)] == ["PHOTO-F1"]
    # Sent back with a comment, then submitted again and accepted.
    await chat.send(u.callback(moderator, tm(TaskModAction.RETURN, 1)))
    await chat.send(u.text(moderator, "Добавьте фото таблички."))
    returned = sent_to(await chat.flush(), VOLUNTEER)
    assert any("Добавьте фото таблички." in r.text for r in returned)
    await chat.send(u.callback(volunteer, vt(TaskAction.SUBMIT, 1)))
    await chat.send(u.text(volunteer, "Тақтайша жоқ, суреті қосылды."))
    await chat.send(u.callback(volunteer, vt(TaskAction.SEND, 1)))
    await chat.send(u.callback(moderator, tm(TaskModAction.ACCEPT, 1)))
    assert (await db.fetchone("SELECT status FROM volunteer_tasks"))["status"] == "done"
    thanks = sent_to(await chat.flush(), VOLUNTEER)
    assert any("+10" in r.text for r in thanks)
    # Points show in /me.
    me = await chat.texts(u.text(volunteer, "/me"))
    assert "10" in me[0]
    # Attach to the case: an internal note, audited; a second press does nothing.
    await chat.send(u.callback(moderator, tm(TaskModAction.ATTACH, 1)))
    notes = await db.fetchall("SELECT body FROM report_notes")
    assert len(notes) == 1 and "Тақтайша жоқ" in notes[0]["body"]
    again = await chat.send(u.callback(moderator, tm(TaskModAction.ATTACH, 1)))
    assert alerts(again)
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")]
    assert actions.count("task_attach") == 1 and actions.count("note") == 1


async def test_an_offer_is_accepted_or_declined_with_a_reason(region: Chat, db: Database) -> None:
    chat = region
    await make_task(chat, from_case=False, publish=False, assignee=2)
    offer = sent_to(await chat.flush(), SECOND)
    assert vt(TaskAction.ACCEPT, 1) in buttons(offer)
    second = u.user(SECOND, "kk")
    await chat.send(u.callback(second, vt(TaskAction.DECLINE, 1)))
    await chat.send(u.text(second, "Осы аптада қаладан тыс боламын."))
    row = await db.fetchone("SELECT status, assignee FROM volunteer_tasks")
    assert (row["status"], row["assignee"]) == ("new", None)
    (told,) = sent_to(await chat.flush(), MODERATOR)
    assert "Осы аптада қаладан тыс боламын." in told.text
    # Someone else's offer cannot be accepted.
    refused = await chat.send(u.callback(u.user(THIRD, "kk"), vt(TaskAction.ACCEPT, 1)))
    assert alerts(refused)


async def test_procurement_tasks_need_the_training(region: Chat, db: Database, i18n: I18n) -> None:
    chat = region
    await make_task(chat, from_case=False, skill="procurement")
    await chat.flush()
    replies = await chat.texts(u.callback(u.user(VOLUNTEER, "ru"), vt(TaskAction.CLAIM, 1)))
    assert (
        translate(
            i18n,
            "No session is scheduled yet. Moderators will announce one; see /trainings.",
            "kk",
        )
        in replies[0]
    )
    assert (await db.fetchone("SELECT status FROM volunteer_tasks"))["status"] == "pool"
    # The moderator cannot hand it to an untrained volunteer either.
    moderator = u.user(MODERATOR, "ru")
    await chat.send(u.callback(moderator, tm(TaskModAction.ASSIGN, 1)))
    texts = await chat.texts(u.text(moderator, "1"))
    assert "№1" in texts[0]
    assert (await db.fetchone("SELECT status FROM volunteer_tasks"))["status"] == "pool"


async def test_tasks_tabs_and_pages(region: Chat, db: Database) -> None:
    chat = region
    for _ in range(8):
        await make_task(chat, from_case=False)
    volunteer = u.user(VOLUNTEER, "kk")
    mine = await chat.send(u.text(volunteer, "/tasks"))
    assert not [b for b in buttons(mine) if b.startswith("vt:open")]
    available = await chat.send(u.callback(volunteer, vt(TaskAction.TAB, tab="available")))
    assert len([b for b in buttons(available) if b.startswith("vt:open")]) == 6
    nxt = vt(TaskAction.TAB, tab="available", page=1)
    assert nxt in buttons(available)
    rest = await chat.send(u.callback(volunteer, nxt))
    assert len([b for b in buttons(rest) if b.startswith("vt:open")]) == 2
    # Moderators of other regions cannot see or touch the task.
    assert alerts(await chat.send(u.callback(u.user(OTHER_MOD, "ru"), tm(TaskModAction.OPEN, 1))))
    # A citizen who is not a volunteer is told how to become one.
    assert await chat.texts(u.text(u.user(CITIZEN, "ru"), "/tasks"))
