"""Moderation answers only in private chats and in the moderators' group (issue 8 §2).

In any other group the bot says nothing at all, to anyone: no card, no history, no CSV, no
chart, not even a refusal. A refusal there would be read by the whole group, and would tell it
whether the sender is a moderator; the same answer to everybody would make the bot talk in any
group anyone adds it to. Nothing is written either: the group's chatter is not the audit's
business. Every moderator and superadmin command, and every kind of moderator button, is tried
there by a moderator of the case's region who is also a superadmin (the person most likely to
get an answer); the same updates in the moderators' group get answers, so the silence is the
filter's doing, not a broken handler's.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.connection import Database
from bot.views.callbacks import (
    ModAction,
    ModCallback,
    PageAction,
    PageCallback,
    QueueCallback,
)
from tests import updates as u
from tests.conftest import Chat
from tests.unit.test_moderation import CITIZEN, file_case, moderation_settings
from tests.unit.test_report_flow import onboard

# Every status change here is audited and told (queued or delivered): tests/invariants.py.
pytestmark = pytest.mark.usefixtures("case_invariants")

BOSS = 910  # a superadmin and a moderator of all regions
GROUP, FOREIGN = -1_001_000_000_001, -1_001_000_000_999
COMMANDS = [
    "/queue",
    "/queue old mine",
    "/case KZ27-000001",
    "/status KZ27-000001 resolved",
    "/ask KZ27-000001 Which school?",
    "/note KZ27-000001 Check it",
    "/assign KZ27-000001 me",
    "/audit KZ27-000001",
    "/audit",
    "/ban KZ27-000001",
    "/unban KZ27-000001",
    "/stats year",
    "/export year",
    "/export year csv",
    "/mods",
    "/mod_add 123456 KZ-27",
    "/mod_remove 1",
    "/ban_tag 0123abcd",
    "/unban_tag 0123abcd",
    # The volunteers' side of moderation (issue 12).
    "/volunteers",
    "/task_new",
    "/task 1",
    "/training_new",
    "/training",
]
BUTTONS = [ModCallback(action=action, id=1).pack() for action in ModAction] + [
    ModCallback(action=ModAction.SET, id=1, value="resolved").pack(),
    QueueCallback(page=1).pack(),
    PageCallback(action=PageAction.HISTORY, id=1, page=0).pack(),
    PageCallback(action=PageAction.AUDIT, id=1, page=0).pack(),
    PageCallback(action=PageAction.REFUSALS, id=0, page=0).pack(),
    "md:take:abc:",  # forged
]


@pytest.fixture
def settings(db_path: Any) -> Settings:
    return moderation_settings(db_path, admin_ids=(BOSS,), moderator_chat_id=GROUP)


def in_group(update: dict[str, Any], chat_id: int) -> dict[str, Any]:
    """The same update, as if it happened in a group."""
    update = copy.deepcopy(update)
    group = {"id": chat_id, "type": "supergroup", "title": "Аудан чаты"}
    if "message" in update:
        update["message"]["chat"] = group
    else:
        update["callback_query"]["message"]["chat"] = group
    return update


async def everything(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT IN ('inbox', 'fsm_state')"
    )
    return {
        t["name"]: sorted(tuple(r) for r in await db.fetchall(f"SELECT * FROM {t['name']}"))
        for t in tables
    }


@pytest.fixture
async def case_filed(chat: Chat, i18n: I18n) -> Chat:
    boss = u.user(BOSS, "ru")
    await onboard(chat, boss, "ru")
    await chat.send(u.text(boss, f"/mod_add {BOSS} all"))
    await file_case(chat, i18n, "confidential")
    await chat.flush()
    return chat


async def test_commands_and_buttons_in_a_foreign_group_get_nothing_and_change_nothing(
    case_filed: Chat, db: Database
) -> None:
    boss = u.user(BOSS, "ru")
    updates = [(c, u.text(boss, c)) for c in COMMANDS] + [
        (b, u.callback(boss, b)) for b in BUTTONS
    ]
    for what, update in updates:
        before = await everything(db)
        assert await case_filed.send(in_group(update, FOREIGN)) == [], what
        assert await case_filed.flush() == [], what  # nothing queued for later either
        assert await everything(db) == before, what
        # The same update in the moderators' group is answered.
        assert await case_filed.send(in_group(update, GROUP)) != [], what
        await case_filed.send(u.text(boss, f"/mod_add {BOSS} all"))  # after /mod_remove 1
        await case_filed.flush()


async def test_a_citizen_in_a_foreign_group_is_not_answered_either(
    case_filed: Chat, db: Database
) -> None:
    citizen = u.user(CITIZEN, "ru")
    before = await everything(db)
    for command in ("/queue", "/case KZ27-000001", "/mod_add 1 all", "/export"):
        assert await case_filed.send(in_group(u.text(citizen, command), FOREIGN)) == []
    assert await everything(db) == before
