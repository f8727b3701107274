"""/stats and /export over one repository: what handlers call, with plain values only."""

from __future__ import annotations

from datetime import datetime

from bot.db.repositories.reporting import ReportingRepository
from bot.services.export import export_csv
from bot.services.stats import Scope, Stats, collect


class ReportingService:
    def __init__(self, repo: ReportingRepository) -> None:
        self._repo = repo

    async def stats(self, regions: frozenset[str] | None, period: str, now: datetime) -> Stats:
        return await collect(self._repo, Scope(regions), period, now)

    async def export(
        self, regions: frozenset[str] | None, start: datetime, end: datetime
    ) -> bytes:
        return await export_csv(self._repo, Scope(regions), start, end)
