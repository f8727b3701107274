"""Refused attempts (issue 8 §7, issue 9 §5 and §9).

A non-moderator's refusal is audited with a tag (a keyed digest of the pseudonym under its
own label: neither the id nor the pseudonym) and the hour, never the pseudonym with the
second. The same person always has the same tag, so /audit shows repeated probing; a
superadmin can restrict filing by that tag. Each refusal says what was tried and, to a
citizen, what they can do instead.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import MIGRATIONS_DIR, apply_migrations
from bot.services.refusals import TAG_LABEL, shown_tag
from bot.views.callbacks import ModAction, ModCallback
from bot.views.cards import button_label
from bot.views.moderation import (
    moderators_button_refused,
    moderators_command_refused,
    out_of_scope_text,
    superadmins_command_refused,
    tag_banned_text,
    tag_error_text,
    tag_unbanned_text,
)
from bot.views.times import hour_range
from tests import updates as u
from tests.conftest import Chat, render
from tests.unit.test_moderation import (  # noqa: F401 (fixtures)
    ADMIN,
    CITIZEN,
    MOD_ALMATY,
    MOD_ORAL,
    STRANGER,
    file_case,
    invariants,
    settings,
    staffed,
)

TAKE = ModCallback(action=ModAction.TAKE, id=1).pack()


async def refusals(db: Database) -> list[sqlite3.Row]:
    return await db.fetchall("SELECT * FROM audit_log WHERE action LIKE 'refused:%' ORDER BY id")


@pytest.mark.usefixtures("staffed")
async def test_a_citizens_refusal_has_a_tag_and_an_hour_not_a_pseudonym(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    await file_case(chat, i18n)
    citizen, stranger = u.user(CITIZEN, "ru"), u.user(STRANGER, "kk")
    await chat.send(u.callback(citizen, TAKE))
    await chat.send(u.text(citizen, "/queue"))
    await chat.send(u.callback(stranger, TAKE))
    await chat.send(u.callback(u.user(MOD_ALMATY, "ru"), TAKE))  # a moderator, other region
    rows = await refusals(db)
    assert [r["action"] for r in rows] == [
        "refused:take",
        "refused:queue",
        "refused:take",
        "refused:take",
    ]
    citizens = rows[:3]
    for row in citizens:
        assert row["actor"] is None
        assert row["at"].endswith(":00:00Z")  # the hour, not the second
    tag = keyring.opaque(TAG_LABEL + keyring.pseudonym(CITIZEN))
    assert citizens[0]["actor_key"] == citizens[1]["actor_key"] == tag  # the same person
    assert citizens[2]["actor_key"] not in (None, tag)  # another person, another tag
    # The moderator is audited as any act of theirs: by number, to the second.
    moderator = rows[3]
    assert moderator["actor"] == 2 and moderator["actor_key"] is None
    # Nowhere in the audit log is a citizen's pseudonym or Telegram id.
    dump = repr([tuple(r) for r in await db.fetchall("SELECT * FROM audit_log")])
    for person in (CITIZEN, STRANGER):
        assert keyring.pseudonym(person) not in dump
        assert str(person) not in dump


@pytest.mark.usefixtures("staffed")
async def test_audit_shows_repeated_probing_as_one_tag(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    await file_case(chat, i18n)
    for _ in range(3):
        await chat.send(u.callback(u.user(STRANGER, "ru"), TAKE))
    await chat.send(u.callback(u.user(CITIZEN, "ru"), TAKE))
    mod = u.user(MOD_ORAL, "kk")
    stranger_tag = shown_tag(keyring.opaque(TAG_LABEL + keyring.pseudonym(STRANGER)))
    citizen_tag = shown_tag(keyring.opaque(TAG_LABEL + keyring.pseudonym(CITIZEN)))
    trail = "\n".join(await chat.texts(u.text(mod, "/audit KZ27-000001")))
    assert trail.count(stranger_tag) == 3 and trail.count(citizen_tag) == 1
    at = (await refusals(db))[-1]["at"]
    assert hour_range(at, "kk") in trail  # shown as the hour it fell in, as it is stored
    # Without a case number: every refused attempt, also those about no case.
    await chat.send(u.text(u.user(STRANGER, "ru"), "/stats"))
    listed = "\n".join(await chat.texts(u.text(mod, "/audit")))
    assert listed.count(stranger_tag) == 4 and "refused:stats" in listed


@pytest.mark.usefixtures("staffed")
async def test_a_superadmin_restricts_filing_by_tag(
    chat: Chat, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    await file_case(chat, i18n)  # the citizen has used the bot: they are a user
    citizen, admin = u.user(CITIZEN, "ru"), u.user(ADMIN, "ru")
    await chat.send(u.callback(citizen, TAKE))
    tag = shown_tag((await refusals(db))[-1]["actor_key"])

    replies = await chat.texts(u.text(admin, f"/ban_tag {tag}"))
    assert replies == [render(i18n, lambda: tag_banned_text(tag), "ru")]
    assert "1424" in (await chat.texts(u.text(citizen, "/report")))[0]  # restricted
    again = await chat.texts(u.text(admin, f"/ban_tag {tag}"))
    assert again == [render(i18n, lambda: tag_error_text("already_banned", tag), "ru")]
    ban = await db.fetchone("SELECT * FROM banned_reporters")
    assert ban["pseudonym"] == keyring.pseudonym(CITIZEN) and ban["case_id"] is None
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")]
    assert "ban_tag" in actions

    replies = await chat.texts(u.text(admin, f"/unban_tag #{tag.upper()}"))
    assert replies == [render(i18n, lambda: tag_unbanned_text(tag), "ru")]
    assert "1424" not in (await chat.texts(u.text(citizen, "/report")))[0]


@pytest.mark.usefixtures("staffed")
async def test_tags_that_cannot_be_banned(chat: Chat, i18n: I18n, db: Database) -> None:
    await file_case(chat, i18n)
    admin = u.user(ADMIN, "ru")
    # A tag nobody was refused with.
    texts = await chat.texts(u.text(admin, "/ban_tag 0123abcd"))
    assert texts == [render(i18n, lambda: tag_error_text("unknown", "0123abcd"), "ru")]
    # Not a tag at all: the usage.
    texts = await chat.texts(u.text(admin, "/ban_tag <b>x"))
    assert texts == [render(i18n, lambda: tag_error_text("format", "<b>x"), "ru")]
    # Someone refused before they became a moderator: not banned by tag.
    newcomer = 950
    await chat.send(u.text(u.user(newcomer, "ru"), "/start"))
    await chat.send(u.callback(u.user(newcomer, "ru"), TAKE))
    tag = shown_tag((await refusals(db))[-1]["actor_key"])
    await chat.send(u.text(admin, f"/mod_add {newcomer} KZ-27"))
    texts = await chat.texts(u.text(admin, f"/ban_tag {tag}"))
    assert texts == [render(i18n, lambda: tag_error_text("moderator", tag), "ru")]
    assert await db.fetchall("SELECT * FROM banned_reporters") == []
    # Only superadmins ban by tag.
    texts = await chat.texts(u.text(u.user(MOD_ORAL, "kk"), f"/ban_tag {tag}"))
    assert texts == [
        render(i18n, lambda: superadmins_command_refused("ban_tag", "moderator"), "kk")
    ]


@pytest.mark.usefixtures("staffed")
async def test_each_refusal_says_what_was_tried_and_what_to_do(chat: Chat, i18n: I18n) -> None:
    citizen = u.user(CITIZEN, "kk")
    texts = await chat.texts(u.text(citizen, "/queue"))
    assert texts == [render(i18n, lambda: moderators_command_refused("queue", "citizen"), "kk")]
    assert "/queue" in texts[0] and "/report" in texts[0]
    assert "өңір" not in texts[0]  # no case, and so no region, is involved
    # A superadmin who is not a moderator learns how to become one.
    texts = await chat.texts(u.text(u.user(ADMIN, "ru"), "/queue"))
    assert texts == [render(i18n, lambda: moderators_command_refused("queue", "superadmin"), "ru")]
    assert "/mod_add" in texts[0]
    # A moderator is not offered /report: they learn who may use the command.
    texts = await chat.texts(u.text(u.user(MOD_ORAL, "kk"), "/mod_remove 1"))
    assert texts == [
        render(i18n, lambda: superadmins_command_refused("mod_remove", "moderator"), "kk")
    ]
    assert "ADMIN_IDS" in texts[0]


async def test_migration_removes_pseudonyms_and_seconds_from_old_refusals(
    tmp_path: Path,
) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(path.name[:4]) < 6:
            shutil.copy(path, before / path.name)
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await apply_migrations(db, before)
        await db.execute(
            "INSERT INTO audit_log (at, actor, actor_key, action, report_id)"
            " VALUES ('2026-11-23T14:37:12Z', NULL, 'a-citizens-pseudonym', 'refused:take', NULL)"
        )
        await db.execute(
            "INSERT INTO audit_log (at, actor, actor_key, action, report_id)"
            " VALUES ('2026-11-23T14:37:13Z', NULL, 'a-superadmins-pseudonym', 'mod_add', NULL)"
        )
        applied = await apply_migrations(db)
        assert applied[0] == "0006_refusal_tags.sql"  # and whatever came after it
        rows = await db.fetchall("SELECT at, actor_key, action FROM audit_log ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("2026-11-23T14:00:00Z", None, "refused:take"),
            ("2026-11-23T14:37:13Z", "a-superadmins-pseudonym", "mod_add"),
        ]
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.execute("UPDATE audit_log SET action = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.execute("DELETE FROM audit_log")
    finally:
        await db.close()


@pytest.mark.parametrize("locale", ["kk", "ru"])
@pytest.mark.parametrize("action", [*ModAction, "queue", "audit", "history", "forged"])
def test_every_refusal_alert_fits_a_button_answer(i18n: I18n, locale: str, action: str) -> None:
    """Telegram shows at most 200 characters in an answer to a button."""
    label = render(i18n, lambda: button_label(action), locale)
    for text in (
        lambda: moderators_button_refused(label),
        lambda: out_of_scope_text(label, "KZ27-000001"),
    ):
        assert len(render(i18n, text, locale)) <= 200
