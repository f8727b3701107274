"""A volunteer is known to the moderators of their region and to nobody else: a seized copy
of the database (WAL included) shows neither their name nor their phone number, logs carry
neither even at DEBUG, and other volunteers only ever see a number."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from aiogram.methods import SendMessage

from bot.config import Settings
from bot.db.connection import Database
from bot.logs import configure_logging
from bot.views.callbacks import TaskAction, TaskModAction, VolModAction
from tests import updates as u
from tests.conftest import Chat
from tests.unit.test_privacy_dump import dump, forms_of
from tests.unit.test_volunteer_tasks import make_task
from tests.volunteers import MODERATOR, SECOND, admin_settings, apply, approve, staff, tm, vm, vt

NAME = "Гүлжаһан Тілеуқабылқызы"
PHONE_DIGITS = "7017778899"
VOLUNTEER_ID = 5_123_456_789


@pytest.fixture
def settings(db_path) -> Settings:
    return admin_settings(db_path)


async def whole_life(chat: Chat) -> list:
    """Apply, be approved, be looked up, take a task, submit findings, get a letter."""
    await staff(chat)
    await apply(chat, VOLUNTEER_ID, name=NAME, phone=f"8 {PHONE_DIGITS}")
    await approve(chat, 1)
    await apply(chat, SECOND, name="Бекзат Омаров")
    await approve(chat, 2)
    moderator = u.user(MODERATOR, "ru")
    await chat.send(u.callback(moderator, vm(VolModAction.IDENTITY, 1)))
    await make_task(chat, from_case=False)
    volunteer = u.user(VOLUNTEER_ID, "kk")
    await chat.send(u.callback(volunteer, vt(TaskAction.CLAIM, 1)))
    await chat.send(u.callback(volunteer, vt(TaskAction.SUBMIT, 1)))
    await chat.send(u.text(volunteer, "Құрылыс алаңында жұмыс жоқ."))
    await chat.send(u.callback(volunteer, vt(TaskAction.SEND, 1)))
    await chat.send(u.callback(moderator, tm(TaskModAction.ACCEPT, 1)))
    await chat.send(u.callback(moderator, vm(VolModAction.LETTER, 1)))
    await chat.send(u.text(moderator, "Мектеп құрылысын тексергені үшін"))
    await chat.send(u.text(volunteer, "/me"))
    await chat.send(u.text(u.user(SECOND, "kk"), "/top"))
    return await chat.flush()


async def test_the_database_holds_no_name_phone_or_id_in_the_clear(
    chat: Chat, db: Database, db_path: Path
) -> None:
    delivered = await whole_life(chat)
    assert delivered  # the letter and the notices really went out
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM thank_you_letters"))["n"] == 1
    raw = dump(db_path)
    assert len(raw) > 10_000
    assert NAME.encode() not in raw
    assert NAME.split()[1].encode() not in raw
    assert PHONE_DIGITS.encode() not in raw
    for form in forms_of(VOLUNTEER_ID):
        assert form not in raw, form


async def test_logs_carry_no_name_or_phone(chat: Chat, caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    await whole_life(chat)
    assert caplog.records
    for secret in (NAME, NAME.split()[0], PHONE_DIGITS, str(VOLUNTEER_ID)):
        assert secret not in caplog.text, secret


async def test_other_volunteers_never_see_the_name(chat: Chat) -> None:
    delivered = await whole_life(chat)
    to_others = [
        r.text
        for r in delivered
        if isinstance(r, SendMessage) and int(r.chat_id) not in (VOLUNTEER_ID, MODERATOR)
    ]
    assert to_others and all(NAME not in text for text in to_others)
    top = await chat.texts(u.text(u.user(SECOND, "kk"), "/top"))
    assert NAME not in top[0]  # they did not choose to be named
    # Once they choose it, /top names them.
    await chat.send(u.callback(u.user(VOLUNTEER_ID, "kk"), "v:name:1"))
    top = await chat.texts(u.text(u.user(SECOND, "kk"), "/top"))
    assert NAME in top[0]
