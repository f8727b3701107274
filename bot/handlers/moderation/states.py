"""Moderator input that needs a second message: a question, a note, a reason, a case number."""

from aiogram.fsm.state import State, StatesGroup


class ModInput(StatesGroup):
    question = State()
    note = State()
    reject_reason = State()
    duplicate_of = State()
