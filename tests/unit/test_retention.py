"""Retention (bot/services/retention.py): closed cases lose their text after RETENTION_DAYS.

Reports are filed and handled through the real dispatcher and services; only the retention
run gets a clock, moved past the closing by hand.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n
from apscheduler.triggers.cron import CronTrigger

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.audit import AuditRepository
from bot.db.repositories.reporting import ReportingRepository
from bot.db.repositories.reports import EvidenceFile
from bot.db.repositories.retention import RetentionRepository, amount_band
from bot.retention_jobs import RETENTION_JOB_ID, add_retention_job, run_retention
from bot.scheduler import create_scheduler
from bot.services.retention import Retention
from bot.services.stats import Scope, collect
from bot.views.cards import erased_case_text
from bot.views.followup import erased_report_text
from tests import updates as u
from tests.conftest import Chat, Clock, render
from tests.unit.test_moderation import ADMIN, moderation_settings
from tests.unit.test_privacy_dump import dump
from tests.unit.test_reminders import queued
from tests.unit.test_report_flow import DESCRIPTION, file_report, onboard, rp

MODERATOR, CITIZEN = 901, 903
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
QUESTION = "Which school is it, exactly? QUESTION-7f3a"
NOTE = "Call the education department. NOTE-91bc"
REASON = "Nothing to check here. REASON-c0de"
ANSWER = "School No 14, the new wing. ANSWER-5e11"
FILE_ID = "AgACAgIAAxkBAAIFILE-ID-d00d"


@pytest.fixture
def settings(db_path: Path):
    return moderation_settings(db_path)


@pytest.fixture
def clock_start() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def retention(db: Database, dp: Dispatcher, clock: Clock) -> Retention:
    return Retention(
        db, RetentionRepository(db), AuditRepository(db), dp["outbox"], days=365, now=clock
    )


async def staff_and_file(chat: Chat, i18n: I18n, kinds: list[str]) -> list[str]:
    """A moderator of KZ-27 (Kazakh); a Russian-speaking citizen files one report of each
    anonymity in `kinds`; returns the text each confirmation showed."""
    moderator = u.user(MODERATOR, "kk")
    await onboard(chat, moderator, "kk")
    await chat.send(u.text(u.user(ADMIN, "ru"), f"/mod_add {MODERATOR} KZ-27"))
    citizen = u.user(CITIZEN, "ru")
    await onboard(chat, citizen, "ru")
    confirmations = []
    for anonymity in kinds:
        await file_report(chat, i18n, citizen, anonymity, "ru")
        replies = await chat.send(u.callback(citizen, rp("submit")))
        confirmations.append("\n".join(getattr(r, "text", "") or "" for r in replies))
    await chat.flush()
    return confirmations


async def handle(dp: Dispatcher, db: Database, report_id: int, status: str) -> None:
    """Take the case, ask, the reporter answers with a photo, a note, then close it (with a
    reason when rejecting)."""
    moderation = dp["moderation"]
    row = await db.fetchone("SELECT pseudonym FROM moderators WHERE id = 1")
    moderator = await moderation.moderator(row["pseudonym"])
    report = await moderation.take(moderator, await dp["reports"].get(report_id))
    report = await moderation.ask(moderator, report, QUESTION)
    await dp["reports"].add_from_reporter(report, ANSWER, [EvidenceFile("photo", FILE_ID)])
    await moderation.note(moderator, report, NOTE)
    reason = REASON if status == "rejected" else None
    await moderation.set_status(moderator, report, status, reason=reason)


async def case_row(db: Database, report_id: int):
    return await db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))


async def rows(db: Database, table: str, report_id: int) -> int:
    found = await db.fetchone(
        f"SELECT COUNT(*) AS n FROM {table} WHERE report_id = ?", (report_id,)
    )
    return int(found["n"])


async def test_366_days_after_closing_erased_364_not_an_open_case_never(
    chat: Chat,
    i18n: I18n,
    dp: Dispatcher,
    db: Database,
    keyring: Keyring,
    clock: Clock,
    retention: Retention,
) -> None:
    await staff_and_file(chat, i18n, ["open", "confidential", "anonymous"])
    await handle(dp, db, 1, "resolved")  # open, with a phone number
    await handle(dp, db, 2, "rejected")  # a reason typed by the moderator
    report = await dp["reports"].get(3)
    assert report.status == "received"  # stays open
    assert await rows(db, "report_evidence", 1) == 1 and await rows(db, "report_messages", 1)

    clock.set(days=364)
    assert await retention.run() == 0
    assert (await case_row(db, 1))["description"] == DESCRIPTION

    clock.set(days=366)
    assert await retention.run() == 2
    for report_id in (1, 2):
        row = await case_row(db, report_id)
        assert (row["description"], row["settlement"], row["involved"]) == ("", "", None)
        assert (row["phone_enc"], row["latitude"], row["longitude"]) == (None, None, None)
        assert row["erased_on"] == clock.now.date().isoformat()
        assert row["amount"] == amount_band(1_500_000) == 1_000_000
        assert row["created_at"].endswith("T00:00:00Z")
        assert row["first_response_at"].endswith("T00:00:00Z")
        for table in ("report_evidence", "report_messages", "report_notes"):
            assert await rows(db, table, report_id) == 0, table
        history = await db.fetchall(
            "SELECT reason, created_at FROM report_status_history WHERE report_id = ?",
            (report_id,),
        )
        assert all(h["reason"] is None and h["created_at"].endswith("T00:00:00Z") for h in history)
        # Kept: what /stats and the counts need, and the way back to the case.
        assert (row["region"], row["status"]) == (
            "KZ-27",
            "resolved" if report_id == 1 else "rejected",
        )
        assert row["case_number"] == f"KZ27-00000{report_id}"
    audit = await db.fetchall(
        "SELECT action, new_value FROM audit_log WHERE report_id IN (1, 2)"
        " AND action IN ('ask', 'note', 'status')"
    )
    values = " ".join(r["new_value"] or "" for r in audit)
    assert QUESTION not in values and NOTE not in values and REASON not in values
    assert "rejected" in values  # the status itself stays in the audit log
    open_case = await case_row(db, 3)
    assert open_case["description"] == DESCRIPTION and open_case["erased_on"] is None
    # One audit row for the run, by the system, with the count only.
    run = await db.fetchall("SELECT * FROM audit_log WHERE action = 'retention'")
    assert [(r["actor"], r["actor_key"], r["report_id"], r["new_value"]) for r in run] == [
        (None, None, None, "2")
    ]
    # The posted cards are redrawn, so the text leaves the moderators' chats too.
    refreshes = [p for _, p in await queued(db, keyring)]
    assert {p["report_id"] for p in refreshes if p["kind"] == "card_refresh"} >= {1, 2}

    # Again: nothing left to do, and an open case is never erased, however old.
    clock.set(days=5000)
    assert await retention.run() == 0
    assert (await case_row(db, 3))["description"] == DESCRIPTION
    assert len(await db.fetchall("SELECT * FROM audit_log WHERE action = 'retention'")) == 1


async def test_statistics_are_the_same_after_erasure(
    chat: Chat, i18n: I18n, dp: Dispatcher, db: Database, clock: Clock
) -> None:
    await staff_and_file(chat, i18n, ["open", "confidential", "anonymous"])
    await handle(dp, db, 1, "resolved")
    await handle(dp, db, 2, "rejected")
    now = clock.now + timedelta(days=40)
    before = await collect(ReportingRepository(db), Scope(None), "year", now)
    assert before.total == 3 and before.median_first_response_hours is not None
    # A shorter retention, so the erased cases are still inside /stats' year.
    short = Retention(
        db, RetentionRepository(db), AuditRepository(db), dp["outbox"], days=30, now=clock
    )
    clock.set(days=31)
    assert await short.run() == 2
    after = await collect(ReportingRepository(db), Scope(None), "year", now)
    assert after == before
    scoped = await collect(ReportingRepository(db), Scope(frozenset({"KZ-27"})), "year", now)
    assert scoped.total == 3 and scoped.by_status == before.by_status


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_check_and_case_say_the_case_was_erased(
    chat: Chat, i18n: I18n, dp: Dispatcher, db: Database, clock: Clock, locale: str
) -> None:
    moderator = u.user(MODERATOR, locale)
    await onboard(chat, moderator, locale)
    await chat.send(u.text(u.user(ADMIN, "ru"), f"/mod_add {MODERATOR} KZ-27"))
    citizen = u.user(CITIZEN, locale)
    await onboard(chat, citizen, locale)
    await file_report(chat, i18n, citizen, "anonymous", locale)
    replies = await chat.send(u.callback(citizen, rp("submit")))
    code = CODE.search("\n".join(getattr(r, "text", "") or "" for r in replies)).group(0)
    await handle(dp, db, 1, "resolved")
    retention = Retention(
        db, RetentionRepository(db), AuditRepository(db), dp["outbox"], days=365, now=clock
    )
    clock.set(days=366)
    assert await retention.run() == 1

    erased_on = (await case_row(db, 1))["erased_on"]
    check = "\n".join(await chat.texts(u.text(citizen, f"/check {code}")))
    assert render(i18n, lambda: erased_report_text(erased_on, locale), locale) in check
    assert DESCRIPTION not in check and "KZ27-000001" in check

    case = "\n".join(await chat.texts(u.text(moderator, "/case KZ27-000001")))
    assert render(i18n, lambda: erased_case_text(erased_on, locale), locale) in case
    assert DESCRIPTION not in case and "Орал" not in case


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_privacy_says_what_is_kept_and_for_how_long(
    chat: Chat, i18n: I18n, locale: str
) -> None:
    person = u.user(CITIZEN, locale)
    await onboard(chat, person, locale)
    text = (await chat.texts(u.text(person, "/privacy")))[0]
    days = {"kk": "365 күн", "ru": "365 дней"}[locale]
    assert days in text
    words = {"kk": "статистика", "ru": "статистики"}[locale]
    assert words in text


async def test_a_dump_after_erasure_holds_none_of_the_erased_text(
    chat: Chat, i18n: I18n, dp: Dispatcher, db: Database, db_path: Path, clock: Clock
) -> None:
    await staff_and_file(chat, i18n, ["open"])
    await handle(dp, db, 1, "rejected")
    await chat.flush()
    before = dump(db_path)
    assert DESCRIPTION.encode() in before or QUESTION.encode() in before  # a real control
    retention = Retention(
        db, RetentionRepository(db), AuditRepository(db), dp["outbox"], days=365, now=clock
    )
    clock.set(days=400)
    assert await retention.run() == 1
    seized = dump(db_path)
    secrets = (DESCRIPTION, QUESTION, ANSWER, FILE_ID, NOTE, REASON, "Қалалық білім бөлімі")
    for secret in (*secrets, "Орал қаласы"):
        assert secret.encode() not in seized, secret


def test_the_job_runs_at_03_30_almaty_and_is_added_at_every_start(
    db: Database, dp: Dispatcher
) -> None:
    retention = Retention(db, RetentionRepository(db), AuditRepository(db), dp["outbox"], days=7)
    for _ in range(2):  # two start-ups: the job is there each time, once
        scheduler = create_scheduler(None, "Asia/Almaty")  # type: ignore[arg-type]
        add_retention_job(scheduler, retention)
        jobs = [job for job in scheduler.get_jobs() if job.id == RETENTION_JOB_ID]
        assert len(jobs) == 1
        trigger = jobs[0].trigger
        assert isinstance(trigger, CronTrigger) and str(trigger.timezone) == "Asia/Almaty"
        fields = {f.name: str(f) for f in trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("3", "30")
        after = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 17:00 in Almaty
        assert trigger.get_next_fire_time(None, after) == datetime(
            2026, 11, 23, 22, 30, tzinfo=UTC
        )
        assert jobs[0].args == (retention,)


async def test_a_failing_run_logs_its_type_only(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        async def run(self) -> int:
            raise ValueError("KZ27-000001 кто взял деньги")

    await run_retention(Broken())  # type: ignore[arg-type]
    assert "ValueError" in caplog.text and "деньги" not in caplog.text
