"""Export of the reports a moderator may see: XLSX for people, CSV for programs.

One row per report in the moderator's scope created in ``[start, end)``, oldest first
(``created_at``, then id), in both formats, with the same columns. Codes, not names, for
regions, areas and statuses: they stay the same whatever the reader's language.

**CSV**: UTF-8 with a byte-order mark, so Excel shows Cyrillic and Kazakh letters right;
comma-separated; fields with commas, quotes or line breaks are quoted as in RFC 4180; rows end
with CRLF; the header row is the column codes below.

**XLSX** (one sheet): the header row in the moderator's language, in bold and frozen, column
widths set; times are real date cells (UTC: Excel has no time zones), the amount, the number
of files and the moderator number are number cells, a date in ``occurred`` is a date cell;
text is text, exactly (a cell is never a formula, and characters XML cannot hold, control
characters, are dropped).

Both are written a batch of rows at a time (openpyxl's write-only mode for XLSX) to a file,
so a year of cases never sits in memory at once.

Columns, in this order (``EXPORT_COLUMNS``):

- ``case_number``: the case number, e.g. ``KZ27-000123``.
- ``created_at_utc``: when the report was filed, UTC, to the hour (``2026-11-23T14:00:00Z``).
- ``region``: ISO 3166-2 code of the region, e.g. ``KZ-27``.
- ``area``: key of the corruption-risk area, e.g. ``land`` (bot/data/risk_areas.csv).
- ``settlement``: the city, town or village, as the reporter typed it.
- ``occurred``: when it happened: ``today``, ``week``, ``month``, ``earlier`` (as chosen when
  filing) or a date ``YYYY-MM-DD``.
- ``involved``: who was involved (officials, organisations), as typed; empty if not given.
- ``amount_kzt``: the sum involved, whole tenge; empty if not given.
- ``status``: the case status code (received, review, need_info, forwarded, resolved,
  rejected, duplicate).
- ``anonymity``: the level the reporter chose: anonymous, confidential or open.
- ``evidence_files``: how many files are attached (at filing and later in the case thread).
- ``assignee``: the id of the moderator who took the case; empty if nobody has.
- ``first_response_at_utc``: when a moderator first acted on the case, UTC; empty if nobody
  has yet.
- ``updated_at_utc``: the last change to the case, UTC; empty if never changed.
- ``description``: what happened, as typed (may span several lines).

Nothing in the file identifies the reporter: no pseudonym, phone number or follow-up code
(locator, salt or hash) is exported, whatever the anonymity level.

In the CSV, free-text cells (settlement, involved, description) that begin with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return get a leading apostrophe, so a spreadsheet
shows a citizen's text instead of running it as a formula (CSV injection). All other text is
exact. The XLSX needs no apostrophe: its text cells are typed as text.
"""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any, Protocol

from bot.db.repositories.reporting import ReportingRepository
from bot.services.dates import ceil_second, from_db
from bot.services.stats import Scope

EXPORT_COLUMNS: tuple[str, ...] = (
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
FORMATS = ("xlsx", "csv")
_FREE_TEXT = ("settlement", "involved", "description")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_TIMES = ("created_at_utc", "first_response_at_utc", "updated_at_utc")
_NUMBERS = ("amount_kzt", "evidence_files", "assignee")
_WIDTHS = {  # characters; the description is wide and wraps in Excel's own way
    "case_number": 14,
    "created_at_utc": 18,
    "region": 9,
    "area": 14,
    "settlement": 20,
    "occurred": 12,
    "involved": 30,
    "amount_kzt": 14,
    "status": 12,
    "anonymity": 13,
    "evidence_files": 8,
    "assignee": 10,
    "first_response_at_utc": 18,
    "updated_at_utc": 18,
    "description": 80,
}
_BATCH = 500  # rows handed to the writer at a time (in a thread: XLSX rows cost CPU)


class _Writer(Protocol):
    def rows(self, batch: Sequence[Mapping[str, Any]]) -> None: ...

    def close(self) -> None: ...


def _defused(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _CsvWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        self._csv = csv.writer(self._text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self._csv.writerow(EXPORT_COLUMNS)

    def rows(self, batch: Sequence[Mapping[str, Any]]) -> None:
        for row in batch:
            record = {column: row[column] for column in EXPORT_COLUMNS}
            for column in _FREE_TEXT:
                if record[column] is not None:
                    record[column] = _defused(record[column])
            self._csv.writerow("" if record[c] is None else record[c] for c in EXPORT_COLUMNS)

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # the caller's file stays open


class _XlsxWriter:
    def __init__(self, out: IO[bytes], headers: Mapping[str, str]) -> None:
        # Imported here: only /export needs openpyxl.
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self._out = out
        self._cell = WriteOnlyCell
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("Adal")
        self._sheet.freeze_panes = "A2"
        for n, column in enumerate(EXPORT_COLUMNS, start=1):
            self._sheet.column_dimensions[get_column_letter(n)].width = _WIDTHS[column]
        bold = Font(bold=True)
        header = []
        for column in EXPORT_COLUMNS:
            cell = WriteOnlyCell(self._sheet, value=_xml_safe(headers.get(column, column)))
            cell.font = bold
            header.append(cell)
        self._sheet.append(header)

    def rows(self, batch: Sequence[Mapping[str, Any]]) -> None:
        for row in batch:
            self._sheet.append([self._value(column, row[column]) for column in EXPORT_COLUMNS])

    def _value(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        if column in _TIMES:
            cell = self._cell(self._sheet, value=from_db(value).replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if column in _NUMBERS:
            cell = self._cell(self._sheet, value=int(value))
            cell.number_format = "#,##0" if column == "amount_kzt" else "0"
            return cell
        if column == "occurred" and _is_date(value):
            cell = self._cell(self._sheet, value=date.fromisoformat(value))
            cell.number_format = "yyyy-mm-dd"
            return cell
        cell = self._cell(self._sheet, value=_xml_safe(str(value)))
        cell.data_type = "s"  # text stays text: «=…» is never a formula here
        return cell

    def close(self) -> None:
        self._book.save(self._out)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _xml_safe(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


async def write_export(
    source: ReportingRepository,
    scope: Scope,
    start: datetime,
    end: datetime,
    out: IO[bytes],
    *,
    fmt: str = "csv",
    headers: Mapping[str, str] | None = None,
) -> int:
    """Write the reports in scope created in ``[start, end)`` to `out` in `fmt` (see the
    module doc); return how many rows. ``start`` and ``end`` must be aware (ValueError
    otherwise), and `fmt` one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format: {fmt!r}")
    first, last = ceil_second(start), ceil_second(end)
    writer: _Writer = _XlsxWriter(out, headers or {}) if fmt == "xlsx" else _CsvWriter(out)
    count = 0
    batch: list[sqlite3.Row] = []
    async for row in source.export_rows(scope.regions, first, last):
        batch.append(row)
        if len(batch) >= _BATCH:
            await asyncio.to_thread(writer.rows, batch)
            count, batch = count + len(batch), []
    await asyncio.to_thread(writer.rows, batch)
    await asyncio.to_thread(writer.close)
    return count + len(batch)


async def export_csv(
    source: ReportingRepository, scope: Scope, start: datetime, end: datetime
) -> bytes:
    """The CSV as bytes (for tests and small exports; /export writes to a file)."""
    buffer = io.BytesIO()
    await write_export(source, scope, start, end, buffer, fmt="csv")
    return buffer.getvalue()


async def export_xlsx(
    source: ReportingRepository,
    scope: Scope,
    start: datetime,
    end: datetime,
    headers: Mapping[str, str],
) -> bytes:
    buffer = io.BytesIO()
    await write_export(source, scope, start, end, buffer, fmt="xlsx", headers=headers)
    return buffer.getvalue()
