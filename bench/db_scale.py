"""Prints how the moderators' queries fare on a large database.

    .venv/bin/python bench/db_scale.py [--reports 1000000] [--users 100000] [--runs 30]

Seeds a fresh database with generated reports (spread over two years, 20 regions, every area
and status, a third with files) and users, then times, through the real services, the queries
moderators wait for: the queue page with each filter, a case card with its history, /stats for
a month and a year, /export of a month (time and peak memory), the digest's statistics line,
and prints p50/p99 next to the goal each answers (interactive queries under 20 ms at p99,
/stats for a year under 500 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.db.connection import Database
from bot.db.migrations import apply_migrations
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.factory import create_services
from bot.services.digests import STATS_WINDOW
from bot.services.regions import all_regions
from bot.services.risk_areas import all_areas
from tests.conftest import TEST_SECRET

STATUSES = (  # a realistic spread: most cases are closed
    ("resolved", 40),
    ("rejected", 25),
    ("duplicate", 5),
    ("forwarded", 12),
    ("received", 6),
    ("review", 8),
    ("need_info", 4),
)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed(path: Path, reports: int, users: int, rng: random.Random) -> float:
    """Plain sqlite3 in one transaction: generating a million rows must take minutes."""
    started = time.perf_counter()
    regions = [r.code for r in all_regions()]
    areas = [a.key for a in all_areas()]
    weights = [w for _, w in STATUSES]
    names = [s for s, _ in STATUSES]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO users (pseudonym, chat_id_enc, locale, region, first_seen)"
        " VALUES (?, ?, ?, ?, '2025-01-01')",
        (
            (os.urandom(16).hex(), os.urandom(40), rng.choice(("kk", "ru")), rng.choice(regions))
            for _ in range(users)
        ),
    )
    moderator_keys = [os.urandom(16).hex() for _ in range(len(regions) + 1)]
    conn.executemany(
        "INSERT INTO users (pseudonym, chat_id_enc, locale, region, first_seen)"
        " VALUES (?, x'00', 'kk', 'KZ-27', '2025-01-01')",
        ((key,) for key in moderator_keys),
    )
    conn.executemany(
        "INSERT INTO moderators (pseudonym, regions, added_at) VALUES (?, ?, '2025-01-01')",
        ((key, region) for key, region in zip(moderator_keys, [*regions, "*"], strict=True)),
    )
    counters: dict[str, int] = {}

    def rows() -> Any:
        for n in range(1, reports + 1):
            region = rng.choice(regions)
            counters[region] = counters.get(region, 0) + 1
            created = NOW - timedelta(hours=rng.randrange(0, 2 * 365 * 24))
            status = rng.choices(names, weights)[0]
            taken = status != "received"
            assignee = regions.index(region) + 1 if taken and rng.random() < 0.9 else None
            response = (
                stamp(created + timedelta(minutes=rng.randrange(5, 4000))) if taken else None
            )
            anonymity = rng.choice(("anonymous", "confidential", "open"))
            yield (
                n,
                f"{region.replace('-', '')}-{counters[region]:06d}",
                region,
                rng.choice(areas),
                "Орал",
                "Сгенерированное описание случая для проверки нагрузки, не настоящее. " * 3,
                "month",
                anonymity,
                None if anonymity == "anonymous" else "x" * 32,
                "kk",
                # unique: 32 random bits per locator collide long before a million
                None if anonymity == "open" else f"{n:08x}",
                None if anonymity == "open" else b"\0" * 32,
                status,
                stamp(created),
                assignee,
                response,
                response,
            )

    conn.executemany(
        "INSERT INTO reports (id, case_number, region, area, settlement, description, occurred,"
        " anonymity, reporter, locale, code_locator, code_hash, status, created_at, assignee,"
        " first_response_at, updated_at)"
        f" VALUES ({', '.join('?' * 17)})",
        rows(),
    )
    conn.executemany(
        "INSERT INTO report_evidence (report_id, kind, file_id) VALUES (?, 'photo', 'F')",
        ((rng.randrange(1, reports + 1),) for _ in range(reports // 3)),
    )
    conn.executemany(
        "INSERT INTO report_status_history (report_id, status, created_at)"
        " VALUES (?, 'received', '2026-01-01T00:00:00Z')",
        ((n,) for n in range(1, reports + 1, 7)),
    )
    # Resolutions spread over the two years, so the digest's "resolved this week" has work.
    conn.executemany(
        "INSERT INTO report_status_history (report_id, status, created_at)"
        " VALUES (?, 'resolved', ?)",
        (
            (n, stamp(NOW - timedelta(hours=rng.randrange(0, 2 * 365 * 24))))
            for n in range(1, reports + 1, 3)
        ),
    )
    conn.executemany(
        "INSERT INTO case_counters (region, last) VALUES (?, ?)", list(counters.items())
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


async def timed(fn: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, float]:
    await fn()  # warm the page cache once, as a running bot has it warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99


async def measure(path: Path, reports: int, runs: int, rng: random.Random) -> None:
    settings = Settings(_env_file=None, secret_key=TEST_SECRET, database_path=path)
    db = await Database.open(path)
    services = create_services(settings, db, _keyring())
    moderation, reporting = services.moderation, services.reporting
    everyone = await moderation.moderator_by_id(21)
    regional = await moderation.moderator_by_id(11)
    assert everyone is not None and regional is not None
    lines = []

    async def row(name: str, fn: Callable[[], Awaitable[Any]], goal: float) -> None:
        p50, p99 = await timed(fn, runs)
        verdict = "ok" if p99 < goal else "OVER"
        lines.append(f"| {name} | {p50:.1f} | {p99:.1f} | < {goal:.0f} | {verdict} |")
        print(lines[-1], flush=True)

    print("| query | p50 ms | p99 ms | goal p99 ms | |\n|---|---|---|---|---|")
    queues: dict[str, dict[str, Any]] = {
        "queue, all of Kazakhstan": {},
        "queue, oldest first": {"newest_first": False},
        "queue, mine": {"mine": True},
        "queue, unassigned": {"unassigned": True},
        "queue, needs information": {"status": "need_info"},
        "queue, one area": {"area": "land"},
        "queue, one region": {"region": "KZ-27"},
    }
    for name, kwargs in queues.items():
        who = regional if kwargs.get("mine") else everyone
        await row(name, lambda who=who, kw=kwargs: moderation.queue(who, 0, **kw), 20)
    await row("queue, a regional moderator", lambda: moderation.queue(regional, 0), 20)
    await row("queue, page 50", lambda: moderation.queue(everyone, 50), 20)

    async def card() -> None:
        report_id = rng.randrange(1, reports + 1)
        snapshot = await moderation.card_snapshot(report_id)
        assert snapshot is not None
        await services.reports.view(snapshot.report)
        await moderation.notes(snapshot.report)

    await row("a case: card, history, thread, notes", card, 20)
    await row("/stats month", lambda: reporting.stats(None, "month", NOW), 500)
    await row("/stats year", lambda: reporting.stats(None, "year", NOW), 500)

    # The digest's statistics line: received and resolved in one region over its window.
    broadcasts = BroadcastRepository(db)
    since = stamp(NOW - STATS_WINDOW)
    await row(
        "digest statistics line, one region",
        lambda: broadcasts.report_counts(frozenset({"KZ-27"}), since),
        20,
    )
    await row(
        "digest statistics line, all of Kazakhstan",
        lambda: broadcasts.report_counts(None, since),
        20,
    )

    # Time without tracemalloc (it slows openpyxl tenfold); Python's peak memory traced in a
    # second CSV pass, and the process's peak RSS after both formats, to show it streams.
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        path = await reporting.export(None, NOW - timedelta(days=30), NOW, fmt=fmt, headers={})
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
        path.unlink()
        print(
            f"\n/export month ({fmt}): {elapsed * 1000:.0f} ms for a {size / 2**20:.1f} MiB file"
        )
    tracemalloc.start()
    path = await reporting.export(None, NOW - timedelta(days=30), NOW, fmt="csv", headers={})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    path.unlink()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"/export month: peak Python memory (CSV) {peak / 2**20:.1f} MiB; peak RSS {rss:.0f} MiB"
    )
    await db.close()


def _keyring() -> Any:
    from bot.crypto import Keyring

    return Keyring.from_setting(TEST_SECRET)


async def main(reports: int, users: int, runs: int, keep: Path | None) -> None:
    rng = random.Random(20261130)
    with tempfile.TemporaryDirectory() as workdir:
        path = keep or Path(workdir) / "scale.sqlite3"
        if not path.exists():
            db = await Database.open(path)
            await apply_migrations(db)
            await db.close()
            seconds = seed(path, reports, users, rng)
            print(f"seeded {reports} reports and {users} users in {seconds:.0f} s")
        print(f"database: {path.stat().st_size / 2**20:.0f} MiB\n")
        await measure(path, reports, runs, rng)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="seed this file once and reuse it")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.users, args.runs, args.keep))
