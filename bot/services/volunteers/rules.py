"""The volunteering rules in one place: skills, availability, training gates, points, limits."""

from __future__ import annotations

from datetime import timedelta

# What a volunteer knows or wants to learn; also the type of a task.
SKILLS = ("procurement", "construction", "land", "ecology", "legal", "social", "media")
AVAILABILITY = ("weekdays", "evenings", "weekends")

# A task of this type needs the training that unlocks this skill first.
GATES = {"procurement": "procurement"}

# A task made from a case starts with the type that fits the case's area (the moderator can
# pick another).
AREA_SKILLS = {
    "procurement": "procurement",
    "infrastructure": "construction",
    "education": "construction",
    "land": "land",
    "agriculture": "land",
    "ecology": "ecology",
    "social": "social",
    "business": "legal",
    "law_enforcement": "legal",
}

# Points: the only place they are defined. /me shows these rules.
POINTS_FINDINGS_ACCEPTED = 10
POINTS_TRAINING_ATTENDED = 5

# Limits said in the prompt of each step that stores the input.
MAX_NAME = 100
MAX_TITLE = 100
MAX_INSTRUCTIONS = 2000
MAX_LOT = 60
MAX_REASON = 500
MAX_PROGRESS = 1000
MAX_FINDINGS = 3000
MAX_FINDING_FILES = 10
MAX_PLACE = 300
MAX_TRAINING_DESCRIPTION = 1200
MAX_CAPACITY = 1000
MAX_LETTER_REASON = 300
DURATIONS = (60, 90, 120, 180)  # minutes a training session may last, offered as buttons

# Reminders.
TRAINING_REMINDERS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
TASK_REMINDERS = {"48h": timedelta(hours=48), "24h": timedelta(hours=24)}
DEFAULT_DEADLINE_HOUR = 18  # a deadline typed as a date ends at 18:00 in Almaty
MAX_AHEAD = timedelta(days=366)  # deadlines and sessions at most a year ahead

PAGE = 6  # items per page in lists (each item is a button; a page fits one message)


def parse_keys(text: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """Stored comma-separated keys, in the canonical order, unknown ones dropped."""
    chosen = set(filter(None, text.split(",")))
    return tuple(key for key in allowed if key in chosen)


def join_keys(keys: tuple[str, ...] | list[str] | set[str], allowed: tuple[str, ...]) -> str:
    chosen = set(keys)
    return ",".join(key for key in allowed if key in chosen)


def gate_for(skill: str) -> str | None:
    """The skill a training must unlock before a task of this type can be taken."""
    return GATES.get(skill)
