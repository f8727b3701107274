"""``--demo`` data: filed and moderated through the services, made up, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.devtools.sandbox import demo, runner
from bot.devtools.sandbox.people import CHANNEL_ID, GROUP_ID, VOLUNTEERS_ID
from bot.domain import VOLUNTEERS_RECIPIENT

SUPERADMIN, MODERATOR, EDITOR = 7_000_000_004, 7_000_000_003, 7_000_000_005
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def staffed(settings: Settings) -> Settings:
    return settings.model_copy(update={"admin_ids": (SUPERADMIN,), "moderator_chat_id": GROUP_ID})


async def test_the_demo_cases_look_like_months_of_real_work(
    staffed: Settings, db: Database
) -> None:
    await runner.make_moderator(staffed, db, MODERATOR, SUPERADMIN)
    photos: list[bytes] = []

    def photo(content: bytes) -> str:
        photos.append(content)
        return f"demo-photo-{len(photos)}"

    seeded = await demo.seed(staffed, db, photo, moderator_id=MODERATOR, now=NOW, count=14)
    rows = await db.fetchall(
        "SELECT case_number, region, area, status, anonymity, reporter, locale, description,"
        " created_at, assignee FROM reports ORDER BY id"
    )
    assert seeded.reports == len(rows) == 14
    assert {r["locale"] for r in rows} == {"kk", "ru"}
    assert len({r["status"] for r in rows}) >= 4
    assert len({r["area"] for r in rows}) >= 5
    assert all(
        demo.DEMO_MARK[0] in r["description"] or demo.DEMO_MARK[1] in r["description"]
        for r in rows
    )
    assert all((r["anonymity"] == "anonymous") == (r["reporter"] is None) for r in rows)
    created = sorted(datetime.fromisoformat(r["created_at"]) for r in rows)
    assert created[-1] <= NOW and created[-1] - created[0] > timedelta(days=20)
    taken = [r for r in rows if r["status"] != "received"]
    assert taken and all(r["assignee"] is not None for r in taken)
    assert photos and all(p.startswith(b"\xff\xd8") for p in photos)  # JPEG pictures
    evidence = await db.fetchone("SELECT COUNT(*) AS n FROM report_evidence")
    assert evidence["n"] == len(photos)
    assert sorted(seeded.reporter_ids) == sorted(set(seeded.reporter_ids))
    assert set(seeded.reporter_locales.values()) <= {"kk", "ru"}
    cards = await db.fetchone("SELECT COUNT(*) AS n FROM outbox")
    assert cards["n"] >= 1  # the freshest open cases are announced to the group


async def test_the_demo_invites_the_volunteers_group_to_a_session_in_three_days(
    staffed: Settings, db: Database
) -> None:
    with_group = staffed.model_copy(update={"volunteer_chat_id": VOLUNTEERS_ID})
    await runner.make_moderator(with_group, db, MODERATOR, SUPERADMIN)
    seeded = await demo.seed(
        with_group, db, lambda _content: "demo-photo", moderator_id=MODERATOR, now=NOW, count=3
    )
    training = await db.fetchone("SELECT * FROM trainings")
    assert training["id"] == seeded.training_id and training["status"] == "scheduled"
    assert demo.TRAINING["title_kk"] == training["title_kk"]
    for marked in ("description_kk", "description_ru"):
        assert "демо-д" in training[marked]  # says it is made up, in both languages
    starts = datetime.fromisoformat(training["starts_at"]).astimezone(ZoneInfo("Asia/Almaty"))
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Almaty")).date()
    assert (starts.date() - today).days == demo.TRAINING_IN_DAYS
    assert (starts.hour, starts.minute) == (demo.TRAINING_AT_HOUR, 0)
    invitations = await db.fetchall(
        "SELECT 1 FROM outbox WHERE recipient = ?", (VOLUNTEERS_RECIPIENT,)
    )
    assert len(invitations) == 1


async def test_the_demo_news_goes_to_the_channel_in_both_languages(
    staffed: Settings, db: Database
) -> None:
    with_channel = staffed.model_copy(update={"news_channels": {"*": CHANNEL_ID}})
    await runner.make_moderator(with_channel, db, MODERATOR, SUPERADMIN)
    await runner.make_editor(with_channel, db, EDITOR, SUPERADMIN)
    seeded = await demo.seed(
        with_channel,
        db,
        lambda _content: "demo-photo",
        moderator_id=MODERATOR,
        editor_id=EDITOR,
        now=NOW,
        count=3,
    )
    item = await db.fetchone("SELECT * FROM news_items")
    assert item["id"] == seeded.news_id and item["status"] == "published"
    assert item["regions"] == "*" and item["title_ru"] == demo.NEWS["title_ru"]
    assert "демо-жаңалық" in item["body_kk"] and "демо-новость" in item["body_ru"]
    posts = await db.fetchall(
        "SELECT recipient FROM outbox WHERE recipient = ?", (f"@channel:{CHANNEL_ID}",)
    )
    assert len(posts) == 2  # one post a language
    # Published before the sandbox began: no progress message waits for the editor.
    assert with_channel.secret_key is not None
    editor = Keyring.from_setting(with_channel.secret_key.get_secret_value()).pseudonym(EDITOR)
    assert await db.fetchall("SELECT 1 FROM outbox WHERE recipient = ?", (editor,)) == []
    job = await db.fetchone("SELECT finished_at FROM broadcast_jobs WHERE owner = ?", (editor,))
    assert job["finished_at"] is not None  # nothing left for a running bot to report on


def test_the_plan_is_generated_the_same_way_every_time() -> None:
    import random

    first = demo.plans(random.Random(demo.SEED), NOW)
    second = demo.plans(random.Random(demo.SEED), NOW)
    assert first == second
    assert [p.filed for p in first] == sorted(p.filed for p in first)
    recent = [p for p in first if NOW - p.filed < timedelta(days=30)]
    assert len(recent) >= len(first) // 4  # a month's /stats has something to show


async def test_runner_keeps_update_ids_going_and_the_key_in_its_folder(
    db: Database, tmp_path: Path
) -> None:
    assert await runner.next_update_id(db) == 1
    await db.execute("INSERT INTO inbox (update_id, chat_key, payload) VALUES (57, NULL, NULL)")
    assert await runner.next_update_id(db) == 58
    key = runner.secret_key(tmp_path / "sb")
    assert runner.secret_key(tmp_path / "sb") == key
    assert (tmp_path / "sb" / runner.SECRET_FILE).stat().st_mode & 0o777 == 0o600
