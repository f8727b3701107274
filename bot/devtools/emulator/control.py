"""The HTTP control API: the Python API of the emulator, reachable from other processes.

``/_control/<action>`` maps onto the emulator method of the same name; POST bodies are
JSON objects of keyword arguments, GET query strings are coerced to numbers where they look
like numbers. ``content`` is base64, ``methods`` a list. Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}`` (400 bad arguments,
404 unknown action, 408 wait timed out, 409 failed assertion such as a missing button).
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .core import BotApiEmulator

ACTIONS = frozenset(
    {
        "add_user",
        "add_group",
        "add_channel",
        "block_chat",
        "set_bot_status",
        "unblock_chat",
        "deactivate_user",
        "send_text",
        "send_photo",
        "send_document",
        "send_video",
        "send_contact",
        "send_location",
        "send_sticker",
        "send_voice",
        "press_button",
        "send_callback",
        "press_reply_button",
        "inject_update",
        "enqueue_many",
        "bot_messages",
        "all_bot_messages",
        "user_messages",
        "sent_count",
        "reply_keyboard",
        "wait_for_bot_message",
        "wait_for_edit",
        "chats",
        "commands_for",
        "events",
        "wait_for_events",
        "set_latency",
        "fail_next",
        "drop_next",
        "clear_faults",
    }
)
PROPERTIES = frozenset(
    {"calls", "callback_answers", "pending_update_count", "confirmed_offset", "api_errors"}
)
_dumps = functools.partial(json.dumps, ensure_ascii=False, default=str)


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _number(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


async def _kwargs(request: web.Request) -> dict[str, Any]:
    if request.method == "GET" or not request.can_read_body:
        kwargs: dict[str, Any] = {key: _number(value) for key, value in request.query.items()}
    else:
        kwargs = await request.json()
        if not isinstance(kwargs, dict):
            raise ValueError("the body must be a JSON object of keyword arguments")
    if isinstance(kwargs.get("content"), str):
        kwargs["content"] = base64.b64decode(kwargs["content"], validate=True)
    if isinstance(kwargs.get("methods"), list):
        kwargs["methods"] = set(kwargs["methods"])
    return kwargs


def _commands(emulator: BotApiEmulator) -> list[dict[str, Any]]:
    return [
        {"scope": scope, "language_code": language, "commands": commands}
        for (scope, language), commands in emulator.commands.items()
    ]


def configure_faults(emulator: BotApiEmulator, spec: dict[str, Any]) -> dict[str, Any]:
    """One call to set up several faults: ``{"clear", "latency", "latency_methods",
    "fail_next": {"n", "status", "methods"}, "drop_next": {"n", "methods"},
    "flood_control"}``."""
    if spec.get("clear"):
        emulator.clear_faults()
    if "latency" in spec:
        emulator.set_latency(float(spec["latency"]), spec.get("latency_methods"))
    if fail := spec.get("fail_next"):
        emulator.fail_next(int(fail["n"]), int(fail.get("status", 500)), fail.get("methods"))
    if drop := spec.get("drop_next"):
        emulator.drop_next(int(drop["n"]), drop.get("methods"))
    if "flood_control" in spec:
        emulator.flood_control = bool(spec["flood_control"])
    faults = emulator.faults
    return {
        "latency": faults.latency,
        "pending_rules": [
            {"kind": r.kind, "remaining": r.remaining, "status": r.status} for r in faults.rules
        ],
        "flood_control": emulator.flood_control,
    }


async def _run(emulator: BotApiEmulator, action: str, kwargs: dict[str, Any]) -> Any:
    if action == "faults":
        return configure_faults(emulator, kwargs)
    if action == "commands":
        return _commands(emulator)
    if action in PROPERTIES:
        return getattr(emulator, action)
    result = getattr(emulator, action)(**kwargs)
    return await result if inspect.isawaitable(result) else result


async def handle_control(emulator: BotApiEmulator, request: web.Request) -> web.Response:
    """Dispatch ``/_control/<action>`` to the emulator."""
    action = request.match_info["action"]
    if action not in ACTIONS | PROPERTIES | {"faults", "commands"}:
        return _reply({"ok": False, "error": f"unknown action {action!r}"}, 404)
    try:
        kwargs = await _kwargs(request)
        result = await _run(emulator, action, kwargs)
    except AssertionError as error:
        return _reply({"ok": False, "error": str(error)}, 409)
    except TimeoutError as error:
        return _reply({"ok": False, "error": str(error)}, 408)
    except (TypeError, ValueError, KeyError, binascii.Error) as error:
        return _reply({"ok": False, "error": f"{type(error).__name__}: {error}"}, 400)
    return _reply({"ok": True, "result": result})
