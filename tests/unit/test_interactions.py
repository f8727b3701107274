"""How many actions a report takes, from /report to the case number (issue 9 §3), counted by
playing a person through the real dispatcher (tests/report_paths.py)."""

from __future__ import annotations

import pytest
from aiogram import Dispatcher

from tests import updates as u
from tests.conftest import Chat
from tests.fake_session import FakeBot
from tests.report_paths import BEFORE, walk
from tests.unit.test_report_flow import onboard

# After issue 9: files are the last question and the first file brings the summary, so a
# photo costs one action (it was two: the photo and «Done, next step»).
AFTER = {"full": 12, "shortest": 12}


async def count(chat: Chat, dp: Dispatcher, bot: FakeBot, user_id: int, path: str) -> list[str]:
    person = u.user(user_id, "kk")
    await onboard(chat, person, "kk")
    session = bot.session_
    walked = await walk(
        dp,
        bot,
        lambda: session.requests,
        lambda index: session.results[index],
        person,
        path,
        settle=dp["held_replies"].settle,
    )
    assert walked.case_number == "KZ27-000001"
    return walked.actions


async def test_a_full_report_with_one_photo_takes_twelve_actions(
    chat: Chat, dp: Dispatcher, bot: FakeBot, db
) -> None:
    actions = await count(chat, dp, bot, 901, "full")
    assert len(actions) == AFTER["full"] < BEFORE["full"], actions
    assert actions.count("send:photo") == 1 and "tap:rp:skip:" not in actions  # no "done" tap
    row = await db.fetchone("SELECT anonymity, latitude, amount FROM reports")
    assert tuple(row) == ("confidential", 51.2278, 1_500_000)
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM report_evidence"))["n"] == 1


async def test_the_shortest_report_takes_twelve_actions(
    chat: Chat, dp: Dispatcher, bot: FakeBot, db
) -> None:
    actions = await count(chat, dp, bot, 902, "shortest")
    assert len(actions) == AFTER["shortest"] <= BEFORE["shortest"], actions
    row = await db.fetchone("SELECT anonymity, involved, amount, latitude FROM reports")
    assert tuple(row) == ("anonymous", None, None, None)


@pytest.mark.parametrize("path", ["full", "shortest"])
async def test_the_walker_presses_only_buttons_it_was_shown(
    chat: Chat, dp: Dispatcher, bot: FakeBot, path: str
) -> None:
    """Control: a path that wants a button the bot never shows stops the walk."""
    from tests import report_paths

    broken = dict(report_paths.PATHS[path], area="tap:rp:area:no-such-area")
    report_paths.PATHS["broken"] = broken
    try:
        with pytest.raises(LookupError, match="no-such-area"):
            await count(chat, dp, bot, 903, "broken")
    finally:
        del report_paths.PATHS["broken"]
