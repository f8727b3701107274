"""Random sequences of updates through the real dispatcher (issue 14 §3, property-based).

Whatever comes in (random Unicode, huge or invisible text, commands in the middle of flows,
stale and forged buttons, unsupported content, edits, channel posts, other groups, updates
without a sender), checked after every update:

- no handler raised: the errors router logged nothing;
- every private-chat message and button press from a person got an answer (a message, an
  edit, or a button answer); what the bot ignores on purpose (edits, channel posts, other
  groups, messages without a sender) got no request at all;

and after each sequence the database is consistent (tests/invariants.py: foreign keys, every
status change audited and told). A sequence may start deep in a report (a scripted walk to a
random step), where random input alone rarely gets. One dispatcher and database serve every
example, so state piles up as in a running bot; 40 sequences of up to 25 updates take a few
seconds. ADAL_RANDOM_UPDATES=4000 is a longer hunt (about three minutes): it found a KeyError
in the volunteers' list that 40 did not (test_volunteer_application.py, "never drew").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, DeleteMessage, DeleteMessages, SendChatAction
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.handlers.fallback import HintThrottle
from bot.views import callbacks
from tests import updates as u
from tests.conftest import Chat
from tests.invariants import check_case_invariants
from tests.properties import budget
from tests.unit.test_report_flow import onboard, to_step

GROUP = -1009876543210  # the moderators' group
OTHER_GROUP = -1005550001111
PEOPLE = [u.user(811, "kk"), u.user(812, "ru"), u.user(813, None), u.user(900, "ru")]
MODERATOR = PEOPLE[3]

COMMANDS = [
    "/start", "/report", "/cancel", "/help", "/check", "/mytips", "/language", "/region",
    "/privacy", "/subscribe", "/subscriptions", "/unsubscribe", "/queue", "/case", "/stats",
    "/export", "/audit", "/mods", "/ban", "/news", "/news_list", "/nonsense", "/start@adal_bot",
    "/volunteer", "/volunteers", "/task", "/task_new", "/tasks", "/training", "/training_new",
    "/trainings", "/top", "/me", "/ban_tag", "/unban_tag", "/feeds", "/editors", "/mod_add",
]  # fmt: skip
BUTTONS = [
    "lang:kk", "lang:ru", "lang:xx", "reg:KZ-27", "reg:KZ-75", "reg:ZZ-99",
    "rp:area:ecology", "rp:area:nope", "rp:region:KZ-75", "rp:when:today", "rp:when:month",
    "rp:skip:", "rp:back:", "rp:anon:anonymous", "rp:anon:confidential", "rp:anon:open",
    "rp:submit:", "rp:discard:", "rp:resume:", "rp:restart:", "rp:cancel:", "rp:edit:area",
    "rp:erase:", "rp:check:", "rp:thread_done:", "cs:open:1", "cs:add:1", "cs:more:1",
    "cs:open:999999", "cp:1:3", "an:KZ27-000001", "an:<b>x</b>", "mt:0", "mt:-5",
    "md:take:1:", "md:set:1:rejected", "md:status:1:", "md:ask:1:", "q:open:0", "sb:r:3",
    "sb:rd:0", "sb:f:daily", "sb:s:evening", "nw:publish:1", "rn:1:0", "pg:x:1",
    "rp", ":", "", "rp:area:" + "x" * 60, "md:take:99999999999999999999:",
]  # fmt: skip
HUGE = ["я" * 4096, "<b>" * 1365, "\u200b" * 4096, "9" * 4096, "²³", "&lt;<i>&amp;", "' OR 1=1;--"]

texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(HUGE),
    st.tuples(st.sampled_from(COMMANDS), st.text(max_size=20)).map(" ".join),
    st.sampled_from(COMMANDS),
    st.sampled_from(["Орал", "150 000", "1,5 млн", "бүгін", "01.01.2026", "AAAA-BBBB-CCCC-DDDD"]),
)


def _packed(cls: type[CallbackData]) -> st.SearchStrategy[str]:
    """Well-formed data of one factory with any action and any ids: what a forger would try
    first, and what stale buttons look like."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in cls.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, StrEnum):
            fields[name] = st.sampled_from(list(kind))
        elif kind is int:
            fields[name] = st.one_of(st.integers(0, 3), st.integers(-(10**6), 10**9))
        elif kind is str:
            fields[name] = st.one_of(
                st.sampled_from(["", "KZ-27", "kk", "daily", "all", "1-1", "region"]),
                st.text(st.characters(blacklist_characters=":"), max_size=8),
            )
    return st.builds(cls, **fields).map(_pack_or_empty)


def _pack_or_empty(data: CallbackData) -> str:
    try:
        return data.pack()
    except ValueError:  # longer than Telegram's 64 bytes: not a button anyone could press
        return ""


FACTORIES = sorted(
    (c for c in vars(callbacks).values() if isinstance(c, type) and issubclass(c, CallbackData)
     and c is not CallbackData),
    key=lambda c: c.__name__,
)  # fmt: skip
buttons = st.one_of(
    st.sampled_from(BUTTONS),
    st.text(max_size=64),
    st.sampled_from(FACTORIES).flatmap(_packed),
)


def _photo(person: dict[str, Any], caption: str) -> dict[str, Any]:
    size = {"file_id": "AgAC-photo", "file_unique_id": "p1", "width": 90, "height": 90}
    return u.message(person, photo=[size], caption=caption)


def _location(person: dict[str, Any], _: str) -> dict[str, Any]:
    return u.message(person, location={"latitude": 51.2, "longitude": 51.4})


def _contact(person: dict[str, Any], _: str) -> dict[str, Any]:
    # Somebody else's number: only one's own may be shared as the open mode's phone.
    return u.message(person, contact={"phone_number": "+77010000000", "first_name": "X"})


def _in_chat(update: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
    update["message"]["chat"] = chat
    return update


# (what it is, how to build it); "answer" updates must get one, "silent" ones none.
KINDS = {
    "text": ("answer", lambda p, t: u.text(p, t)),
    "button": ("answer", None),
    "sticker": ("answer", lambda p, _: u.sticker(p)),
    "voice": ("answer", lambda p, _: u.voice(p)),
    "photo": ("answer", _photo),
    "location": ("answer", _location),
    "contact": ("answer", _contact),
    "edited": ("silent", lambda p, t: {"update_id": u.text(p, t)["update_id"],
                                       "edited_message": u.text(p, t)["message"]
                                       | {"edit_date": 1}}),
    "channel": ("silent", lambda p, t: {"update_id": u.text(p, t)["update_id"],
                                        "channel_post": {**u.text(p, t)["message"],
                                                         "chat": {"id": -1001, "type": "channel"},
                                                         "from": None}}),
    "other_group": ("silent", lambda p, t: _in_chat(
        u.text(p, t), {"id": OTHER_GROUP, "type": "supergroup", "title": "G"})),
    "no_sender": ("silent", lambda p, t: _without_sender(u.text(p, t))),
    "moderators_group": ("any", lambda p, t: _in_chat(
        u.text(p, t), {"id": GROUP, "type": "supergroup", "title": "Mods"})),
}  # fmt: skip


def _without_sender(update: dict[str, Any]) -> dict[str, Any]:
    del update["message"]["from"]
    return update


steps = st.lists(
    st.tuples(
        st.sampled_from(sorted(KINDS)),
        st.sampled_from(PEOPLE),
        texts,
        buttons,
        st.integers(min_value=1, max_value=60),  # the pressed message: often a stale one
    ),
    min_size=1,
    max_size=25,
)
FLOW_STEPS = [
    "area", "region", "settlement", "description", "when", "involved", "amount", "location",
    "anonymity", "evidence",
]  # fmt: skip
NOT_ANSWERS = (SendChatAction, DeleteMessage, DeleteMessages)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"moderator_chat_id": GROUP, "admin_ids": (901,)})


@pytest.fixture
def handler_errors() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.WARNING)
    logger = logging.getLogger("bot.handlers.errors")
    logger.addHandler(keep)
    yield records
    logger.removeHandler(keep)


@pytest.fixture
async def world(chat: Chat) -> Chat:
    await chat.dp["moderation"].add_moderator(MODERATOR["id"], None, by="admin")
    # One hint per sticker: the hint's own throttle is a deliberate silence tested elsewhere.
    chat.dp["hint_throttle"] = HintThrottle(seconds=0)
    return chat


@examples(
    max_examples=budget(int(os.environ.get("ADAL_RANDOM_UPDATES", "40"))),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.sampled_from([None, *FLOW_STEPS]), sequence=steps)
async def test_random_update_sequences_break_nothing(
    world: Chat,
    handler_errors: list[logging.LogRecord],
    db: Database,
    keyring: Keyring,
    start: str | None,
    sequence: list[tuple[str, dict, str, str, int]],
) -> None:
    if start is not None:  # deep in a report first: random input rarely walks that far
        person = PEOPLE[0]
        await onboard(world, person, "kk")
        await to_step(world, person, start)
        assert handler_errors == []
    for kind, person, text, data, message_id in sequence:
        expect, build = KINDS[kind]
        if kind == "button":
            update = u.callback(person, data, message_id=message_id)
        else:
            update = build(person, text)
        replies = await world.send(update)
        assert handler_errors == [], (kind, text, data)
        answers = [r for r in replies if not isinstance(r, NOT_ANSWERS)]
        if expect == "answer":
            assert answers, (kind, person["id"], text[:40], data)
        elif expect == "silent":
            assert replies == [], (kind, replies)
    await world.flush()
    await check_case_invariants(db, keyring)


@pytest.mark.parametrize("data", ["vm:who:0::::0", "vm:ok:-5::::0", "vm:letter:0::::0"])
async def test_a_forged_volunteer_card_button_without_an_id_is_refused(
    world: Chat, handler_errors: list[logging.LogRecord], data: str
) -> None:
    """Found by the property test above: with id 0 the button reached a handler that needs a
    volunteer, which raised TypeError. Only list pages come without an id."""
    for person in (PEOPLE[0], MODERATOR):
        replies = await world.send(u.callback(person, data))
        assert [r.show_alert for r in replies if isinstance(r, AnswerCallbackQuery)] == [True]
    assert handler_errors == []
