"""A draft is stored as JSON (sealed): written field by field, read back whole."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from bot.services.drafts import STEPS, Evidence, ReportDraft

TEXT = st.none() | st.text(max_size=40)
DRAFTS = st.builds(
    ReportDraft,
    area=TEXT,
    region=TEXT,
    settlement=TEXT,
    description=TEXT,
    occurred=TEXT,
    involved=TEXT,
    amount=st.none() | st.integers(0, 10**15),
    evidence=st.lists(
        st.builds(
            Evidence,
            kind=st.sampled_from(["photo", "document", "video"]),
            file_id=st.text(min_size=1, max_size=20),
            mime_type=TEXT,
            cleaned=st.booleans(),
        ),
        max_size=4,
    ),
    latitude=st.none() | st.floats(-90, 90),
    longitude=st.none() | st.floats(-180, 180),
    anonymity=st.none() | st.sampled_from(["anonymous", "confidential", "open"]),
    phone=TEXT,
    done=st.lists(st.sampled_from(STEPS), unique=True),
    editing=st.booleans(),
    trail=st.lists(st.integers(1, 2**31), max_size=60),
)


@given(draft=DRAFTS)
def test_a_draft_is_written_as_dataclasses_would_and_reads_back_the_same(
    draft: ReportDraft,
) -> None:
    raw = draft.to_json()
    assert json.loads(raw) == asdict(draft)
    assert ReportDraft.from_json(raw) == draft


def test_writing_a_draft_does_not_tie_it_to_what_was_written() -> None:
    draft = ReportDraft(trail=[1, 2], evidence=[Evidence("photo", "AgAC")])
    first = draft.to_json()
    draft.remember(3)
    draft.evidence[0].cleaned = True
    assert json.loads(first)["trail"] == [1, 2]
    assert json.loads(first)["evidence"][0]["cleaned"] is False
