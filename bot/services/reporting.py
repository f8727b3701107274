"""/stats and /export over one repository: what handlers call, with plain values only."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from bot.db.repositories.reporting import ReportingRepository
from bot.services.export import write_export
from bot.services.stats import Scope, Stats, collect


class ReportingService:
    def __init__(self, repo: ReportingRepository) -> None:
        self._repo = repo

    async def count_by_status(self) -> dict[str, int]:
        """All reports by status, for the metrics endpoint."""
        return await self._repo.count_by_status()

    async def stats(self, regions: frozenset[str] | None, period: str, now: datetime) -> Stats:
        return await collect(self._repo, Scope(regions), period, now)

    async def export(
        self,
        regions: frozenset[str] | None,
        start: datetime,
        end: datetime,
        *,
        fmt: str,
        headers: Mapping[str, str],
    ) -> Path:
        """The export written to a temporary file (the caller sends it, then deletes it):
        a year of cases is streamed to disk, never built in memory."""
        handle, name = tempfile.mkstemp(prefix="adal-export-", suffix="." + fmt)
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                await write_export(
                    self._repo, Scope(regions), start, end, out, fmt=fmt, headers=headers
                )
        except BaseException:
            await asyncio.to_thread(path.unlink, missing_ok=True)
            raise
        return path
