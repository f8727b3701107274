"""docs/screens.md is generated from the real handlers; it must show the screens as they are."""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.screens import SCENARIO, Section, Step, generate

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens.md"


async def test_the_screens_file_is_current() -> None:
    fresh = await generate()
    committed = SCREENS.read_text("utf-8")
    if fresh != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), fresh.splitlines(), "committed", "fresh", lineterm="", n=1
        )
        raise AssertionError(
            "docs/screens.md is out of date: run scripts/screens\n" + "\n".join(list(diff)[:40])
        )


def test_the_scenario_covers_the_main_flows() -> None:
    titles = " ".join(item.title for item in SCENARIO if isinstance(item, Section)).lower()
    for flow in ("onboarding", "report", "check", "moderator", "status", "draft"):
        assert flow in titles, flow
    shown = [item for item in SCENARIO if isinstance(item, Step) and item.show]
    assert len(shown) > 50
