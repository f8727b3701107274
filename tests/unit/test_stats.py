"""Moderation statistics and the /stats chart (bot/services/stats.py)."""

from __future__ import annotations

import asyncio
import io
import warnings
from datetime import UTC, datetime, timedelta, timezone
from itertools import count

import pytest
from aiogram.utils.i18n import I18n
from PIL import Image

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.reporting import ReportingRepository
from bot.domain import STATUSES
from bot.services.dates import to_db
from bot.services.regions import all_regions
from bot.services.risk_areas import all_areas
from bot.services.stats import (
    PERIODS,
    RESOLVED,
    ChartLabels,
    Scope,
    Stats,
    collect,
    render_chart,
)
from bot.views.stats import stats_caption

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
ALL = Scope(None)
WEST = Scope(frozenset({"KZ-27"}))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ids = count(1)

# (region, area, status, age, hours to the first response or None, anonymity)
REPORTS = [
    ("KZ-27", "land", "resolved", timedelta(hours=1), 2, "anonymous"),
    ("KZ-27", "land", "review", timedelta(days=2), 4, "confidential"),
    ("KZ-27", "procurement", "need_info", timedelta(days=6), None, "open"),
    ("KZ-75", "land", "received", timedelta(days=7), None, "anonymous"),  # week's first moment
    ("KZ-75", "ecology", "resolved", timedelta(days=7, hours=1), 10, "open"),
    ("KZ-71", "procurement", "rejected", timedelta(days=20), 1, "confidential"),
    ("KZ-27", "ecology", "resolved", timedelta(days=30), 6, "anonymous"),  # month's first
    ("KZ-71", "land", "forwarded", timedelta(days=31), 3, "open"),
    ("KZ-75", "procurement", "duplicate", timedelta(days=200), 8, "anonymous"),
    ("KZ-27", "land", "resolved", timedelta(days=365), 5, "confidential"),  # year's first
    ("KZ-27", "land", "resolved", timedelta(days=366), 100, "open"),
    ("KZ-71", "ecology", "received", timedelta(days=400), None, "anonymous"),
    ("KZ-27", "land", "received", timedelta(hours=-1), None, "anonymous"),  # after "now"
]


async def insert_report(
    db: Database,
    keyring: Keyring,
    *,
    region: str,
    area: str,
    status: str,
    created_at: datetime,
    first_response_hours: float | None = None,
    anonymity: str = "anonymous",
) -> None:
    n = next(_ids)
    first = (
        to_db(created_at + timedelta(hours=first_response_hours))
        if first_response_hours is not None
        else None
    )
    with_code = anonymity != "open"
    await db.execute(
        "INSERT INTO reports (case_number, region, area, settlement, description, occurred,"
        " involved, amount, anonymity, reporter, phone_enc, locale, code_locator, code_salt,"
        " code_hash, status, created_at, first_response_at, updated_at)"
        " VALUES (?, ?, ?, 'Орал', 'Пара, \"кавычки\"', 'week', NULL, 50000, ?, ?, ?, 'kk',"
        " ?, ?, ?, ?, ?, ?, ?)",
        (
            f"{region.replace('-', '')}-{n:06d}",
            region,
            area,
            anonymity,
            None if anonymity == "anonymous" else keyring.pseudonym(n),
            keyring.seal(b"+77011234567", b"phone") if anonymity == "open" else None,
            f"LOC{n:05d}" if with_code else None,
            b"salt" if with_code else None,
            b"hash" if with_code else None,
            status,
            to_db(created_at),
            first,
            first,
        ),
    )


@pytest.fixture
async def seeded(db: Database, keyring: Keyring) -> Database:
    for region, area, status, age, hours, anonymity in REPORTS:
        await insert_report(
            db,
            keyring,
            region=region,
            area=area,
            status=status,
            created_at=NOW - age,
            first_response_hours=hours,
            anonymity=anonymity,
        )
    return db


def test_periods_and_resolved_status() -> None:
    days = {name: period.days for name, period in PERIODS.items()}
    assert days == {"week": 7, "month": 30, "year": 365}
    assert RESOLVED in STATUSES


async def test_week_all_of_kazakhstan(seeded: Database) -> None:
    stats = await collect(ReportingRepository(seeded), ALL, "week", NOW)
    assert stats.start == NOW - timedelta(days=7)
    assert stats.end == NOW
    assert stats.start.tzinfo is not None and stats.start.utcoffset() == timedelta(0)
    assert stats.total == 4  # the report at exactly now - 7 days counts; the future one not
    assert stats.by_region == {"KZ-27": 3, "KZ-75": 1}
    assert list(stats.by_region) == ["KZ-27", "KZ-75"]
    assert stats.by_area == {"land": 3, "procurement": 1}
    # Equal counts: by code.
    assert list(stats.by_status.items()) == [
        ("need_info", 1),
        ("received", 1),
        ("resolved", 1),
        ("review", 1),
    ]
    assert stats.median_first_response_hours == 3.0  # 2 and 4: even count
    assert stats.median_first_response_low_hours == 2.0  # each an hour less: 1 and 3
    assert stats.resolved_share == 0.25


async def test_month_sorts_by_count_then_code(seeded: Database) -> None:
    stats = await collect(ReportingRepository(seeded), ALL, "month", NOW)
    assert stats.total == 7
    assert list(stats.by_region.items()) == [("KZ-27", 4), ("KZ-75", 2), ("KZ-71", 1)]
    assert list(stats.by_area.items()) == [("land", 3), ("ecology", 2), ("procurement", 2)]
    assert list(stats.by_status.items()) == [
        ("resolved", 3),
        ("need_info", 1),
        ("received", 1),
        ("rejected", 1),
        ("review", 1),
    ]
    assert stats.median_first_response_hours == 4.0  # 1 2 [4] 6 10: odd count
    assert stats.median_first_response_low_hours == 3.0  # 0 1 [3] 5 9: never below zero
    assert stats.resolved_share == pytest.approx(3 / 7)


async def test_year(seeded: Database) -> None:
    stats = await collect(ReportingRepository(seeded), ALL, "year", NOW)
    assert stats.total == 10  # 366 and 400 days old: outside; the future one: outside
    assert stats.by_region == {"KZ-27": 5, "KZ-75": 3, "KZ-71": 2}
    assert sum(stats.by_status.values()) == sum(stats.by_area.values()) == 10
    assert stats.median_first_response_hours == 4.5  # 1 2 3 4 | 5 6 8 10
    assert stats.median_first_response_low_hours == 3.5  # 0 1 2 3 | 4 5 7 9
    assert stats.resolved_share == 0.4


async def test_scope_sees_only_its_regions(seeded: Database) -> None:
    stats = await collect(ReportingRepository(seeded), WEST, "year", NOW)
    assert stats.total == 5
    assert stats.by_region == {"KZ-27": 5}
    assert stats.by_area == {"land": 3, "ecology": 1, "procurement": 1}
    assert stats.median_first_response_hours == 4.5  # 2 4 | 5 6
    assert stats.resolved_share == pytest.approx(3 / 5)

    week = await collect(ReportingRepository(seeded), WEST, "week", NOW)
    assert week.total == 3
    assert week.resolved_share == pytest.approx(1 / 3)

    two = await collect(
        ReportingRepository(seeded), Scope(frozenset({"KZ-27", "KZ-71"})), "year", NOW
    )
    assert two.by_region == {"KZ-27": 5, "KZ-71": 2}


@pytest.mark.parametrize("scope", [Scope(frozenset({"KZ-33"})), Scope(frozenset())])
async def test_empty(seeded: Database, scope: Scope) -> None:
    stats = await collect(ReportingRepository(seeded), scope, "year", NOW)
    assert stats.total == 0
    assert stats.by_region == stats.by_area == stats.by_status == {}
    assert stats.median_first_response_hours is None
    assert stats.median_first_response_low_hours is None
    assert stats.resolved_share is None


async def test_no_responses_yet(db: Database, keyring: Keyring) -> None:
    await insert_report(
        db, keyring, region="KZ-27", area="land", status="received", created_at=NOW
    )
    stats = await collect(ReportingRepository(db), ALL, "week", NOW)
    assert stats.total == 1  # created exactly at "now": the end is inclusive
    assert stats.median_first_response_hours is None
    assert stats.resolved_share == 0.0


async def test_now_with_minutes_and_microseconds(db: Database, keyring: Keyring) -> None:
    now = datetime(2026, 11, 30, 12, 30, 15, 500_000, tzinfo=UTC)
    for created in (
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        datetime(2026, 11, 23, 13, tzinfo=UTC),
    ):
        await insert_report(
            db, keyring, region="KZ-27", area="land", status="review", created_at=created
        )
    stats = await collect(ReportingRepository(db), ALL, "week", now)
    assert stats.total == 1  # 12:00 is before now - 7 days (12:30:15.5); 13:00 is after


async def test_other_time_zone_for_now(seeded: Database) -> None:
    almaty_now = NOW.astimezone(timezone(timedelta(hours=5)))
    stats = await collect(ReportingRepository(seeded), ALL, "week", almaty_now)
    assert stats.end == NOW and stats.end.utcoffset() == timedelta(0)
    assert stats.total == 4


async def test_bad_arguments(db: Database) -> None:
    with pytest.raises(ValueError):
        await collect(ReportingRepository(db), ALL, "decade", NOW)
    with pytest.raises(ValueError):
        await collect(ReportingRepository(db), ALL, "Week", NOW)
    with pytest.raises(ValueError):
        await collect(ReportingRepository(db), ALL, "week", NOW.replace(tzinfo=None))


# --- the chart ---------------------------------------------------------------------------

KAZAKH_STATUS = {
    "received": "Қабылданды",
    "review": "Қаралуда",
    "need_info": "Қосымша ақпарат қажет",
    "forwarded": "Уәкілетті органға жіберілді",
    "resolved": "Шешілді",
    "rejected": "Қабылданбады",
    "duplicate": "Қайталанған өтініш",
}


def kazakh_labels(**changes: str) -> ChartLabels:
    fields = {
        "title": "Өтініштер статистикасы: әғқңөұүһі ӘҒҚҢӨҰҮҺІ ₸",
        "by_status_title": "Мәртебесі бойынша",
        "by_region_title": "Өңірлер бойынша",
        "by_area_title": "Салалар бойынша",
        "empty": "Бұл кезеңде өтініштер жоқ",
    }
    fields.update(changes)
    return ChartLabels(
        **fields,
        status_names=KAZAKH_STATUS,
        region_names={r.code: r.name_kk for r in all_regions()},
        area_names={a.key: a.name_kk for a in all_areas()},
    )


def many_stats() -> Stats:
    """Every status, all 20 regions and every area: more bars than the chart shows."""
    regions = {r.code: 20 - i for i, r in enumerate(all_regions())}
    areas = {a.key: 3 * (len(all_areas()) - i) for i, a in enumerate(all_areas())}
    statuses = {s: 40 - 5 * i for i, s in enumerate(STATUSES)}
    return Stats(
        start=NOW - timedelta(days=30),
        end=NOW,
        total=sum(regions.values()),
        by_region=regions,
        by_area=areas,
        by_status=statuses,
        median_first_response_hours=5.0,
        resolved_share=0.1,
    )


def empty_stats() -> Stats:
    return Stats(NOW - timedelta(days=7), NOW, 0, {}, {}, {}, None, None)


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def render_recording(stats: Stats, labels: ChartLabels) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(stats, labels)
    return png, glyph_warnings(caught)


def open_png(png: bytes) -> Image.Image:
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def test_chart_is_a_png_of_the_right_size() -> None:
    png, missing = render_recording(many_stats(), kazakh_labels())
    assert missing == []  # every Kazakh letter and ₸ is in DejaVu Sans
    image = open_png(png)
    assert image.size == (1000, 800)


async def test_chart_from_collected_stats(seeded: Database) -> None:
    stats = await collect(ReportingRepository(seeded), ALL, "year", NOW)
    png = await asyncio.to_thread(render_chart, stats, kazakh_labels())
    assert open_png(png).size == (1000, 800)


def test_missing_glyphs_would_be_noticed() -> None:
    # Guards the test above: a glyph DejaVu Sans lacks does produce the warning we look for.
    _, missing = render_recording(empty_stats(), kazakh_labels(empty="漢字"))
    assert missing


def test_empty_chart() -> None:
    png, missing = render_recording(empty_stats(), kazakh_labels())
    assert missing == []
    image = open_png(png).convert("L")
    assert image.size == (1000, 800)
    # The "no reports" text sits in the middle: dark pixels there.
    middle = image.crop((300, 350, 700, 450))
    assert middle.getextrema()[0] < 100


def test_unknown_codes_fall_back_to_the_code() -> None:
    stats = Stats(
        NOW - timedelta(days=7), NOW, 1, {"KZ-99": 1}, {"new_area": 1}, {"odd": 1}, 1.0, 0.0
    )
    assert open_png(render_chart(stats, kazakh_labels())).size == (1000, 800)


async def test_chart_in_threads_is_deterministic() -> None:
    stats, labels = many_stats(), kazakh_labels()
    first, second = await asyncio.gather(
        asyncio.to_thread(render_chart, stats, labels),
        asyncio.to_thread(render_chart, stats, labels),
    )
    assert first == second
    assert open_png(first).size == (1000, 800)


@pytest.mark.parametrize(("locale", "expected"), [("kk", "0–0,4"), ("ru", "0–0,4")])
def test_the_caption_gives_the_response_time_as_the_range_it_is_known_to(
    i18n: I18n, locale: str, expected: str
) -> None:
    """A case stored as filed at 14:00 and first answered at 14:25 took 0.4 h measured from
    the hour, and in truth anything from 0 to 0.4 h. The caption says the range and why,
    rather than overstate the time by up to an hour (issue 9 §6)."""
    stats = Stats(
        NOW - timedelta(days=7),
        NOW,
        1,
        {},
        {},
        {},
        25 / 60,
        0.0,
        median_first_response_low_hours=0.0,
    )
    with i18n.context(), i18n.use_locale(locale):
        caption = stats_caption(stats, locale)
        why = i18n.gettext(
            "Median time to first response: {low}–{high} h (reports are timed to the hour, "
            "so only this range is known)"
        )
    assert expected in caption
    assert why.format(low="0", high="0,4") in caption
