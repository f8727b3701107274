"""Every moderator view fits Telegram, whatever the case holds (issue 8 §1, §4).

The longest legal case: every field the reporter types at its limit, a thread of the longest
questions and answers, the longest notes and reasons, a moderator whose Telegram name is as
long as Telegram allows; and everything from outside is hostile HTML (`<`, `>`, `&`, a broken
tag). Each moderator view is then drawn through the real dispatcher, and every request the
bot makes is checked against Telegram's rules as the project's emulator applies them: the HTML
parses, texts fit 4096 characters, captions 1024, button answers 200, button data 64 bytes.
Pagination must lose nothing: every question, answer and note is found, whole, across pages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiogram.methods import EditMessageText, GetChat, SendMessage

from bot.services.drafts import MAX_DESCRIPTION, MAX_INVOLVED, MAX_SETTLEMENT, STEPS, ReportDraft
from bot.services.moderation import MAX_NOTE, MAX_QUESTION, MAX_REASON
from bot.services.reports import MAX_ANSWER
from bot.views.callbacks import ModAction, ModCallback, PageAction, PageCallback
from tests import updates as u
from tests.conftest import Chat
from tests.telegram_rules import check, plain
from tests.unit.test_moderation import (  # noqa: F401 (fixtures)
    ADMIN,
    CITIZEN,
    MOD_ALMATY,
    MOD_ORAL,
    STRANGER,
    settings,
    staffed,
)
from tests.unit.test_report_flow import onboard

# Every status change here is audited and told (queued or delivered): tests/invariants.py.
pytestmark = pytest.mark.usefixtures("case_invariants")

# Hostile HTML from outside: every special character, an unclosed and a broken tag.
NASTY = "Dana <3 & <b>bold <i>x</b> &amp; <a href='x'>y</a> > "
REPORTER_MESSAGE = MAX_ANSWER  # the longest answer the reporter's step takes
ROUNDS = 6
# Telegram names are at most 64 characters each.
LONG_NAME = ("Dana <3 " * 8)[:64]


def nasty(length: int, marker: str) -> str:
    """`length` characters of hostile text, beginning and ending with a marker."""
    body = (NASTY * (length // len(NASTY) + 1))[: length - 2 * len(marker) - 2]
    return f"{marker} {body} {marker}"


def is_marker_pair(texts: str, marker: str) -> bool:
    return texts.count(marker) >= 2


@pytest.fixture
def long_names(bot: Any) -> None:
    """Every Telegram name the bot reads is as long and as hostile as Telegram allows."""
    session = bot.session_
    make_request = session.make_request

    async def named(bot_: Any, method: Any, timeout: int | None = None) -> Any:
        found = await make_request(bot_, method, timeout)
        if isinstance(method, GetChat):
            return found.model_copy(update={"first_name": LONG_NAME, "last_name": LONG_NAME})
        return found

    session.make_request = named


def longest_draft() -> ReportDraft:
    draft = ReportDraft(
        area="construction",
        region="KZ-27",
        settlement=nasty(MAX_SETTLEMENT, "SETTLEMENT"),
        description=nasty(MAX_DESCRIPTION, "DESCRIPTION"),
        occurred="2026-11-01",
        involved=nasty(MAX_INVOLVED, "INVOLVED"),
        amount=999_999_999_999,
        latitude=51.2,
        longitude=51.37,
        anonymity="confidential",
    )
    for step in STEPS:
        draft.mark(step)
    return draft


async def build_longest_case(chat: Chat) -> None:
    dp = chat.dp
    citizen = u.user(CITIZEN, "ru")
    await onboard(chat, citizen, "ru")
    pseudonym = dp["users"].pseudonym(CITIZEN)
    submitted = await dp["reports"].submit(
        longest_draft(), CITIZEN, pseudonym, "ru", chat_id=CITIZEN, message_id=None
    )
    report = submitted.report
    mod = u.user(MOD_ORAL, "kk")
    await chat.send(u.callback(mod, ModCallback(action=ModAction.TAKE, id=report.id).pack()))
    for n in range(ROUNDS):
        await chat.send(u.text(mod, f"/ask {report.case_number} {nasty(MAX_QUESTION, f'Q{n}Q')}"))
        fresh = await dp["reports"].get(report.id)
        await dp["reports"].add_from_reporter(fresh, nasty(REPORTER_MESSAGE, f"A{n}A"), [])
        await chat.send(u.text(mod, f"/note {report.case_number} {nasty(MAX_NOTE, f'N{n}N')}"))
        for status in ("review", "forwarded"):
            reason = nasty(MAX_REASON, f"R{n}{status}R")
            await chat.send(u.text(mod, f"/status {report.case_number} {status} {reason}"))
    for _ in range(3):  # refused attempts, for /audit
        await chat.send(
            u.callback(
                u.user(STRANGER, "ru"), ModCallback(action=ModAction.TAKE, id=report.id).pack()
            )
        )
        await chat.send(
            u.callback(
                u.user(MOD_ALMATY, "ru"), ModCallback(action=ModAction.NOTE, id=report.id).pack()
            )
        )
    await chat.flush()


def texts_of(requests: list[Any]) -> list[str]:
    return [plain(r) for r in requests if isinstance(r, SendMessage | EditMessageText)]


async def turn_pages(chat: Chat, user: dict, action: PageAction, item: int, first: str) -> str:
    """All pages of a view, from the first, as plain text; checks each page on the way. The
    view must have taken several pages (its title says «…/N» or «… из N»)."""
    seen = [first]
    found = re.search(r"(\d+)/(\d+)|(\d+) из (\d+)", first.split("\n")[0])
    assert found, first.split("\n")[0]
    pages = int(found.group(2) or found.group(4))
    assert pages > 1
    for page in range(pages):
        replies = await chat.send(
            u.callback(user, PageCallback(action=action, id=item, page=page).pack())
        )
        check(replies)
        seen += texts_of(replies)
    return "\n".join(seen)


@pytest.mark.usefixtures("staffed", "long_names")
async def test_the_longest_case_fits_every_moderator_view(chat: Chat) -> None:
    await build_longest_case(chat)
    session_start = len(chat.bot.session_.requests)
    mod = u.user(MOD_ORAL, "kk")

    # /case: the card, then the newest page of the history.
    replies = await chat.send(u.text(mod, "/case KZ27-000001"))
    shown = check(replies)
    card, history = shown[0], shown[-1]
    assert "KZ27-000001" in card and LONG_NAME[:20] in card
    assert "Қазақша" not in card and "Русский" in card  # the reporter's language (§9.8)
    everything = await turn_pages(chat, mod, PageAction.HISTORY, 1, history)
    for n in range(ROUNDS):
        for marker in (f"Q{n}Q", f"A{n}A", f"N{n}N", f"R{n}reviewR", f"R{n}forwardedR"):
            assert is_marker_pair(everything, marker), marker  # whole, across pages
    assert is_marker_pair(everything, "DESCRIPTION")  # the full text, cut on the card
    assert "<b>bold" in everything  # shown as typed, not as markup

    # /audit: every page, the refusals among them.
    replies = await chat.send(u.text(mod, "/audit KZ27-000001"))
    audit = "\n".join(check(replies))
    audit = await turn_pages(chat, mod, PageAction.AUDIT, 1, audit)
    assert "🏷" in audit and "refused:take" in audit

    # The refused attempts, the queue, stats.
    check(await chat.send(u.text(mod, "/audit")))
    check(await chat.send(u.text(mod, "/queue")))
    check(await chat.send(u.text(mod, "/stats year")))

    # The card's buttons and prompts, then a rejection with the longest reason.
    for action in (ModAction.STATUS, ModAction.CARD, ModAction.ASK, ModAction.NOTE):
        check(await chat.send(u.callback(mod, ModCallback(action=action, id=1).pack())))
    await chat.send(u.text(mod, "/cancel"))
    data = ModCallback(action=ModAction.SET, id=1, value="rejected").pack()
    check(await chat.send(u.callback(mod, data)))
    check(await chat.send(u.text(mod, nasty(MAX_REASON, "REJECTED"))))
    # The cards are redrawn and the reporter told: all of it within the limits too.
    check(await chat.flush())
    check(chat.bot.session_.requests[session_start:])


@pytest.mark.usefixtures("staffed", "long_names")
async def test_mods_is_split_into_messages_that_fit(chat: Chat) -> None:
    admin = u.user(ADMIN, "ru")
    for n in range(60):
        await chat.send(u.text(admin, f"/mod_add {5_000_000 + n} all"))
    replies = await chat.send(u.text(admin, "/mods"))
    shown = check(replies)
    assert len(shown) >= 2  # one message could not hold them all
    listed = "\n".join(shown)
    assert all(f"#{n} " in listed for n in range(1, 63))  # nobody lost between messages


@pytest.mark.usefixtures("staffed", "long_names")
async def test_names_and_arguments_with_html_are_shown_as_typed(chat: Chat) -> None:
    admin, mod = u.user(ADMIN, "ru"), u.user(MOD_ORAL, "kk")
    shown = check(await chat.send(u.text(admin, "/mod_add @bad<name KZ-27")))
    assert "@bad<name" in shown[0]  # the argument, as typed, in a reply that parses
    for person, command in [
        (admin, "/mods"),  # «Dana <3» and friends
        (admin, "/mod_add @a&b<i> all"),
        (admin, "/ban_tag <b>x</i>"),
        (admin, "/unban_tag &amp;"),
        (mod, "/case <b>KZ27"),
        (mod, "/assign KZ27-000001 @x<y>"),
        (mod, "/queue <i> &"),
        (mod, "/export <b>"),
        (mod, "/stats </b>"),
    ]:
        assert check(await chat.send(u.text(person, command))), command
