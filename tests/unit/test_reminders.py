"""Moderator reminders (bot/services/reminders.py) with an injectable clock and SQL fixtures."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.services.dates import to_db
from bot.services.outbox import Outbox
from bot.services.reminders import Reminders
from tests.conftest import Clock

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # reports are created to the hour
FAR_FUTURE = "9999-12-31T00:00:00Z"


@pytest.fixture
def clock_start() -> datetime:
    return T0


@pytest.fixture
def reminders(db: Database, keyring: Keyring, clock: Clock) -> Reminders:
    outbox = Outbox(db, OutboxRepository(db), keyring, now=clock)
    return Reminders(db, ModeratorRepository(db), outbox, now=clock)


async def add_moderator(db: Database, name: str, regions: str, *, active: bool = True) -> int:
    await db.execute(
        "INSERT INTO users (pseudonym, chat_id_enc, first_seen) VALUES (?, x'00', '2026-01-01')",
        (name,),
    )
    await db.execute(
        "INSERT INTO moderators (pseudonym, regions, added_at, active) VALUES (?, ?, ?, ?)",
        (name, regions, "2026-01-01T00:00:00Z", int(active)),
    )
    row = await db.fetchone("SELECT id FROM moderators WHERE pseudonym = ?", (name,))
    assert row is not None
    return int(row["id"])


_serial = 0


async def add_report(
    db: Database,
    region: str,
    created: datetime,
    *,
    status: str = "received",
    assignee: int | None = None,
) -> tuple[int, str]:
    global _serial
    _serial += 1
    case = f"{region.replace('-', '')}-{_serial:06d}"
    await db.execute(
        "INSERT INTO reports (case_number, region, area, settlement, description, occurred,"
        " anonymity, locale, code_hash, status, created_at, assignee)"
        " VALUES (?, ?, 'a', 's', 'd', 'today', 'anonymous', 'kk', x'00', ?, ?, ?)",
        (case, region, status, to_db(created), assignee),
    )
    row = await db.fetchone("SELECT id FROM reports WHERE case_number = ?", (case,))
    assert row is not None
    await db.execute(
        "INSERT INTO report_status_history (report_id, status, created_at) VALUES (?, ?, ?)",
        (row["id"], "received", to_db(created)),
    )
    return int(row["id"]), case


async def set_status(db: Database, report_id: int, status: str, at: datetime) -> int:
    await db.execute("UPDATE reports SET status = ? WHERE id = ?", (status, report_id))
    await db.execute(
        "INSERT INTO report_status_history (report_id, status, created_at) VALUES (?, ?, ?)",
        (report_id, status, to_db(at)),
    )
    row = await db.fetchone("SELECT MAX(id) AS id FROM report_status_history")
    assert row is not None
    return int(row["id"])


async def add_message(db: Database, report_id: int, author: str, at: str) -> None:
    kind = "question" if author == "moderator" else "answer"
    await db.execute(
        "INSERT INTO report_messages (report_id, author, kind, body, created_at)"
        " VALUES (?, ?, ?, 'text', ?)",
        (report_id, author, kind, at),
    )


async def queued(db: Database, keyring: Keyring) -> list[tuple[str, dict[str, Any]]]:
    items = await OutboxRepository(db).due(FAR_FUTURE, limit=10_000)
    return [(i.recipient, json.loads(keyring.unseal(i.payload, b"outbox"))) for i in items]


async def sent_keys(db: Database) -> set[tuple[str, str]]:
    rows = await db.fetchall("SELECT kind, subject FROM reminders_sent")
    return {(r["kind"], r["subject"]) for r in rows}


# Untaken reports.


async def test_untaken_waits_48_hours_then_tells_every_covering_moderator(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    await add_moderator(db, "almaty", "KZ-27")
    await add_moderator(db, "two", "KZ-23,KZ-27")
    await add_moderator(db, "other", "KZ-23")
    await add_moderator(db, "retired", "*", active=False)
    report_id, case = await add_report(db, "KZ-27", T0)

    clock.set(hours=47, minutes=59)
    assert await reminders.send_due() == 0
    assert await queued(db, keyring) == []
    assert await sent_keys(db) == set()

    clock.set(hours=48)
    assert await reminders.send_due() == 3
    payload = {"kind": "mod_untaken", "case": case, "hours": 48}
    assert sorted(await queued(db, keyring)) == [
        ("all", payload),
        ("almaty", payload),
        ("two", payload),
    ]
    assert await sent_keys(db) == {("untaken", str(report_id))}


async def test_untaken_skips_assigned_closed_and_taken_reports(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    moderator = await add_moderator(db, "all", "*")
    await add_report(db, "KZ-27", T0, assignee=moderator)
    await add_report(db, "KZ-27", T0, status="resolved")
    await add_report(db, "KZ-27", T0, status="duplicate")
    await add_report(db, "KZ-27", T0, status="review")
    clock.set(days=5)
    assert await reminders.send_due() == 0
    assert await queued(db, keyring) == []


async def test_running_twice_sends_nothing_more(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    await add_report(db, "KZ-27", T0)
    clock.set(hours=49)
    assert await reminders.send_due() == 1
    assert await reminders.send_due() == 0
    clock.set(hours=100)
    assert await reminders.send_due() == 0
    assert len(await queued(db, keyring)) == 1


async def test_concurrent_runs_send_once(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    await add_report(db, "KZ-27", T0)
    clock.set(hours=49)
    counts = await asyncio.gather(*(reminders.send_due() for _ in range(3)))
    assert sorted(counts) == [0, 0, 1]
    assert len(await queued(db, keyring)) == 1


async def test_bot_down_for_three_days_sends_each_reminder_exactly_once(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    first_id, first = await add_report(db, "KZ-27", T0)
    second_id, second = await add_report(db, "KZ-23", T0 + timedelta(hours=5))
    stale_id, stale = await add_report(db, "KZ-11", T0 - timedelta(days=1))
    await set_status(db, stale_id, "need_info", T0)
    # Last run before the outage: nothing due yet.
    clock.set(hours=1)
    assert await reminders.send_due() == 0

    # The bot comes back three days later (and runs its start-up check, then the interval).
    clock.set(days=3, hours=1)
    assert await reminders.send_due() == 2
    for minutes in (10, 20, 30):
        clock.set(days=3, hours=1, minutes=minutes)
        assert await reminders.send_due() == 0
    # The stale flag falls due later, once.
    clock.set(days=7)
    assert await reminders.send_due() == 1
    clock.set(days=8)
    assert await reminders.send_due() == 0

    assert await queued(db, keyring) == [
        ("all", {"kind": "mod_untaken", "case": first, "hours": 73}),
        ("all", {"kind": "mod_untaken", "case": second, "hours": 68}),
        ("all", {"kind": "mod_stale", "case": stale, "days": 7}),
    ]
    assert {kind for kind, _ in await sent_keys(db)} == {"untaken", "stale_info"}
    assert ("untaken", str(first_id)) in await sent_keys(db)
    assert ("untaken", str(second_id)) in await sent_keys(db)


async def test_a_region_nobody_covers_is_remembered_until_someone_does(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "almaty", "KZ-27")
    _, case = await add_report(db, "KZ-11", T0)
    clock.set(hours=50)
    assert await reminders.send_due() == 0
    assert await sent_keys(db) == set()

    await add_moderator(db, "newcomer", "KZ-11")
    clock.set(hours=51)
    assert await reminders.send_due() == 1
    assert await queued(db, keyring) == [
        ("newcomer", {"kind": "mod_untaken", "case": case, "hours": 51})
    ]


async def test_a_failure_while_queueing_records_nothing(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders, monkeypatch
) -> None:
    """The record and the messages commit together: a crash mid-way leaves neither."""
    await add_moderator(db, "a", "*")
    await add_moderator(db, "b", "*")
    await add_report(db, "KZ-27", T0)
    clock.set(hours=50)
    real_add = OutboxRepository.add
    calls = 0

    async def failing_add(*args: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real_add(*args)

    monkeypatch.setattr(OutboxRepository, "add", failing_add)
    with pytest.raises(RuntimeError):
        await reminders.send_due()
    assert await queued(db, keyring) == []
    assert await sent_keys(db) == set()

    monkeypatch.setattr(OutboxRepository, "add", real_add)
    assert await reminders.send_due() == 2
    assert sorted(r for r, _ in await queued(db, keyring)) == ["a", "b"]


# Stale need_info.


async def test_stale_need_info_goes_to_the_assignee_only(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    owner = await add_moderator(db, "owner", "KZ-27")
    await add_moderator(db, "colleague", "*")
    report_id, case = await add_report(db, "KZ-27", T0 - timedelta(days=1), assignee=owner)
    history_id = await set_status(db, report_id, "need_info", T0)
    await add_message(db, report_id, "moderator", to_db(T0))

    clock.set(days=6, hours=23)
    assert await reminders.send_due() == 0
    clock.set(days=7)
    assert await reminders.send_due() == 1
    assert await queued(db, keyring) == [("owner", {"kind": "mod_stale", "case": case, "days": 7})]
    assert await sent_keys(db) == {("stale_info", f"{report_id}:{history_id}")}
    clock.set(days=9)
    assert await reminders.send_due() == 0


async def test_stale_without_an_active_assignee_goes_to_the_region(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    gone = await add_moderator(db, "gone", "KZ-27", active=False)
    await add_moderator(db, "almaty", "KZ-27")
    await add_moderator(db, "other", "KZ-23")
    unassigned_id, unassigned = await add_report(db, "KZ-27", T0 - timedelta(days=3))
    orphan_id, orphan = await add_report(db, "KZ-27", T0 - timedelta(days=3), assignee=gone)
    await set_status(db, unassigned_id, "need_info", T0)
    await set_status(db, orphan_id, "need_info", T0)
    clock.set(days=8, hours=5)
    assert await reminders.send_due() == 2
    assert await queued(db, keyring) == [
        ("almaty", {"kind": "mod_stale", "case": unassigned, "days": 8}),
        ("almaty", {"kind": "mod_stale", "case": orphan, "days": 8}),
    ]


async def test_a_reporter_answer_after_the_change_means_not_stale(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    report_id, _ = await add_report(db, "KZ-27", T0 - timedelta(days=1))
    await add_message(db, report_id, "reporter", to_db(T0 - timedelta(hours=20)))  # before
    await set_status(db, report_id, "need_info", T0)
    await add_message(db, report_id, "reporter", to_db(T0 + timedelta(days=2)))
    clock.set(days=30)
    assert await reminders.send_due() == 0
    assert await queued(db, keyring) == []


async def test_an_answer_in_the_same_hour_as_the_question_counts(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    """Reporters' messages are stored to the hour, so 14:30 reads 14:00, before a 14:10 change;
    the thread's order shows it answers the question."""
    await add_moderator(db, "all", "*")
    asked = T0 + timedelta(minutes=10)
    answered_id, _ = await add_report(db, "KZ-27", T0 - timedelta(days=1))
    await add_message(db, answered_id, "moderator", to_db(asked))
    await set_status(db, answered_id, "need_info", asked)
    await add_message(db, answered_id, "reporter", to_db(T0))  # sent 14:30, stored 14:00

    # Here the reporter wrote in the same hour but before the question: still waiting.
    waiting_id, waiting = await add_report(db, "KZ-27", T0 - timedelta(days=1))
    await add_message(db, waiting_id, "reporter", to_db(T0))
    await add_message(db, waiting_id, "moderator", to_db(asked))
    await set_status(db, waiting_id, "need_info", asked)

    clock.set(days=7, minutes=10)
    assert await reminders.send_due() == 1
    assert await queued(db, keyring) == [
        ("all", {"kind": "mod_stale", "case": waiting, "days": 7})
    ]


async def test_a_later_need_info_period_is_flagged_again(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    owner = await add_moderator(db, "owner", "*")
    report_id, case = await add_report(db, "KZ-27", T0 - timedelta(days=1), assignee=owner)
    first = await set_status(db, report_id, "need_info", T0)
    clock.set(days=7)
    assert await reminders.send_due() == 1

    await add_message(db, report_id, "reporter", to_db(T0 + timedelta(days=8)))
    await set_status(db, report_id, "review", T0 + timedelta(days=8, hours=1))
    second = await set_status(db, report_id, "need_info", T0 + timedelta(days=10))
    clock.set(days=16, hours=23)
    assert await reminders.send_due() == 0
    clock.set(days=17)
    assert await reminders.send_due() == 1
    clock.set(days=20)
    assert await reminders.send_due() == 0

    assert await queued(db, keyring) == [
        ("owner", {"kind": "mod_stale", "case": case, "days": 7}),
        ("owner", {"kind": "mod_stale", "case": case, "days": 7}),
    ]
    assert await sent_keys(db) == {
        ("stale_info", f"{report_id}:{first}"),
        ("stale_info", f"{report_id}:{second}"),
    }


async def test_need_info_that_moved_on_is_not_flagged(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    await add_moderator(db, "all", "*")
    report_id, _ = await add_report(db, "KZ-27", T0 - timedelta(days=1))
    await set_status(db, report_id, "need_info", T0)
    await set_status(db, report_id, "forwarded", T0 + timedelta(days=2))
    clock.set(days=30)
    assert await reminders.send_due() == 0


# The daily summary.


async def test_daily_summary_counts_each_moderators_scope(
    db: Database, keyring: Keyring, clock: Clock, reminders: Reminders
) -> None:
    everyone = await add_moderator(db, "all", "*")
    almaty = await add_moderator(db, "almaty", "KZ-27")
    await add_moderator(db, "quiet", "KZ-11")
    await add_moderator(db, "retired", "*", active=False)
    now = T0 + timedelta(days=10)  # 2026-11-30 06:00 UTC, 11:00 in Almaty
    await add_report(db, "KZ-27", now - timedelta(hours=60))  # open, overdue
    await add_report(db, "KZ-27", now - timedelta(hours=47))  # open, not yet overdue
    await add_report(db, "KZ-27", now - timedelta(hours=3))  # open, new
    await add_report(db, "KZ-27", now - timedelta(days=5), status="review", assignee=almaty)
    await add_report(db, "KZ-27", now - timedelta(hours=2), status="resolved")  # new, closed
    await add_report(db, "KZ-27", now - timedelta(days=9), status="rejected")
    await add_report(db, "KZ-23", now - timedelta(hours=72))  # open, overdue
    await add_report(db, "KZ-23", now - timedelta(days=3), status="need_info", assignee=everyone)
    await add_report(db, "KZ-23", now - timedelta(hours=24))  # open, exactly 24 h: new

    clock.now = now
    assert await reminders.send_daily_summary(date(2026, 11, 30)) == 3
    day = "2026-11-30"
    assert await queued(db, keyring) == [
        (
            "all",
            {"kind": "mod_daily", "date": day, "open": 7, "overdue": 2, "new": 3, "mine": 1},
        ),
        (
            "almaty",
            {"kind": "mod_daily", "date": day, "open": 4, "overdue": 1, "new": 2, "mine": 1},
        ),
        (
            "quiet",
            {"kind": "mod_daily", "date": day, "open": 0, "overdue": 0, "new": 0, "mine": 0},
        ),
    ]
    assert await reminders.send_daily_summary(date(2026, 11, 30)) == 0
    assert len(await queued(db, keyring)) == 3
    assert ("daily", f"{day}:{everyone}") in await sent_keys(db)

    clock.now = now + timedelta(days=1)
    assert await reminders.send_daily_summary(date(2026, 12, 1)) == 3
    assert len(await queued(db, keyring)) == 6


async def test_daily_summary_without_moderators_sends_nothing(
    db: Database, keyring: Keyring, reminders: Reminders
) -> None:
    await add_report(db, "KZ-27", T0)
    assert await reminders.send_daily_summary(date(2026, 11, 20)) == 0
    assert await queued(db, keyring) == []
