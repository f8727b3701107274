"""/me and its buttons (pause, resume, the name in /top, leave, delete, changing one's mind),
/top's switch, a volunteer's card for moderators, and the wizard buttons left over."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.connection import Database
from bot.views.callbacks import TaskAction, TaskModAction, VolAction, VolModAction
from bot.views.volunteers.profile import deleted_text, kept_text, not_volunteer_text
from tests import updates as u
from tests.conftest import Chat, render
from tests.unit.test_volunteer_tasks import make_task
from tests.volunteers import (
    MODERATOR,
    NAME,
    PHONE,
    SECOND,
    VOLUNTEER,
    active_volunteer,
    admin_settings,
    alerts,
    buttons,
    sent_to,
    staff,
    tm,
    v,
    vm,
    vt,
)


@pytest.fixture
def settings(db_path) -> Settings:
    return admin_settings(db_path)


@pytest.fixture
async def volunteer(chat: Chat) -> dict:
    await staff(chat, regions="KZ-27 KZ-75")
    await active_volunteer(chat, VOLUNTEER, 1)
    return u.user(VOLUNTEER, "kk")


async def status(db: Database) -> str:
    return (await db.fetchone("SELECT status FROM volunteers WHERE id = 1"))["status"]


async def test_me_shows_the_profile_and_its_buttons_work(
    chat: Chat, db: Database, i18n: I18n, volunteer: dict
) -> None:
    shown = await chat.send(u.text(volunteer, "/me"))
    assert NAME in shown[-1].text and PHONE in shown[-1].text
    assert v(VolAction.PAUSE) in buttons(shown)
    await chat.send(u.callback(volunteer, v(VolAction.PAUSE)))
    assert await status(db) == "paused"
    again = await chat.send(u.text(volunteer, "/me"))
    assert v(VolAction.RESUME) in buttons(again)
    await chat.send(u.callback(volunteer, v(VolAction.RESUME)))
    assert await status(db) == "active"
    await chat.send(u.callback(volunteer, v(VolAction.SHOW_NAME, "1")))
    assert (await db.fetchone("SELECT show_name FROM volunteers"))["show_name"] == 1
    # Leave: asked first; "no" changes nothing; "yes" stops, and /volunteer starts afresh.
    asked = await chat.send(u.callback(volunteer, v(VolAction.LEAVE)))
    assert v(VolAction.LEAVE_SURE) in buttons(asked)
    await chat.send(u.callback(volunteer, v(VolAction.KEEP)))
    assert await status(db) == "active"
    await chat.send(u.callback(volunteer, v(VolAction.LEAVE_SURE)))
    assert await status(db) == "left"
    assert await chat.texts(u.text(volunteer, "/me")) == [render(i18n, not_volunteer_text, "kk")]


async def test_delete_removes_the_row_and_says_so(
    chat: Chat, db: Database, i18n: I18n, volunteer: dict
) -> None:
    asked = await chat.send(u.callback(volunteer, v(VolAction.DELETE)))
    assert v(VolAction.DELETE_SURE) in buttons(asked)
    kept = await chat.texts(u.callback(volunteer, v(VolAction.KEEP)))
    assert kept == [render(i18n, kept_text, "kk")]
    done = await chat.texts(u.callback(volunteer, v(VolAction.DELETE_SURE)))
    assert done == [render(i18n, deleted_text, "kk")]
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM volunteers"))["n"] == 0
    assert await chat.texts(u.text(volunteer, "/me")) == [render(i18n, not_volunteer_text, "kk")]
    # A stale button of the deleted profile is answered, not obeyed.
    assert alerts(await chat.send(u.callback(volunteer, v(VolAction.PAUSE))))


async def test_top_switches_between_the_region_and_the_country(
    chat: Chat, volunteer: dict
) -> None:
    shown = await chat.send(u.text(volunteer, "/top"))
    assert v(VolAction.TOP, "all") in buttons(shown)
    country = await chat.send(u.callback(volunteer, v(VolAction.TOP, "all")))
    assert v(VolAction.TOP, "region") in buttons(country)


async def test_a_moderator_opens_a_card_without_the_name_in_it(
    chat: Chat, volunteer: dict
) -> None:
    card = await chat.send(u.callback(u.user(MODERATOR, "ru"), vm(VolModAction.CARD, 1)))
    assert "№1" in card[-1].text and NAME not in card[-1].text
    assert vm(VolModAction.LETTER, 1) in buttons(card)


async def test_an_offer_accepted_and_a_task_cancelled(
    chat: Chat, db: Database, volunteer: dict
) -> None:
    await make_task(chat, from_case=False, publish=False, assignee=1, region="KZ-27")
    await chat.flush()
    await chat.send(u.callback(volunteer, vt(TaskAction.ACCEPT, 1)))
    assert (await db.fetchone("SELECT status FROM volunteer_tasks"))["status"] == "in_progress"
    moderator = u.user(MODERATOR, "ru")
    await chat.send(u.callback(moderator, tm(TaskModAction.CANCEL, 1)))
    assert (await db.fetchone("SELECT status FROM volunteer_tasks"))["status"] == "cancelled"
    assert sent_to(await chat.flush(), VOLUNTEER)


async def test_a_moderator_of_two_regions_picks_one_and_can_stop(
    chat: Chat, db: Database, volunteer: dict
) -> None:
    moderator = u.user(MODERATOR, "ru")
    await chat.send(u.text(moderator, "/task_new"))
    await chat.send(u.text(moderator, "Жер учаскесі"))
    asked = await chat.send(u.text(moderator, "Аукцион нәтижесін тексеріңіз."))
    assert tm(TaskModAction.REGION, value="KZ-75") in buttons(asked)
    # A region outside their scope is refused even if forged.
    assert alerts(await chat.send(u.callback(moderator, tm(TaskModAction.REGION, value="KZ-11"))))
    await chat.send(u.callback(moderator, tm(TaskModAction.REGION, value="KZ-75")))
    await chat.send(u.callback(moderator, tm(TaskModAction.STOP)))
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM volunteer_tasks"))["n"] == 0
    # The wizard's buttons after the stop are only "no longer valid".
    late = await chat.send(u.callback(moderator, tm(TaskModAction.PUBLISH)))
    assert alerts(late)
    other = u.user(SECOND, "ru")
    assert await chat.texts(u.text(other, "/me"))
