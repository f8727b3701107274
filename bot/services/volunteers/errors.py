"""What the volunteering services refuse, as codes the handlers turn into words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class VolunteerActionError(ValueError):
    """The action does not fit the current state; `reason` is a code for the views."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class NextSession:
    id: int
    title_kk: str
    title_ru: str
    starts_at: datetime


class TrainingNeededError(VolunteerActionError):
    """A task of this type needs a training first: which skill, and the next session."""

    def __init__(self, skill: str, session: NextSession | None) -> None:
        super().__init__("training_needed")
        self.skill = skill
        self.session = session
