"""The volunteering services with a clock the tests move: claims racing on two connections,
training reminders (due, missed during downtime, moved, cancelled), the waiting list, task
deadlines, weekly lessons, deleting one's data, and the scheduler's jobs."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.outbox import OutboxRepository
from bot.factory import create_services
from bot.services.outbox import Outbox
from bot.services.volunteers.errors import TrainingNeededError, VolunteerActionError
from bot.services.volunteers.lessons import Lesson
from bot.services.volunteers.people import Application
from bot.services.volunteers.tasks import TaskDraft
from bot.services.volunteers.trainings import TrainingDraft
from bot.volunteer_jobs import ShiftedClock, VolunteerJobs, job_id
from bot.volunteering import Volunteering, create_volunteering
from tests.conftest import Clock

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SESSION = START + timedelta(days=3)  # 2026-11-23 06:00 UTC = 11:00 in Almaty


class HandClock(ShiftedClock):
    """The tests' hand-moved clock, in the shape the jobs expect."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(0)
        self.clock = clock

    def __call__(self) -> datetime:
        return self.clock()


class World:
    def __init__(self, db: Database, keyring: Keyring, clock: Clock, settings: Settings) -> None:
        self.db, self.keyring, self.clock = db, keyring, clock
        self.services = create_services(settings, db, keyring)
        self.outbox = Outbox(db, OutboxRepository(db), keyring, now=clock)
        self.v: Volunteering = create_volunteering(
            settings,
            db,
            keyring,
            outbox=self.outbox,
            moderation=self.services.moderation,
            clock=HandClock(clock),
        )

    async def moderator(self, telegram_id: int = 901, regions: str = "KZ-27") -> Any:
        scope = None if regions == "*" else frozenset({regions})
        return await self.services.moderation.add_moderator(telegram_id, scope, by="admin")

    async def volunteer(self, telegram_id: int, moderator: Any, **kwargs: Any) -> Any:
        await self.services.users.choose_locale(
            telegram_id, telegram_id, kwargs.pop("locale", "kk")
        )
        application = Application(
            name=kwargs.get("name", "Бауыржан Сейітов"),
            region=kwargs.get("region", "KZ-27"),
            phone="+77011234567",
            skills=kwargs.get("skills", ("procurement", "construction")),
            availability=("weekends",),
        )
        volunteer = await self.v.people.apply(self.keyring.pseudonym(telegram_id), application)
        await self.v.people.approve(moderator, volunteer)
        return await self.v.people.by_id(volunteer.id)

    async def training(self, moderator: Any, **kwargs: Any) -> Any:
        draft = TrainingDraft(
            title_kk="Мемлекеттік сатып алу порталымен жұмыс",
            title_ru="Работа с порталом госзакупок",
            description_kk="Шартты қалай табу керек.",
            description_ru="Как найти договор.",
            starts_at=kwargs.get("starts_at", SESSION),
            minutes=90,
            place="https://meet.example.org/adal",
            region=kwargs.get("region", "KZ-27"),
            capacity=kwargs.get("capacity", 20),
            unlocks=kwargs.get("unlocks", "procurement"),
        )
        training, _ = await self.v.trainings.create(moderator, draft)
        return training

    async def queued(self) -> list[tuple[str, dict[str, Any]]]:
        rows = await self.db.fetchall("SELECT recipient, payload FROM outbox ORDER BY id")
        return [
            (r["recipient"], json.loads(self.keyring.unseal(r["payload"], b"outbox")))
            for r in rows
        ]

    async def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [p for _, p in await self.queued() if p["kind"] == kind]

    async def clear_outbox(self) -> None:
        await self.db.execute("DELETE FROM outbox")


@pytest.fixture
def clock_start() -> datetime:
    return START


@pytest.fixture
def world(db: Database, keyring: Keyring, clock: Clock, settings: Settings) -> World:
    return World(db, keyring, clock, settings)


# Claims


async def _pool_task(world: World, moderator: Any, skill: str = "construction") -> Any:
    draft = TaskDraft(
        title="Мектеп құрылысы",
        instructions="Сырттан суретке түсіріңіз.",
        region="KZ-27",
        skill=skill,
        deadline=world.clock.now + timedelta(days=5),
    )
    task, _ = await world.v.tasks.create(moderator, draft, publish=True)
    return task


async def test_claims_on_two_connections_at_once_one_wins(
    db_path: Path, db: Database, keyring: Keyring, clock: Clock, settings: Settings
) -> None:
    """Two processes' worth of connections, each with its own services, race on every task:
    SQLite's write lock and the conditional UPDATE let exactly one through each time."""
    first = World(db, keyring, clock, settings)
    moderator = await first.moderator()
    volunteers = [await first.volunteer(700 + n, moderator) for n in range(2)]
    tasks = [await _pool_task(first, moderator) for _ in range(15)]
    other_db = await Database.open(db_path)
    try:
        second = World(other_db, keyring, clock, settings)
        for task in tasks:
            results = await asyncio.gather(
                first.v.tasks.claim(volunteers[0], task.id),
                second.v.tasks.claim(volunteers[1], task.id),
                return_exceptions=True,
            )
            won = [r for r in results if not isinstance(r, BaseException)]
            lost = [r for r in results if isinstance(r, BaseException)]
            assert len(won) == 1 and len(lost) == 1, results
            assert isinstance(lost[0], VolunteerActionError) and lost[0].reason == "taken"
            row = await db.fetchone(
                "SELECT assignee, (SELECT COUNT(*) FROM task_events WHERE task_id = ?"
                " AND kind = 'claimed') AS claims FROM volunteer_tasks WHERE id = ?",
                (task.id, task.id),
            )
            assert row["assignee"] == won[0].assignee and row["claims"] == 1
    finally:
        await other_db.close()


async def test_many_volunteers_pressing_together_on_one_connection(world: World) -> None:
    moderator = await world.moderator()
    volunteers = [await world.volunteer(800 + n, moderator) for n in range(6)]
    task = await _pool_task(world, moderator)
    results = await asyncio.gather(
        *(world.v.tasks.claim(v, task.id) for v in volunteers), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(
        isinstance(r, VolunteerActionError) and r.reason == "taken"
        for r in results
        if isinstance(r, BaseException)
    )


async def test_the_gate_names_the_training_and_its_next_session(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    task = await _pool_task(world, moderator, skill="procurement")
    with pytest.raises(TrainingNeededError) as no_session:
        await world.v.tasks.claim(volunteer, task.id)
    assert no_session.value.skill == "procurement" and no_session.value.session is None
    training = await world.training(moderator)
    with pytest.raises(TrainingNeededError) as told:
        await world.v.tasks.claim(volunteer, task.id)
    assert told.value.session is not None and told.value.session.id == training.id
    assert told.value.session.starts_at == SESSION
    # Attending unlocks it.
    await world.v.trainings.join(volunteer, training)
    world.clock.now = SESSION + timedelta(minutes=10)
    await world.v.trainings.mark(moderator, training, volunteer.id, True)
    claimed = await world.v.tasks.claim(volunteer, task.id)
    assert claimed.assignee == volunteer.id


# Training reminders


async def test_reminders_24h_and_1h_each_once(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    absent = await world.volunteer(702, moderator)
    training = await world.training(moderator)
    await world.v.trainings.join(volunteer, training)
    await world.v.trainings.cant(absent, training)
    await world.clear_outbox()
    reminders = world.v.reminders

    world.clock.now = SESSION - timedelta(hours=24, minutes=1)
    assert await reminders.send_training_reminders() == 0
    world.clock.now = SESSION - timedelta(hours=24)
    assert await reminders.send_training_reminders(training.id) == 1
    assert await reminders.send_training_reminders() == 0  # the sweep finds it sent
    world.clock.now = SESSION - timedelta(minutes=59)
    assert await reminders.send_training_reminders() == 1
    assert await reminders.send_training_reminders(training.id) == 0
    sent = await world.kinds("vol_training_reminder")
    assert [p["before"] for p in sent] == ["24h", "1h"]
    recipients = {r for r, p in await world.queued() if p["kind"] == "vol_training_reminder"}
    assert recipients == {volunteer.pseudonym}


async def test_a_reminder_missed_during_downtime_is_sent_once_or_dropped(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    training = await world.training(moderator)
    await world.v.trainings.join(volunteer, training)
    await world.clear_outbox()
    # Down from before T-24h until T-30min: only the latest reminder goes, once.
    world.clock.now = SESSION - timedelta(minutes=30)
    assert await world.v.reminders.send_training_reminders() == 1
    assert [p["before"] for p in await world.kinds("vol_training_reminder")] == ["1h"]
    assert await world.v.reminders.send_training_reminders() == 0
    # Another session: down until after its start, nothing is sent at all.
    late = await world.training(moderator, starts_at=SESSION + timedelta(days=1))
    await world.v.trainings.join(volunteer, late)
    world.clock.now = SESSION + timedelta(days=1, minutes=5)
    await world.clear_outbox()
    assert await world.v.reminders.send_training_reminders(late.id) == 0
    assert await world.kinds("vol_training_reminder") == []


async def test_a_moved_session_gets_fresh_reminders_and_tells_everyone(world: World) -> None:
    moderator = await world.moderator()
    joined = await world.volunteer(701, moderator)
    waiting = await world.volunteer(702, moderator)
    training = await world.training(moderator, capacity=1)
    assert await world.v.trainings.join(joined, training) == "joined"
    assert await world.v.trainings.join(waiting, training) == "full"
    assert await world.v.trainings.wait(waiting, training) == ("waiting", 1)
    world.clock.now = SESSION - timedelta(hours=24)
    assert await world.v.reminders.send_training_reminders() == 1
    await world.clear_outbox()

    later = SESSION + timedelta(days=2)
    await world.v.trainings.move(moderator, training, later)
    moved = await world.queued()
    assert {r for r, p in moved if p["kind"] == "vol_training_moved"} == {
        joined.pseudonym,
        waiting.pseudonym,
    }
    assert [r for r, p in moved if p["kind"] == "vol_ics"] == [joined.pseudonym]
    await world.clear_outbox()
    assert await world.v.reminders.send_training_reminders() == 0  # old time: gone
    world.clock.now = later - timedelta(hours=24)
    assert await world.v.reminders.send_training_reminders() == 1
    fresh = await world.kinds("vol_training_reminder")
    assert fresh[0]["starts"] == "2026-11-25T06:00:00Z"


async def test_a_cancelled_session_sends_no_reminders(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    training = await world.training(moderator)
    await world.v.trainings.join(volunteer, training)
    await world.v.trainings.cancel(moderator, training)
    assert [p["kind"] for _, p in await world.queued()][-1] == "vol_training_cancelled"
    world.clock.now = SESSION - timedelta(minutes=30)
    assert await world.v.reminders.send_training_reminders() == 0


async def test_a_freed_seat_goes_to_the_first_on_the_waiting_list(world: World) -> None:
    moderator = await world.moderator()
    a, b, c = [await world.volunteer(701 + n, moderator) for n in range(3)]
    training = await world.training(moderator, capacity=1)
    assert await world.v.trainings.join(a, training) == "joined"
    for person in (b, c):
        assert await world.v.trainings.join(person, training) == "full"
    assert (await world.v.trainings.wait(b, training))[1] == 1
    assert (await world.v.trainings.wait(c, training))[1] == 2
    await world.clear_outbox()
    await world.v.trainings.cant(a, training)
    queued = await world.queued()
    assert [(r, p["kind"]) for r, p in queued] == [
        (b.pseudonym, "vol_seat_freed"),
        (b.pseudonym, "vol_ics"),
    ]
    seats = await world.db.fetchall(
        "SELECT volunteer_id, status FROM training_seats ORDER BY volunteer_id"
    )
    assert [(s["volunteer_id"], s["status"]) for s in seats] == [
        (a.id, "declined"),
        (b.id, "joined"),
        (c.id, "waiting"),
    ]


# Task deadlines


async def test_deadline_reminders_and_the_overdue_flag(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    task = await _pool_task(world, moderator)
    await world.v.tasks.claim(volunteer, task.id)
    await world.clear_outbox()
    deadline = world.clock.now + timedelta(days=5)
    world.clock.now = deadline - timedelta(hours=49)
    assert await world.v.reminders.send_task_reminders() == 0
    world.clock.now = deadline - timedelta(hours=47)
    assert await world.v.reminders.send_task_reminders() == 1
    world.clock.now = deadline - timedelta(hours=23)
    assert await world.v.reminders.send_task_reminders() == 1
    assert await world.v.reminders.send_task_reminders() == 0
    world.clock.now = deadline + timedelta(minutes=1)
    assert await world.v.reminders.send_task_reminders() == 1
    assert await world.v.reminders.send_task_reminders() == 0
    queued = await world.queued()
    assert [(r, p["kind"], p.get("before")) for r, p in queued] == [
        (volunteer.pseudonym, "vol_task_deadline", "48h"),
        (volunteer.pseudonym, "vol_task_deadline", "24h"),
        (moderator.pseudonym, "vol_task_overdue", None),
    ]


# Weekly lessons


async def test_one_lesson_a_week_in_turn(
    db: Database, keyring: Keyring, clock: Clock, settings: Settings
) -> None:
    world = World(db, keyring, clock, settings)
    lessons = (
        Lesson("a", {"kk": "А", "ru": "А"}, {"kk": "а", "ru": "а"}),
        Lesson("b", {"kk": "Б", "ru": "Б"}, {"kk": "б", "ru": "б"}),
    )
    world.v.reminders._lessons = lambda: lessons
    assert await world.v.reminders.send_lesson(date(2026, 11, 23)) == 0  # nobody yet
    moderator = await world.moderator()
    await world.volunteer(701, moderator)
    await world.volunteer(702, moderator)
    assert await world.v.reminders.send_lesson(date(2026, 11, 23)) == 2
    assert await world.v.reminders.send_lesson(date(2026, 11, 26)) == 0  # same week
    assert await world.v.reminders.send_lesson(date(2026, 11, 30)) == 2
    assert await world.v.reminders.send_lesson(date(2026, 12, 7)) == 2
    keys = [p["lesson"] for p in await world.kinds("vol_lesson")]
    assert keys == ["a", "a", "b", "b", "a", "a"]


# Deleting one's data


async def test_deleting_keeps_only_anonymous_counts(world: World) -> None:
    moderator = await world.moderator()
    volunteer = await world.volunteer(701, moderator)
    training = await world.training(moderator, unlocks=None)
    await world.v.trainings.join(volunteer, training)
    done = await _pool_task(world, moderator)
    await world.v.tasks.claim(volunteer, done.id)
    await world.v.tasks.submit(
        volunteer, await world.v.tasks.for_volunteer(volunteer, done.id), "Бәрі дұрыс.", []
    )
    await world.v.tasks.accept_findings(
        moderator, await world.v.tasks.for_volunteer(volunteer, done.id)
    )
    held = await _pool_task(world, moderator)
    await world.v.tasks.claim(volunteer, held.id)
    await world.v.recognition.award(moderator, volunteer, "Белсенді жұмыс үшін")
    await world.clear_outbox()

    await world.v.people.delete(volunteer)
    for table in ("volunteers", "training_seats", "thank_you_letters", "volunteer_unlocks"):
        assert (await world.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}"))["n"] == 0, table
    rows = await world.db.fetchall("SELECT id, status, assignee FROM volunteer_tasks ORDER BY id")
    assert [(r["status"], r["assignee"]) for r in rows] == [("done", None), ("new", None)]
    finding = await world.db.fetchone("SELECT volunteer_id, status FROM task_findings")
    assert (finding["volunteer_id"], finding["status"]) == (None, "accepted")
    counts = await world.v.people._repo.counts()
    assert counts[("KZ-27", "approved")] == 1 and counts[("KZ-27", "deleted")] == 1
    assert counts[("KZ-27", "findings_accepted")] == 1
    assert [(r, p["kind"]) for r, p in await world.queued()] == [
        (moderator.pseudonym, "vol_task_released")
    ]
    # Nothing in the audit log names them other than by a number that now means nothing.
    for row in await world.db.fetchall("SELECT * FROM audit_log"):
        assert volunteer.pseudonym not in json.dumps(tuple(row), default=str)


# The scheduler's jobs


async def test_jobs_hold_ids_only_and_follow_moves_and_cancels(world: World, clock: Clock) -> None:
    moderator = await world.moderator()
    real_now = datetime.now(UTC)
    shifted = ShiftedClock(
        offset_seconds=(SESSION - timedelta(hours=30) - real_now).total_seconds()
    )
    jobs = VolunteerJobs(world.v.reminders, shifted, "Asia/Almaty")
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs.attach(scheduler)
    scheduler.start(paused=True)  # as in the app: planning happens on a running scheduler
    training = await world.training(moderator)
    jobs.plan(training.id, SESSION)
    planned = {job.id: job for job in scheduler.get_jobs()}
    day, hour = planned[job_id(training.id, "24h")], planned[job_id(training.id, "1h")]
    assert day.args == (training.id,) and hour.args == (training.id,)
    assert isinstance(day.trigger, DateTrigger)
    # 24 h before the session on the shifted clock is 6 h from now on the real one.
    assert abs(day.trigger.run_date - (real_now + timedelta(hours=6))) < timedelta(seconds=5)
    assert abs(hour.trigger.run_date - (real_now + timedelta(hours=29))) < timedelta(seconds=5)
    jobs.plan(training.id, SESSION + timedelta(hours=1))  # moved: same ids, new times
    moved = scheduler.get_job(job_id(training.id, "1h"))
    assert abs(moved.trigger.run_date - (real_now + timedelta(hours=30))) < timedelta(seconds=5)
    jobs.drop(training.id)
    assert scheduler.get_job(job_id(training.id, "24h")) is None
    assert scheduler.get_job(job_id(training.id, "1h")) is None
    scheduler.shutdown(wait=False)


async def test_start_up_rebuilds_jobs_from_the_database(world: World) -> None:
    moderator = await world.moderator()
    training = await world.training(moderator)
    real_now = datetime.now(UTC)
    shifted = ShiftedClock(offset_seconds=(START - real_now).total_seconds())
    jobs = VolunteerJobs(world.v.reminders, shifted, "Asia/Almaty")
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs.attach(scheduler)
    scheduler.start(paused=True)
    await jobs.start()
    ids = {job.id for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert {job_id(training.id, "24h"), job_id(training.id, "1h")} <= ids


async def test_leaving_or_deleting_gives_the_seat_to_the_waiting_list(world: World) -> None:
    moderator = await world.moderator()
    a, b, c = [await world.volunteer(701 + n, moderator) for n in range(3)]
    training = await world.training(moderator, capacity=1)
    await world.v.trainings.join(a, training)
    await world.v.trainings.wait(b, training)
    await world.v.trainings.wait(c, training)
    await world.clear_outbox()
    await world.v.people.leave(a)
    seats = await world.db.fetchall("SELECT volunteer_id, status FROM training_seats ORDER BY 1")
    assert [(s["volunteer_id"], s["status"]) for s in seats] == [
        (a.id, "declined"),
        (b.id, "joined"),
        (c.id, "waiting"),
    ]
    assert [(r, p["kind"]) for r, p in await world.queued()] == [
        (b.pseudonym, "vol_seat_freed"),
        (b.pseudonym, "vol_ics"),
    ]
    await world.clear_outbox()
    await world.v.people.delete(await world.v.people.by_id(b.id))
    seats = await world.db.fetchall("SELECT volunteer_id, status FROM training_seats ORDER BY 1")
    assert [(s["volunteer_id"], s["status"]) for s in seats] == [
        (a.id, "declined"),
        (c.id, "joined"),
    ]
