"""Digests, the broadcaster's counts and progress, feeds, the news jobs and privacy, at the
service level (the dispatcher tests drive the same services through buttons)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMessage
from aiohttp import web

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.db.repositories.news import NewsRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.domain import Priority
from bot.logs import _QUIET as QUIET
from bot.news_jobs import add_news_jobs
from bot.scheduler import create_scheduler
from bot.services.broadcasts import Broadcasts
from bot.services.digests import Digests
from bot.services.feeds import FeedError
from bot.services.news import EditorRole
from bot.services.outbox import NotWantedError, Outbox, RecipientGoneError
from tests.conftest import Chat, Clock
from tests.fake_session import FakeBot

MONDAY = date(2026, 11, 23)
ALMATY_EVENING = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 19:00 in Almaty


async def people(dp: Dispatcher, keyring: Keyring, specs: list[tuple[int, str, str, str]]) -> None:
    """(telegram id, locale, frequency, slot) subscribers of KZ-27, every topic."""
    users = dp["users"]
    for telegram_id, locale, frequency, slot in specs:
        await users.choose_locale(telegram_id, telegram_id, locale)
        await users.choose_region(telegram_id, telegram_id, "KZ-27", locale)
        await dp["subscriptions"].save(
            keyring.pseudonym(telegram_id), frozenset({"KZ-27"}), None, frequency, slot
        )


async def published(dp: Dispatcher, db: Database, at: datetime, region: str = "KZ-27") -> int:
    news = dp["news"]
    role = EditorRole("editor", None, None)
    item = await news.create(role, frozenset({region}), "land")
    for field, value in (
        ("title_kk", "Жер"),
        ("body_kk", "Жер туралы. Екінші сөйлем."),
        ("title_ru", "Земля"),
        ("body_ru", "О земле. Второе предложение."),
    ):
        await news.set_field(role, item, field, value)
    await news.publish(role, item, None)
    await db.execute(
        "UPDATE news_items SET published_at = ? WHERE id = ?",
        (at.strftime("%Y-%m-%dT%H:%M:%SZ"), item),
    )
    await db.execute("DELETE FROM outbox")  # the instant round is not what these tests read
    return item


def digests_of(dp: Dispatcher, db: Database, now: datetime) -> Digests:
    return Digests(
        db, NewsRepository(db), BroadcastRepository(db), dp["broadcasts"], now=lambda: now
    )


async def test_a_digest_reaches_each_subscriber_once_in_their_language(
    chat: Chat, dp: Dispatcher, db: Database, keyring: Keyring
) -> None:
    await people(
        dp,
        keyring,
        [
            (1, "kk", "daily", "evening"),
            (2, "ru", "daily", "evening"),
            (3, "kk", "daily", "morning"),
            (4, "ru", "instant", "morning"),
        ],
    )
    await published(dp, db, ALMATY_EVENING - timedelta(hours=3))
    digests = digests_of(dp, db, ALMATY_EVENING)
    assert await digests.run("evening", MONDAY) == 2
    assert await digests.run("evening", MONDAY) == 0  # recorded: never twice
    sent = {int(r.chat_id): r.text for r in await chat.flush() if isinstance(r, SendMessage)}
    assert set(sent) == {1, 2}
    assert "Күн жаңалықтары" in sent[1] and "Жер" in sent[1] and "5-тен аз" in sent[1]
    assert "Новости дня" in sent[2] and "Земля" in sent[2] and "менее 5" in sent[2]


async def test_empty_digests_are_not_sent_and_weekly_only_on_monday(
    chat: Chat, dp: Dispatcher, db: Database, keyring: Keyring
) -> None:
    await people(dp, keyring, [(1, "kk", "weekly", "morning"), (2, "kk", "daily", "morning")])
    digests = digests_of(dp, db, ALMATY_EVENING)
    assert await digests.run("morning", MONDAY) == 0  # nothing was published: nobody
    await published(dp, db, datetime(2026, 11, 20, 6, tzinfo=UTC))  # Friday
    assert await digests.run("morning", MONDAY + timedelta(days=1)) == 0  # Tuesday: too old
    assert await digests.run("morning", MONDAY + timedelta(days=7)) == 0  # next Monday: too old
    assert await digests.run("morning", MONDAY) == 0  # claimed above while empty
    fresh = digests_of(dp, db, ALMATY_EVENING)
    await db.execute("DELETE FROM news_digest_runs")
    assert await fresh.run("morning", MONDAY) == 1  # the weekly one; the daily is too old


async def test_a_missed_slot_is_sent_once_late_within_the_grace_period(
    chat: Chat, dp: Dispatcher, db: Database, keyring: Keyring
) -> None:
    await people(dp, keyring, [(1, "kk", "daily", "evening")])
    await published(dp, db, ALMATY_EVENING - timedelta(hours=2))
    assert await digests_of(dp, db, ALMATY_EVENING - timedelta(minutes=5)).catch_up() == 0
    assert await digests_of(dp, db, ALMATY_EVENING + timedelta(hours=4)).catch_up() == 0
    late = digests_of(dp, db, ALMATY_EVENING + timedelta(hours=2))
    assert await late.catch_up() == 1
    assert await late.catch_up() == 0


async def test_the_broadcaster_counts_every_outcome_and_finishes(
    db: Database, keyring: Keyring, clock: Clock
) -> None:
    outbox = Outbox(db, OutboxRepository(db), keyring, now=clock, rate=0)
    broadcasts = Broadcasts(db, BroadcastRepository(db), outbox, now=clock)
    recipients = [f"{n:032d}" for n in range(6)]
    for who in recipients:
        await db.execute(
            "INSERT INTO users (pseudonym, chat_id_enc, first_seen)"
            " VALUES (?, x'00', '2026-11-23')",
            (who,),
        )
    await db.execute(
        "INSERT INTO users (pseudonym, chat_id_enc, first_seen) VALUES ('ed', x'00', '2026-11-23')"
    )
    job = await broadcasts.start(
        "news", recipients, {"kind": "x"}, owner="ed", progress_message_id=7
    )
    outcomes: dict[str, Any] = {
        recipients[1]: RecipientGoneError(),
        recipients[2]: NotWantedError(),
        recipients[3]: TelegramBadRequest(
            SendMessage(chat_id=1, text="x"), "Bad Request: message is too long"
        ),
    }

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        error = outcomes.get(recipient)
        if error is not None:
            raise error

    outbox.attach(send)
    for _ in range(9):
        await outbox.send_due()
        clock.advance(days=1)
    progress = await broadcasts.progress(job)
    assert progress is not None
    assert (progress.job.sent, progress.job.gone, progress.job.skipped) == (3, 1, 1)
    assert progress.job.failed == 1 and progress.remaining == 0
    assert progress.failures == [("Bad Request: message is too long", 1)]
    assert await broadcasts.tick() == 1
    assert (await broadcasts.progress(job)).finished  # type: ignore[union-attr]
    assert await broadcasts.tick() == 0


async def test_progress_is_one_edit_every_few_seconds_not_one_per_send(
    db: Database, keyring: Keyring, clock: Clock
) -> None:
    outbox = Outbox(db, OutboxRepository(db), keyring, now=clock, rate=0)
    broadcasts = Broadcasts(db, BroadcastRepository(db), outbox, now=clock)
    job = await broadcasts.start(
        "news", [f"{n:032d}" for n in range(50)], {"kind": "x"}, owner="ed", progress_message_id=7
    )
    for _ in range(5):
        await broadcasts.tick()
    rows = await db.fetchall("SELECT dedupe FROM outbox WHERE recipient = 'ed'")
    assert [r["dedupe"] for r in rows] == [f"progress:{job}"]  # one waiting edit per job


async def test_a_notification_overtakes_a_bulk_round(db: Database, keyring: Keyring) -> None:
    outbox = Outbox(db, OutboxRepository(db), keyring, rate=0)
    await outbox.enqueue_many([f"{n:032d}" for n in range(5)], {"kind": "bulk"})
    order: list[str] = []

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        order.append(payload["kind"])
        if len(order) == 2:
            await outbox.enqueue("a" * 32, {"kind": "note"}, priority=Priority.NORMAL)

    outbox.attach(send)
    await outbox.send_due()
    await outbox.send_due()
    # Two bulk messages may be on their way at once: at most one more goes before the note.
    assert order.index("note") <= 3 and order.count("bulk") == 5


async def test_the_send_budget_leaves_room_for_replies(db: Database, keyring: Keyring) -> None:
    import asyncio

    outbox = Outbox(db, OutboxRepository(db), keyring, rate=10)
    for _ in range(10):
        outbox.budget.note()  # ten replies to people in this very second
    await outbox.enqueue("a" * 32, {"kind": "bulk"}, priority=Priority.BULK)
    sent_at: list[float] = []

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        sent_at.append(asyncio.get_running_loop().time())

    outbox.attach(send)
    started = asyncio.get_running_loop().time()
    await outbox.send_due()
    assert sent_at and sent_at[0] - started >= 0.9  # it waited for the window to free


FEED_V1 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Атырау облысы әкімдігі</title>
<item><title>Old</title><link>https://atyrau.gov.kz/1</link><guid>1</guid>
<description>&lt;p&gt;Бұрынғы&lt;/p&gt;</description></item>
</channel></rss>"""
FEED_V2 = FEED_V1.replace(
    "<item>",
    "<item><title>Комиссия отырысы &amp; &lt;b&gt;</title><link>https://atyrau.gov.kz/2</link>"
    "<guid>2</guid><description>&lt;p&gt;Жиында &lt;script&gt;x&lt;/script&gt; 1 347 өтініш"
    " зерттелді.&lt;/p&gt;</description></item><item>",
    1,
)
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Агентство</title><id>urn:a</id><updated>2026-11-23T00:00:00Z</updated>
<entry><title>Атом</title><id>urn:a:1</id><updated>2026-11-23T00:00:00Z</updated>
<link href="https://anticorruption.gov.kz/1"/><summary>Текст</summary></entry></feed>"""


@pytest.fixture
async def feed_server(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """Feeds served from local files, as an official site would serve them."""
    (tmp_path / "rss.xml").write_text(FEED_V1, "utf-8")
    (tmp_path / "atom.xml").write_text(ATOM, "utf-8")
    (tmp_path / "page.html").write_text("<html><body>Not a feed</body></html>", "utf-8")
    app = web.Application()
    app.router.add_static("/", tmp_path)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", tmp_path
    await runner.cleanup()


async def test_feeds_bring_drafts_to_editors_and_publish_nothing(
    chat: Chat, dp: Dispatcher, db: Database, keyring: Keyring, feed_server: tuple[str, Path]
) -> None:
    base, folder = feed_server
    feeds, news = dp["feeds_service"], dp["news"]
    await dp["users"].choose_region(5, 5, "KZ-23", "kk")
    await news.add_editor(frozenset({"KZ-23"}), "admin", telegram_id=5)
    feed_id, count = await feeds.add(f"{base}/rss.xml", "KZ-23", "kk", "admin")
    assert count == 1
    assert await feeds.poll() == 0  # what it held when registered is not news
    (folder / "rss.xml").write_text(FEED_V2, "utf-8")
    assert await feeds.poll() == 1
    assert await feeds.poll() == 0
    item = await NewsRepository(db).item(1)
    assert item is not None and item.status == "draft" and item.feed_id == feed_id
    assert item.title_kk == "Комиссия отырысы &"  # plain text: tags gone, not escaped
    assert "<script>" not in (item.body_kk or "") and "&lt;script&gt;" not in (item.body_kk or "")
    assert item.link == "https://atyrau.gov.kz/2"
    (notice,) = [r for r in await chat.flush() if isinstance(r, SendMessage)]
    assert int(notice.chat_id) == 5 and "Атырау облысы әкімдігі" in notice.text
    assert await db.fetchall("SELECT * FROM broadcast_jobs") == []  # nothing went out
    atom_id, atom_count = await feeds.add(f"{base}/atom.xml", "*", "ru", "admin")
    assert atom_count == 1 and atom_id == 2
    with pytest.raises(FeedError) as not_feed:
        await feeds.add(f"{base}/page.html", "*", "ru", "admin")
    assert not_feed.value.reason == "not_a_feed"
    with pytest.raises(FeedError) as missing:
        await feeds.add("http://127.0.0.1:9/none.xml", "*", "ru", "admin")
    assert missing.value.reason == "unreachable"
    with pytest.raises(FeedError):
        await feeds.add("not a url", "*", "ru", "admin")
    assert await feeds.remove(feed_id, "admin") and not await feeds.remove(feed_id, "admin")


def test_news_jobs_run_at_08_and_19_almaty_and_hold_no_state(dp: Dispatcher) -> None:
    class Services:
        news, broadcasts, feeds, digests = (
            dp["news"],
            dp["broadcasts"],
            dp["feeds_service"],
            dp["digests"],
        )

    scheduler = create_scheduler(
        dp["reminders"] if "reminders" in dp.workflow_data else None, "Asia/Almaty"
    )  # type: ignore[arg-type]
    add_news_jobs(scheduler, Services, 15)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {
        "news_due",
        "broadcast_progress",
        "news_feeds",
        "digest_morning",
        "digest_evening",
    } <= set(jobs)
    morning = jobs["digest_morning"].trigger
    fields = {f.name: str(f) for f in morning.fields}
    assert (fields["hour"], fields["minute"]) == ("8", "0")
    assert str(morning.timezone) == "Asia/Almaty"
    assert {str(f) for f in jobs["digest_evening"].trigger.fields if f.name == "hour"} == {"19"}
    assert dp["digests"].slots == {"morning": time(8, 0), "evening": time(19, 0)}


async def test_no_telegram_id_and_no_text_in_the_database_or_logs(
    chat: Chat,
    dp: Dispatcher,
    db: Database,
    db_path: Path,
    keyring: Keyring,
    caplog: pytest.LogCaptureFixture,
    bot: FakeBot,
) -> None:
    secret_title = "SECRET-TITLE-5d1f"
    with caplog.at_level(logging.DEBUG):
        await people(dp, keyring, [(731_000_111, "kk", "instant", "morning")])
        news = dp["news"]
        role = EditorRole("editor", None, None)
        item = await news.create(role, frozenset({"KZ-27"}), "land")
        await news.set_field(role, item, "title_kk", secret_title)
        await news.set_field(role, item, "body_kk", "SECRET-BODY-77")
        await news.publish(role, item, None)
        await chat.flush()
    # bot/logs.py keeps aiosqlite (which prints SQL parameters) quiet in the app.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(QUIET))
    assert secret_title not in logged and "SECRET-BODY" not in logged
    assert "731000111" not in logged
    await db.checkpoint()
    raw = db_path.read_bytes()  # noqa: ASYNC240 - a test reads its own small file
    assert b"731000111" not in raw
    rows = await db.fetchall("SELECT * FROM news_subscriptions")
    assert rows and rows[0]["subscriber"] == keyring.pseudonym(731_000_111)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KZ-27=-1001234567890, *=-1009876543210", {"KZ-27": -1001234567890, "*": -1009876543210}),
        ("kz-23=-100555", {"KZ-23": -100555}),
        ("", {}),
    ],
)
def test_news_channels_setting(text: str, expected: dict[str, int]) -> None:
    from bot.config import Settings

    assert Settings(_env_file=None, news_channels=text).news_channels == expected


@pytest.mark.parametrize("text", ["KZ-99=-100", "KZ-27", "KZ-27=channel", "=5"])
def test_bad_news_channels_are_refused_with_a_hint(text: str) -> None:
    from pydantic import ValidationError

    from bot import console
    from bot.config import Settings

    with pytest.raises(ValidationError):
        Settings(_env_file=None, news_channels=text)
    for name in ("news_channels", "news_morning_at", "news_evening_at", "feed_check_minutes"):
        assert name in console.SETTING_HINTS
