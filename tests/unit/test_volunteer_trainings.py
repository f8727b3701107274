"""Training sessions through the real dispatcher: /training_new, invitations (also in the
volunteers' group, in both languages), join with an .ics file, the waiting list, /trainings,
moving and cancelling, attendance after the start unlocking a gated task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from aiogram.methods import SendDocument
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.db.connection import Database
from bot.services.dates import to_db, utc_now
from bot.views.callbacks import TaskAction, TrainingAction, TrainingModAction
from tests import updates as u
from tests.conftest import Chat, translate
from tests.unit.test_volunteer_tasks import make_task
from tests.volunteers import (
    MODERATOR,
    OTHER_MOD,
    SECOND,
    THIRD,
    VOLUNTEER,
    active_volunteer,
    admin_settings,
    alerts,
    buttons,
    documents,
    sent_to,
    sm,
    staff,
    vs,
    vt,
)

GROUP = -1_001_234_000_000
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture
def settings(db_path) -> Settings:
    return admin_settings(db_path, volunteer_chat_id=GROUP)


def starts_text(days: int = 5) -> tuple[str, datetime]:
    local = (
        (utc_now() + timedelta(days=days))
        .astimezone(ALMATY)
        .replace(hour=19, minute=0, second=0, microsecond=0)
    )
    return local.strftime("%d.%m.%Y %H:%M"), local


async def new_training(chat: Chat, capacity: int = 1, unlocks: str = "procurement") -> datetime:
    moderator = u.user(MODERATOR, "ru")
    when, local = starts_text()
    await chat.send(u.text(moderator, "/training_new"))
    for answer in (
        "Сатып алу порталы",
        "Портал госзакупок",
        "Шартты қалай табуға болады.",
        "Как найти договор.",
        when,
    ):
        await chat.send(u.text(moderator, answer))
    await chat.send(u.callback(moderator, sm(TrainingModAction.MINUTES, value="90")))
    await chat.send(u.text(moderator, "Орал, Достық даңғылы, 185"))
    await chat.send(u.text(moderator, str(capacity)))
    await chat.send(u.callback(moderator, sm(TrainingModAction.UNLOCKS, value=unlocks)))
    await chat.send(u.callback(moderator, sm(TrainingModAction.PUBLISH)))
    return local


@pytest.fixture
async def region(chat: Chat) -> Chat:
    await staff(chat)
    for number, user_id in enumerate((VOLUNTEER, SECOND, THIRD), 1):
        await active_volunteer(chat, user_id, number)
    return chat


async def test_a_session_is_made_and_invited_to_also_in_the_group(
    region: Chat, db: Database, i18n: I18n
) -> None:
    chat = region
    local = await new_training(chat)
    row = await db.fetchone("SELECT * FROM trainings")
    assert row["starts_at"] == to_db(local)
    assert (row["region"], row["capacity"], row["unlocks"]) == ("KZ-27", 1, "procurement")
    delivered = await chat.flush()
    for user_id in (VOLUNTEER, SECOND, THIRD):
        (invite,) = sent_to(delivered, user_id)
        assert vs(TrainingAction.JOIN, 1) in buttons([invite])
    (post,) = sent_to(delivered, GROUP)
    assert "Сатып алу порталы" in post.text and "Портал госзакупок" in post.text
    assert not buttons([post])  # people sign up in private
    assert translate(i18n, "To sign up, send /trainings to the bot in a private chat.", "kk") in (
        post.text
    )


async def test_join_gets_an_ics_full_offers_the_waiting_list_and_a_freed_seat_moves_up(
    region: Chat, db: Database
) -> None:
    chat = region
    local = await new_training(chat, capacity=1)
    await chat.flush()
    first, second = u.user(VOLUNTEER, "kk"), u.user(SECOND, "kk")
    await chat.send(u.callback(first, vs(TrainingAction.JOIN, 1)))
    (ics,) = documents(await chat.flush(), VOLUNTEER)
    event = icalendar.Calendar.from_ical(ics.document.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(ALMATY) == local
    full = await chat.send(u.callback(second, vs(TrainingAction.JOIN, 1)))
    assert vs(TrainingAction.WAIT, 1) in buttons(full)
    await chat.send(u.callback(second, vs(TrainingAction.WAIT, 1)))
    listed = await chat.texts(u.text(second, "/trainings"))
    assert "Сатып алу порталы" in listed[0]
    await chat.send(u.callback(first, vs(TrainingAction.CANT, 1)))
    delivered = await chat.flush()
    assert [type(r) for r in delivered if int(getattr(r, "chat_id", 0)) == SECOND].count(
        SendDocument
    ) == 1
    seats = await db.fetchall("SELECT volunteer_id, status FROM training_seats ORDER BY 1")
    assert [(s["volunteer_id"], s["status"]) for s in seats] == [(1, "declined"), (2, "joined")]
    opened = await chat.send(u.callback(second, vs(TrainingAction.OPEN, 1)))
    assert vs(TrainingAction.CANT, 1) in buttons(opened)


async def test_moving_and_cancelling_tell_the_participants(region: Chat, db: Database) -> None:
    chat = region
    await new_training(chat, capacity=5)
    await chat.send(u.callback(u.user(VOLUNTEER, "kk"), vs(TrainingAction.JOIN, 1)))
    await chat.flush()
    moderator = u.user(MODERATOR, "ru")
    card = await chat.send(u.text(moderator, "/training 1"))
    assert sm(TrainingModAction.MOVE, 1) in buttons(card)
    await chat.send(u.callback(moderator, sm(TrainingModAction.MOVE, 1)))
    when, local = starts_text(days=7)
    await chat.send(u.text(moderator, when))
    assert (await db.fetchone("SELECT starts_at, sequence FROM trainings"))["sequence"] == 1
    delivered = await chat.flush()
    assert sent_to(delivered, VOLUNTEER) and documents(delivered, VOLUNTEER)
    event = icalendar.Calendar.from_ical(documents(delivered, VOLUNTEER)[0].document.data).walk(
        "VEVENT"
    )[0]
    assert event.decoded("DTSTART").astimezone(ALMATY) == local and int(event["SEQUENCE"]) == 1
    assert alerts(
        await chat.send(u.callback(u.user(OTHER_MOD, "ru"), sm(TrainingModAction.MOVE, 1)))
    )
    await chat.send(u.callback(moderator, sm(TrainingModAction.CANCEL, 1)))
    await chat.send(u.callback(moderator, sm(TrainingModAction.CANCEL_SURE, 1)))
    assert (await db.fetchone("SELECT status FROM trainings"))["status"] == "cancelled"
    assert sent_to(await chat.flush(), VOLUNTEER)
    recent = await chat.send(u.text(moderator, "/training"))
    assert sm(TrainingModAction.OPEN, 1) in buttons(recent)


async def test_attendance_after_the_start_unlocks_the_gated_task(
    region: Chat, db: Database
) -> None:
    chat = region
    await new_training(chat, capacity=5)
    volunteer = u.user(VOLUNTEER, "kk")
    await chat.send(u.callback(volunteer, vs(TrainingAction.JOIN, 1)))
    await make_task(chat, from_case=False, skill="procurement")
    await chat.flush()
    refused = await chat.texts(u.callback(volunteer, vt(TaskAction.CLAIM, 1)))
    assert "Сатып алу порталы" in refused[0]  # which session unlocks it, and when
    moderator = u.user(MODERATOR, "ru")
    early = await chat.send(u.callback(moderator, sm(TrainingModAction.ATTENDANCE, 1, "0")))
    assert alerts(early)
    # The session has started.
    await db.execute(
        "UPDATE trainings SET starts_at = ?", (to_db(datetime.now(UTC) - timedelta(minutes=5)),)
    )
    card = await chat.send(u.text(moderator, "/training 1"))
    assert sm(TrainingModAction.ATTENDANCE, 1, "0") in buttons(card)
    sheet = await chat.send(u.callback(moderator, sm(TrainingModAction.ATTENDANCE, 1, "0")))
    mark = sm(TrainingModAction.MARK, 1, "1-1-0")
    assert mark in buttons(sheet)
    after = await chat.send(u.callback(moderator, mark))
    assert sm(TrainingModAction.MARK, 1, "1-0-0") in buttons(after)  # tap again to undo
    assert (await db.fetchone("SELECT skill FROM volunteer_unlocks"))["skill"] == "procurement"
    thanks = sent_to(await chat.flush(), VOLUNTEER)
    assert any("+5" in r.text for r in thanks)
    taken = await chat.texts(u.callback(volunteer, vt(TaskAction.CLAIM, 1)))
    assert "№1" in taken[0]
    assert (await db.fetchone("SELECT assignee FROM volunteer_tasks"))["assignee"] == 1
