"""A card shows the buttons that apply to the case and to whoever looks at it, and says the
reporter's language (issue 9 §7, §8).

Every copy is redrawn for its own chat: the moderator who holds the case sees no "Take" on
their copy, another moderator of the region does, the group sees "Take" while nobody holds the
case; a closed case keeps only notes, files and an open report's phone; a copy held by someone
who was removed loses its buttons at the next refresh.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import ForceReply, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.repositories.reports import Report
from bot.views.callbacks import ModAction, ModCallback
from bot.views.cards import card_keyboard
from bot.views.moderation import ask_prompt
from tests import updates as u
from tests.conftest import Chat, render
from tests.unit.test_moderation import ADMIN, MOD_ORAL, file_case, moderation_settings
from tests.unit.test_report_flow import onboard

# Every status change here is audited and told (queued or delivered): tests/invariants.py.
pytestmark = pytest.mark.usefixtures("case_invariants")

MOD_TWO = 905  # a second moderator of KZ-27
GROUP = -1_001_000_000_001


def report(**changes: Any) -> Report:
    fields: dict[str, Any] = {
        "id": 1,
        "case_number": "KZ27-000001",
        "status": "review",
        "region": "KZ-27",
        "area": "land",
        "settlement": "Орал",
        "description": "…",
        "occurred": "today",
        "involved": None,
        "amount": None,
        "latitude": None,
        "longitude": None,
        "anonymity": "confidential",
        "reporter": "p",
        "phone_enc": None,
        "locale": "ru",
        "code_locator": None,
        "code_salt": None,
        "code_hash": None,
        "created_at": "2026-11-23T14:00:00Z",
        "assignee": None,
    }
    fields.update(changes)
    return Report(**fields)


def actions(markup: InlineKeyboardMarkup | None) -> list[str]:
    if markup is None:
        return []
    return [
        ModCallback.unpack(button.callback_data).action
        for row in markup.inline_keyboard
        for button in row
    ]


@pytest.mark.parametrize(
    ("changes", "evidence", "viewer", "expected"),
    [
        # Nobody holds it: everyone may take it, in the group too.
        ({}, 2, None, ["take", "status", "ask", "note", "files", "task"]),
        ({}, 2, 7, ["take", "status", "ask", "note", "files", "task"]),
        # Held by moderator 7: not "Take" for them, nor in the group; another may take over.
        ({"assignee": 7}, 2, 7, ["status", "ask", "note", "files", "task"]),
        ({"assignee": 7}, 2, None, ["status", "ask", "note", "files", "task"]),
        ({"assignee": 7}, 2, 8, ["take", "status", "ask", "note", "files", "task"]),
        # No files: no "Show evidence (0)".
        ({}, 0, None, ["take", "status", "ask", "note", "task"]),
        # Closed: what still makes sense.
        ({"status": "resolved", "assignee": 7}, 1, 7, ["note", "files"]),
        ({"status": "rejected"}, 0, None, ["note"]),
        # An open report: its phone number, open or closed.
        ({"anonymity": "open"}, 0, None, ["take", "status", "ask", "note", "task", "phone"]),
        ({"anonymity": "open", "status": "duplicate"}, 0, None, ["note", "phone"]),
    ],
)
def test_buttons_that_apply(
    i18n: I18n, changes: dict[str, Any], evidence: int, viewer: int | None, expected: list[str]
) -> None:
    markup = render(i18n, lambda: card_keyboard(report(**changes), evidence, viewer), "kk")
    assert actions(markup) == expected


def copies(requests: list[Any]) -> dict[int, tuple[str, list[str]]]:
    """The last text and buttons each chat was shown, by chat id."""
    found: dict[int, tuple[str, list[str]]] = {}
    for method in requests:
        is_card = isinstance(method, SendMessage | EditMessageText) and method.text.startswith(
            "<b>KZ27-000001</b> · "
        )
        if is_card:
            found[int(method.chat_id)] = (method.text, actions(method.reply_markup))
    return found


@pytest.fixture
def group_chat(request: pytest.FixtureRequest) -> int | None:
    """The moderators' group, for tests parametrized with it (indirect); else none."""
    return getattr(request, "param", None)


@pytest.fixture
def settings(db_path: Any, group_chat: int | None) -> Settings:
    return moderation_settings(db_path, moderator_chat_id=group_chat)


@pytest.fixture
async def two_moderators(chat: Chat) -> Chat:
    for user_id, locale in ((MOD_ORAL, "kk"), (MOD_TWO, "ru")):
        await onboard(chat, u.user(user_id, locale), locale)
        await chat.send(u.text(u.user(ADMIN, "ru"), f"/mod_add {user_id} KZ-27"))
    return chat


async def test_each_private_copy_is_drawn_for_its_moderator(
    two_moderators: Chat, i18n: I18n
) -> None:
    chat = two_moderators
    await file_case(chat, i18n)
    posted = copies(await chat.flush())
    assert set(posted) == {MOD_ORAL, MOD_TWO}
    assert all("take" in buttons for _text, buttons in posted.values())

    await chat.send(u.callback(u.user(MOD_ORAL, "kk"), ModCallback(action="take", id=1).pack()))
    redrawn = copies(await chat.flush())
    assert "take" not in redrawn[MOD_ORAL][1]  # theirs already
    assert "take" in redrawn[MOD_TWO][1]  # the other moderator may take over
    # Each copy in its reader's language.
    assert i18n.gettext("Under review", locale="kk") in redrawn[MOD_ORAL][0]
    assert i18n.gettext("Under review", locale="ru") in redrawn[MOD_TWO][0]

    # /case in private: a live copy drawn the same way.
    shown = copies(await chat.send(u.text(u.user(MOD_ORAL, "kk"), "/case KZ27-000001")))
    assert "take" not in shown[MOD_ORAL][1] and "status" in shown[MOD_ORAL][1]

    # A removed moderator's copy keeps no buttons at the next refresh.
    await chat.send(u.text(u.user(ADMIN, "ru"), "/mod_remove 2"))
    await chat.send(u.text(u.user(MOD_ORAL, "kk"), "/status KZ27-000001 forwarded"))
    redrawn = copies(await chat.flush())
    assert redrawn[MOD_TWO][1] == []
    assert "status" in redrawn[MOD_ORAL][1]


@pytest.mark.parametrize("group_chat", [GROUP], indirect=True)
async def test_the_group_copy_shows_what_applies_to_the_group(
    two_moderators: Chat, i18n: I18n
) -> None:
    chat = two_moderators
    await file_case(chat, i18n)
    posted = copies(await chat.flush())
    assert "take" in posted[GROUP][1]
    await chat.send(u.callback(u.user(MOD_ORAL, "kk"), ModCallback(action="take", id=1).pack()))
    redrawn = copies(await chat.flush())
    assert "take" not in redrawn[GROUP][1] and "status" in redrawn[GROUP][1]


async def test_the_card_and_the_ask_prompt_say_the_reporters_language(
    two_moderators: Chat, i18n: I18n
) -> None:
    chat = two_moderators
    await file_case(chat, i18n)  # the reporter writes in Russian
    posted = copies(await chat.flush())
    language = i18n.gettext("<b>Reporter's language:</b> {value}", locale="kk").format(
        value="Русский"
    )
    assert language in posted[MOD_ORAL][0]
    replies = await chat.texts(
        u.callback(u.user(MOD_ORAL, "kk"), ModCallback(action=ModAction.ASK, id=1).pack())
    )
    prompt = render(i18n, lambda: ask_prompt("KZ27-000001", "ru", 1000), "kk")
    assert replies == [prompt] and "Русский" in prompt


@pytest.mark.parametrize("group_chat", [GROUP], indirect=True)
async def test_a_prompt_in_the_group_names_the_moderator_so_the_reply_field_opens_for_them(
    two_moderators: Chat, i18n: I18n
) -> None:
    chat = two_moderators
    await file_case(chat, i18n)
    await chat.flush()
    press = u.callback(
        {**u.user(MOD_ORAL, "kk"), "first_name": "Дана <b>"},
        ModCallback(action=ModAction.ASK, id=1).pack(),
    )
    press["callback_query"]["message"]["chat"] = {"id": GROUP, "type": "supergroup", "title": "M"}
    replies = await chat.send(press)
    (prompt,) = [r for r in replies if isinstance(r, SendMessage)]
    assert prompt.chat_id == GROUP
    assert prompt.text.startswith(f'<a href="tg://user?id={MOD_ORAL}">Дана &lt;b&gt;</a>\n')
    assert isinstance(prompt.reply_markup, ForceReply) and prompt.reply_markup.selective
    # In private there is nobody else to single out: no mention.
    private = await chat.send(
        u.callback(u.user(MOD_ORAL, "kk"), ModCallback(action=ModAction.ASK, id=1).pack())
    )
    (alone,) = [r for r in private if isinstance(r, SendMessage)]
    assert "tg://user" not in alone.text
