"""Callback data factories. Prefixes and action values are short: callback_data is limited to
64 bytes, and the packed form of every button already sent must keep working."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class RegionCallback(CallbackData, prefix="reg"):
    code: str


class ReportAction(StrEnum):
    """Buttons of the report flow and of the screens around it."""

    AREA = "area"
    REGION = "region"
    WHEN = "when"
    ANONYMITY = "anon"
    EDIT = "edit"
    BACK = "back"
    SKIP = "skip"
    CANCEL = "cancel"
    RESUME = "resume"
    RESTART = "restart"
    DISCARD = "discard"
    SUBMIT = "submit"
    ERASE = "erase"
    CHECK = "check"
    THREAD_DONE = "thread_done"


class ReportCallback(CallbackData, prefix="rp"):
    """Report flow buttons: `action` is what to do, `value` a key (area, region, choice)."""

    action: ReportAction
    value: str = ""


class CaseAction(StrEnum):
    OPEN = "open"
    ADD = "add"


class CaseCallback(CallbackData, prefix="cs"):
    """A filed report's buttons. The id is re-authorised on every press, never trusted."""

    action: CaseAction
    id: int


class ModAction(StrEnum):
    """What a moderator's card button does. Scope and role are re-checked on every press."""

    TAKE = "take"
    STATUS = "status"  # open the status picker
    CARD = "card"  # back from the picker to the card's own buttons
    SET = "set"  # set the status in `value`
    ASK = "ask"
    NOTE = "note"
    FILES = "files"
    PHONE = "phone"
    TASK = "task"
    OPEN = "open"  # show the whole case (from the queue)


class ModCallback(CallbackData, prefix="md"):
    action: ModAction
    id: int
    value: str = ""


class QueueCallback(CallbackData, prefix="q"):
    page: int
    order: str = "new"  # new | old
    status: str = ""
    who: str = ""  # "" | mine | free
    region: str = ""
    area: str = ""


# Volunteers (issue 12). Every id is re-authorised on every press, never trusted.


class VolAction(StrEnum):
    """A volunteer's own buttons: the application steps and /me."""

    REGION = "reg"
    SKILL = "skill"  # toggle `value`
    SKILLS_DONE = "sdone"
    AVAILABILITY = "av"  # toggle `value`
    AVAILABILITY_DONE = "adone"
    CONSENT = "ok"
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    LEAVE = "leave"
    LEAVE_SURE = "leave2"
    DELETE = "del"
    DELETE_SURE = "del2"
    KEEP = "keep"  # changed their mind about leaving or deleting
    SHOW_NAME = "name"  # value "1" or "0"
    TOP = "top"  # value: "region" or "all"


class VolCallback(CallbackData, prefix="v"):
    action: VolAction
    value: str = ""


class TaskAction(StrEnum):
    """A volunteer's task buttons."""

    TAB = "tab"  # mine | available | done, with a page
    OPEN = "open"
    CLAIM = "claim"
    ACCEPT = "accept"
    DECLINE = "decline"
    PROGRESS = "progress"
    SUBMIT = "submit"
    SEND = "send"  # findings: the files are in, send them


class TaskCallback(CallbackData, prefix="vt"):
    action: TaskAction
    id: int = 0
    tab: str = ""
    page: int = 0


class TrainingAction(StrEnum):
    OPEN = "open"
    JOIN = "join"
    WAIT = "wait"
    CANT = "cant"


class TrainingCallback(CallbackData, prefix="vs"):
    action: TrainingAction
    id: int


class VolModAction(StrEnum):
    """Moderators' buttons on applications and volunteers' cards."""

    APPROVE = "ok"
    REJECT = "no"
    IDENTITY = "who"
    CARD = "card"
    LETTER = "letter"
    PAGE = "page"


class VolModCallback(CallbackData, prefix="vm"):
    action: VolModAction
    id: int = 0
    status: str = ""
    region: str = ""
    skill: str = ""
    page: int = 0


class TaskModAction(StrEnum):
    """Moderators' buttons: making a task, and a task's card."""

    REGION = "reg"
    SKILL = "skill"
    NO_LOT = "nolot"
    ASSIGN = "assign"
    PUBLISH = "pub"
    STOP = "stop"
    OPEN = "open"
    ACCEPT = "ok"
    RETURN = "back"
    FILES = "files"
    ATTACH = "attach"
    CANCEL = "cancel"


class TaskModCallback(CallbackData, prefix="tm"):
    action: TaskModAction
    id: int = 0
    value: str = ""


class TrainingModAction(StrEnum):
    """Moderators' buttons: making a session, and managing one."""

    REGION = "reg"
    MINUTES = "min"
    UNLOCKS = "skill"
    PUBLISH = "pub"
    STOP = "stop"
    OPEN = "open"
    MOVE = "move"
    CANCEL = "cancel"
    CANCEL_SURE = "cancel2"
    ATTENDANCE = "att"
    MARK = "mark"  # value: "<volunteer id>-1" attended, "-0" not


class TrainingModCallback(CallbackData, prefix="sm"):
    action: TrainingModAction
    id: int = 0
    value: str = ""
