"""The made-up people of the sandbox, the moderators' and the volunteers' groups, the news
channel.

Each person is a Telegram user of the emulator with a private chat with the bot. Their ids are
plausible Telegram ids that no real account needs to have: nothing leaves the computer.
People added from the page are kept in ``people.json`` beside the sandbox's database.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

ROLES = ("citizen", "moderator", "superadmin", "editor", "volunteer")
APP_LANGUAGES = ("kk", "ru", "en")
MAX_NAME = 64  # Telegram's own limit for a first name
GROUP_ID = -1_007_000_000_001
# VOLUNTEER_CHAT_ID: training invitations and reminders are posted there too. Its members are
# the would-be volunteer and the moderators' group (who run the sessions).
VOLUNTEERS_ID = -1_007_000_000_002
# NEWS_CHANNELS "*": published news is posted there in each of its languages.
CHANNEL_ID = -1_007_000_000_003
FIRST_ADDED_ID = 7_000_000_101


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    language_code: str  # the language of the person's Telegram app
    role: str
    phone: str  # what "share my phone number" sends: always a made-up number
    in_group: bool = False


DEFAULT_PEOPLE = (
    Person(7_000_000_001, "Айгүл", "kk", "citizen", "+77010000001"),
    Person(7_000_000_002, "Ольга", "ru", "citizen", "+77010000002"),
    Person(7_000_000_003, "Данияр", "kk", "moderator", "+77010000003", in_group=True),
    Person(7_000_000_004, "Сәуле", "ru", "superadmin", "+77010000004", in_group=True),
    # A news editor of every region from the start (as /editor_add would make them).
    Person(7_000_000_005, "Марат", "ru", "editor", "+77010000005"),
    # Not a volunteer yet: the application (/volunteer) is part of what the sandbox shows.
    Person(7_000_000_006, "Ерлан", "kk", "volunteer", "+77010000006"),
)


def by_role(people: list[Person], role: str) -> Person:
    return next(person for person in people if person.role == role)


def in_volunteers_group(person: Person) -> bool:
    return person.in_group or person.role == "volunteer"


class Roster:
    """The default people plus the ones added from the page, kept across restarts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.people: list[Person] = list(DEFAULT_PEOPLE)
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            self.people += [Person(**item) for item in saved]

    def get(self, person_id: int) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def add(self, name: str, language_code: str, *, in_group: bool = False) -> Person:
        """A new citizen; ``name`` and ``language_code`` are checked like Telegram would."""
        name = " ".join(name.split())[:MAX_NAME]
        if not name:
            raise ValueError("name")
        if language_code not in APP_LANGUAGES:
            raise ValueError("language_code")
        number = max([FIRST_ADDED_ID - 1, *(p.id for p in self.people)]) + 1
        person = Person(
            number, name, language_code, "citizen", f"+7701{number % 10**7:07d}", in_group
        )
        self.people.append(person)
        self._save()
        return person

    def _save(self) -> None:
        added = [asdict(p) for p in self.people if p not in DEFAULT_PEOPLE]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(added, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self.path)
