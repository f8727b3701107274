"""Citizens file reports over real HTTP and follow them with /check and /mytips."""

from __future__ import annotations

import io
import re

import pytest
from aiogram.utils.i18n import I18n
from PIL import Image

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.devtools.emulator import BotApiEmulator
from bot.factory import create_services
from bot.views.callbacks import ReportCallback
from tests.conftest import TEST_SECRET, translate
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import BotProcess

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
TEXTS = {
    "kk": "Мектеп құрылысы үш жылдан бері бітпей тұр, ал мердігерге ақша толық төленген.",
    "ru": "Строительство школы стоит третий год, а подрядчику деньги выплачены полностью.",
}


def rp(action: str, value: str = "") -> str:
    return ReportCallback(action=action, value=value).pack()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0xA431] = "SERIAL-XK42-0077"  # camera body serial number
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 13.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


async def onboard(citizen: Citizen, locale: str) -> None:
    await citizen.say("/start")
    await citizen.tap(f"lang:{locale}")
    await citizen.tap("reg:KZ-27", expect="/privacy")


async def fill_report(
    citizen: Citizen, i18n: I18n, locale: str, *, anonymity: str, files: list[tuple[str, dict]]
) -> None:
    await citizen.say("/report")
    await citizen.tap(rp("area", "education"))
    await citizen.tap(rp("region", "KZ-27"))
    await citizen.say("Орал" if locale == "kk" else "Уральск")
    await citizen.say(TEXTS[locale])
    await citizen.tap(rp("when", "earlier"))
    await citizen.tap(rp("skip"))  # who is involved
    await citizen.say("2,5 млрд")
    for action, kwargs in files:
        # Not waiting for an answer: an album's second photo only edits the counter. The
        # bot handles one chat's updates in order, so "done" is handled after the files.
        getattr(citizen.emu, action)(citizen.id, **kwargs)
    await citizen.tap(rp("skip"))  # evidence: done
    await citizen.send("send_location", latitude=51.2333, longitude=51.3667)
    await citizen.tap(rp("anon", anonymity))
    if anonymity == "open":
        await citizen.send("send_contact", phone_number="+77112500000")


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_report_with_photo_then_check_and_mytips(
    emulator: BotApiEmulator, bot_process: BotProcess, i18n: I18n, locale: str
) -> None:
    await bot_process.start()
    anonymous = Citizen(emulator, 7_200_000_001, locale)
    await onboard(anonymous, locale)
    await fill_report(
        anonymous,
        i18n,
        locale,
        anonymity="anonymous",
        files=[("send_photo", {"content": jpeg_with_gps()})],
    )
    confirmation = await anonymous.tap_and_read(rp("submit"), expect="KZ27-")
    code = CODE.search(confirmation["text"]).group(0)
    assert "1424" in confirmation["text"]
    shown = await anonymous.say(f"/check {code}", expect="KZ27-000001")
    assert translate(i18n, "Received", locale) in shown["text"]

    confidential = Citizen(emulator, 7_200_000_002, locale)
    await onboard(confidential, locale)
    await fill_report(
        confidential,
        i18n,
        locale,
        anonymity="confidential",
        files=[("send_photo", {"media_group_id": "a1"}), ("send_photo", {"media_group_id": "a1"})],
    )
    await confidential.tap_and_read(rp("submit"), expect="KZ27-000002")
    listing = await confidential.say("/mytips", expect="KZ27-000002")
    assert translate(i18n, "Received", locale) in listing["text"]
    assert await bot_process.terminate() == 0

    db = await Database.open(bot_process.db_path)
    try:
        rows = await db.fetchall("SELECT case_number, anonymity FROM reports ORDER BY id")
        evidence = await db.fetchall("SELECT report_id, kind FROM report_evidence")
    finally:
        await db.close()
    assert [tuple(r) for r in rows] == [
        ("KZ27-000001", "anonymous"),
        ("KZ27-000002", "confidential"),
    ]
    assert sorted(tuple(r) for r in evidence) == [(1, "photo"), (2, "photo"), (2, "photo")]


async def test_open_report_image_file_is_cleaned_and_reporter_notified(
    emulator: BotApiEmulator, bot_process: BotProcess, i18n: I18n, tmp_path
) -> None:
    await bot_process.start()
    citizen = Citizen(emulator, 7_200_000_003, "ru")
    await onboard(citizen, "ru")
    original = jpeg_with_gps()
    await fill_report(
        citizen,
        i18n,
        "ru",
        anonymity="open",
        files=[
            (
                "send_document",
                {
                    "content": original,
                    "file_name": "Сейітова_IMG_0042.jpg",
                    "mime_type": "image/jpeg",
                },
            )
        ],
    )
    confirmation = await citizen.tap_and_read(rp("submit"), expect="KZ27-000001")
    assert CODE.search(confirmation["text"]) is None  # open reports have no secret code

    # The clean copy the bot uploaded is the only file it kept.
    db = await Database.open(bot_process.db_path)
    try:
        file_id = (await db.fetchone("SELECT file_id FROM report_evidence"))["file_id"]
        stored = await db.fetchone("SELECT phone_enc FROM reports")
    finally:
        await db.close()
    kept = emulator.files.get(file_id).content
    assert b"SERIAL-XK42-0077" not in kept and b"PhoneMaker" not in kept
    assert b"SERIAL-XK42-0077" in original
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert b"+77112500000" not in stored["phone_enc"]

    # A moderator changes the status through the moderation service (from another process):
    # the reporter hears about it in Russian, through the outbox of the running bot.
    db = await Database.open(bot_process.db_path)
    try:
        settings = Settings(
            _env_file=None,
            bot_token="1:x",
            secret_key=TEST_SECRET,
            database_path=bot_process.db_path,
        )
        services = create_services(settings, db, Keyring.from_setting(TEST_SECRET))
        report = await services.reports.get(1)
        after = emulator.sent_count(citizen.id)
        moderator = await services.moderation.add_moderator(7_100_000_099, None, by="admin")
        await services.moderation.set_status(moderator, report, "forwarded")
    finally:
        await db.close()
    status = translate(i18n, "Forwarded to the authorities", "ru")
    note = await emulator.wait_for_bot_message(
        citizen.id, after=after, predicate=lambda m: status in (m.get("text") or "")
    )
    assert "KZ27-000001" in note["text"]
    assert await bot_process.terminate() == 0


async def test_report_draft_survives_sigkill(
    emulator: BotApiEmulator, bot_process: BotProcess, i18n: I18n
) -> None:
    await bot_process.start()
    citizen = Citizen(emulator, 7_200_000_004, "kk")
    await onboard(citizen, "kk")
    await citizen.say("/report")
    await citizen.tap(rp("area", "land"))
    await citizen.tap(rp("region", "KZ-27"))
    await citizen.say("Зеленов ауданы")
    bot_process.kill()
    await bot_process.start()
    # The step survived: the description goes in, and the flow moves on to "when". (The
    # place typed just before the kill may be answered twice: it was in flight.)
    after = emulator.sent_count(citizen.id)
    emulator.send_text(citizen.id, TEXTS["kk"])
    when = await emulator.wait_for_bot_message(
        citizen.id,
        after=after,
        predicate=lambda m: rp("when", "today") in str(m.get("reply_markup")),
    )
    assert when is not None
    assert await bot_process.terminate() == 0
