"""Export for moderators (bot/services/export.py): CSV and XLSX, scope, period, privacy."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import bot.services.export as export_module
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.reporting import ReportingRepository
from bot.services.dates import to_db
from bot.services.export import EXPORT_COLUMNS, export_csv, export_xlsx, write_export
from bot.services.stats import Scope

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
YEAR_AGO = NOW - timedelta(days=365)
ALL = Scope(None)
TRICKY = (
    'Әкім орынбасары "Қайрат" айтты: 50 000 ₸, әйтпесе — жоқ.\n'
    'Второй абзац, с запятой и "кавычками" ""двойными"".\r\n'
    "\tҮшінші жол; ұғым, һәм ғана ңөі\n"
)
MOD_PSEUDONYM = "m" * 32


@dataclass
class Seeded:
    db: Database
    reporters: list[str] = field(default_factory=list)
    phones: list[bytes] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    salts: list[bytes] = field(default_factory=list)
    hashes: list[bytes] = field(default_factory=list)


async def add(
    seeded: Seeded,
    keyring: Keyring,
    n: int,
    *,
    region: str = "KZ-27",
    area: str = "land",
    created_at: datetime,
    anonymity: str = "anonymous",
    status: str = "received",
    description: str = "Взятка за участок, 2 сотки",
    involved: str | None = None,
    amount: int | None = None,
    assignee: int | None = None,
    first_response_at: datetime | None = None,
    evidence: int = 0,
) -> None:
    reporter = None if anonymity == "anonymous" else keyring.pseudonym(1000 + n)
    phone = keyring.seal(f"+7701{n:07d}".encode(), b"phone") if anonymity == "open" else None
    locator = salt = code_hash = None
    if anonymity != "open":
        locator, salt, code_hash = f"Q{n:04d}X", bytes([n]) * 16, bytes([255 - n]) * 32
        seeded.locators.append(locator)
        seeded.salts.append(salt)
        seeded.hashes.append(code_hash)
    if reporter:
        seeded.reporters.append(reporter)
    if phone:
        seeded.phones.append(phone)
    when = to_db(first_response_at) if first_response_at else None
    await seeded.db.execute(
        "INSERT INTO reports (id, case_number, region, area, settlement, description, occurred,"
        " involved, amount, anonymity, reporter, phone_enc, locale, code_locator, code_salt,"
        " code_hash, status, created_at, assignee, first_response_at, updated_at)"
        " VALUES (?, ?, ?, ?, 'Орал', ?, '2026-11-05', ?, ?, ?, ?, ?, 'ru', ?, ?, ?, ?, ?, ?, ?,"
        " ?)",
        (
            n,
            f"{region.replace('-', '')}-{1000 - n:06d}",  # case numbers sort against ids
            region,
            area,
            description,
            involved,
            amount,
            anonymity,
            reporter,
            phone,
            locator,
            salt,
            code_hash,
            status,
            to_db(created_at),
            assignee,
            when,
            when,
        ),
    )
    for i in range(evidence):
        await seeded.db.execute(
            "INSERT INTO report_evidence (report_id, kind, file_id) VALUES (?, 'photo', ?)",
            (n, f"file-{n}-{i}"),
        )


@pytest.fixture
async def seeded(db: Database, keyring: Keyring) -> Seeded:
    await db.execute(
        "INSERT INTO users (pseudonym, chat_id_enc, first_seen) VALUES (?, x'00', '2026-01-01')",
        (MOD_PSEUDONYM,),
    )
    await db.execute(
        "INSERT INTO moderators (id, pseudonym, regions, added_at)"
        " VALUES (7, ?, 'KZ-27', '2026-01-01T00:00:00Z')",
        (MOD_PSEUDONYM,),
    )
    s = Seeded(db)
    # Inserted newest first, so id order is not time order.
    await add(s, keyring, 1, created_at=NOW + timedelta(hours=1))  # after the end
    await add(s, keyring, 2, created_at=NOW)  # the end itself: excluded
    await add(
        s,
        keyring,
        3,
        created_at=NOW - timedelta(hours=1),
        anonymity="open",
        status="review",
        description=TRICKY,
        involved="Жер бөлімінің басшысы, т.б.",
        amount=50_000,
        assignee=7,
        first_response_at=NOW - timedelta(minutes=20),
        evidence=2,
    )
    await add(s, keyring, 4, created_at=NOW - timedelta(days=3), anonymity="confidential")
    await add(s, keyring, 5, region="KZ-75", created_at=NOW - timedelta(days=3), evidence=1)
    await add(s, keyring, 6, created_at=NOW - timedelta(days=3), anonymity="open")  # tie on time
    await add(s, keyring, 7, region="KZ-71", area="procurement", created_at=NOW - timedelta(200))
    await add(s, keyring, 8, created_at=YEAR_AGO, anonymity="confidential")  # start: included
    await add(s, keyring, 9, created_at=YEAR_AGO - timedelta(hours=1))  # before the start
    await add(s, keyring, 10, region="KZ-75", created_at=NOW - timedelta(days=400))
    return s


def parse(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    assert reader.fieldnames is not None
    return list(reader.fieldnames), rows


def test_columns_are_documented() -> None:
    assert EXPORT_COLUMNS == (
        "case_number",
        "created_at_utc",
        "region",
        "area",
        "settlement",
        "occurred",
        "involved",
        "amount_kzt",
        "status",
        "anonymity",
        "evidence_files",
        "assignee",
        "first_response_at_utc",
        "updated_at_utc",
        "description",
    )
    doc = export_module.__doc__ or ""
    for column in EXPORT_COLUMNS:
        assert f"- ``{column}``:" in doc
    for secret in ("reporter", "phone_enc", "code_locator", "code_salt", "code_hash"):
        assert secret not in EXPORT_COLUMNS


async def test_rows_order_and_period(seeded: Seeded) -> None:
    header, rows = parse(await export_csv(ReportingRepository(seeded.db), ALL, YEAR_AGO, NOW))
    assert header == list(EXPORT_COLUMNS)
    # [start, end): the start is in, the end is out; by created_at, then id.
    assert [r["case_number"] for r in rows] == [
        "KZ27-000992",  # id 8, exactly a year ago
        "KZ71-000993",  # id 7
        "KZ27-000996",  # id 4 } the same hour:
        "KZ75-000995",  # id 5 } by id, not by
        "KZ27-000994",  # id 6 } case number
        "KZ27-000997",  # id 3
    ]
    assert rows[0]["created_at_utc"] == "2025-11-30T12:00:00Z"


async def test_values(seeded: Seeded) -> None:
    _, rows = parse(
        await export_csv(ReportingRepository(seeded.db), ALL, NOW - timedelta(days=1), NOW)
    )
    assert rows == [
        {
            "case_number": "KZ27-000997",
            "created_at_utc": "2026-11-30T11:00:00Z",
            "region": "KZ-27",
            "area": "land",
            "settlement": "Орал",
            "occurred": "2026-11-05",
            "involved": "Жер бөлімінің басшысы, т.б.",
            "amount_kzt": "50000",
            "status": "review",
            "anonymity": "open",
            "evidence_files": "2",
            "assignee": "7",
            "first_response_at_utc": "2026-11-30T11:40:00Z",
            "updated_at_utc": "2026-11-30T11:40:00Z",
            "description": TRICKY,  # commas, quotes, CR/LF, tab and Kazakh letters, exactly
        }
    ]
    _, older = parse(
        await export_csv(ReportingRepository(seeded.db), ALL, NOW - timedelta(days=4), NOW)
    )
    unassigned = older[0]
    assert unassigned["case_number"] == "KZ27-000996"
    assert unassigned["amount_kzt"] == unassigned["involved"] == unassigned["assignee"] == ""
    assert unassigned["first_response_at_utc"] == unassigned["updated_at_utc"] == ""
    assert unassigned["evidence_files"] == "0"
    assert older[1]["evidence_files"] == "1"


async def test_scope(seeded: Seeded) -> None:
    _, west = parse(
        await export_csv(
            ReportingRepository(seeded.db), Scope(frozenset({"KZ-27"})), YEAR_AGO, NOW
        )
    )
    assert {r["region"] for r in west} == {"KZ-27"}
    assert len(west) == 4
    _, two = parse(
        await export_csv(
            ReportingRepository(seeded.db), Scope(frozenset({"KZ-71", "KZ-75"})), YEAR_AGO, NOW
        )
    )
    assert [r["region"] for r in two] == ["KZ-71", "KZ-75"]


@pytest.mark.parametrize(
    ("scope", "start", "end"),
    [
        (Scope(frozenset({"KZ-33"})), YEAR_AGO, NOW),
        (Scope(frozenset()), YEAR_AGO, NOW),
        (ALL, NOW + timedelta(days=1), NOW + timedelta(days=2)),
        (ALL, NOW, NOW),
    ],
)
async def test_empty_export_is_a_header(
    seeded: Seeded, scope: Scope, start: datetime, end: datetime
) -> None:
    data = await export_csv(ReportingRepository(seeded.db), scope, start, end)
    header, rows = parse(data)
    assert header == list(EXPORT_COLUMNS) and rows == []
    assert data == b"\xef\xbb\xbf" + ",".join(EXPORT_COLUMNS).encode() + b"\r\n"


async def test_fractional_bounds(seeded: Seeded) -> None:
    # A start a moment after 11:00 leaves the 11:00 report out; an end a moment after 12:00
    # takes the 12:00 one in.
    start = NOW - timedelta(hours=1) + timedelta(microseconds=1)
    _, rows = parse(
        await export_csv(
            ReportingRepository(seeded.db), ALL, start, NOW + timedelta(microseconds=1)
        )
    )
    assert [r["case_number"] for r in rows] == ["KZ27-000998"]


async def test_no_reporter_identity(seeded: Seeded) -> None:
    data = await export_csv(
        ReportingRepository(seeded.db), ALL, NOW - timedelta(days=1000), NOW + timedelta(days=1)
    )
    _, rows = parse(data)
    assert len(rows) == 10
    assert seeded.reporters and seeded.phones and seeded.locators  # the test data has them
    text = data.decode("utf-8-sig")
    for pseudonym in seeded.reporters:
        assert pseudonym not in text
    for locator in seeded.locators:
        assert locator not in text
    for blob in [*seeded.phones, *seeded.salts, *seeded.hashes]:
        assert blob not in data
        assert blob.hex() not in text
        assert base64.b64encode(blob).decode() not in text
    assert "+7701" not in text  # nor the phone numbers in the clear


async def test_formulas_are_defused(db: Database, keyring: Keyring) -> None:
    s = Seeded(db)
    await add(s, keyring, 1, created_at=NOW, description='=HYPERLINK("http://x","y")')
    await add(s, keyring, 2, created_at=NOW, description="-2+3", involved="@ЖШС")
    await add(s, keyring, 3, created_at=NOW, description="+7 700 000 00 00")
    await add(s, keyring, 4, created_at=NOW, description="Ақша 2+2, = емес")
    _, rows = parse(await export_csv(ReportingRepository(db), ALL, NOW, NOW + timedelta(hours=1)))
    assert [r["description"] for r in rows] == [
        '\'=HYPERLINK("http://x","y")',
        "'-2+3",
        "'+7 700 000 00 00",
        "Ақша 2+2, = емес",  # only a leading sign matters
    ]
    assert rows[1]["involved"] == "'@ЖШС"


async def test_naive_bounds_are_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        await export_csv(ReportingRepository(db), ALL, YEAR_AGO.replace(tzinfo=None), NOW)
    with pytest.raises(ValueError):
        await export_csv(ReportingRepository(db), ALL, YEAR_AGO, NOW.replace(tzinfo=None))


# XLSX: the same rows and columns, typed cells, a header in the reader's language (issue 9 §10)

HEADERS = {column: f"Бағана «{column}»" for column in EXPORT_COLUMNS}


def read_xlsx(data: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data)).active


async def test_xlsx_has_the_csv_rows_in_typed_cells(seeded: Seeded) -> None:
    repo = ReportingRepository(seeded.db)
    sheet = read_xlsx(await export_xlsx(repo, ALL, YEAR_AGO, NOW, HEADERS))
    _, csv_rows = parse(await export_csv(repo, ALL, YEAR_AGO, NOW))
    assert [c.value for c in sheet[1]] == list(HEADERS.values())
    assert all(c.font.b for c in sheet[1])  # the header in bold
    assert sheet.freeze_panes == "A2"  # and frozen
    assert sheet.column_dimensions["O"].width == 80  # the description is wide
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [r["case_number"] for r in csv_rows]  # same rows, same order
    values = dict(zip(EXPORT_COLUMNS, rows[-1], strict=True))  # the open report of an hour ago
    assert values["created_at_utc"] == datetime(2026, 11, 30, 11)  # a date cell, UTC
    assert values["first_response_at_utc"] == datetime(2026, 11, 30, 11, 40)
    assert values["occurred"] == datetime(2026, 11, 5)  # a date cell, not text
    assert values["amount_kzt"] == 50_000 and values["evidence_files"] == 2
    assert values["assignee"] == 7
    assert values["description"] == TRICKY.replace("\r", "")  # text exactly (XML drops CR)
    last = sheet.max_row
    assert sheet.cell(last, 2).is_date and sheet.cell(last, 8).number_format == "#,##0"


async def test_xlsx_text_is_never_a_formula_and_control_characters_go(
    db: Database, keyring: Keyring
) -> None:
    s = Seeded(db)
    await add(s, keyring, 1, created_at=NOW, description='=HYPERLINK("http://x","y")')
    await add(s, keyring, 2, created_at=NOW, description="-2+3", involved="@ЖШС\x0b\x01")
    sheet = read_xlsx(
        await export_xlsx(ReportingRepository(db), ALL, NOW, NOW + timedelta(hours=1), HEADERS)
    )
    assert sheet["O2"].value == '=HYPERLINK("http://x","y")' and sheet["O2"].data_type == "s"
    assert sheet["O3"].value == "-2+3" and sheet["G3"].value == "@ЖШС"


async def test_xlsx_has_no_reporter_identity(seeded: Seeded) -> None:
    data = await export_xlsx(
        ReportingRepository(seeded.db),
        ALL,
        NOW - timedelta(days=1000),
        NOW + timedelta(days=1),
        HEADERS,
    )
    sheet = read_xlsx(data)
    text = repr([[c for c in row] for row in sheet.iter_rows(values_only=True)])
    assert sheet.max_row == 11  # the header and all ten reports
    for pseudonym in seeded.reporters:
        assert pseudonym not in text
    for locator in seeded.locators:
        assert locator not in text
    assert "+7701" not in text


async def test_rows_are_written_a_batch_at_a_time(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year of cases never sits in memory: rows reach the file in batches."""
    monkeypatch.setattr(export_module, "_BATCH", 3)
    sizes: list[int] = []
    original = export_module._XlsxWriter.rows

    def rows(self: Any, batch: Any) -> None:
        sizes.append(len(batch))
        original(self, batch)

    monkeypatch.setattr(export_module._XlsxWriter, "rows", rows)
    out = io.BytesIO()
    written = await write_export(
        ReportingRepository(seeded.db),
        ALL,
        NOW - timedelta(days=1000),
        NOW + timedelta(days=1),
        out,
        fmt="xlsx",
        headers=HEADERS,
    )
    assert written == 10 and sizes == [3, 3, 3, 1]
    assert read_xlsx(out.getvalue()).max_row == 11


async def test_an_unknown_format_is_refused(db: Database) -> None:
    with pytest.raises(ValueError):
        await write_export(ReportingRepository(db), ALL, YEAR_AGO, NOW, io.BytesIO(), fmt="pdf")
