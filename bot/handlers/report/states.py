"""Where a citizen is in the report flow. The draft itself lives in report_drafts."""

from aiogram.fsm.state import State, StatesGroup


class ReportFlow(StatesGroup):
    area = State()
    region = State()
    settlement = State()
    description = State()
    when = State()
    when_date = State()
    involved = State()
    amount = State()
    evidence = State()
    location = State()
    anonymity = State()
    phone = State()
    summary = State()


class FollowUp(StatesGroup):
    code = State()  # waiting for a follow-up code
    adding = State()  # adding answers or files to a case
