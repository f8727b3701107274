"""Property tests set their own number of examples through tests/properties.py::budget, so
`HYPOTHESIS_PROFILE=thorough` reaches them too: a literal `max_examples=300` would pin them to
300 examples in the long hunt as well."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import properties
from tests.properties import budget

TESTS = Path(__file__).resolve().parents[1]
PINNED = re.compile(r"max_examples\s*=\s*\d")
EXEMPT = {TESTS / "conftest.py", Path(__file__).resolve()}  # the profiles; this file's examples


def test_no_property_test_pins_its_number_of_examples() -> None:
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path not in EXEMPT and PINNED.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_scan_tells_a_pinned_budget_from_a_scaled_one() -> None:
    assert PINNED.search("@settings(max_examples=300, deadline=None)")
    assert PINNED.search("@examples(\n    max_examples = 40,\n)")
    assert not PINNED.search("@settings(max_examples=budget(300), deadline=None)")


@pytest.mark.parametrize(("profile", "expected"), [("fast", 300), ("thorough", 15_000)])
def test_the_profile_scales_every_budget(
    monkeypatch: pytest.MonkeyPatch, profile: str, expected: int
) -> None:
    monkeypatch.setattr(properties, "PROFILE", profile)
    assert budget(300) == expected
