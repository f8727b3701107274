"""Callback data factories. Prefixes are short: callback_data is limited to 64 bytes."""

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class RegionCallback(CallbackData, prefix="reg"):
    code: str


class ReportCallback(CallbackData, prefix="rp"):
    """Report flow buttons: `action` is what to do, `value` a key (area, region, choice)."""

    action: str
    value: str = ""


class CaseCallback(CallbackData, prefix="cs"):
    """A filed report's buttons. The id is re-authorised on every press, never trusted."""

    action: str
    id: int


class ModCallback(CallbackData, prefix="md"):
    """A moderator's card button. Scope and role are re-checked on every press."""

    action: str
    id: int
    value: str = ""


class QueueCallback(CallbackData, prefix="q"):
    page: int
    order: str = "new"  # new | old
    status: str = ""
    who: str = ""  # "" | mine | free
    region: str = ""
    area: str = ""
