"""One action, one transaction: a failure after any write inside an action leaves nothing.

Every write an action makes goes through `Database._run`. A subclass counts the writes and
raises after the k-th one, for every k the action has. After each injected failure the whole
database must be exactly as before the action; without a failure, every row the action owes
(state, history, audit, outbox) must be there. A write made outside the action's transaction
would survive the failure and fail this test.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database, Fetch, Params
from bot.db.migrations import apply_migrations
from bot.db.repositories.reports import EvidenceFile, ReportRepository
from bot.factory import Services, create_services
from bot.services.dates import to_db
from bot.services.drafts import STEPS, Evidence, ReportDraft
from bot.services.limits import GLOBAL_MISSES
from tests.conftest import TEST_SECRET
from tests.invariants import check_case_invariants
from tests.unit.atomic_volunteers import VOLUNTEER_ACTIONS, VOLUNTEER_SETUPS, volunteer_scenario

REPORTER, OTHER_REPORTER, MODERATOR, HELPER, ADMIN = 501, 502, 601, 602, 900
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class InjectedFault(Exception):
    pass


class FaultyDatabase(Database):
    """Counts the writes of whatever runs; raises after the `fail_at`-th one."""

    writes = 0
    fail_at: int | None = None

    async def _run(self, sql: str, params: Params, fetch: Fetch = Fetch.NONE) -> Any:
        if sql.lstrip().upper().startswith(WRITES):
            self.writes += 1
            if self.fail_at is not None and self.writes >= self.fail_at:
                raise InjectedFault(self.writes)
        return await super()._run(sql, params, fetch)

    async def _run_many(self, sql: str, rows: list[Params]) -> None:
        # Many rows in one statement (a broadcast's outbox rows) count as one write.
        self.writes += 1
        if self.fail_at is not None and self.writes >= self.fail_at:
            raise InjectedFault(self.writes)
        await super()._run_many(sql, rows)


def settings(path: Path) -> Settings:
    return Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=path,
        admin_ids=(ADMIN,),
        code_check_seconds=0,
    )


def draft(anonymity: str) -> ReportDraft:
    made = ReportDraft(
        area="construction",
        region="KZ-27",
        settlement="Орал",
        description="The school in Zachagansk stands unfinished; the contractor was paid twice.",
        occurred="month",
        involved="Contractor",
        amount=1_500_000,
        evidence=[Evidence("photo", "PHOTO-1", "image/jpeg", cleaned=True)],
        anonymity=anonymity,
        phone="+77011234567" if anonymity == "open" else None,
    )
    for step in STEPS:
        made.mark(step)
    return made


@dataclass
class World:
    db: FaultyDatabase
    services: Services
    keyring: Keyring

    async def report(self, case_id: int = 1) -> Any:
        return await self.services.reports.get(case_id)

    async def editor(self) -> Any:
        pseudonym = self.keyring.pseudonym(NEWS_EDITOR)
        role = await self.services.news.role(NEWS_EDITOR, pseudonym)
        assert role is not None
        return role

    async def moderator(self, telegram_id: int = MODERATOR) -> Any:
        found = await self.services.moderation.moderator(self.keyring.pseudonym(telegram_id))
        assert found is not None
        return found


async def build(path: Path, keyring: Keyring) -> World:
    db = await FaultyDatabase.open(path)
    await apply_migrations(db)
    return World(db, create_services(settings(path), db, keyring), keyring)


async def scenario(path: Path, keyring: Keyring) -> None:
    """Two moderators of the region, an open case (with a phone), a confidential one."""
    world = await build(path, keyring)
    services = world.services
    for telegram_id in (REPORTER, OTHER_REPORTER, MODERATOR, HELPER):
        await services.users.choose_locale(telegram_id, telegram_id, "kk")
    await services.moderation.add_moderator(MODERATOR, frozenset({"KZ-27"}), by="admin")
    await services.moderation.add_moderator(HELPER, None, by="admin")
    await news_scenario(world)
    for telegram_id, anonymity in ((REPORTER, "open"), (OTHER_REPORTER, "confidential")):
        await services.reports.submit(
            draft(anonymity),
            telegram_id,
            keyring.pseudonym(telegram_id),
            "kk",
            chat_id=telegram_id,
            message_id=10,
        )
    await volunteer_scenario(world)
    await world.db.close()


NEWS_EDITOR, READERS = 603, (701, 702, 703)
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Akimat</title>
<item><title>One</title><link>https://akimat.kz/1</link><guid>1</guid><description>A</description></item>
</channel></rss>"""


async def news_scenario(world: World) -> None:
    """An editor of KZ-27, three instant subscribers there, a complete draft (#1)."""
    services, keyring = world.services, world.keyring
    for telegram_id in (NEWS_EDITOR, *READERS):
        await services.users.choose_region(telegram_id, telegram_id, "KZ-27", "kk")
    await services.news.add_editor(frozenset({"KZ-27"}), "admin", telegram_id=NEWS_EDITOR)
    for reader in READERS:
        await services.subscriptions.save(
            keyring.pseudonym(reader), frozenset({"KZ-27"}), None, "instant", "morning"
        )
    role = await world.editor()
    item = await services.news.create(role, frozenset({"KZ-27"}), "land")
    for field, value in (("title_kk", "Жер"), ("body_kk", "Мәтін."), ("title_ru", "Земля")):
        await services.news.set_field(role, item, field, value)
    await services.news.set_field(role, item, "body_ru", "Текст.")


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    found = {}
    for row in tables:
        rows = await db.fetchall(f"SELECT * FROM {row['name']}")
        found[row["name"]] = sorted(tuple(r) for r in rows)
    return found


def grown(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, int]:
    return {
        table: len(after[table]) - len(before[table])
        for table in after
        if len(after[table]) != len(before[table])
    }


Action = Callable[[World], Awaitable[Any]]


async def _submit(world: World) -> Any:  # after _draft_setup: the draft ends with it
    pseudonym = world.keyring.pseudonym(REPORTER)
    return await world.services.reports.submit(
        draft("anonymous"), REPORTER, pseudonym, "ru", chat_id=REPORTER, message_id=99
    )


async def _take(world: World) -> Any:
    return await world.services.moderation.take(await world.moderator(), await world.report())


async def _assign(world: World) -> Any:
    moderation = world.services.moderation
    return await moderation.assign(
        await world.moderator(), await world.report(), await world.moderator(HELPER)
    )


async def _reject(world: World) -> Any:
    return await world.services.moderation.set_status(
        await world.moderator(), await world.report(), "rejected", reason="No facts."
    )


async def _ask(world: World) -> Any:
    return await world.services.moderation.ask(
        await world.moderator(), await world.report(), "Which school?"
    )


async def _note(world: World) -> Any:
    return await world.services.moderation.note(
        await world.moderator(), await world.report(), "Check the contract."
    )


async def _ban(world: World) -> Any:
    return await world.services.moderation.ban(await world.moderator(), await world.report(2))


async def _unban(world: World) -> Any:  # after _ban_setup
    return await world.services.moderation.unban(await world.moderator(), await world.report(2))


async def _answer(world: World) -> Any:  # after _take_setup: the holder is told
    return await world.services.reports.add_from_reporter(
        await world.report(), "School No 14.", [EvidenceFile("photo", "PHOTO-2")]
    )


async def _answer_text(world: World) -> Any:  # after _take_setup: one typed message
    return await world.services.reports.add_from_reporter(
        await world.report(), "\u200bSchool No 14, room 2.\u200b", []
    )


async def _add_moderator(world: World) -> Any:
    return await world.services.moderation.add_moderator(777, None, by="admin")


async def _remove_moderator(world: World) -> Any:
    return await world.services.moderation.remove_moderator(2, by="admin")


async def _subscribe(world: World) -> Any:
    return await world.services.subscriptions.save(
        world.keyring.pseudonym(REPORTER), frozenset({"KZ-27"}), None, "daily", "evening"
    )


async def _change_subscription(world: World) -> Any:
    return await world.services.subscriptions.save(
        world.keyring.pseudonym(READERS[0]), None, frozenset({"land"}), "weekly", "morning"
    )


async def _unsubscribe(world: World) -> Any:  # after _publish_setup: queued rows are dropped
    assert await world.services.subscriptions.unsubscribe(world.keyring.pseudonym(READERS[0]))


async def _editor_add(world: World) -> Any:
    return await world.services.news.add_editor(None, "admin", telegram_id=778)


async def _editor_remove(world: World) -> Any:
    assert await world.services.news.remove_editor(1, "admin")


async def _news_create(world: World) -> Any:
    return await world.services.news.create(await world.editor(), frozenset({"KZ-27"}), "ecology")


async def _news_edit(world: World) -> Any:
    return await world.services.news.set_field(await world.editor(), 1, "link", "https://gov.kz")


async def _publish(world: World) -> Any:
    return await world.services.news.publish(await world.editor(), 1, 55)


async def _schedule(world: World) -> Any:
    from datetime import UTC, datetime

    when = datetime(2099, 1, 1, 3, 0, tzinfo=UTC)
    return await world.services.news.schedule(await world.editor(), 1, when)


async def _withdraw(world: World) -> Any:
    return await world.services.news.withdraw(await world.editor(), 1)


async def _publish_due(world: World) -> Any:  # after _schedule_due_setup
    assert await world.services.news.publish_due() == 1


async def _digest(world: World) -> Any:  # after _digest_setup: one published item, daily readers
    from datetime import date

    assert await world.services.digests.run("evening", date(2099, 1, 1)) == 3


async def _feed_add(world: World) -> Any:
    world.services.feeds._fetch = _feed_bytes  # type: ignore[attr-defined]
    return await world.services.feeds.add("https://akimat.kz/rss", "KZ-27", "ru", "admin")


async def _feed_poll(world: World) -> Any:  # after _feed_setup: one new entry
    world.services.feeds._fetch = _feed_bytes  # type: ignore[attr-defined]
    assert await world.services.feeds.poll() == 1


async def _feed_bytes(url: str) -> bytes:
    return FEED


def _refused_tag(world: World) -> str:
    return world.services.moderation.refusals.tag(world.keyring.pseudonym(REPORTER))


async def _ban_tag(world: World) -> Any:  # after _refusal_setup
    return await world.services.moderation.refusals.ban(_refused_tag(world)[:8], by="admin")


async def _unban_tag(world: World) -> Any:  # after _ban_tag_setup
    return await world.services.moderation.refusals.unban(_refused_tag(world)[:8], by="admin")


async def _retention(world: World) -> Any:  # after _retention_setup
    assert await world.services.retention.run() == 1


async def _codes_paused(world: World) -> Any:  # after _guessing_setup: the miss that trips it
    return await world.services.limits.record_lookup_failure(REPORTER)


async def _guessing_setup(world: World) -> None:
    now = to_db(datetime.now(UTC))
    await world.db.insert_many(
        "INSERT INTO check_failures (actor, at) VALUES (?, ?)",
        [(f"guesser-{n}", now) for n in range(GLOBAL_MISSES - 1)],
    )


# What each action owes when nothing fails: rows added per table.
ACTIONS: dict[str, tuple[Action, dict[str, int]]] = {
    "submit": (
        _submit,
        # the case, its evidence, first status, audit row, the cards of both moderators,
        # the confirmation and the anonymous counter; the draft is gone
        {
            "reports": 1,
            "report_evidence": 1,
            "report_status_history": 1,
            "audit_log": 1,
            "outbox": 3,
            "submission_log": 1,
            "report_drafts": -1,
        },
    ),
    "take": (
        _take,
        {"report_status_history": 1, "audit_log": 2, "outbox": 2},  # status note + refresh
    ),
    "assign": (_assign, {"audit_log": 1, "outbox": 1}),
    "reject": (_reject, {"report_status_history": 1, "audit_log": 1, "outbox": 2}),
    "ask": (_ask, {"report_messages": 1, "report_status_history": 1, "audit_log": 2, "outbox": 2}),
    "note": (_note, {"report_notes": 1, "audit_log": 1}),
    "ban": (_ban, {"banned_reporters": 1, "audit_log": 1, "outbox": 1}),
    "unban": (_unban, {"banned_reporters": -1, "audit_log": 1, "outbox": 1}),
    "answer": (_answer, {"report_messages": 1, "report_evidence": 1, "audit_log": 1, "outbox": 1}),
    # Each message of the answer step is stored the moment it arrives, on its own.
    "answer_text": (_answer_text, {"report_messages": 1, "audit_log": 1, "outbox": 1}),
    "add_moderator": (_add_moderator, {"users": 1, "moderators": 1, "audit_log": 1}),
    "remove_moderator": (_remove_moderator, {"audit_log": 1}),
    "subscribe": (_subscribe, {"news_subscriptions": 1}),
    "change_subscription": (_change_subscription, {}),
    "unsubscribe": (_unsubscribe, {"news_subscriptions": -1, "outbox": -1}),
    "editor_add": (_editor_add, {"users": 1, "news_editors": 1, "audit_log": 1}),
    "editor_remove": (_editor_remove, {"audit_log": 1}),
    "news_create": (_news_create, {"news_items": 1, "audit_log": 1}),
    "news_edit": (_news_edit, {"audit_log": 1}),
    # the job, a message to each of 3 readers, the progress message, the audit row
    "publish": (_publish, {"broadcast_jobs": 1, "outbox": 4, "audit_log": 1}),
    "schedule": (_schedule, {"audit_log": 1}),
    "withdraw": (_withdraw, {"audit_log": 1}),
    "publish_due": (_publish_due, {"broadcast_jobs": 1, "outbox": 4, "audit_log": 1}),
    "digest": (_digest, {"broadcast_jobs": 1, "outbox": 3, "news_digest_runs": 1}),
    "feed_add": (_feed_add, {"news_feeds": 1, "news_feed_entries": 1, "audit_log": 1}),
    "feed_poll": (
        _feed_poll,
        {"news_feed_entries": 1, "news_items": 1, "audit_log": 1, "outbox": 1},
    ),
    # A superadmin restricts (and lets again) the person behind a refusal tag: the ban, the
    # person's notice and the audit row.
    "ban_tag": (_ban_tag, {"banned_reporters": 1, "audit_log": 1, "outbox": 1}),
    "unban_tag": (_unban_tag, {"banned_reporters": -1, "audit_log": 1, "outbox": 1}),
    # The nightly erasure of a case closed long ago (after _retention_setup): its files (one
    # filed, one in an answer), its thread (a question and the answer) and its note go, the
    # texts are blanked in place, and the run leaves one audit row with the count.
    "retention": (
        _retention,
        {"report_evidence": -2, "report_messages": -2, "report_notes": -1, "audit_log": 1},
    ),
    # The miss that trips the global limit on codes: the miss, the pause, and the alert to
    # each of the two active moderators (no group is set here).
    "codes_paused": (_codes_paused, {"check_failures": 1, "guard_state": 1, "outbox": 2}),
}
# Actions that are a single statement (an UPSERT): atomic by themselves.
ONE_STATEMENT = {"subscribe", "change_subscription"}
ACTIONS.update(VOLUNTEER_ACTIONS)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    path = tmp_path_factory.mktemp("atomic") / "template.sqlite3"
    asyncio.run(scenario(path, Keyring.from_setting(TEST_SECRET)))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


async def run_once(
    template: Path, tmp_path: Path, name: str, fail_at: int | None
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], int, BaseException | None]:
    path = tmp_path / f"{name}-{fail_at}.sqlite3"
    shutil.copy(template, path)
    world = await build(path, Keyring.from_setting(TEST_SECRET))
    action, _ = ACTIONS[name]
    setups = {
        "submit": _draft_setup,
        "unban": _ban_setup,
        "answer": _take_setup,
        "unsubscribe": _publish_setup,
        "publish_due": _schedule_due_setup,
        "digest": _digest_setup,
        "feed_poll": _feed_setup,
        "ban_tag": _refusal_setup,
        "unban_tag": _ban_tag_setup,
        "answer_text": _take_setup,
        "retention": _retention_setup,
        "codes_paused": _guessing_setup,
    }
    setup = {**setups, **VOLUNTEER_SETUPS}.get(name)
    try:
        if setup is not None:
            await setup(world)
        before = await snapshot(world.db)
        world.db.writes = 0
        world.db.fail_at = fail_at
        error: BaseException | None = None
        try:
            await action(world)
        except InjectedFault as exc:
            error = exc
        world.db.fail_at = None
        return before, await snapshot(world.db), world.db.writes, error
    finally:
        await world.db.close()


async def _draft_setup(world: World) -> None:
    await world.services.drafts.save(REPORTER, draft("anonymous"))


async def _ban_setup(world: World) -> None:
    await world.services.moderation.ban(await world.moderator(), await world.report(2))


async def _publish_setup(world: World) -> None:
    await _publish(world)


async def _schedule_due_setup(world: World) -> None:
    await _schedule(world)
    await world.db.execute("UPDATE news_items SET scheduled_at = '2000-01-01T00:00:00Z'")


async def _digest_setup(world: World) -> None:
    for reader in READERS:
        await world.services.subscriptions.save(
            world.keyring.pseudonym(reader), frozenset({"KZ-27"}), None, "daily", "evening"
        )
    await _publish(world)
    await world.db.execute("UPDATE news_items SET published_at = '2099-01-01T06:00:00Z'")


async def _feed_setup(world: World) -> None:
    world.services.feeds._fetch = _empty_feed  # type: ignore[attr-defined]
    await world.services.feeds.add("https://akimat.kz/rss", "KZ-27", "ru", "admin")


async def _empty_feed(url: str) -> bytes:
    return FEED.replace(b"<item>", b"<!--").replace(b"</item>", b"-->")


async def _refusal_setup(world: World) -> None:
    """The reporter pressed a moderator's button: refused, and tagged in the audit log."""
    pseudonym = world.keyring.pseudonym(REPORTER)
    await world.services.moderation.refuse(None, pseudonym, "take", 1)


async def _ban_tag_setup(world: World) -> None:
    await _refusal_setup(world)
    await _ban_tag(world)


async def _retention_setup(world: World) -> None:
    """Case 1 handled in every way that leaves text behind, rejected, and (by hand) last
    touched long before any retention period."""
    await _take_setup(world)
    await _ask(world)
    await _answer(world)
    await _note(world)
    await _reject(world)
    await world.db.execute("UPDATE reports SET updated_at = '2000-01-01T00:00:00Z' WHERE id = 1")


async def _take_setup(world: World) -> None:
    await world.services.moderation.take(await world.moderator(), await world.report())


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_an_action_leaves_all_its_rows_or_none(
    template: Path, tmp_path: Path, name: str
) -> None:
    before, after, writes, error = await run_once(template, tmp_path, name, None)
    assert error is None
    _, owed = ACTIONS[name]
    changed = grown(before, after)
    for table, rows in owed.items():
        assert changed.get(table, 0) == rows, (table, changed)
    assert after != before
    if name not in ONE_STATEMENT:
        assert writes >= 2, "an action of one write proves nothing here"
    for k in range(1, writes + 1):
        before, after, _, error = await run_once(template, tmp_path, name, k)
        assert isinstance(error, InjectedFault), f"no write #{k} happened"
        assert after == before, f"{name}: a failure at write {k} of {writes} left rows behind"


async def test_the_counter_sees_writes_outside_a_transaction(tmp_path: Path) -> None:
    """Control: a write outside any transaction survives an injected failure, so the test
    above would catch an action that commits part of its work early."""
    db = await FaultyDatabase.open(tmp_path / "control.sqlite3")
    await apply_migrations(db)
    try:
        await db.execute("INSERT INTO case_counters (region, last) VALUES ('KZ-27', 1)")
        db.writes, db.fail_at = 0, 2
        with pytest.raises(InjectedFault):
            await db.execute("UPDATE case_counters SET last = 2")
            await db.execute("UPDATE case_counters SET last = 3")
        row = await db.fetchone("SELECT last FROM case_counters")
        assert row is not None and row["last"] == 2  # the first write stayed: not atomic
    finally:
        await db.close()


async def test_the_filed_confirmation_is_sealed_and_carries_the_code(
    template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "confirm.sqlite3"
    shutil.copy(template, path)
    keyring = Keyring.from_setting(TEST_SECRET)
    world = await build(path, keyring)
    try:
        await _draft_setup(world)
        submitted = await _submit(world)
        rows = await world.db.fetchall("SELECT recipient, payload, priority FROM outbox")
        payloads = [json.loads(keyring.unseal(r["payload"], b"outbox")) for r in rows]
        kinds = Counter((p["kind"], p.get("case")) for p in payloads)
        assert kinds[("submitted", submitted.report.case_number)] == 1
        (confirmation,) = [
            p
            for p in payloads
            if p["kind"] == "submitted" and p["case"] == submitted.report.case_number
        ]
        assert confirmation["code"] == submitted.code
        assert confirmation["case"] == submitted.report.case_number
        assert (confirmation["chat_id"], confirmation["message_id"]) == (REPORTER, 99)
        # Nothing about the reporter in the clear: the row is named by a keyed digest.
        assert all(keyring.pseudonym(REPORTER) != r["recipient"] for r in rows)
        assert submitted.code is not None
        assert submitted.code.encode() not in path.read_bytes()
    finally:
        await world.db.close()


async def test_the_invariants_catch_a_status_change_nobody_was_told_of(
    template: Path, tmp_path: Path
) -> None:
    """Control for tests/invariants.py: a change made past the service breaks them."""
    path = tmp_path / "invariants.sqlite3"
    shutil.copy(template, path)
    keyring = Keyring.from_setting(TEST_SECRET)
    world = await build(path, keyring)
    try:
        await check_case_invariants(world.db, keyring)
        moderator = await world.moderator()
        await world.services.moderation.set_status(moderator, await world.report(), "review")
        await check_case_invariants(world.db, keyring)
        repo = ReportRepository(world.db)
        await repo.set_status(
            2, "forwarded", None, None, moderator.pseudonym, "2026-11-30T00:00:00Z"
        )
        with pytest.raises(AssertionError, match="audit"):
            await check_case_invariants(world.db, keyring)
    finally:
        await world.db.close()
