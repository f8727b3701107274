"""Raw Telegram update payloads for feeding the dispatcher (feed_raw_update)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_update_ids = itertools.count(1)
# What people type is numbered far above the fake bot's own messages (tests/fake_session.py
# counts from 1000 in each test): in Telegram a chat has one sequence, so a person's message and
# the bot's never share an id, and this counter runs on through every test of a worker. From 1
# it met the bot's ids once a worker had run some thousand typed messages, and a test that
# collects the ids of a conversation (erase) then failed only in some orders.
_message_ids = itertools.count(1_000_000_000)


def user(
    user_id: int,
    language_code: str | None = "ru",
    first_name: str = "Айгүл",
    username: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        data["language_code"] = language_code
    if username:
        data["username"] = username
    return data


def message(from_user: dict[str, Any], **content: Any) -> dict[str, Any]:
    msg = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": {"id": from_user["id"], "type": "private", "first_name": from_user["first_name"]},
        "from": from_user,
        **content,
    }
    text = content.get("text")
    if isinstance(text, str) and text.startswith("/"):
        command = text.split()[0]
        msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": msg}


def text(from_user: dict[str, Any], value: str) -> dict[str, Any]:
    return message(from_user, text=value)


def sticker(from_user: dict[str, Any]) -> dict[str, Any]:
    return message(
        from_user,
        sticker={
            "file_id": "CAAC-sticker",
            "file_unique_id": "st1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
    )


def voice(from_user: dict[str, Any]) -> dict[str, Any]:
    return message(
        from_user, voice={"file_id": "AwAC-voice", "file_unique_id": "v1", "duration": 3}
    )


def callback(from_user: dict[str, Any], data: str, message_id: int = 1) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": from_user,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": from_user["id"], "type": "private"},
                "from": {"id": 42, "is_bot": True, "first_name": "Adal"},
                "text": "…",
            },
        },
    }
