"""SQLite's planner statistics are refreshed at close and after the nightly retention run
(`PRAGMA optimize`, bounded by analysis_limit), so the indexes keep being chosen well as the
tables grow; nothing else about the database changes."""

from __future__ import annotations

from pathlib import Path

from bot.db.connection import Database


async def analysed(path: Path) -> set[str]:
    db = await Database.open(path)
    try:
        if await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'") is None:
            return set()
        return {row["tbl"] for row in await db.fetchall("SELECT DISTINCT tbl FROM sqlite_stat1")}
    finally:
        await db.conn.close()  # not Database.close: that would analyse again


async def fill(db: Database) -> None:
    async with db.transaction():
        for n in range(1, 301):
            await db.execute(
                "INSERT INTO reports (id, case_number, region, area, settlement, description,"
                " occurred, anonymity, reporter, locale, status, created_at, updated_at)"
                " VALUES (?, ?, 'KZ-27', 'land', 'Орал', 'x', 'month', 'open', 'p', 'kk',"
                " 'received', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z')",
                (n, f"T-{n:06d}"),
            )
    # A query that a statistics-less planner would have to guess about.
    await db.fetchall(
        "SELECT id FROM reports WHERE region = 'KZ-27' AND status = 'received' ORDER BY id"
    )


async def test_closing_refreshes_the_statistics_of_what_was_queried(migrated_copy: Path) -> None:
    assert "reports" not in await analysed(migrated_copy)
    db = await Database.open(migrated_copy)
    await fill(db)
    await db.close()
    assert "reports" in await analysed(migrated_copy)


async def test_optimize_on_a_closed_connection_does_not_stop_the_close(
    migrated_copy: Path,
) -> None:
    db = await Database.open(migrated_copy)
    await db.conn.close()
    await db.close()  # no exception: the connection was already gone
