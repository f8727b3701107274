"""CSV export of the reports a moderator may see, for spreadsheets and scripts.

One row per report in the moderator's scope created in ``[start, end)``, oldest first
(``created_at``, then id). UTF-8 with a byte-order mark, so Excel shows Cyrillic and Kazakh
letters right; comma-separated; fields with commas, quotes or line breaks are quoted as in
RFC 4180; rows end with CRLF. Codes, not names, for regions, areas and statuses: they stay
the same whatever the reader's language.

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

Free-text cells (settlement, involved, description) that begin with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return get a leading apostrophe, so a spreadsheet shows a
citizen's text instead of running it as a formula (CSV injection). All other text is exact.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.db.repositories.reporting import ReportingRepository
from bot.services.dates import ceil_second
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
_FREE_TEXT = ("settlement", "involved", "description")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defused(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


async def export_csv(
    source: ReportingRepository, scope: Scope, start: datetime, end: datetime
) -> bytes:
    """The reports in scope created in ``[start, end)`` as CSV bytes (see the module doc).

    ``start`` and ``end`` must be aware datetimes (ValueError otherwise).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_COLUMNS)
    rows = source.export_rows(scope.regions, ceil_second(start), ceil_second(end))
    async for row in rows:
        record = {column: row[column] for column in EXPORT_COLUMNS}
        for column in _FREE_TEXT:
            if record[column] is not None:
                record[column] = _defused(record[column])
        writer.writerow("" if record[c] is None else record[c] for c in EXPORT_COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")
