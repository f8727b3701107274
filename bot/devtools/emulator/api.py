"""Bot API method implementations over the emulated world.

Every handler takes the request :class:`Params` and returns the ``result`` value, or raises
:class:`ApiError` with Telegram's status and wording. Handlers are synchronous except
getUpdates, so a check-then-act sequence (flood check, validation, id allocation) is atomic
with respect to concurrent requests.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

from ._errors import ApiError, bad_request, forbidden
from .files import MAX_DOWNLOAD_BYTES, FileStore
from .formatting import Entity, parse_text
from .limits import FloodControl
from .markup import is_inline, validate_reply_markup
from .params import Params, Upload
from .state import ChatState, Message, StoredMessage, World
from .updates import UpdateQueue
from .webhook import WebhookPusher, parse_webhook

Handler = Callable[[Params], Any | Awaitable[Any]]
ScopeKey = tuple[str, int | None, int | None]  # BotCommandScope type, chat_id, user_id

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MEDIA_KEYS = ("photo", "document", "video", "animation", "audio", "voice")
COPYABLE_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "has_media_spoiler",
    "photo",
    "document",
    "video",
    "animation",
    "audio",
    "voice",
    "sticker",
    "contact",
    "location",
)
GROUP_MEDIA_KINDS = ("photo", "video", "document")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class BotApi:
    """The server side of the Bot API for one bot."""

    def __init__(
        self, world: World, files: FileStore, updates: UpdateQueue, flood: FloodControl
    ) -> None:
        self.world = world
        self.files = files
        self.updates = updates
        self.flood = flood
        # By (scope type, language) as tests read them; the last scope of a type wins here.
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # By the full scope (type, chat, user) and language, as Telegram keeps them.
        self.scoped_commands: dict[tuple[ScopeKey, str], list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.open_callbacks: set[str] = set()
        self.callback_origins: dict[str, tuple[int, int]] = {}  # query id -> (chat, user)
        self.closing = False
        self.webhooks = WebhookPusher(updates)
        self._poll_generation = 0
        self._media_groups = itertools.count(13_000_000_000_000_001)
        self.handlers: dict[str, Handler] = {
            name.lower(): handler for name, handler in self._method_table().items()
        }

    def _method_table(self) -> dict[str, Handler]:
        trivially_ok: Handler = lambda _p: True  # noqa: E731 - a table entry, not a function
        return {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "deleteWebhook": self.delete_webhook,
            "setWebhook": self.set_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "editMessageCaption": self.edit_message_caption,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": lambda p: self._send_media(p, "photo"),
            "sendDocument": lambda p: self._send_media(p, "document"),
            "sendVideo": lambda p: self._send_media(p, "video"),
            "sendMediaGroup": self.send_media_group,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "getFile": self.get_file,
            "sendChatAction": self.send_chat_action,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "logOut": trivially_ok,
            "close": trivially_ok,
        }

    def handler(self, method: str) -> Handler | None:
        """Method names are case-insensitive in the Bot API."""
        return self.handlers.get(method.lower())

    # --- bot & updates ------------------------------------------------------------------

    def get_me(self, _p: Params) -> dict[str, Any]:
        return {
            **self.world.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        """Long polling: answer at once if updates are pending, else wait up to ``timeout``."""
        if self.webhooks.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = p.integer("offset") or 0
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(p.integer("timeout") or 0, 0)
        self.updates.set_allowed(p.json_value("allowed_updates"))
        self.updates.confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.updates.signal.notify()  # an older long poll wakes up and answers 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT)
            batch = self.updates.peek(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closing:
                return batch
            event = self.updates.signal.event
            await self.updates.signal.wait(event, remaining)

    def delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        self.webhooks.set(None)
        return True

    def set_webhook(self, p: Params) -> bool:
        hook = parse_webhook(
            p.string("url"), p.string("secret_token"), p.integer("max_connections")
        )
        self.updates.set_allowed(p.json_value("allowed_updates"))
        if p.flag("drop_pending_updates"):
            self.updates.clear()
        self._poll_generation += 1  # a long poll still waiting answers 409
        self.webhooks.set(hook)
        return True

    def get_webhook_info(self, _p: Params) -> dict[str, Any]:
        hook = self.webhooks.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    # --- commands -----------------------------------------------------------------------

    def _scope(self, p: Params) -> ScopeKey:
        scope = p.json_value("scope") or {}
        if not isinstance(scope, dict):
            raise bad_request("can't parse BotCommandScope JSON object")
        scope_type = str(scope.get("type", "default"))
        chat_id = scope.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat_id = self.world.resolve(chat_id).chat_id
        elif chat_id is not None:  # an unknown id is kept (Telegram would answer 400)
            chat_id = _chat_key(chat_id)
        user_id = scope.get("user_id")
        return scope_type, chat_id, None if user_id is None else int(user_id)

    def set_my_commands(self, p: Params) -> bool:
        commands = p.json_value("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description") or "") <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope, language = self._scope(p), p.string("language_code") or ""
        if commands:
            self.scoped_commands[scope, language] = [dict(c) for c in commands]
            self.commands[scope[0], language] = [dict(c) for c in commands]
        else:
            self._forget_commands(scope, language)
        return True

    def get_my_commands(self, p: Params) -> list[dict[str, Any]]:
        return self.scoped_commands.get((self._scope(p), p.string("language_code") or ""), [])

    def delete_my_commands(self, p: Params) -> bool:
        self._forget_commands(self._scope(p), p.string("language_code") or "")
        return True

    def _forget_commands(self, scope: ScopeKey, language: str) -> None:
        self.scoped_commands.pop((scope, language), None)
        self.commands.pop((scope[0], language), None)

    def menu_for(self, state: ChatState, user_id: int | None, language: str) -> list[dict]:
        """The first command list set, in the order the Bot API documents ("Determining list
        of commands"). Nobody is a group administrator here, so those scopes never apply."""
        chat = state.chat_id
        if state.is_private:
            scopes: list[ScopeKey] = [
                ("chat", chat, None),
                ("all_private_chats", None, None),
                ("default", None, None),
            ]
        else:
            scopes = [
                ("chat_member", chat, user_id),
                ("chat", chat, None),
                ("all_group_chats", None, None),
                ("default", None, None),
            ]
        for scope in scopes:
            for code in dict.fromkeys((language, "")):
                found = self.scoped_commands.get((scope, code))
                if found is not None:
                    return copy.deepcopy(found)
        return []

    # --- sending helpers ----------------------------------------------------------------

    def _target(self, p: Params, *, counts: bool = True) -> ChatState:
        """The destination chat, after the checks Telegram does before anything else."""
        state = self.world.resolve(p.get("chat_id"))
        if state.deactivated:
            raise forbidden("user is deactivated")
        if state.blocked:
            raise forbidden("bot was blocked by the user")
        if state.chat["type"] == "channel" and not state.bot_is_admin:
            raise bad_request("need administrator rights in the channel chat")
        if not state.is_private and state.bot_status in ("left", "kicked"):
            raise forbidden(f"bot is not a member of the {state.chat['type']} chat")
        if not state.is_private and state.bot_status == "restricted":
            raise bad_request("not enough rights to send text messages to the chat")
        if counts:
            self.flood.check(state.chat_id, state.is_private)
        return state

    @staticmethod
    def _format(
        raw: str | None, parse_mode: str | None, entities: Any, *, caption: bool
    ) -> tuple[str, list[Entity]]:
        """Parse text/caption markup and enforce Telegram's length rules."""
        if not raw:
            if not caption:
                raise bad_request("message text is empty")
            return "", []
        text, parsed = parse_text(raw, parse_mode)
        if not parse_mode and isinstance(entities, list):
            parsed = entities
        if not text.strip():
            if not caption:
                raise bad_request("message text is empty")
            return "", []
        if caption and len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        if not caption and len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return text, parsed

    def _caption(self, source: dict[str, Any] | Params) -> dict[str, Any]:
        """``caption`` + ``caption_entities`` content keys (empty dict for no caption)."""
        raw = source.get("caption")
        text, entities = self._format(
            None if raw is None else str(raw),
            source.get("parse_mode"),
            source.get("caption_entities"),
            caption=True,
        )
        content: dict[str, Any] = {}
        if text:
            content["caption"] = text
        if entities:
            content["caption_entities"] = entities
        return content

    def _reply_to(self, state: ChatState, p: Params) -> Message | None:
        """The message being replied to, or None; 400 if it is missing and that matters."""
        parameters = p.json_value("reply_parameters") or {}
        if not isinstance(parameters, dict):
            raise bad_request("can't parse reply parameters JSON object")
        message_id = parameters.get("message_id") or p.integer("reply_to_message_id")
        if not message_id:
            return None
        allow = parameters.get(
            "allow_sending_without_reply", p.flag("allow_sending_without_reply")
        )
        target = state
        if parameters.get("chat_id") is not None:
            target = self.world.resolve(parameters["chat_id"])
        stored = target.live(int(message_id))
        if stored is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        if target is not state:
            return None  # cross-chat replies (external_reply) are not modelled
        reply = copy.deepcopy(stored.message)
        reply.pop("reply_to_message", None)
        return reply

    def _emit(
        self,
        state: ChatState,
        content: dict[str, Any],
        *,
        reply: Message | None = None,
        markup: dict[str, Any] | None = None,
    ) -> StoredMessage:
        """Create and store a bot message (no validation left to do at this point)."""
        message = self.world.new_message(state, self.world.bot_user, content)
        if reply is not None:
            message["reply_to_message"] = reply
        inline = is_inline(markup)
        if inline and markup and markup["inline_keyboard"]:
            message["reply_markup"] = markup
        if not inline:
            self._track_reply_keyboard(state, markup)
        return self.world.store(
            state, message, from_bot=True, reply_keyboard=None if inline else markup
        )

    def _deliver(self, state: ChatState, content: dict[str, Any], p: Params) -> StoredMessage:
        """Validate markup and reply target, then send one counted message."""
        markup = validate_reply_markup(p.json_value("reply_markup"))
        reply = self._reply_to(state, p)
        if p.flag("protect_content"):
            content["has_protected_content"] = True
        stored = self._emit(state, content, reply=reply, markup=markup)
        self.flood.record(state.chat_id, state.is_private)
        return stored

    def _track_reply_keyboard(self, state: ChatState, markup: dict[str, Any] | None) -> None:
        """Remember the reply keyboard a client would now show in this chat."""
        if not markup:
            return
        if "keyboard" in markup:
            self.world.set_reply_keyboard(state, markup)
        elif markup.get("remove_keyboard"):
            self.world.set_reply_keyboard(state, None)

    # --- send methods -------------------------------------------------------------------

    def send_message(self, p: Params) -> Message:
        state = self._target(p)
        text, entities = self._format(
            p.string("text"), p.string("parse_mode"), p.get("entities"), caption=False
        )
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._deliver(state, content, p).message

    def _send_media(self, p: Params, kind: str) -> Message:
        state = self._target(p)
        content = {kind: self._media_object(kind, p.get(kind), p), **self._caption(p)}
        if p.flag("has_spoiler"):
            content["has_media_spoiler"] = True
        return self._deliver(state, content, p).message

    def _media_object(self, kind: str, reference: Any, p: Params) -> Any:
        """PhotoSize list / Document / Video for an upload, a URL or an existing file_id."""
        resolved = p.file(reference)
        if not resolved:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(resolved, Upload):
            return self._store(kind, resolved.content, resolved.filename, resolved.content_type)
        if not isinstance(resolved, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if resolved.startswith(("http://", "https://")):
            name = urlparse(resolved).path.rsplit("/", 1)[-1] or "file"
            return self._store(kind, b"", name, "application/octet-stream")
        stored = self.files.get(resolved)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        if stored.group is not None:
            return copy.deepcopy(stored.group)
        return stored.as_telegram()

    def _store(self, kind: str, content: bytes, filename: str, content_type: str) -> Any:
        if kind == "photo":
            return self.files.add_photo(content)
        if kind == "video":
            return self.files.add_video(content)
        guessed = mimetypes.guess_type(filename)[0]
        return self.files.add_document(content, filename, guessed or content_type)

    def send_media_group(self, p: Params) -> list[Message]:
        state = self._target(p)
        items = p.json_value("media")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            raise bad_request("wrong number of media in the group: must include 2-10 items")
        kinds = {item.get("type") if isinstance(item, dict) else None for item in items}
        if "document" in kinds and len(kinds) > 1:
            raise bad_request("document can't be mixed with other media types")
        contents = [self._group_item(item, p) for item in items]
        reply = self._reply_to(state, p)
        group_id = str(next(self._media_groups))
        messages = []
        for index, content in enumerate(contents):
            content["media_group_id"] = group_id
            stored = self._emit(state, content, reply=reply if index == 0 else None)
            messages.append(stored.message)
        self.flood.record(state.chat_id, state.is_private)
        return messages

    def _group_item(self, item: Any, p: Params) -> dict[str, Any]:
        if not isinstance(item, dict) or item.get("type") not in GROUP_MEDIA_KINDS:
            raise bad_request("wrong type of the media in the group")
        kind = item["type"]
        content = {kind: self._media_object(kind, item.get("media"), p), **self._caption(item)}
        if item.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return content

    def _source(self, p: Params, error: str) -> StoredMessage:
        state = self.world.resolve(p.get("from_chat_id"))
        stored = state.live(p.integer("message_id"))
        if stored is None:
            raise bad_request(error)
        return stored

    def copy_message(self, p: Params) -> dict[str, int]:
        source = self._source(p, "message to copy not found")
        state = self._target(p)
        content = {
            k: copy.deepcopy(source.message[k]) for k in COPYABLE_KEYS if k in source.message
        }
        if "caption" in p or p.flag("remove_caption"):
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if not p.flag("remove_caption"):
                content.update(self._caption(p))
        stored = self._deliver(state, content, p)
        return {"message_id": stored.message["message_id"]}

    def forward_message(self, p: Params) -> Message:
        source = self._source(p, "message to forward not found")
        state = self._target(p)
        content = {
            k: copy.deepcopy(source.message[k]) for k in COPYABLE_KEYS if k in source.message
        }
        content["forward_origin"] = {
            "type": "user",
            "sender_user": copy.deepcopy(source.message["from"]),
            "date": source.message["date"],
        }
        return self._deliver(state, content, p).message

    def send_chat_action(self, p: Params) -> bool:
        state = self._target(p, counts=False)
        action = p.string("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.world.log("action", state.chat_id, action=action)
        return True

    # --- edits & deletes ----------------------------------------------------------------

    def _editable(self, p: Params) -> StoredMessage:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        state = self.world.resolve(p.get("chat_id"))
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = state.live(message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    @staticmethod
    def _inline_markup(p: Params) -> dict[str, Any] | None:
        """Edits accept only inline keyboards; an empty one removes the keyboard."""
        markup = validate_reply_markup(p.json_value("reply_markup"))
        if markup is None:
            return None
        if not is_inline(markup):
            raise bad_request("REPLY_MARKUP_INVALID")
        return markup if markup["inline_keyboard"] else None

    def _apply_edit(self, stored: StoredMessage, changes: dict[str, Any]) -> Message:
        """Apply ``changes`` (None = remove the key) unless nothing would change."""
        message = stored.message
        if all(message.get(key) == (value or None) for key, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        self.world.edited(self.world.resolve(message["chat"]["id"]), stored)
        return message

    def edit_message_text(self, p: Params) -> Message:
        stored = self._editable(p)
        if "text" not in stored.message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._format(
            p.string("text"), p.string("parse_mode"), p.get("entities"), caption=False
        )
        changes = {"text": text, "entities": entities, "reply_markup": self._inline_markup(p)}
        return self._apply_edit(stored, changes)

    def edit_message_caption(self, p: Params) -> Message:
        stored = self._editable(p)
        if not any(key in stored.message for key in MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(p)
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
            "reply_markup": self._inline_markup(p),
        }
        return self._apply_edit(stored, changes)

    def edit_message_reply_markup(self, p: Params) -> Message:
        stored = self._editable(p)
        return self._apply_edit(stored, {"reply_markup": self._inline_markup(p)})

    def delete_message(self, p: Params) -> bool:
        state = self.world.resolve(p.get("chat_id"))
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if state.live(message_id) is None:
            raise bad_request("message to delete not found")
        self.world.deleted(state, [message_id])
        return True

    def delete_messages(self, p: Params) -> bool:
        """Missing messages are skipped, as the Bot API documents."""
        state = self.world.resolve(p.get("chat_id"))
        ids = p.json_value("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must contain 1-100 message identifiers")
        live = [int(m) for m in dict.fromkeys(ids) if state.live(int(m)) is not None]
        self.world.deleted(state, live)
        return True

    # --- callbacks, files, chats ---------------------------------------------------------

    def answer_callback_query(self, p: Params) -> bool:
        query_id = p.string("callback_query_id")
        if query_id not in self.open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.string("text")
        if text and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self.open_callbacks.discard(query_id)
        origin = self.callback_origins.pop(query_id, None)
        if origin is not None and text:
            chat_id, user_id = origin
            self.world.log(
                "toast", chat_id, user_id=user_id, text=text, show_alert=p.flag("show_alert")
            )
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": p.flag("show_alert"),
                "url": p.string("url"),
                "cache_time": p.integer("cache_time"),
            }
        )
        return True

    def get_file(self, p: Params) -> dict[str, Any]:
        file_id = p.string("file_id")
        stored = self.files.get(file_id) if file_id else None
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored.as_file()

    def get_chat_member(self, p: Params) -> dict[str, Any]:
        state = self.world.resolve(p.get("chat_id"))
        user_id = p.integer("user_id", required=True)
        if user_id == self.world.bot_user["id"]:
            status = "member" if state.is_private else state.bot_status
            return _member(self.world.bot_user, status)
        user = self.world.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        inside = (state.is_private and state.chat_id == user_id) or user_id in state.members
        return _member(user, "member" if inside else "left")

    def get_chat(self, p: Params) -> dict[str, Any]:
        state = self.world.resolve(p.get("chat_id"))
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **state.chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {name: False for name in (*gifts, "gifts_from_channels")},
        }


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "administrator":
        member |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_send_welcome_messages": False,
        }
    elif status == "restricted":
        member |= {
            "is_member": True,
            "can_send_messages": False,
            "can_send_audios": False,
            "can_send_documents": False,
            "can_send_photos": False,
            "can_send_videos": False,
            "can_send_video_notes": False,
            "can_send_voice_notes": False,
            "can_send_polls": False,
            "can_send_other_messages": False,
            "can_add_web_page_previews": False,
            "can_react_to_messages": False,
            "can_edit_tag": False,
            "can_change_info": False,
            "can_invite_users": False,
            "can_pin_messages": False,
            "can_manage_topics": False,
            "until_date": 0,
        }
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _chat_key(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
