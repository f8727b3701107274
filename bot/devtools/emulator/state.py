"""The emulated Telegram world: users, chats and every message in them.

Message ids are allocated per chat and shared by the user's and the bot's messages, as in
Telegram. Messages are never removed, only flagged deleted, so tests can inspect history.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from ._errors import bad_request
from .journal import Journal
from .updates import Signal

Message = dict[str, Any]


@dataclass
class StoredMessage:
    """A message plus what the emulator tracks about it beyond the Telegram object."""

    message: Message
    from_bot: bool
    deleted: bool = False
    edit_count: int = 0
    reply_keyboard: dict[str, Any] | None = None  # non-inline markup it was sent with

    def public(self, *, with_deleted_flag: bool = False) -> Message:
        """A deep copy safe to hand out, plus emulator-only ``_`` keys."""
        result = copy.deepcopy(self.message)
        if self.reply_keyboard is not None:
            result["_reply_keyboard"] = copy.deepcopy(self.reply_keyboard)
        if with_deleted_flag:
            result["_deleted"] = self.deleted
        return result


@dataclass
class ChatState:
    """One chat: its Chat object, message history and per-chat flags."""

    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_order: list[int] = field(default_factory=list)
    user_order: list[int] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None  # the keyboard a client would show now
    blocked: bool = False
    deactivated: bool = False  # the user deleted their account
    bot_is_admin: bool = True  # channels: may the bot post there
    members: set[int] = field(default_factory=set)
    # The bot's own standing in a group: administrator, member, restricted, left or kicked.
    bot_status: str = "administrator"

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def is_private(self) -> bool:
        return self.chat["type"] == "private"

    def allocate_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def live(self, message_id: int | None) -> StoredMessage | None:
        """The message if it exists and is not deleted."""
        stored = self.messages.get(message_id) if message_id is not None else None
        return None if stored is None or stored.deleted else stored


class World:
    """Users and chats known to the emulated Telegram server."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.changed = Signal()  # bot sent/edited/deleted something
        self.journal: Journal | None = None  # set when a live client wants every change

    def log(self, kind: str, chat_id: int, **data: Any) -> None:
        """Record a change for live clients (a no-op unless the journal is on)."""
        if self.journal is not None:
            self.journal.record(kind, chat_id, **data)

    # --- registration ---------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        chat = {key: user[key] for key in ("id", "first_name", "username") if key in user}
        state = self.chats.get(user_id)
        if state is None:
            self.chats[user_id] = ChatState(chat={**chat, "type": "private"})
        else:
            state.chat.clear()
            state.chat.update({**chat, "type": "private"})
        self.log("chat", user_id)
        return copy.deepcopy(user)

    def ensure_user(self, user_id: int) -> dict[str, Any]:
        """A user who writes becomes known, like a real first contact."""
        if user_id not in self.users:
            self.add_user(user_id)
        return self.users[user_id]

    def add_group(
        self, chat_id: int, title: str = "Moderators", member_ids: tuple[int, ...] | list[int] = ()
    ) -> dict[str, Any]:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative in Telegram")
        state = self.chats.setdefault(
            chat_id, ChatState(chat={"id": chat_id, "type": "supergroup", "title": title})
        )
        state.chat["title"] = title
        for member in member_ids:
            self.ensure_user(member)
            state.members.add(member)
        self.log("chat", chat_id)
        return copy.deepcopy(state.chat)

    def add_channel(self, chat_id: int, title: str, bot_is_admin: bool) -> dict[str, Any]:
        if chat_id >= 0:
            raise ValueError("channel ids are negative in Telegram")
        state = self.chats.setdefault(
            chat_id, ChatState(chat={"id": chat_id, "type": "channel", "title": title})
        )
        state.chat["title"] = title
        state.bot_is_admin = bot_is_admin
        return copy.deepcopy(state.chat)

    def absorb_chat(self, chat: dict[str, Any]) -> ChatState:
        """Register a chat seen in an injected update so the bot may answer in it."""
        chat_id = int(chat["id"])
        state = self.chats.get(chat_id)
        if state is None:
            state = ChatState(chat=copy.deepcopy(chat))
            self.chats[chat_id] = state
            self.log("chat", chat_id)
        return state

    # --- lookup ---------------------------------------------------------------------

    def state(self, chat_id: int) -> ChatState:
        """The chat for emulator-side helpers; unknown chats are a test bug."""
        state = self.chats.get(chat_id)
        if state is None:
            raise KeyError(f"unknown chat {chat_id}: add_user/add_group it first")
        return state

    def resolve(self, value: Any) -> ChatState:
        """The chat a Bot API ``chat_id`` refers to (an id or ``@username``)."""
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        state: ChatState | None = None
        if isinstance(value, str) and value.startswith("@"):
            state = next(
                (s for s in self.chats.values() if s.chat.get("username") == value[1:]), None
            )
        else:
            try:
                state = self.chats.get(int(value))
            except (TypeError, ValueError):
                state = None
        if state is None:
            raise bad_request("chat not found")
        return state

    # --- messages -------------------------------------------------------------------

    def new_message(
        self, state: ChatState, sender: dict[str, Any], content: dict[str, Any]
    ) -> Message:
        return {
            "message_id": state.allocate_id(),
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(state.chat),
            "date": int(time.time()),
            **content,
        }

    def store(
        self,
        state: ChatState,
        message: Message,
        *,
        from_bot: bool,
        reply_keyboard: dict[str, Any] | None = None,
    ) -> StoredMessage:
        stored = StoredMessage(message, from_bot, reply_keyboard=reply_keyboard)
        message_id = int(message["message_id"])
        state.messages[message_id] = stored
        state.next_message_id = max(state.next_message_id, message_id + 1)
        (state.bot_order if from_bot else state.user_order).append(message_id)
        if from_bot:
            self.changed.notify()
        self.log("message", state.chat_id, message_id=message_id)
        return stored

    def edited(self, state: ChatState, stored: StoredMessage) -> None:
        stored.edit_count += 1
        self.changed.notify()
        self.log("edit", state.chat_id, message_id=int(stored.message["message_id"]))

    def deleted(self, state: ChatState, message_ids: list[int]) -> None:
        for message_id in message_ids:
            state.messages[message_id].deleted = True
        self.changed.notify()
        if message_ids:
            self.log("delete", state.chat_id, message_ids=message_ids)

    def set_reply_keyboard(self, state: ChatState, markup: dict[str, Any] | None) -> None:
        """What a client shows under the input field from now on (None: the normal one)."""
        if state.reply_keyboard != markup:
            state.reply_keyboard = markup
            self.log("keyboard", state.chat_id)
