"""SIGKILL the real bot right after a citizen presses Submit, restart it, and count what the
citizen and the moderators got: one report, one confirmation with a working code, one card
(or every copy kept in step).

Shared by tests/e2e/test_submit_kill_e2e.py (a few trials, asserted) and bench/submit_kill.py
(30+ trials, printed as a table), so both measure the same thing.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from random import Random

from bot.devtools.emulator import BotApiEmulator
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import BotProcess
from tests.e2e.test_reports_e2e import rp

GROUP = -1_001_700_000_000
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
CASE = re.compile(r"KZ27-\d{6}")
# Every call but getUpdates: a slow or failing Telegram, not a slow poll.
SENDING = [
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "deleteMessage",
    "deleteMessages",
    "sendChatAction",
    "getChat",
]
CONDITIONS = {
    "plain": {},
    "latency": {"latency": 0.4},
    "5xx": {"fail": 4},
}
PROCESS_ENV = {"MODERATOR_CHAT_ID": str(GROUP), "CODE_CHECK_SECONDS": "0"}


@dataclass
class Trial:
    number: int
    condition: str
    kill_after: float
    reports: int  # new reports filed by this trial
    confirmations: int  # messages in the citizen's chat that read as the confirmation
    code_works: bool
    cards: int  # messages in the group that show this case
    live: int  # of those: with buttons
    live_untracked: int  # of those: with buttons, but not among the remembered copies

    @property
    def ok(self) -> bool:
        return (
            self.reports == 1
            and self.confirmations == 1
            and self.code_works
            and self.live == 1
            and self.live_untracked == 0
        )


def report_count(process: BotProcess) -> int:
    with sqlite3.connect(process.db_path, timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0])


def tracked_copies(process: BotProcess, case: str) -> set[int]:
    with sqlite3.connect(process.db_path, timeout=30) as conn:
        rows = conn.execute(
            "SELECT c.message_id FROM card_copies c JOIN reports r ON r.id = c.report_id"
            " WHERE r.case_number = ?",
            (case,),
        ).fetchall()
    return {int(row[0]) for row in rows}


async def _until(check: object, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if check():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.1)
    return bool(check())  # type: ignore[operator]


def _confirmations(emulator: BotApiEmulator, chat_id: int) -> list[dict]:
    return [
        m
        for m in emulator.bot_messages(chat_id)
        if CASE.search(m.get("text") or "") and CODE.search(m.get("text") or "")
    ]


async def run_trial(
    emulator: BotApiEmulator,
    process: BotProcess,
    number: int,
    condition: str,
    rng: Random,
    citizen_id: int,
) -> Trial:
    """The bot must be running; it is running again when this returns."""
    emulator.clear_faults()
    citizen = Citizen(emulator, citizen_id, "kk")
    await citizen.say("/start")
    await citizen.tap("lang:kk")
    await citizen.tap("reg:KZ-27", expect="/privacy")
    await citizen.say("/report", expect="1/10")  # an introduction comes before the question
    await citizen.tap(rp("area", "education"))
    await citizen.tap(rp("region", "KZ-27"))
    await citizen.say("Орал")
    await citizen.say("Мектеп құрылысы үш жылдан бері бітпей тұр, мердігерге ақша төленген.")
    await citizen.tap(rp("when", "earlier"))
    await citizen.tap(rp("skip"))  # who is involved
    await citizen.tap(rp("skip"))  # the amount
    await citizen.send("send_location", latitude=51.2333, longitude=51.3667)
    await citizen.tap(rp("anon", "anonymous"))
    await citizen.tap(rp("skip"))  # no files: the summary
    await _until(lambda: _summary(emulator, citizen.id), 30)
    summary = _summary(emulator, citizen.id)
    assert summary is not None, "the summary never came"
    before = report_count(process)

    spec = CONDITIONS[condition]
    if "latency" in spec:
        emulator.set_latency(spec["latency"], methods=SENDING)
    if "fail" in spec:
        emulator.fail_next(spec["fail"], 500, methods=SENDING)
    kill_after = rng.uniform(0.0, 1.6)
    emulator.press_button(citizen.id, summary["message_id"], rp("submit"))
    await asyncio.sleep(kill_after)
    process.kill()
    emulator.clear_faults()
    await process.start(timeout=180)  # a busy machine starts slowly; a crash is still seen

    # Settled: the confirmation is there and the card is in the group (or time is up).
    await _until(lambda: _confirmations(emulator, citizen.id), 30)
    await asyncio.sleep(1.0)  # room for a duplicate to show up, if one were coming
    confirmations = _confirmations(emulator, citizen.id)
    reports = report_count(process) - before
    case = CASE.search(confirmations[0]["text"]).group(0) if confirmations else None
    code_works = False
    cards, live, untracked = 0, 0, 0
    if case is not None:
        code = CODE.search(confirmations[0]["text"]).group(0)
        shown = await citizen.say(f"/check {code}", expect=case)
        code_works = case in (shown.get("text") or "")
        # A card that met a 5xx is retried with backoff (10 s, then 20 s): wait for it.
        await _until(lambda: _live(_cards(emulator, case)), 60)
        copies = _cards(emulator, case)
        tracked = tracked_copies(process, case)
        cards = len(copies)
        live = len(_live(copies))
        untracked = sum(1 for m in _live(copies) if m["message_id"] not in tracked)
    return Trial(
        number,
        condition,
        kill_after,
        reports,
        len(confirmations),
        code_works,
        cards,
        live,
        untracked,
    )


def _live(copies: list[dict]) -> list[dict]:
    return [m for m in copies if (m.get("reply_markup") or {}).get("inline_keyboard")]


def _summary(emulator: BotApiEmulator, chat_id: int) -> dict | None:
    for message in reversed(emulator.bot_messages(chat_id)):
        if rp("submit") in str(message.get("reply_markup")):
            return message
    return None


def _cards(emulator: BotApiEmulator, case: str) -> list[dict]:
    return [m for m in emulator.bot_messages(GROUP) if case in (m.get("text") or "")]


def table(trials: list[Trial]) -> str:
    lines = [
        "| # | condition | kill after | reports | confirmations | code works | card messages"
        " | live cards | live, untracked | ok |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in trials:
        lines.append(
            f"| {t.number} | {t.condition} | {t.kill_after:.2f} s | {t.reports}"
            f" | {t.confirmations} | {'yes' if t.code_works else 'NO'} | {t.cards}"
            f" | {t.live} | {t.live_untracked} | {'yes' if t.ok else 'NO'} |"
        )
    return "\n".join(lines)
