"""Moderation statistics for /stats: counts over a period, and a PNG chart of them.

The time to first response is known only as a range. A report's filing time is stored to
the hour (a precise moment tied to an anonymous report is what must never be stored, and the
card's posting time would be that moment again), so a case first answered at 14:25 and filed
"in the 14:00 hour" took between 0 and 25 minutes. Each case gives the range
``[max(0, u - 1 h), u]`` where ``u`` is measured from the start of its filing hour; the
statistics give the median of each end, and the caption says both, with the reason.

Counts cover the reports created in ``[now - period, now]`` whose region is in the caller's
scope (a moderator sees their regions; ``None`` is all of Kazakhstan). Keys are codes (region
ISO codes, risk-area keys, status codes); every word on the chart arrives already translated
in :class:`ChartLabels`, so this module holds no user-visible text and no Telegram code.

:func:`render_chart` is synchronous and CPU-bound (about half a second): call it with
``asyncio.to_thread``. It uses matplotlib's object-oriented API (``Figure`` +
``FigureCanvasAgg``) without pyplot, so it keeps no global figure registry, needs no GUI
backend and is safe to run from several threads at once.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.repositories.reporting import ReportingRepository
from bot.services.dates import DISPLAY_TZ, ceil_second, to_db

PERIODS: dict[str, timedelta] = {
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
RESOLVED = "resolved"  # one of bot.domain.STATUSES
TOP_N = 10  # regions and areas shown on the chart
MIN_SLOTS = 5  # a panel has room for at least this many bars

# matplotlib ships DejaVu Sans; it covers every Kazakh letter (ә ғ қ ң ө ұ ү һ і) and ₸.
# Named on every text instead of through rcParams, which are process-wide.
FONT = "DejaVu Sans"
FIGSIZE = (10.0, 8.0)  # inches
DPI = 100  # so the PNG is 1000×800 pixels
_BAR_COLOURS = ("#2f6db5", "#d9822b", "#3a9a5b")  # status, region, area


@dataclass(frozen=True)
class Scope:
    regions: frozenset[str] | None  # None: all of Kazakhstan


@dataclass(frozen=True)
class Stats:
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    total: int
    by_region: dict[str, int]  # region code -> count, by count desc then code
    by_area: dict[str, int]  # area key -> count, by count desc then key
    by_status: dict[str, int]  # status code -> count, by count desc then code
    # Over cases with first_response_at, measured from the start of the filing hour: the
    # true median is at most this, and at least `median_first_response_low_hours`.
    median_first_response_hours: float | None
    resolved_share: float | None  # resolved / total; None when total == 0
    median_first_response_low_hours: float | None = None  # each case's time less an hour


@dataclass(frozen=True)
class ChartLabels:
    """Every word the chart shows, already in the reader's language."""

    title: str
    by_status_title: str
    by_region_title: str
    by_area_title: str
    empty: str
    status_names: dict[str, str]
    region_names: dict[str, str]
    area_names: dict[str, str]


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


async def collect(source: ReportingRepository, scope: Scope, period: str, now: datetime) -> Stats:
    """Statistics of the reports in scope created in ``[now - PERIODS[period], now]``.

    Raises ValueError for an unknown period or a naive ``now``.
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period: {period!r}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware moment (UTC)")
    end = now.astimezone(UTC)
    start = end - PERIODS[period]
    # Stored times have whole seconds: the start rounds up, the end down.
    first, last = ceil_second(start), to_db(end)
    by_region: Counter[str] = Counter()
    by_area: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    responded = 0
    for row in await source.stats_counts(scope.regions, first, last):
        by_region[row.region] += row.n
        by_area[row.area] += row.n
        by_status[row.status] += row.n
        responded += row.responded
    total = by_status.total()
    high = low = None
    if responded:
        # The median is the middle value, or the mean of the two middle ones; an hour less
        # (never below zero) keeps the order, so the same two values give the low median.
        middle = await source.response_seconds_at(
            scope.regions, first, last, (responded - 1) // 2, 2 - responded % 2
        )
        hours = [seconds / 3600 for seconds in middle]
        high = float(statistics.mean(hours))
        low = float(statistics.mean(max(0.0, h - 1) for h in hours))
    return Stats(
        start=start,
        end=end,
        total=total,
        by_region=_ranked(by_region),
        by_area=_ranked(by_area),
        by_status=_ranked(by_status),
        median_first_response_hours=high,
        resolved_share=by_status[RESOLVED] / total if total else None,
        median_first_response_low_hours=low,
    )


def period_text(stats: Stats, tz: str = DISPLAY_TZ) -> str:
    """The period as local dates, day first, no words: ``01.11.2026 – 30.11.2026``."""
    zone = ZoneInfo(tz)
    first = stats.start.astimezone(zone).date()
    last = stats.end.astimezone(zone).date()
    return f"{first:%d.%m.%Y} – {last:%d.%m.%Y}"


def _panel(
    ax: Any, title: str, counts: Mapping[str, int], names: Mapping[str, str], colour: str
) -> None:
    keys: Sequence[str] = list(counts)
    values = [counts[key] for key in keys]
    positions = range(len(keys))
    bars = ax.barh(positions, values, color=colour, height=0.7)
    ax.set_yticks(
        list(positions), labels=[names.get(key, key) for key in keys], family=FONT, fontsize=9
    )
    ax.set_ylim(max(len(keys), MIN_SLOTS) - 0.5, -0.5)  # the largest on top; bars never fat
    ax.set_title(title, family=FONT, fontsize=11, loc="left", fontweight="bold")
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3, family=FONT, fontsize=9)
    ax.set_xlim(0, max(values) * 1.12)  # room for the value labels
    ax.xaxis.set_visible(False)  # the value labels say it all
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)


def render_chart(stats: Stats, labels: ChartLabels) -> bytes:
    # Imported here: matplotlib costs a second at start-up and only /stats needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    """A 1000×800 PNG: status, top regions and top areas as horizontal bars.

    With no cases it is the title, the period and ``labels.empty``.
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    try:
        fig.suptitle(
            f"{labels.title}\n{period_text(stats)}", family=FONT, fontsize=14, fontweight="bold"
        )
        if stats.total == 0:
            fig.text(0.5, 0.5, labels.empty, family=FONT, fontsize=16, ha="center", va="center")
        else:
            panels = [
                (labels.by_status_title, stats.by_status, labels.status_names),
                (labels.by_region_title, _top(stats.by_region), labels.region_names),
                (labels.by_area_title, _top(stats.by_area), labels.area_names),
            ]
            # Each panel as tall as its number of bars, plus room for its title.
            axes = fig.subplots(
                len(panels),
                1,
                height_ratios=[max(len(counts), MIN_SLOTS) + 1.5 for _, counts, _ in panels],
            )
            for ax, (title, counts, names), colour in zip(axes, panels, _BAR_COLOURS, strict=True):
                _panel(ax, title, counts, names, colour)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()
    finally:
        fig.clear()


def _top(counts: dict[str, int]) -> dict[str, int]:
    return dict(list(counts.items())[:TOP_N])
