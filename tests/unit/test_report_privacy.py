"""An anonymous report must not be linkable to its reporter, even with the whole database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.inbox import InboxRepository
from bot.intake.durable import DurableIntake
from bot.views.callbacks import ReportCallback
from bot.views.report_keyboards import SKIP
from tests import updates as u
from tests.conftest import render
from tests.fake_session import FakeBot
from tests.unit.test_intake import PollingSession, all_ids
from tests.unit.test_privacy_dump import dump, forms_of

USER_ID = 6_054_321_987
NAME, USERNAME = "Жанар", "zhanar_oral_1958"
DESCRIPTION = "Ауыл әкімі жер телімін туысына заңсыз берді, аукцион өткізілмеді, құжаттар жоқ."


def rp(action: str, value: str = "") -> str:
    return ReportCallback(action=action, value=value).pack()


def anonymous_report_batches(i18n: I18n, person: dict) -> list[list[dict]]:
    skip = render(i18n, lambda: str(SKIP), "kk")
    steps = [
        u.text(person, "/start"),
        u.callback(person, "lang:kk"),
        u.callback(person, "reg:KZ-27"),
        u.text(person, "/report"),
        u.callback(person, rp("area", "land")),
        u.callback(person, rp("region", "KZ-27")),
        u.text(person, "Бөрлі ауданы"),
        u.text(person, DESCRIPTION),
        u.callback(person, rp("when", "week")),
        u.text(person, "Ауыл әкімі"),
        u.callback(person, rp("skip")),  # the amount
        u.text(person, skip),  # the location
        u.callback(person, rp("anon", "anonymous")),
        u.callback(person, rp("skip")),  # no files: the summary
        u.callback(person, rp("submit")),
    ]
    return [[step] for step in steps]


async def run_through_intake(
    dp: Dispatcher, db: Database, keyring: Keyring, batches: list[list[dict]]
) -> PollingSession:
    session = PollingSession(lambda: all_ids(db))
    bot = FakeBot()
    bot.session = session
    session.batches = list(batches)
    intake = DurableIntake(
        bot=bot, dispatcher=dp, inbox=InboxRepository(db), keyring=keyring, poll_timeout=0
    )
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop))
    polls_needed = len(batches) + 2
    async with asyncio.timeout(20):
        while len(session.offsets) < polls_needed or await InboxRepository(db).pending():
            await asyncio.sleep(0.02)
    stop.set()
    await task
    return session


async def all_values(db: Database) -> dict[str, list[tuple]]:
    tables = [
        r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    return {t: [tuple(row) for row in await db.fetchall(f"SELECT * FROM {t}")] for t in tables}


async def test_anonymous_report_leaves_no_link_to_its_reporter(
    dp: Dispatcher, db: Database, db_path: Path, keyring: Keyring, i18n: I18n
) -> None:
    person = u.user(USER_ID, "kk", first_name=NAME, username=USERNAME)
    await run_through_intake(dp, db, keyring, anonymous_report_batches(i18n, person))

    report = await db.fetchone("SELECT * FROM reports")
    assert report is not None and report["anonymity"] == "anonymous"
    assert report["reporter"] is None and report["phone_enc"] is None
    assert report["created_at"].endswith(":00:00Z")  # to the hour
    assert await db.fetchall("SELECT * FROM report_drafts") == []

    pseudonym = keyring.pseudonym(USER_ID)
    values = await all_values(db)
    # users is who used the bot; username_index maps keyed username digests to the same
    # pseudonyms (for /mod_add @name). Neither says anything about reports.
    for table, rows in values.items():
        if table in ("users", "username_index"):
            continue
        for row in rows:
            for value in row:
                assert not (isinstance(value, str) and pseudonym in value), (table, row)
    counter = values["submission_log"]
    assert len(counter) == 1 and counter[0][1].endswith(":00:00Z")
    assert counter[0][1] == report["created_at"]  # same hour: cannot be told apart within it

    raw = dump(db_path)
    for form in forms_of(USER_ID):
        assert form not in raw
    for secret in (NAME, USERNAME):
        assert secret.encode() not in raw
    # The report text itself is there (moderators need it); only its author is not.
    assert DESCRIPTION.encode() in raw


async def test_confidential_report_names_only_the_pseudonym(
    dp: Dispatcher, db: Database, db_path: Path, keyring: Keyring, i18n: I18n
) -> None:
    person = u.user(USER_ID, "kk", first_name=NAME, username=USERNAME)
    batches = anonymous_report_batches(i18n, person)
    batches[-3] = [u.callback(person, rp("anon", "confidential"))]
    await run_through_intake(dp, db, keyring, batches)
    report = await db.fetchone("SELECT * FROM reports")
    assert report["reporter"] == keyring.pseudonym(USER_ID)
    raw = dump(db_path)
    for form in forms_of(USER_ID):
        assert form not in raw
    assert NAME.encode() not in raw and USERNAME.encode() not in raw
