"""Volunteering end to end: the real `python -m bot` over HTTP against the emulator.

An application and its approval; a task made from a case (the reporter's text is in none of
it); a claim from the pool that two volunteers press at the same moment (one wins, the other
is told politely); findings with an image file (cleaned) submitted and accepted; points; a
training session joined with an .ics file; both reminders fired by a controllable clock,
with a SIGKILL between scheduling and firing that loses none and duplicates none; attendance
unlocking a gated task; a thank-you letter delivered as a PDF.

The clock: TEST_CLOCK_OFFSET_SECONDS (bot/config.py, for tests only) moves the volunteers'
services' "now" ahead, and the scheduler runs each reminder job at the real moment that
corresponds to its shifted time. Each phase restarts the bot with a new offset, as an
operator's restart would, which is also how the restarts between scheduling and firing are
made.
"""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pypdfium2
import pytest
from aiogram.utils.i18n import I18n

from bot.devtools.emulator import BotApiEmulator
from bot.views.callbacks import (
    ModCallback,
    TaskAction,
    TaskCallback,
    TaskModAction,
    TaskModCallback,
    TrainingAction,
    TrainingCallback,
    TrainingModAction,
    TrainingModCallback,
    VolAction,
    VolCallback,
    VolModAction,
    VolModCallback,
)
from tests.conftest import translate
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import BotProcess
from tests.e2e.test_reports_e2e import TEXTS, fill_report, jpeg_with_gps, onboard, rp
from tests.unit.test_privacy_dump import dump

ADMIN, MODERATOR, REPORTER = 7_400_000_001, 7_400_000_002, 7_400_000_003
ASEL, BORIS = 7_400_000_011, 7_400_000_012
pytestmark = pytest.mark.e2e
VOLUNTEERS_GROUP = -1_001_740_000_000
ALMATY = ZoneInfo("Asia/Almaty")
ASEL_NAME = "Әсел Құрманғалиқызы"
BORIS_NAME = "Борис Ким"
TRAINING_TITLE = "Сатып алу порталы"


def v(action: VolAction, value: str = "") -> str:
    return VolCallback(action=action, value=value).pack()


def vm(action: VolModAction, volunteer_id: int) -> str:
    return VolModCallback(action=action, id=volunteer_id).pack()


def tm(action: TaskModAction, task_id: int = 0, value: str = "") -> str:
    return TaskModCallback(action=action, id=task_id, value=value).pack()


def vt(action: TaskAction, task_id: int) -> str:
    return TaskCallback(action=action, id=task_id).pack()


def sm(action: TrainingModAction, training_id: int = 0, value: str = "") -> str:
    return TrainingModCallback(action=action, id=training_id, value=value).pack()


@pytest.fixture
async def clocked(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(
        emulator, tmp_path, ADMIN_IDS=str(ADMIN), VOLUNTEER_CHAT_ID=str(VOLUNTEERS_GROUP)
    )
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


async def restart(process: BotProcess, *, offset: float, kill: bool = False) -> None:
    """Stop (SIGTERM, or SIGKILL as in a crash) and start with the clock moved."""
    if kill:
        process.kill()
    else:
        assert await process.terminate() == 0
    process.env["TEST_CLOCK_OFFSET_SECONDS"] = f"{offset:.3f}"
    await process.start()


def offset_to(moment: datetime) -> float:
    """The offset that makes the bot's volunteers' clock read `moment` right now."""
    return (moment - datetime.now(UTC)).total_seconds()


def texts(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in emulator.bot_messages(chat_id)]


async def wait_for_text(
    emulator: BotApiEmulator, chat_id: int, needle: str, after: int = 0, timeout: float = 60
) -> dict:
    return await emulator.wait_for_bot_message(
        chat_id,
        after=after,
        timeout=timeout,
        predicate=lambda m: needle in (m.get("text") or m.get("caption") or ""),
    )


async def wait_for_answer(emulator: BotApiEmulator, text: str, timeout: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not any(a.get("text") == text for a in emulator.callback_answers):
        if loop.time() > deadline:
            raise AssertionError(f"no callback answer {text!r}: {emulator.callback_answers[-5:]}")
        await asyncio.sleep(0.05)


async def toggle(person: Citizen, data: str) -> None:
    """Tap a toggle button: the bot redraws the buttons of the same message."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while (message := person._with_button(data)) is None:
        assert loop.time() < deadline, f"no button {data!r}"
        await asyncio.sleep(0.05)
    stored = person.emu.world.state(person.id).messages[message["message_id"]]
    seen = stored.edit_count
    person.emu.press_button(person.id, message["message_id"], data)
    await person.emu.wait_for_edit(person.id, message["message_id"], timeout=20, since=seen)


async def apply(person: Citizen, name: str, *, contact: str | None, typed: str | None) -> None:
    await person.say("/volunteer")
    await person.say(name)
    await person.tap(v(VolAction.REGION, "KZ-27"))
    if contact is not None:
        await person.send("send_contact", phone_number=contact)
    else:
        await person.say(typed or "")
    for skill in ("procurement", "construction"):
        await toggle(person, v(VolAction.SKILL, skill))
    await person.tap(v(VolAction.SKILLS_DONE))
    await toggle(person, v(VolAction.AVAILABILITY, "evenings"))
    await person.tap(v(VolAction.AVAILABILITY_DONE))
    await person.tap_and_read(v(VolAction.CONSENT), expect="📨")


def db_rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:  # a second reader of the live WAL database
        return conn.execute(sql).fetchall()


async def test_volunteering_end_to_end(
    emulator: BotApiEmulator, clocked: BotProcess, i18n: I18n
) -> None:
    emulator.add_group(VOLUNTEERS_GROUP, "Еріктілер", member_ids=[ASEL, BORIS])
    await clocked.start()
    admin = Citizen(emulator, ADMIN, "ru")
    moderator = Citizen(emulator, MODERATOR, "kk", first_name="Данияр")
    reporter = Citizen(emulator, REPORTER, "kk")
    asel = Citizen(emulator, ASEL, "kk", first_name="Әсел")
    boris = Citizen(emulator, BORIS, "ru", first_name="Борис")
    for person, locale in (
        (admin, "ru"),
        (moderator, "kk"),
        (reporter, "kk"),
        (asel, "kk"),
        (boris, "ru"),
    ):
        await onboard(person, locale)
    await admin.say(f"/mod_add {MODERATOR} KZ-27", expect="#1")

    # A confidential report becomes a case; its card reaches the moderator privately.
    await fill_report(reporter, i18n, "kk", anonymity="confidential", files=[])
    await reporter.tap_and_read(rp("submit"), expect="KZ27-000001")
    await wait_for_text(emulator, MODERATOR, "KZ27-000001")

    # Two applications; the region's moderator approves both from the cards.
    await apply(asel, ASEL_NAME, contact="87011234567", typed=None)
    await apply(boris, BORIS_NAME, contact=None, typed="+7 (702) 555-12-34")
    for number, person in ((1, asel), (2, boris)):
        card = await wait_for_text(emulator, MODERATOR, f"№{number}")
        assert ASEL_NAME not in card["text"] and BORIS_NAME not in card["text"]
        after = emulator.sent_count(person.id)
        emulator.press_button(MODERATOR, card["message_id"], vm(VolModAction.APPROVE, number))
        await emulator.wait_for_bot_message(person.id, after=after, timeout=30)
    assert "🎉" in texts(emulator, ASEL)[-1]

    # A task from the case: the moderator's own words only.
    after_a, after_b = emulator.sent_count(ASEL), emulator.sent_count(BORIS)
    await moderator.tap(ModCallback(action="task", id=1).pack())
    await moderator.say("Мектеп құрылысын тексеру")
    await moderator.say("Зачаганск кентіндегі мектеп құрылысын сырттан суретке түсіріңіз.")
    await moderator.tap(tm(TaskModAction.SKILL, value="construction"))
    deadline = (datetime.now(ALMATY) + timedelta(days=10)).strftime("%d.%m.%Y")
    await moderator.say(deadline)
    await moderator.tap(tm(TaskModAction.NO_LOT))
    await moderator.tap(tm(TaskModAction.PUBLISH), expect="№1")
    pool_a = await emulator.wait_for_bot_message(ASEL, after=after_a, timeout=30)
    pool_b = await emulator.wait_for_bot_message(BORIS, after=after_b, timeout=30)
    for message in (pool_a, pool_b):
        assert "Мектеп құрылысын тексеру" in message["text"]
        assert TEXTS["kk"][:30] not in message["text"] and "KZ27" not in message["text"]
    for row in db_rows(clocked.db_path, "SELECT * FROM volunteer_tasks"):
        assert TEXTS["kk"][:30] not in str(row)

    # Both press «Take» at the same moment: one gets it, the other is told politely.
    after_a, after_b = emulator.sent_count(ASEL), emulator.sent_count(BORIS)
    emulator.press_button(ASEL, pool_a["message_id"], vt(TaskAction.CLAIM, 1))
    emulator.press_button(BORIS, pool_b["message_id"], vt(TaskAction.CLAIM, 1))
    taken = {
        "kk": translate(
            i18n,
            "Another volunteer took this task a moment earlier. Thank you "
            "for being quick; other tasks are in /tasks.",
            "kk",
        ),
        "ru": translate(
            i18n,
            "Another volunteer took this task a moment earlier. Thank you "
            "for being quick; other tasks are in /tasks.",
            "ru",
        ),
    }
    loop = asyncio.get_running_loop()
    deadline_at = loop.time() + 30
    while not any(a.get("text") in taken.values() for a in emulator.callback_answers):
        assert loop.time() < deadline_at, emulator.callback_answers[-4:]
        await asyncio.sleep(0.05)
    ((assignee,),) = db_rows(clocked.db_path, "SELECT assignee FROM volunteer_tasks WHERE id = 1")
    winner, winner_id = (asel, ASEL) if assignee == 1 else (boris, BORIS)
    loser_locale = "ru" if winner is asel else "kk"
    assert [a for a in emulator.callback_answers if a.get("text") == taken[loser_locale]]
    await wait_for_text(emulator, winner_id, "№1", after=after_a if winner is asel else after_b)

    # Findings: text, then an image file with GPS in it (cleaned), then «Send».
    await winner.tap(vt(TaskAction.SUBMIT, 1))
    await winner.say("Құрылыс тоқтап тұр, алаңда ешкім жоқ.")
    cleaned = await winner.send(
        "send_document", content=jpeg_with_gps(), file_name="IMG_0042.jpg", mime_type="image/jpeg"
    )
    assert cleaned.get("document", {}).get("file_name", "").startswith("evidence")
    clean_bytes = emulator.files.get(cleaned["document"]["file_id"]).content
    assert b"SERIAL-XK42-0077" not in clean_bytes
    after = emulator.sent_count(MODERATOR)
    await winner.tap_and_read(TaskCallback(action=TaskAction.SEND, id=1).pack(), expect="📤")
    findings = await emulator.wait_for_bot_message(
        MODERATOR, after=after, timeout=30, predicate=lambda m: "Құрылыс тоқтап тұр" in m["text"]
    )
    after = emulator.sent_count(winner_id)
    emulator.press_button(MODERATOR, findings["message_id"], tm(TaskModAction.ACCEPT, 1))
    await wait_for_text(emulator, winner_id, "+10", after=after)
    me = await winner.say("/me", expect="10")
    assert ("Ұпай: 10" in me["text"]) or ("Баллы: 10" in me["text"])

    # A training session that unlocks procurement, in three days at 19:00 Almaty time.
    start = (datetime.now(ALMATY) + timedelta(days=3)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    after_a = emulator.sent_count(ASEL)
    await moderator.say("/training_new")
    for answer in (
        TRAINING_TITLE,
        "Портал госзакупок",
        "Шартты табу.",
        "Поиск договора.",
        start.strftime("%d.%m.%Y %H:%M"),
    ):
        await moderator.say(answer)
    await moderator.tap(sm(TrainingModAction.MINUTES, value="90"))
    await moderator.say("https://meet.example.org/adal")
    await moderator.say("10")
    await moderator.tap(sm(TrainingModAction.UNLOCKS, value="procurement"))
    await moderator.tap(sm(TrainingModAction.PUBLISH), expect="/training 1")
    await wait_for_text(emulator, ASEL, TRAINING_TITLE, after=after_a)
    await wait_for_text(emulator, VOLUNTEERS_GROUP, "Портал госзакупок")
    after_a = emulator.sent_count(ASEL)
    await asel.tap(TrainingCallback(action=TrainingAction.JOIN, id=1).pack())
    ics_message = await emulator.wait_for_bot_message(
        ASEL, after=after_a, timeout=30, predicate=lambda m: "document" in m
    )
    ics = emulator.files.get(ics_message["document"]["file_id"]).content
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(ALMATY) == start
    assert str(event["SUMMARY"]) == TRAINING_TITLE

    # A procurement task: Әсел has not attended the training yet, so she is told which one.
    await moderator.say("/task_new")
    await moderator.say("Келісімшартты тексеру")
    await moderator.say("Порталдан шартты тауып, сомасын салыстырыңыз.")
    await moderator.tap(tm(TaskModAction.SKILL, value="procurement"))
    await moderator.say(deadline)
    await moderator.tap(tm(TaskModAction.NO_LOT))
    await moderator.tap(tm(TaskModAction.PUBLISH), expect="№2")
    gated = await asel.tap(vt(TaskAction.CLAIM, 2), expect=TRAINING_TITLE)
    assert str(start.year) in gated["text"]

    # The clock moves to 40 s before «24 hours before». The bot plans the job at start-up;
    # it is killed (SIGKILL) before the job fires and started again: the reminder comes
    # once. (On a very slow start it may fire before the kill: still exactly once.)
    day_before = start.astimezone(UTC) - timedelta(hours=24)
    await restart(clocked, offset=offset_to(day_before - timedelta(seconds=40)))
    offset = float(clocked.env["TEST_CLOCK_OFFSET_SECONDS"])
    await restart(clocked, offset=offset, kill=True)
    day_note = translate(i18n, "⏰ Reminder: the training session «{title}» is on {when}.", "kk")
    day_prefix = day_note.format(title=TRAINING_TITLE, when="\0").split("\0")[0]
    await wait_for_text(emulator, ASEL, day_prefix, timeout=90)
    await wait_for_text(emulator, VOLUNTEERS_GROUP, day_prefix, timeout=30)

    # Past the mark, restarted again: nothing is sent twice.
    await restart(clocked, offset=offset_to(day_before + timedelta(hours=2)))
    await asyncio.sleep(3)

    # One hour before: the second reminder, once, after another restart.
    hour_before = start.astimezone(UTC) - timedelta(hours=1)
    await restart(clocked, offset=offset_to(hour_before - timedelta(seconds=8)))
    hour_note = translate(i18n, "⏰ Starting soon: the training session «{title}», {when}.", "kk")
    hour_prefix = hour_note.format(title=TRAINING_TITLE, when="\0").split("\0")[0]
    await wait_for_text(emulator, ASEL, hour_prefix, timeout=90)
    await asyncio.sleep(3)
    assert sum(t.startswith(day_prefix) for t in texts(emulator, ASEL)) == 1
    assert sum(t.startswith(hour_prefix) for t in texts(emulator, ASEL)) == 1
    assert not any(t.startswith(day_prefix) for t in texts(emulator, BORIS))  # not joined

    # After the start: attendance unlocks procurement, and the gated task can be taken.
    await restart(clocked, offset=offset_to(start.astimezone(UTC) + timedelta(minutes=30)))
    await moderator.say("/training 1", expect=TRAINING_TITLE)
    await toggle(moderator, sm(TrainingModAction.ATTENDANCE, 1, "0"))  # the card turns into
    after_a = emulator.sent_count(ASEL)  # the attendance sheet, and marking redraws it
    await toggle(moderator, sm(TrainingModAction.MARK, 1, "1-1-0"))
    await wait_for_text(emulator, ASEL, "+5", after=after_a)
    await asel.tap(vt(TaskAction.CLAIM, 2), expect="Келісімшартты тексеру")
    ((owner,),) = db_rows(clocked.db_path, "SELECT assignee FROM volunteer_tasks WHERE id = 2")
    assert owner == 1

    # A thank-you letter from Әсел's card: a PDF with her name, Kazakh letters and all.
    await moderator.say("/volunteers active", expect="№1")
    await moderator.tap(VolModCallback(action=VolModAction.CARD, id=1).pack(), expect="№1")
    await moderator.tap(vm(VolModAction.LETTER, 1), expect="№1")
    after_a = emulator.sent_count(ASEL)
    await moderator.say("Мектеп құрылысын бақылағаны үшін")
    letter = await emulator.wait_for_bot_message(
        ASEL, after=after_a, timeout=60, predicate=lambda m: "document" in m
    )
    pdf_bytes = emulator.files.get(letter["document"]["file_id"]).content
    pdf = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes))
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert ASEL_NAME in text and "Мектеп құрылысын бақылағаны үшін" in text

    assert await clocked.terminate() == 0
    log = clocked.log()
    for secret in (ASEL_NAME, BORIS_NAME, "7011234567", "7025551234", str(ASEL)):
        assert secret not in log, secret
    raw = dump(clocked.db_path)
    assert ASEL_NAME.encode() not in raw and b"7011234567" not in raw
