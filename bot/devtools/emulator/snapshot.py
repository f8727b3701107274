"""Save the emulated world to a folder and load it again, so a sandbox survives a restart.

What is kept: users, chats with every message (deleted ones flagged), reply keyboards, files
(their bytes in ``files/``, one file per distinct content), command menus, the update queue
with its counters. What is not: pending callback queries, faults, flood-control windows,
the journal (a restarted server starts a new one; live clients reload).

``world.json`` is written to a temporary file and renamed, so a crash leaves the last
complete snapshot in place.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import StoredFile
from .state import ChatState, StoredMessage

if TYPE_CHECKING:
    from .core import BotApiEmulator

VERSION = 1
WORLD_FILE = "world.json"
FILES_DIR = "files"


def save(emulator: BotApiEmulator, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    blobs = directory / FILES_DIR
    blobs.mkdir(exist_ok=True)
    world = emulator.world
    api = emulator.api
    data = {
        "version": VERSION,
        "users": list(world.users.values()),
        "chats": [_chat(state) for state in world.chats.values()],
        "files": [_file(stored, blobs) for stored in emulator.files.all()],
        "commands": [
            {"scope": list(scope), "language": language, "commands": commands}
            for (scope, language), commands in api.scoped_commands.items()
        ],
        "updates": {
            "items": list(emulator.updates.peek(len(emulator.updates))),
            "next_id": emulator.updates.next_id,
            "confirmed_offset": emulator.updates.confirmed_offset,
            "allowed": sorted(emulator.updates.allowed) if emulator.updates.allowed else None,
        },
    }
    temporary = directory / (WORLD_FILE + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, directory / WORLD_FILE)


def load(emulator: BotApiEmulator, directory: Path) -> bool:
    """Replace the emulator's world with the saved one; False if there is none."""
    path = directory / WORLD_FILE
    if not path.exists():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != VERSION:
        raise ValueError(f"unknown snapshot version {data.get('version')!r} in {path}")
    world = emulator.world
    world.users = {int(user["id"]): user for user in data["users"]}
    world.chats = {}
    for item in data["chats"]:
        state = _restore_chat(item)
        world.chats[state.chat_id] = state
    _restore_files(emulator, data["files"], directory / FILES_DIR)
    for item in data["commands"]:
        scope_type, chat_id, user_id = item["scope"]
        key = ((scope_type, chat_id, user_id), item["language"])
        emulator.api.scoped_commands[key] = item["commands"]
        emulator.api.commands[scope_type, item["language"]] = item["commands"]
    updates = data["updates"]
    queue = emulator.updates
    queue.restore(updates["items"], updates["next_id"], updates["confirmed_offset"])
    queue.allowed = frozenset(updates["allowed"]) if updates["allowed"] else None
    return True


def _chat(state: ChatState) -> dict[str, Any]:
    return {
        "chat": state.chat,
        "next_message_id": state.next_message_id,
        "messages": [
            {
                "message": stored.message,
                "from_bot": stored.from_bot,
                "deleted": stored.deleted,
                "edit_count": stored.edit_count,
                "reply_keyboard": stored.reply_keyboard,
            }
            for stored in state.messages.values()
        ],
        "bot_order": state.bot_order,
        "user_order": state.user_order,
        "reply_keyboard": state.reply_keyboard,
        "blocked": state.blocked,
        "members": sorted(state.members),
    }


def _restore_chat(item: dict[str, Any]) -> ChatState:
    state = ChatState(
        chat=item["chat"],
        next_message_id=item["next_message_id"],
        bot_order=item["bot_order"],
        user_order=item["user_order"],
        reply_keyboard=item["reply_keyboard"],
        blocked=item["blocked"],
        members=set(item["members"]),
    )
    for stored in item["messages"]:
        message = StoredMessage(
            stored["message"],
            stored["from_bot"],
            deleted=stored["deleted"],
            edit_count=stored["edit_count"],
            reply_keyboard=stored["reply_keyboard"],
        )
        state.messages[int(message.message["message_id"])] = message
    return state


def _file(stored: StoredFile, blobs: Path) -> dict[str, Any]:
    digest = hashlib.sha256(stored.content).hexdigest()
    blob = blobs / digest
    if not blob.exists():
        blob.write_bytes(stored.content)
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "kind": stored.kind,
        "file_path": stored.file_path,
        "meta": stored.meta,
        "group": stored.group,
        "blob": digest,
    }


def _restore_files(emulator: BotApiEmulator, items: list[dict[str, Any]], blobs: Path) -> None:
    store = emulator.files
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # the sizes of one photo share
    contents: dict[str, bytes] = {}
    for item in items:
        digest = item.pop("blob")
        if digest not in contents:
            contents[digest] = (blobs / digest).read_bytes()
        group = item.pop("group")
        stored = StoredFile(content=contents[digest], **item)
        if group is not None:
            key = tuple(size["file_id"] for size in group)
            stored.group = groups.setdefault(key, group)
        store.put(stored)
    store.counter = itertools.count(len(items) + 1)
