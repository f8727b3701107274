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
    ADD = "add"  # open the answer step
    MORE = "more"  # more messages in the answer step


class CaseCallback(CallbackData, prefix="cs"):
    """A filed report's buttons. The id is re-authorised on every press, never trusted."""

    action: CaseAction
    id: int


class CasePageCallback(CallbackData, prefix="cp"):
    """A page of the reporter's view of a case (0 is the oldest); re-authorised like above."""

    id: int
    page: int


class AnswerCallback(CallbackData, prefix="an"):
    """«Answer» under a moderator's question. The notification knows the case by its number;
    the presser must be the case's reporter, checked on every press."""

    case: str


class MyReportsCallback(CallbackData, prefix="mt"):
    """A page of /mytips (0 is the newest); it only ever lists the presser's own reports."""

    page: int


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


class SubAction(StrEnum):
    """The subscription picker. Choices so far travel in the button itself (bit masks), so the
    picker needs no stored state and survives a restart; every value is checked on press."""

    REGION = "r"  # toggle the region with index `v`
    ALL_REGIONS = "ra"
    REGIONS_DONE = "rd"
    TOPIC = "t"  # toggle the topic with index `v`
    ALL_TOPICS = "ta"
    TOPICS_DONE = "td"
    FREQUENCY = "f"  # `v`: instant | daily | weekly
    SLOT = "s"  # `v`: morning | evening
    CHANGE = "c"  # from /subscriptions: `v` names the choice to change
    STOP = "x"
    STOP_YES = "xy"
    STOP_NO = "xn"


class SubCallback(CallbackData, prefix="sb"):
    action: SubAction
    r: int = 0  # regions: a bit per region in bot/data/regions.csv order; -1 all of Kazakhstan
    t: int = 0  # topics: a bit per topic (risk areas, then general news); -1 every topic
    f: str = ""  # frequency
    s: str = ""  # slot
    v: str = ""
    one: bool = False  # changing one choice from /subscriptions: save right after it


class NewsAction(StrEnum):
    """Editors' buttons. The item is re-authorised on every press."""

    REGION = "r"
    ALL_REGIONS = "ra"
    REGIONS_DONE = "rd"
    TOPIC = "t"
    SKIP = "sk"
    PUBLISH = "p"
    SCHEDULE = "sc"
    AT = "at"  # a proposed time for Schedule, `v` = YYYYMMDDHHMM local
    CHANGE = "c"  # the list of fields to change
    FIELD = "fd"  # change the field `v`
    KEEP = "k"  # keep as a draft
    OPEN = "o"
    WITHDRAW = "w"
    WITHDRAW_YES = "wy"
    LIST = "l"  # `v`: draft | scheduled | sent
    TRANSLATE = "tr"


class NewsCallback(CallbackData, prefix="nw"):
    action: NewsAction
    id: int = 0
    v: str = ""
    r: int = 0  # regions chosen so far while composing (as in SubCallback)
    page: int = 0


class ReadCallback(CallbackData, prefix="rn"):
    """A reader opens an item in full, or the rest of a digest's list."""

    id: int = 0
    digest: str = ""  # d|w, m|e, YYYYMMDD: which digest's list
    page: int = 0


class PageAction(StrEnum):
    """Which long view a Back/Next button pages through. Re-authorised on every press."""

    HISTORY = "h"  # a case's history (`id` is the case)
    AUDIT = "a"  # a case's audit log (`id` is the case)
    REFUSALS = "r"  # refused attempts (`id` is 0)


class PageCallback(CallbackData, prefix="pg"):
    action: PageAction
    id: int
    page: int  # from 0, the oldest part first


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
