"""How many actions a citizen needs from /report to the case number, counted on the real
dispatcher (issue 9).

An action is one message the person sends or one button they press. The walker plays a person
who answers whatever the bot asks *now*: it reads the conversation's step from the FSM, answers
it as the path says, and may press only buttons the bot has really shown (the newest message
that carries one). It stops when the case number appears. A new question, a new confirmation
tap or a button that disappears changes the count or stops the walk, so the number cannot
drift silently: tests/unit/test_interactions.py pins it, docs/screens.md prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

from tests import updates as u

CASE_NUMBER = re.compile(r"\bKZ\d\d-\d{6}\b")
DESCRIPTION = "Әкімдік мектеп құрылысына бөлінген қаржыны жалған актілермен жұмсаған."
PHOTO = {"photo": [{"file_id": "AgAC-p", "file_unique_id": "p", "width": 90, "height": 90}]}
LOCATION = {"location": {"latitude": 51.2278, "longitude": 51.3865}}

# What each path does at each step. "tap:<data prefix>" presses the first button shown whose
# callback data starts so; "reply:<label end>" presses the reply-keyboard button; "say:<text>"
# types; "send:photo" / "send:location" sends one; "photo-then:<tap>" sends one photo the
# first time the step is shown, then does what follows.
PATHS: dict[str, dict[str, str]] = {
    # A confidential report with every field, one photo and a location.
    "full": {
        "area": "tap:rp:area:",
        "region": "tap:rp:region:KZ-27",
        "settlement": "say:Орал қаласы",
        "description": f"say:{DESCRIPTION}",
        "when": "tap:rp:when:week",
        "involved": "say:Қалалық білім бөлімі",
        "amount": "say:1,5 млн",
        "evidence": "photo-then:tap:rp:skip:",
        "location": "send:location",
        "anonymity": "tap:rp:anon:confidential",
        "summary": "tap:rp:submit:",
    },
    # The shortest valid report: every optional question skipped.
    "shortest": {
        "area": "tap:rp:area:",
        "region": "tap:rp:region:KZ-27",
        "settlement": "say:Орал",
        "description": f"say:{DESCRIPTION}",
        "when": "tap:rp:when:today",
        "involved": "tap:rp:skip:",
        "amount": "tap:rp:skip:",
        "evidence": "tap:rp:skip:",
        "location": "reply:➡️",
        "anonymity": "tap:rp:anon:anonymous",
        "summary": "tap:rp:submit:",
    },
}
# Counted with this walker on the code before issue 9 (commit a673f11): files came before
# the location, and a photo needed «Done, next step».
BEFORE = {"full": 13, "shortest": 12}


@dataclass
class Walk:
    actions: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # the question each action answered
    case_number: str = ""

    def described(self) -> str:
        """E.g. ``/report → area → … → evidence (a photo) → summary (Submit)``."""
        words = []
        for step, action in zip(self.steps, self.actions, strict=True):
            kind, _, value = action.partition(":")
            how = {
                "say": "typed",
                "send": f"a {value}",
                "reply": "reply button",
            }.get(kind, "button")
            words.append(step if step == "/report" else f"{step} ({how})")
        return " → ".join(words)


@dataclass
class _Screen:
    """Buttons the person can press: inline ones by message, and the reply keyboard."""

    inline: dict[int, list[str]] = field(default_factory=dict)
    reply: list[str] = field(default_factory=list)

    def see(self, request: Any, result: Any) -> None:
        markup = getattr(request, "reply_markup", None)
        message_id = getattr(result, "message_id", None) or getattr(request, "message_id", None)
        if isinstance(markup, InlineKeyboardMarkup) and message_id:
            self.inline[int(message_id)] = [
                b.callback_data or "" for row in markup.inline_keyboard for b in row
            ]
        elif isinstance(request, EditMessageText) and message_id:
            self.inline.pop(int(message_id), None)
        if isinstance(markup, ReplyKeyboardMarkup):
            self.reply = [b.text for row in markup.keyboard for b in row]

    def button(self, prefix: str) -> tuple[int, str]:
        for message_id in sorted(self.inline, reverse=True):
            for data in self.inline[message_id]:
                if data.startswith(prefix):
                    return message_id, data
        raise LookupError(f"no button {prefix!r} is shown")

    def reply_label(self, end: str) -> str:
        for label in self.reply:
            if label.endswith(end) or label.startswith(end):
                return label
        raise LookupError(f"no reply button {end!r} is shown")


async def walk(
    dp: Dispatcher,
    bot: Bot,
    requests: Callable[[], list[Any]],
    results: Callable[[int], Any],
    person: dict[str, Any],
    path: str,
    *,
    settle: Callable[[], Any] | None = None,
) -> Walk:
    """Play `path` for `person` (already onboarded) and count what they do.

    `requests()` lists the Bot API requests made so far; `results(i)` is what the i-th one
    returned (the fake session builds message ids).
    """
    plan = PATHS[path]
    screen = _Screen()
    done = Walk()
    photo_sent = False
    seen = len(requests())
    update: dict[str, Any] = u.text(person, "/report")
    done.actions.append("/report")
    done.steps.append("/report")
    for _ in range(40):
        await dp.feed_raw_update(bot, update)
        if settle is not None:
            await settle()
        now = requests()
        for index in range(seen, len(now)):
            screen.see(now[index], results(index))
            if isinstance(now[index], SendMessage | EditMessageText):
                found = CASE_NUMBER.search(now[index].text or "")
                if found and done.actions[-1].startswith("tap:rp:submit"):
                    done.case_number = found.group(0)
        seen = len(now)
        if done.case_number:
            return done
        state = await dp.fsm.resolve_context(bot, person["id"], person["id"]).get_state()
        step = (state or "").split(":", 1)[-1]
        if step not in plan:
            raise AssertionError(f"{path}: the bot asks {state!r}, which the path does not know")
        action = plan[step]
        if action.startswith("photo-then:"):
            action = action.removeprefix("photo-then:") if photo_sent else "send:photo"
            photo_sent = True
        update = _update(action, person, screen)
        done.actions.append(action)
        done.steps.append(step)
    raise AssertionError(f"{path}: no case number after {len(done.actions)} actions")


def _update(action: str, person: dict[str, Any], screen: _Screen) -> dict[str, Any]:
    kind, _, value = action.partition(":")
    if kind == "tap":
        message_id, data = screen.button(value)
        return u.callback(person, data, message_id)
    if kind == "reply":
        return u.text(person, screen.reply_label(value))
    if kind == "say":
        return u.text(person, value)
    return u.message(person, **(PHOTO if value == "photo" else LOCATION))
