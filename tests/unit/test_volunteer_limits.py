"""Every volunteering view fits Telegram at its worst: a message within 4096 characters, an
alert within 200, callback data within 64 bytes; forged buttons are refused cleanly."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.utils.i18n import I18n
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.db.repositories.trainings import Training
from bot.db.repositories.volunteer_tasks import Finding, Task, TaskEvent
from bot.db.repositories.volunteers import Standing, Volunteer
from bot.devtools.emulator.formatting import parse_text, utf16_len
from bot.services.volunteers.people import Identity, VolunteerPage
from bot.services.volunteers.rules import (
    AVAILABILITY,
    MAX_FINDINGS,
    MAX_INSTRUCTIONS,
    MAX_LOT,
    MAX_NAME,
    MAX_PLACE,
    MAX_REASON,
    MAX_TITLE,
    MAX_TRAINING_DESCRIPTION,
    SKILLS,
)
from bot.services.volunteers.tasks import TaskPage
from bot.views.callbacks import (
    TaskAction,
    TaskCallback,
    TaskModAction,
    TaskModCallback,
    TrainingAction,
    TrainingCallback,
    TrainingModAction,
    TrainingModCallback,
    VolAction,
    VolCallback,
    VolModAction,
    VolModCallback,
)
from bot.views.volunteers import task_admin, training_admin, trainings
from bot.views.volunteers.moderation import identity_alert, volunteer_card
from bot.views.volunteers.moderation import list_text as volunteers_list
from bot.views.volunteers.notices import render
from bot.views.volunteers.profile import Profile, profile_text
from bot.views.volunteers.tasks import list_text as tasks_list
from bot.views.volunteers.tasks import task_text
from tests.properties import budget

MESSAGE, ALERT, DATA = 4096, 200, 64
WIDE = "Ш"  # a wide Cyrillic letter: as long as any

TASK = Task(
    id=10**9,
    region="KZ-27",
    skill="construction",
    title=WIDE * MAX_TITLE,
    instructions="<&>" * (MAX_INSTRUCTIONS // 3),  # escaped, it grows: the worst case
    lot=WIDE * MAX_LOT,
    source_case=1,
    creator=1,
    deadline="2026-12-01T13:00:00Z",
    status="in_progress",
    assignee=7,
    created_at="2026-11-20T10:00:00Z",
    updated_at="2026-11-20T10:00:00Z",
)
FINDING = Finding(
    1, 1, 7, WIDE * MAX_FINDINGS, "returned", WIDE * MAX_REASON, "2026-11-21T10:00:00Z", False, 10
)
EVENTS = [TaskEvent("declined", WIDE * MAX_REASON, "2026-11-21T10:00:00Z")] * 20
TRAINING = Training(
    title_kk=WIDE * MAX_TITLE,
    title_ru=WIDE * MAX_TITLE,
    description_kk=WIDE * MAX_TRAINING_DESCRIPTION,
    description_ru=WIDE * MAX_TRAINING_DESCRIPTION,
    starts_at="2026-12-05T14:00:00Z",
    minutes=180,
    place=WIDE * MAX_PLACE,
    region="KZ-27",
    capacity=1000,
    unlocks="procurement",
    creator=1,
    id=10**9,
    status="scheduled",
    sequence=3,
    created_at="2026-11-20T10:00:00Z",
    joined=1000,
    waiting=999,
)
VOLUNTEER = Volunteer(
    10**9, "p" * 32, "KZ-27", b"", b"", SKILLS, AVAILABILITY, "active", True, "2026-11-20", 1, None
)


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_the_longest_views_fit_one_message(i18n: I18n, locale: str) -> None:
    card = {
        "kind": "vol_findings",
        "task": 10**9,
        "title": TASK.title,
        "skill": "legal",
        "region": "KZ-27",
        "deadline": TASK.deadline,
        "finding": 1,
        "body": FINDING.body,
        "files": 10,
        "volunteer": 10**9,
    }
    with i18n.context(), i18n.use_locale(locale):
        views = {
            "task for a volunteer": task_text(TASK, FINDING, locale),
            "task for a moderator": task_admin.admin_task_text(
                TASK, "KZ27-000001", FINDING, EVENTS, locale
            ),
            "task summary": task_admin.summary_text(
                {
                    "title": TASK.title,
                    "instructions": TASK.instructions,
                    "region": "KZ-27",
                    "skill": "legal",
                    "deadline": TASK.deadline,
                    "lot": TASK.lot,
                },
                locale,
            ),
            "findings notice": render(card, locale)[0],
            "training": trainings.training_text(TRAINING, "waiting", locale),
            "training summary": training_admin.summary_text(
                {
                    "title_kk": TRAINING.title_kk,
                    "title_ru": TRAINING.title_ru,
                    "description_kk": TRAINING.description_kk,
                    "description_ru": TRAINING.description_ru,
                    "starts": TRAINING.starts_at,
                    "minutes": 180,
                    "place": TRAINING.place,
                    "region": None,
                    "capacity": 1000,
                    "unlocks": "procurement",
                },
                locale,
            ),
            "training list": trainings.list_text([(TRAINING, "joined")] * 20, locale),
            "profile": profile_text(
                Profile(
                    VOLUNTEER,
                    Identity(WIDE * MAX_NAME, "+77011234567"),
                    set(SKILLS),
                    {"done": 10**6},
                    [(TRAINING, "joined")] * 10,
                    Standing(1, "KZ-27", 10**6, 10**6, 10**6),
                    10**7,
                ),
                locale,
            ),
            "volunteer card": volunteer_card(
                VOLUNTEER, Standing(1, "KZ-27", 9, 9, 9), 99, set(SKILLS), locale
            ),
            "volunteers list": volunteers_list(
                VolunteerPage([VOLUNTEER] * 6, 10**6, 10**5), "pending", "KZ-27", "legal", locale
            ),
            "tasks list": tasks_list(TaskPage("mine", [TASK] * 6, 10**6, 10**5)),
        }
        for kind in ("vol_training_invite", "vol_training_reminder", "vol_seat_freed"):
            payload = {
                "kind": kind,
                "training": 1,
                "title_kk": TRAINING.title_kk,
                "title_ru": TRAINING.title_ru,
                "starts": TRAINING.starts_at,
                "minutes": 180,
                "place": TRAINING.place,
                "region": None,
                "unlocks": "procurement",
                "before": "1h",
            }
            views[kind] = render(payload, locale)[0]
    # Telegram counts the text as shown (after HTML), as the emulator does.
    shown = {name: utf16_len(parse_text(text, "HTML")[0]) for name, text in views.items()}
    assert {name: n for name, n in shown.items() if n > MESSAGE} == {}


def test_the_name_and_phone_alert_fits() -> None:
    assert len(identity_alert(Identity(WIDE * MAX_NAME, "+" + "9" * 15))) <= ALERT


BIG = 2**63 - 1
LONGEST_SKILL = max(SKILLS, key=len)


def drawn() -> list[CallbackData]:
    buttons: list[CallbackData] = [VolCallback(action=a, value="KZ-75") for a in VolAction]
    buttons += [VolCallback(action=VolAction.SKILL, value=LONGEST_SKILL)]
    buttons += [TaskCallback(action=a, id=BIG, tab="available", page=10**6) for a in TaskAction]
    buttons += [TrainingCallback(action=a, id=BIG) for a in TrainingAction]
    buttons += [
        VolModCallback(
            action=a, id=BIG, status="pending", region="KZ-75", skill=LONGEST_SKILL, page=10**6
        )
        for a in VolModAction
    ]
    buttons += [TaskModCallback(action=a, id=BIG, value=LONGEST_SKILL) for a in TaskModAction]
    buttons += [
        TrainingModCallback(action=a, id=BIG, value=f"{10**12}-1-{10**4}")
        for a in TrainingModAction
    ]
    return buttons


@pytest.mark.parametrize("button", drawn(), ids=lambda b: b.pack())
def test_every_button_fits_and_reads_back(button: CallbackData) -> None:
    packed = button.pack()
    assert len(packed.encode()) <= DATA, packed
    assert type(button).unpack(packed) == button


FACTORIES = (
    VolCallback,
    TaskCallback,
    TrainingCallback,
    VolModCallback,
    TaskModCallback,
    TrainingModCallback,
)


@settings(max_examples=budget(300), deadline=None)
@given(data=st.text(max_size=80))
def test_forged_data_is_read_as_a_button_or_refused(data: str) -> None:
    for factory in FACTORIES:
        try:
            button = factory.unpack(data)
        except (ValueError, TypeError):
            continue
        assert factory.unpack(button.pack()) == button
