"""Shared steps for the volunteering tests: people, an application, a moderator's approval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.config import Settings
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
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat
from tests.unit.test_report_flow import onboard

ADMIN, MODERATOR, OTHER_MOD = 900, 901, 902
VOLUNTEER, SECOND, THIRD = 1001, 1002, 1003
NAME = "Әсел Құрманғалиқызы"
PHONE = "+77011234567"


def admin_settings(db_path: Path, **changes: Any) -> Settings:
    """The tests' settings with ADMIN as the superadmin."""
    return Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=db_path,
        admin_ids=(ADMIN,),
        code_check_seconds=0.01,
        outbox_rate=1000,
        **changes,
    )


def v(action: VolAction, value: str = "") -> str:
    return VolCallback(action=action, value=value).pack()


def vm(action: VolModAction, volunteer_id: int = 0, **extra: Any) -> str:
    return VolModCallback(action=action, id=volunteer_id, **extra).pack()


def vt(action: TaskAction, task_id: int = 0, **extra: Any) -> str:
    return TaskCallback(action=action, id=task_id, **extra).pack()


def tm(action: TaskModAction, task_id: int = 0, value: str = "") -> str:
    return TaskModCallback(action=action, id=task_id, value=value).pack()


def vs(action: TrainingAction, training_id: int) -> str:
    return TrainingCallback(action=action, id=training_id).pack()


def sm(action: TrainingModAction, training_id: int = 0, value: str = "") -> str:
    return TrainingModCallback(action=action, id=training_id, value=value).pack()


def contact(person: dict, phone: str, *, own: bool = True) -> dict:
    shared = {"phone_number": phone, "first_name": person["first_name"]}
    if own:
        shared["user_id"] = person["id"]
    return u.message(person, contact=shared)


def alerts(requests: list) -> list[str]:
    return [r.text for r in requests if isinstance(r, AnswerCallbackQuery) and r.show_alert]


def buttons(requests: list) -> list[str]:
    """Every callback_data on inline keyboards among these requests."""
    found = []
    for r in requests:
        markup = getattr(r, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            found += [b.callback_data for row in markup.inline_keyboard for b in row]
    return found


def sent_to(requests: list, chat_id: int) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage) and int(r.chat_id) == chat_id]


def documents(requests: list, chat_id: int | None = None) -> list[SendDocument]:
    return [
        r
        for r in requests
        if isinstance(r, SendDocument) and (chat_id is None or int(r.chat_id) == chat_id)
    ]


async def staff(chat: Chat, regions: str = "KZ-27") -> None:
    """A superadmin adds MODERATOR for `regions` and OTHER_MOD for Almaty (KZ-75)."""
    for user_id in (MODERATOR, OTHER_MOD):
        await onboard(chat, u.user(user_id, "ru"), "ru")
    admin = u.user(ADMIN, "ru")
    await chat.send(u.text(admin, f"/mod_add {MODERATOR} {regions}"))
    await chat.send(u.text(admin, f"/mod_add {OTHER_MOD} KZ-75"))


async def apply(
    chat: Chat,
    user_id: int = VOLUNTEER,
    *,
    locale: str = "kk",
    name: str = NAME,
    phone: str = PHONE,
    skills: tuple[str, ...] = ("procurement", "construction"),
    free: tuple[str, ...] = ("evenings",),
    region: str = "KZ-27",
    onboarded: bool = False,
) -> list:
    """The whole application, up to and including the consent."""
    person = u.user(user_id, locale)
    if not onboarded:
        await onboard(chat, person, locale)
    await chat.send(u.text(person, "/volunteer"))
    await chat.send(u.text(person, name))
    await chat.send(u.callback(person, v(VolAction.REGION, region)))
    await chat.send(u.text(person, phone))
    for skill in skills:
        await chat.send(u.callback(person, v(VolAction.SKILL, skill)))
    await chat.send(u.callback(person, v(VolAction.SKILLS_DONE)))
    for key in free:
        await chat.send(u.callback(person, v(VolAction.AVAILABILITY, key)))
    await chat.send(u.callback(person, v(VolAction.AVAILABILITY_DONE)))
    return await chat.send(u.callback(person, v(VolAction.CONSENT)))


async def approve(chat: Chat, volunteer_id: int, moderator: int = MODERATOR) -> list:
    return await chat.send(
        u.callback(u.user(moderator, "ru"), vm(VolModAction.APPROVE, volunteer_id))
    )


async def active_volunteer(chat: Chat, user_id: int, number: int, **kwargs: Any) -> None:
    await apply(chat, user_id, **kwargs)
    await approve(chat, number)
    await chat.flush()
