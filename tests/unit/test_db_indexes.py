"""0010_indexes.sql: the queue's tallies stay equal to a count, and the queries that must be
fast at a million reports use the indexes made for them (bench/db_scale.py has the timings)."""

from __future__ import annotations

import pytest

from bot.db.connection import Database
from bot.db.repositories.moderation import QueueFilter, _queue_where
from bot.db.repositories.reporting import ReportingRepository
from bot.domain import STATUSES

AREAS = ("land", "construction", "ecology")


async def months_match(db: Database) -> None:
    counted = await db.fetchall(
        "SELECT substr(created_at, 1, 7), region, area, status, COUNT(*), COUNT(response_s)"
        " FROM reports GROUP BY 1, 2, 3, 4"
    )
    kept = await db.fetchall(
        "SELECT month, region, area, status, n, responded FROM report_months WHERE n != 0"
    )
    assert sorted(tuple(r) for r in kept) == sorted(tuple(r) for r in counted)


async def tallies_match(db: Database) -> None:
    await months_match(db)
    counted = await db.fetchall(
        "SELECT region, area, status, COALESCE(assignee, 0) AS assignee, COUNT(*) AS n"
        " FROM reports GROUP BY 1, 2, 3, 4"
    )
    kept = await db.fetchall(
        "SELECT region, area, status, assignee, n FROM report_tallies WHERE n != 0"
    )
    assert sorted(tuple(r) for r in kept) == sorted(tuple(r) for r in counted)


async def test_tallies_follow_every_insert_update_and_delete(db: Database) -> None:
    await db.execute(
        "INSERT INTO users (pseudonym, chat_id_enc, first_seen) VALUES ('m', x'00', '2026-01-01')"
    )
    await db.execute(
        "INSERT INTO moderators (pseudonym, regions, added_at) VALUES ('m', '*', '2026-01-01')"
    )
    for n in range(40):
        await db.execute(
            "INSERT INTO reports (case_number, region, area, settlement, description, occurred,"
            " anonymity, locale, code_hash, status, created_at, assignee)"
            " VALUES (?, ?, ?, 's', 'd', 'today', 'anonymous', 'kk', x'00', ?, ?, ?)",
            (
                f"KZ27-{n:06d}",
                ("KZ-27", "KZ-75")[n % 2],
                AREAS[n % 3],
                STATUSES[n % len(STATUSES)],
                f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
                1 if n % 4 == 0 else None,
            ),
        )
    await tallies_match(db)
    await db.execute(
        "UPDATE reports SET first_response_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
        " created_at, '+90 minutes') WHERE id % 3 = 1"
    )
    await db.execute("UPDATE reports SET created_at = '2025-12-31T23:00:00Z' WHERE id % 11 = 0")
    await tallies_match(db)
    # /stats' counts for windows across month ends equal a plain count of the rows.
    repo = ReportingRepository(db)
    for start, end in [
        ("2025-12-31T23:00:00Z", "2026-12-31T23:59:59Z"),
        ("2026-02-15T00:00:00Z", "2026-07-01T00:00:00Z"),
        ("2026-03-01T00:00:00Z", "2026-03-31T23:59:59Z"),
        ("2026-01-29T10:00:00Z", "2026-02-01T09:59:59Z"),
    ]:
        plain = await db.fetchall(
            "SELECT region, area, status, COUNT(*), COUNT(response_s) FROM reports"
            " WHERE created_at >= ? AND created_at <= ? GROUP BY 1, 2, 3",
            (start, end),
        )
        counted = await repo.stats_counts(None, start, end)
        assert sorted((c.region, c.area, c.status, c.n, c.responded) for c in counted) == sorted(
            tuple(r) for r in plain
        ), (start, end)
        west = await repo.stats_counts(frozenset({"KZ-27"}), start, end)
        assert {c.region for c in west} <= {"KZ-27"}
        assert sum(c.n for c in west) == sum(r[3] for r in plain if r[0] == "KZ-27")
    await db.execute("UPDATE reports SET status = 'resolved' WHERE id % 5 = 0")
    await db.execute("UPDATE reports SET assignee = 1 WHERE id % 3 = 0")
    await db.execute("UPDATE reports SET assignee = NULL, area = 'land' WHERE id % 7 = 0")
    await db.execute("UPDATE reports SET description = 'x'")  # no tallied column: no change
    await tallies_match(db)
    await db.execute("DELETE FROM report_status_history")
    await db.execute("DELETE FROM reports WHERE id % 2 = 0")
    await tallies_match(db)


async def test_response_seconds_are_set_once_with_the_first_response(db: Database) -> None:
    await db.execute(
        "INSERT INTO reports (case_number, region, area, settlement, description, occurred,"
        " anonymity, locale, code_hash, status, created_at)"
        " VALUES ('KZ27-000001', 'KZ-27', 'land', 's', 'd', 'today', 'anonymous', 'kk', x'00',"
        " 'received', '2026-11-01T10:00:00Z')"
    )
    await db.execute("UPDATE reports SET first_response_at = '2026-11-01T10:25:00Z'")
    await db.execute("UPDATE reports SET first_response_at = '2026-11-02T10:25:00Z'")
    row = await db.fetchone("SELECT response_s FROM reports")
    assert row["response_s"] == 25 * 60


@pytest.mark.parametrize(
    ("flt", "index"),
    [
        (QueueFilter(regions=None, region="KZ-27"), "reports_open_region"),
        (QueueFilter(regions=frozenset({"KZ-27"})), "reports_open_region"),
        (QueueFilter(regions=None, area="land"), "reports_open_area"),
        # On an empty table the planner may take the plain assignee index: also in id order.
        (QueueFilter(regions=None, assignee=1), "assignee"),
        (QueueFilter(regions=None, unassigned=True), "assignee"),
        (QueueFilter(regions=None, status="need_info"), "reports_status"),
    ],
)
async def test_queue_pages_walk_an_index_in_id_order(
    db: Database, flt: QueueFilter, index: str
) -> None:
    """The open statuses are written as literals matching the partial indexes' WHERE; if
    CLOSED_STATUSES and the migration part ways, the plan falls back to a sort, and this
    fails."""
    await db.execute("ANALYZE")
    where, params = _queue_where(flt, tallies=False)
    plan = await db.fetchall(
        f"EXPLAIN QUERY PLAN SELECT * FROM reports WHERE {where} ORDER BY id DESC LIMIT 8",
        params,
    )
    details = " | ".join(row["detail"] for row in plan)
    assert index in details and "TEMP B-TREE" not in details, details
