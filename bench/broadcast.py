"""Prints how the broadcaster fares: rate, 429s, losses, a SIGKILL at ~50 % and another user's
reply time while it runs.

    .venv/bin/python bench/broadcast.py [--subscribers 10000] [--rate 28] [--kill-at 0.5]

Runs the real `python -m bot` against the in-process Bot API emulator with flood control on
(30 messages/s overall, 1/s per chat). The subscribers (5 % have blocked the bot, 1 % deleted
their account) are written straight into the database before the bot starts; the editor and
the other user use the bot through the emulator like anyone. An editor publishes one item to
all of them; at about half way the bot is SIGKILLed and restarted. Meanwhile another user
sends /help about once a second; the same is measured first with no broadcast. Figures, not
pass/fail: tests/e2e/test_news_e2e.py holds the assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.devtools.emulator import BotApiEmulator
from bot.devtools.emulator.limits import GLOBAL_LIMIT
from bot.services.outbox import BULK_IN_FLIGHT
from tests.conftest import TEST_SECRET
from tests.e2e.citizen import Citizen
from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.news_people import compose, publish
from tests.e2e.test_reports_e2e import onboard

FIRST = 8_000_000_000
ADMIN, EDITOR, OTHER = 7_900_000_001, 7_900_000_002, 7_900_000_003
TITLE = "Батыс Қазақстанда 70-тен астам сыбайлас жемқорлық қылмысы анықталды"


async def seed(db_path: Path, count: int) -> None:
    """Subscribers of KZ-27 written the way the bot writes them: pseudonyms, sealed chats."""
    keyring = Keyring.from_setting(TEST_SECRET)
    db = await Database.open(db_path)
    await apply_migrations(db)
    users, subs = [], []
    for n in range(count):
        telegram_id = FIRST + n
        pseudonym = keyring.pseudonym(telegram_id)
        sealed = keyring.seal_chat_id(telegram_id, pseudonym)
        users.append((pseudonym, sealed, "kk" if n % 2 else "ru", "KZ-27", "2026-11-23"))
        subs.append((pseudonym, "KZ-27", "*", "instant", "morning", "2026-11-23"))
    await db.insert_many(
        "INSERT INTO users (pseudonym, chat_id_enc, locale, region, first_seen)"
        " VALUES (?, ?, ?, ?, ?)",
        users,
    )
    await db.insert_many(
        "INSERT INTO news_subscriptions (subscriber, regions, topics, frequency, slot, since)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        subs,
    )
    await db.close()


def all_sent(emulator: BotApiEmulator) -> int:
    """Every message the bot sent anywhere: the broadcast, replies, the editor's screens."""
    return sum(len(state.bot_order) for state in emulator.world.chats.values())


def delivered(emulator: BotApiEmulator, chats: list[int]) -> list[int]:
    """Messages the bot sent to each subscriber's chat."""
    found = []
    for chat_id in chats:
        state = emulator.world.chats.get(chat_id)
        found.append(len(state.bot_order) if state else 0)
    return found


async def reply_times(
    other: Citizen,
    until: asyncio.Event,
    samples: list[tuple[float, float]],
    limit: int | None = None,
) -> None:
    """/help about once a second; the time until its answer arrives. The pause after each
    answer keeps the probe itself under Telegram's one message a second per chat."""
    while not until.is_set() and (limit is None or len(samples) < limit):
        started = time.perf_counter()
        await other.say("/help")
        samples.append((started, time.perf_counter() - started))
        await asyncio.sleep(1.05)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(subscribers: int, rate: float, kill_at: float, seed_value: int) -> None:
    rng = random.Random(seed_value)
    ceiling = GLOBAL_LIMIT[0] / GLOBAL_LIMIT[1]
    chats = [FIRST + n for n in range(subscribers)]
    shuffled = chats[:]
    rng.shuffle(shuffled)
    blocked = set(shuffled[: subscribers * 5 // 100])
    deactivated = set(shuffled[subscribers * 5 // 100 : subscribers * 6 // 100])
    reachable = [c for c in chats if c not in blocked and c not in deactivated]
    async with BotApiEmulator(token=TOKEN, flood_control=True) as emulator:
        for chat_id in chats:
            emulator.add_user(chat_id, language_code="kk")
        for chat_id in blocked:
            emulator.block_chat(chat_id)
        for chat_id in deactivated:
            emulator.deactivate_user(chat_id)
        with tempfile.TemporaryDirectory() as workdir:
            process = BotProcess(
                emulator,
                Path(workdir),
                ADMIN_IDS=str(ADMIN),
                OUTBOX_RATE=str(rate),
            )
            process.env["LOG_LEVEL"] = "WARNING"  # ten thousand INFO lines would cost time
            process.db_path.parent.mkdir(parents=True, exist_ok=True)
            await seed(process.db_path, subscribers)
            await process.start(timeout=180)
            admin = Citizen(emulator, ADMIN, "ru")
            await onboard(admin, "ru")
            editor = Citizen(emulator, EDITOR, "kk")
            await onboard(editor, "kk")
            await admin.say(f"/editor_add {EDITOR} KZ-27", expect="#1")
            other = Citizen(emulator, OTHER, "ru")
            await onboard(other, "ru")

            quiet: list[tuple[float, float]] = []
            await asyncio.sleep(1.5)  # past the per-chat second of its onboarding
            await reply_times(other, asyncio.Event(), quiet, limit=40)

            await compose(
                editor,
                TITLE,
                "Мәтін <b>қысқа</b>.",
                "В ЗКО выявлено более 70 коррупционных преступлений",
                "Текст.",
            )
            errors_before = len(emulator.api_errors)
            started = time.perf_counter()
            await publish(editor)
            stop = asyncio.Event()
            busy: list[tuple[float, float]] = []
            prober = asyncio.create_task(reply_times(other, stop, busy))

            def done_count() -> int:
                return sum(1 for n in delivered(emulator, reachable) if n)

            first_at = None
            everything_at_first = 0
            while done_count() < len(reachable) * kill_at:
                if first_at is None and done_count():
                    first_at, everything_at_first = time.perf_counter(), all_sent(emulator)
                await asyncio.sleep(0.2)
            killed_at = time.perf_counter()
            sent_before_kill = done_count()
            everything = all_sent(emulator) - everything_at_first
            process.kill()
            await process.start(timeout=180)
            restarted_at = time.perf_counter()
            resumed_at = None
            deadline = time.perf_counter() + max(600.0, 3 * subscribers / ceiling)
            count = done_count()
            while count < len(reachable) and time.perf_counter() < deadline:
                await asyncio.sleep(0.25)
                new = done_count()
                if resumed_at is None and new > count:
                    resumed_at = time.perf_counter()
                count = new
            finished_at = time.perf_counter()
            await asyncio.sleep(3)  # room for a late duplicate, if one were coming
            stop.set()
            await prober
            await process.terminate()
            with sqlite3.connect(process.db_path) as conn:
                job = conn.execute(
                    "SELECT total, sent, failed, gone, skipped FROM broadcast_jobs"
                    " WHERE kind = 'news'"
                ).fetchone()
                inactive = conn.execute(
                    "SELECT COUNT(*) FROM users WHERE is_active = 0"
                ).fetchone()[0]

    counts = dict(zip(chats, delivered(emulator, chats), strict=True))
    losses = sum(1 for c in reachable if counts[c] == 0)
    duplicates = sum(counts[c] - 1 for c in reachable if counts[c] > 1)
    to_gone = sum(counts[c] for c in blocked | deactivated)
    throttled = sum(1 for e in emulator.api_errors[errors_before:] if e["status"] == 429)
    phase_one = killed_at - (first_at or started)
    phase_two = finished_at - (resumed_at or restarted_at)
    sending = phase_one + phase_two
    achieved = len(reachable) / sending if sending > 0 else 0.0
    print(
        f"seed={seed_value} subscribers={subscribers} blocked={len(blocked)} "
        f"deactivated={len(deactivated)} reachable={len(reachable)} OUTBOX_RATE={rate}"
    )
    print(f"emulator ceiling={ceiling:.0f}/s overall, 1/s per chat (flood control on)")
    print(
        f"achieved rate={achieved:.1f}/s = {100 * achieved / ceiling:.1f}% of the ceiling "
        f"(delivered messages over sending time, downtime excluded; "
        f"before kill {sent_before_kill / phase_one:.1f}/s, after restart "
        f"{(len(reachable) - sent_before_kill) / phase_two:.1f}/s)"
    )
    print(
        f"all the bot's messages before the kill (broadcast, replies, progress)="
        f"{everything / phase_one:.1f}/s = {100 * everything / phase_one / ceiling:.1f}% "
        f"of the ceiling"
    )
    print(
        f"429s received={throttled}  losses={losses}  sent to blocked/deactivated={to_gone}  "
        f"marked inactive={inactive}"
    )
    print(
        f"SIGKILL at {sent_before_kill}/{len(reachable)} delivered "
        f"({100 * sent_before_kill / len(reachable):.0f}%); duplicates={duplicates} "
        f"(at most BULK_IN_FLIGHT={BULK_IN_FLIGHT} in flight); "
        f"restart to first new delivery={((resumed_at or restarted_at) - killed_at):.1f}s"
    )
    print(f"total time from Publish to the last delivery={finished_at - started:.1f}s")
    print(f"job counts (total, sent, failed, gone, skipped)={tuple(job) if job else None}")
    # While the bot was down (killed, restarting) nobody gets an answer: those are left out.
    down = (killed_at, resumed_at or restarted_at)
    running = [d for at, d in busy if at + d < down[0] or at > down[1]]
    for name, values in (("no broadcast", [d for _, d in quiet]), ("during broadcast", running)):
        print(
            f"another user's /help reply, {name}: n={len(values)} "
            f"p50={1000 * statistics.median(values):.0f} ms "
            f"p99={1000 * percentile(values, 0.99):.0f} ms "
            f"max={1000 * max(values):.0f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=28.0)
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    args = parser.parse_args()
    asyncio.run(main(args.subscribers, args.rate, args.kill_at, args.seed))
