"""Callback data: every button the bot draws fits Telegram's 64 bytes and reads back the same;
whatever a forged button carries is refused cleanly, never raised as an error."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.regions import all_regions
from bot.services.risk_areas import all_areas
from bot.views.callbacks import (
    CaseAction,
    CaseCallback,
    LanguageCallback,
    ModAction,
    ModCallback,
    PageAction,
    PageCallback,
    QueueCallback,
    RegionCallback,
    ReportAction,
    ReportCallback,
)
from tests.properties import budget

LIMIT = 64  # bytes, Telegram's limit for callback_data
BIG_ID = 2**63 - 1
FACTORIES: list[type[CallbackData]] = [
    LanguageCallback,
    RegionCallback,
    ReportCallback,
    CaseCallback,
    ModCallback,
    QueueCallback,
    PageCallback,
]
VALUES = (
    [r.code for r in all_regions()]
    + [a.key for a in all_areas()]
    + [
        "anonymous",
        "confidential",
        "open",
        "need_info",
        "duplicate",
        "exact",
        "description",
    ]
)


def drawn() -> list[CallbackData]:
    """Every kind of button the views draw, with the longest values they can carry."""
    longest = max(VALUES, key=len)
    buttons: list[CallbackData] = [LanguageCallback(code=c) for c in ("kk", "ru")]
    buttons += [RegionCallback(code=r.code) for r in all_regions()]
    buttons += [ReportCallback(action=a, value=longest) for a in ReportAction]
    buttons += [CaseCallback(action=a, id=BIG_ID) for a in CaseAction]
    buttons += [ModCallback(action=a, id=BIG_ID, value=longest) for a in ModAction]
    buttons += [PageCallback(action=a, id=BIG_ID, page=10**6) for a in PageAction]
    buttons.append(
        QueueCallback(
            page=10**6, order="old", status="need_info", who="free", region="KZ-75", area=longest
        )
    )
    return buttons


@pytest.mark.parametrize("button", drawn(), ids=lambda b: b.pack())
def test_every_drawn_button_fits_and_reads_back(button: CallbackData) -> None:
    packed = button.pack()
    assert len(packed.encode()) <= LIMIT, packed
    assert type(button).unpack(packed) == button


@settings(max_examples=budget(300), deadline=None)
@given(data=st.text(max_size=80))
def test_forged_data_is_refused_without_surprises(data: str) -> None:
    """Whatever arrives, a factory either reads a valid button or says no (ValueError or
    TypeError, which aiogram's filter turns into "not this handler"); what it reads is a
    button it could have drawn itself."""
    for factory in FACTORIES:
        try:
            button = factory.unpack(data)
        except (ValueError, TypeError):
            continue
        assert factory.unpack(button.pack()) == button


@settings(max_examples=budget(300), deadline=None)
@given(
    action=st.sampled_from(list(ModAction)),
    report_id=st.integers(min_value=0, max_value=BIG_ID),
    value=st.sampled_from([*VALUES, ""]),
)
def test_moderator_buttons_read_back(action: ModAction, report_id: int, value: str) -> None:
    button = ModCallback(action=action, id=report_id, value=value)
    assert ModCallback.unpack(button.pack()) == button


@settings(max_examples=budget(200), deadline=None)
@given(word=st.text(min_size=1, max_size=12).filter(lambda w: w not in set(ModAction)))
def test_an_unknown_moderator_action_is_refused(word: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        ModCallback.unpack(f"md:{word}:1:")
