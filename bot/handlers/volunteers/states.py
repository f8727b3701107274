"""Conversation steps of the volunteering features (their data is sealed in fsm_state)."""

from aiogram.fsm.state import State, StatesGroup


class VolunteerForm(StatesGroup):
    """Applying to become a volunteer."""

    name = State()
    region = State()
    phone = State()
    skills = State()
    availability = State()
    consent = State()


class VolunteerInput(StatesGroup):
    """A volunteer's second message: a reason, a progress note, findings."""

    decline_reason = State()
    progress = State()
    findings_text = State()
    findings_files = State()


class ModVolunteerInput(StatesGroup):
    reject_reason = State()
    letter_reason = State()


class TaskWizard(StatesGroup):
    """/task_new, or a case card's button."""

    title = State()
    instructions = State()
    region = State()
    skill = State()
    deadline = State()
    lot = State()
    decide = State()
    assignee = State()


class TaskModInput(StatesGroup):
    return_comment = State()
    assignee = State()


class TrainingWizard(StatesGroup):
    """/training_new."""

    title_kk = State()
    title_ru = State()
    description_kk = State()
    description_ru = State()
    starts = State()
    minutes = State()
    place = State()
    region = State()
    capacity = State()
    unlocks = State()
    confirm = State()


class TrainingModInput(StatesGroup):
    move_to = State()
