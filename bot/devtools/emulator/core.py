"""``BotApiEmulator``: the HTTP server plus the Python API tests drive it with.

See the package docstring for the full contract. This module wires the pieces together:
the aiohttp application, the user-side actions that enqueue updates, the inspection helpers
and fault injection.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import functools
import inspect
import itertools
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from ._errors import NOT_FOUND, UNAUTHORIZED, ApiError, too_many_requests
from .api import BotApi
from .control import handle_control
from .files import FileStore
from .formatting import utf16_len
from .journal import Event, Journal
from .limits import Faults, FloodControl
from .markup import button_texts, callback_datas, reply_button
from .params import Params, read_params
from .state import ChatState, Message, World
from .updates import Signal, UpdateQueue

logger = logging.getLogger(__name__)

Update = dict[str, Any]
Predicate = Callable[[Message], bool]

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# A valid 1x1 PNG, used when a test sends a photo without caring about its bytes.
DEFAULT_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
DEFAULT_VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
_FAULT_DESCRIPTIONS = {500: "Internal Server Error", 502: "Bad Gateway"}
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def fault_error(status: int) -> ApiError:
    """A Telegram-shaped error body for an injected HTTP failure."""
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        return too_many_requests(1)
    description = _FAULT_DESCRIPTIONS.get(status)
    if description is None:
        try:
            description = HTTPStatus(status).phrase
        except ValueError:
            description = "Error"
    return ApiError(status, description)


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def _error_response(error: ApiError) -> web.Response:
    return _json_response(error.payload(), status=error.status)


class BotApiEmulator:
    """A fake Telegram Bot API server for one bot, plus helpers that play the users."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "adal_test_bot",
        flood_control: bool = False,
        *,
        bot_first_name: str = "Adal",
        clock: Callable[[], float] = time.monotonic,
        journal: bool = False,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.world = World(bot_user)
        if journal:
            self.world.journal = Journal()
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.flood = FloodControl(clock, flood_control)
        self.faults = Faults()
        self.api = BotApi(self.world, self.files, self.updates, self.flood)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.api_errors: list[dict[str, Any]] = []
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._query_ids = itertools.count(1)

    # --- lifecycle ----------------------------------------------------------------------

    async def start(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        extend: Callable[[web.Application], None] | None = None,
    ) -> None:
        """Listen on ``host:port`` (0 picks a free port) and set :attr:`base_url`.

        ``extend`` may add routes of its own to the same application (the sandbox's page)."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/_control/{action}", self._handle_control)
        if extend is not None:
            extend(app)
        loop = asyncio.get_running_loop()  # fresh signals bound to the serving loop
        self.updates.signal = Signal(loop)
        self.world.changed = Signal(loop)
        if self.world.journal is not None:
            self.world.journal.signal = Signal(loop)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        self.api.closing = False
        self.api.webhooks.start()
        logger.info("Bot API emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        """Release pending long polls and shut the server down."""
        self.api.closing = True
        await self.api.webhooks.stop()
        self.updates.signal.notify()
        if self.world.journal is not None:
            self.world.journal.signal.notify()  # live readers see `closing` and finish
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- state shortcuts ----------------------------------------------------------------

    @property
    def flood_control(self) -> bool:
        return self.flood.enabled

    @flood_control.setter
    def flood_control(self, enabled: bool) -> None:
        self.flood.enabled = enabled
        self.flood.reset()

    @property
    def bot_user(self) -> dict[str, Any]:
        return copy.deepcopy(self.world.bot_user)

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        return self.api.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        return self.api.commands

    @property
    def pending_update_count(self) -> int:
        return len(self.updates)

    @property
    def confirmed_offset(self) -> int:
        return self.updates.confirmed_offset

    # --- users and chats ----------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> dict[str, Any]:
        """Register a user (and the private chat with the bot) so the bot may write to it."""
        return self.world.add_user(user_id, first_name, username, language_code)

    def add_group(
        self, chat_id: int, title: str = "Moderators", member_ids: Iterable[int] = ()
    ) -> dict[str, Any]:
        """Register a supergroup (negative id) the bot is a member (and admin) of."""
        return self.world.add_group(chat_id, title, list(member_ids))

    def set_bot_status(self, chat_id: int, status: str) -> None:
        """The bot's standing in a group: administrator (default), member, restricted, left
        or kicked. Left and kicked refuse sends with 403, restricted with 400."""
        if status not in ("administrator", "member", "restricted", "left", "kicked"):
            raise ValueError(status)
        self.world.state(chat_id).bot_status = status

    def block_chat(self, chat_id: int) -> None:
        """From now on sends to this chat fail with 403 like a user who blocked the bot."""
        self.world.state(chat_id).blocked = True

    def unblock_chat(self, chat_id: int) -> None:
        self.world.state(chat_id).blocked = False

    def deactivate_user(self, user_id: int) -> None:
        """The user deleted their account: sends fail with 403 "user is deactivated"."""
        self.world.state(user_id).deactivated = True

    def add_channel(
        self, chat_id: int, title: str = "News", bot_is_admin: bool = True
    ) -> dict[str, Any]:
        """Register a channel (negative id); without admin rights the bot cannot post."""
        return self.world.add_channel(chat_id, title, bot_is_admin)

    # --- what users do ------------------------------------------------------------------

    def _enqueue(self, update: Update) -> Update:
        self.updates.push(update)
        return copy.deepcopy(update)

    def _user_message(
        self,
        user_id: int,
        content: dict[str, Any],
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Update:
        """Store a message written by a user and enqueue the ``message`` update for it."""
        user = self.world.ensure_user(user_id)
        state = self.world.state(user_id if chat_id is None else chat_id)
        if not state.is_private:
            state.members.add(user_id)
        reply = self._reply_snapshot(state, reply_to_message_id)
        message = self.world.new_message(state, user, content)
        if reply is not None:
            message["reply_to_message"] = reply
        self.world.store(state, message, from_bot=False)
        return self._enqueue({"message": copy.deepcopy(message)})

    @staticmethod
    def _reply_snapshot(state: ChatState, message_id: int | None) -> Message | None:
        if message_id is None:
            return None
        stored = state.live(message_id)
        if stored is None:
            raise AssertionError(f"cannot reply to missing message {message_id}")
        reply = copy.deepcopy(stored.message)
        reply.pop("reply_to_message", None)
        return reply

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> Update:
        """The user types ``text``; a leading ``/command[@bot]`` gets a bot_command entity."""
        content: dict[str, Any] = {"text": text}
        command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
        if len(command) > 1:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return self._user_message(
            user_id, content, chat_id=chat_id, reply_to_message_id=reply_to_message_id
        )

    @staticmethod
    def _with_caption(
        content: dict[str, Any], caption: str | None, media_group_id: str | None
    ) -> dict[str, Any]:
        if caption:
            content["caption"] = caption
        if media_group_id:
            content["media_group_id"] = str(media_group_id)
        return content

    def send_photo(
        self,
        user_id: int,
        *,
        content: bytes | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        chat_id: int | None = None,
    ) -> Update:
        """The user sends a photo; its bytes become downloadable through getFile."""
        sizes = self.files.add_photo(DEFAULT_PHOTO if content is None else content)
        payload = self._with_caption({"photo": sizes}, caption, media_group_id)
        return self._user_message(user_id, payload, chat_id=chat_id)

    def send_document(
        self,
        user_id: int,
        *,
        content: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        media_group_id: str | None = None,
        chat_id: int | None = None,
    ) -> Update:
        document = self.files.add_document(content, file_name, mime_type)
        payload = self._with_caption({"document": document}, caption, media_group_id)
        return self._user_message(user_id, payload, chat_id=chat_id)

    def send_video(
        self,
        user_id: int,
        *,
        content: bytes = DEFAULT_VIDEO,
        caption: str | None = None,
        media_group_id: str | None = None,
        chat_id: int | None = None,
    ) -> Update:
        video = self.files.add_video(content)
        payload = self._with_caption({"video": video}, caption, media_group_id)
        return self._user_message(user_id, payload, chat_id=chat_id)

    def send_contact(
        self, user_id: int, phone_number: str, first_name: str = "Test", *, own: bool = True
    ) -> Update:
        """``own=True`` is what the "share my contact" reply button produces."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if own:
            contact["user_id"] = user_id
        return self._user_message(user_id, {"contact": contact})

    def send_location(self, user_id: int, latitude: float, longitude: float) -> Update:
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(user_id, {"location": location})

    def send_sticker(self, user_id: int) -> Update:
        return self._user_message(user_id, {"sticker": self.files.add_sticker()})

    def send_voice(self, user_id: int) -> Update:
        return self._user_message(user_id, {"voice": self.files.add_voice(b"OggS\x00voice")})

    def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> Update:
        """Click an inline button that really is on the bot's message (else AssertionError)."""
        target = user_id if chat_id is None else chat_id
        stored = self.world.state(target).live(message_id)
        if stored is None or not stored.from_bot:
            raise AssertionError(f"no live bot message {message_id} in chat {target}")
        available = callback_datas(stored.message.get("reply_markup"))
        if callback_data not in available:
            raise AssertionError(
                f"message {message_id} in chat {target} has no button with callback_data "
                f"{callback_data!r}; available: {available}"
            )
        return self.send_callback(user_id, message_id, callback_data, chat_id=chat_id)

    def send_callback(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> Update:
        """A raw callback query, no checks: use it to forge clicks the UI never offered."""
        user = self.world.ensure_user(user_id)
        target = user_id if chat_id is None else chat_id
        state = self.world.chats.get(target)
        stored = state.live(message_id) if state else None
        if stored is not None:
            message = copy.deepcopy(stored.message)
        else:  # date 0 makes aiogram build an InaccessibleMessage, as Telegram intends
            chat = copy.deepcopy(state.chat) if state else {"id": target, "type": "private"}
            message = {"chat": chat, "message_id": message_id, "date": 0}
        query_id = f"{secrets.randbelow(10**9)}{next(self._query_ids):08d}"
        self.api.open_callbacks.add(query_id)
        self.api.callback_origins[query_id] = (target, user_id)
        query = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "message": message,
            "chat_instance": str(-(abs(target) * 7919 % 10**18)),
            "data": callback_data,
        }
        return self._enqueue({"callback_query": query})

    def press_reply_button(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        phone_number: str | None = None,
        location: tuple[float, float] | None = None,
    ) -> Update:
        """Tap a button of the reply keyboard the bot last sent to this chat.

        A ``request_contact`` button sends the user's own contact when ``phone_number`` is
        given, a ``request_location`` button a location when ``location`` is given, as a
        client does after the user confirms; without them the button's text is sent."""
        state = self.world.state(user_id if chat_id is None else chat_id)
        texts = button_texts(state.reply_keyboard)
        if text not in texts:
            raise AssertionError(f"no reply button {text!r}; current keyboard: {texts}")
        button = reply_button(state.reply_keyboard, text)
        if state.reply_keyboard and state.reply_keyboard.get("one_time_keyboard"):
            self.world.set_reply_keyboard(state, None)
        if button.get("request_contact") and phone_number is not None:
            user = self.world.ensure_user(user_id)
            return self.send_contact(user_id, phone_number, user.get("first_name", "Test"))
        if button.get("request_location") and location is not None:
            return self.send_location(user_id, *location)
        return self.send_text(user_id, text, chat_id=chat_id)

    def _absorb(self, update: Update) -> None:
        """Make chats, users, messages and callback ids of an injected update known."""
        message = update.get("message")
        if isinstance(message, dict) and "chat" in message:
            state = self.world.absorb_chat(message["chat"])
            sender = message.get("from")
            if isinstance(sender, dict) and "id" in sender:
                self.world.users.setdefault(int(sender["id"]), copy.deepcopy(sender))
            message_id = message.get("message_id")
            if isinstance(message_id, int) and message_id not in state.messages:
                self.world.store(state, message, from_bot=False)  # never mutated: no copy
        query = update.get("callback_query")
        if isinstance(query, dict) and "id" in query:
            self.api.open_callbacks.add(str(query["id"]))

    def inject_update(self, update: Update) -> Update:
        """Enqueue a raw update (``update_id`` assigned if missing)."""
        update = copy.deepcopy(update)
        self._absorb(update)
        return self._enqueue(update)

    def enqueue_many(self, updates: list[Update]) -> None:
        """Bulk path for benchmarks: no copies (the dicts become the emulator's), one wake-up."""
        for update in updates:
            self._absorb(update)
        self.updates.push_many(updates)

    # --- what the bot did ---------------------------------------------------------------

    def chats(self) -> list[dict[str, Any]]:
        """Every known chat's Chat object, private chats first, in the order they appeared."""
        ordered = sorted(self.world.chats.values(), key=lambda s: not s.is_private)
        return [copy.deepcopy(state.chat) for state in ordered]

    def commands_for(
        self, chat_id: int, user_id: int | None = None, language_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The command menu a Telegram client shows this user in this chat.

        Telegram's documented order of scopes and languages (see ``BotApi.menu_for``);
        ``language_code`` defaults to the user's app language."""
        state = self.world.state(chat_id)
        user_id = chat_id if user_id is None and state.is_private else user_id
        if language_code is None and user_id is not None:
            language_code = self.world.users.get(user_id, {}).get("language_code")
        return self.api.menu_for(state, user_id, language_code or "")

    def events(self, after: int = 0) -> list[dict[str, Any]] | None:
        """Journal events after ``after`` (see journal.py); None if some were dropped."""
        journal = self._journal()
        found = journal.since(after)
        return None if found is None else [event.as_dict() for event in found]

    async def wait_for_events(
        self,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - same contract as the other waits
    ) -> list[dict[str, Any]] | None:
        """Like :meth:`events`, waiting up to ``timeout`` for at least one (else [])."""
        journal = self._journal()
        found: list[Event] | None = await journal.wait(after, 0 if self.api.closing else timeout)
        return None if found is None else [event.as_dict() for event in found]

    def _journal(self) -> Journal:
        if self.world.journal is None:
            raise ValueError("the journal is off: create the emulator with journal=True")
        return self.world.journal

    def _chat(self, chat_id: int) -> ChatState | None:
        return self.world.chats.get(chat_id)

    def bot_messages(self, chat_id: int) -> list[Message]:
        """The bot's live messages in send order, in their current (edited) state."""
        state = self._chat(chat_id)
        if state is None:
            return []
        stored = (state.messages[mid] for mid in state.bot_order)
        return [s.public() for s in stored if not s.deleted]

    def all_bot_messages(self, chat_id: int) -> list[Message]:
        """Every bot message including deleted ones, each with ``_deleted``."""
        state = self._chat(chat_id)
        if state is None:
            return []
        return [state.messages[mid].public(with_deleted_flag=True) for mid in state.bot_order]

    def user_messages(self, chat_id: int) -> list[Message]:
        state = self._chat(chat_id)
        if state is None:
            return []
        stored = (state.messages[mid] for mid in state.user_order)
        return [s.public() for s in stored if not s.deleted]

    def sent_count(self, chat_id: int) -> int:
        """How many messages the bot ever sent to the chat: the ``after`` for the next one."""
        state = self._chat(chat_id)
        return len(state.bot_order) if state else 0

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard a client would currently show in the chat, if any."""
        state = self._chat(chat_id)
        return copy.deepcopy(state.reply_keyboard) if state else None

    def _sent_from(self, chat_id: int, after: int, predicate: Predicate | None) -> Message | None:
        state = self._chat(chat_id)
        if state is None:
            return None
        for message_id in state.bot_order[after:]:
            message = state.messages[message_id].public()
            if predicate is None or predicate(message):
                return message
        return None

    async def _wait_until(
        self, check: Callable[[], Message | None], seconds: float, describe: Callable[[], str]
    ) -> Message:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            event = self.world.changed.event
            found = check()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            await self.world.changed.wait(event, remaining)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        after: int = 0,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public test-helper contract
        predicate: Predicate | None = None,
    ) -> Message:
        """The first bot message to ``chat_id`` with send index >= ``after`` matching
        ``predicate``. Indices count every message ever sent (deleted ones too), so pass
        ``after=emu.sent_count(chat_id)`` taken before the action under test."""

        def describe() -> str:
            return self._describe_wait(chat_id, after, timeout)

        return await self._wait_until(
            lambda: self._sent_from(chat_id, after, predicate), timeout, describe
        )

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public test-helper contract
        since: int | None = None,
    ) -> Message:
        """Wait for the next edit of a message (``since``: edit count already seen)."""
        stored = self.world.state(chat_id).messages.get(message_id)
        if stored is None:
            raise AssertionError(f"no message {message_id} in chat {chat_id}")
        seen = stored.edit_count if since is None else since

        def check() -> Message | None:
            return stored.public() if stored.edit_count > seen else None

        def describe() -> str:
            return (
                f"message {message_id} in chat {chat_id} was not edited within {timeout}s "
                f"(edits: {stored.edit_count}); recent API errors: {self.api_errors[-5:]}"
            )

        return await self._wait_until(check, timeout, describe)

    def _describe_wait(self, chat_id: int, after: int, timeout: float) -> str:
        summaries = []
        for index, message in enumerate(self.all_bot_messages(chat_id)):
            kind = next((k for k in ("text", "caption") if k in message), None)
            body = repr(message[kind][:60]) if kind else "<media>"
            flag = " (deleted)" if message["_deleted"] else ""
            summaries.append(f"#{index} id={message['message_id']} {body}{flag}")
        return (
            f"no matching bot message #{after}+ in chat {chat_id} within {timeout}s; "
            f"bot messages so far: {summaries or 'none'}; "
            f"recent API errors: {self.api_errors[-5:]}"
        )

    # --- fault injection ----------------------------------------------------------------

    def set_latency(self, seconds: float, methods: Iterable[str] | None = None) -> None:
        """Delay answers of ``methods`` (all when None, getUpdates included)."""
        self.faults.set_latency(seconds, methods)

    def fail_next(self, n: int, status: int = 500, methods: Iterable[str] | None = None) -> None:
        """Answer the next ``n`` matching calls with a Telegram-style HTTP error."""
        self.faults.add("fail", n, status, methods)

    def drop_next(self, n: int, methods: Iterable[str] | None = None) -> None:
        """Close the connection without any answer on the next ``n`` matching calls."""
        self.faults.add("drop", n, 0, methods)

    def clear_faults(self) -> None:
        self.faults.clear()

    # --- HTTP handlers ------------------------------------------------------------------

    def _record_error(self, method: str, error: ApiError) -> web.Response:
        self.api_errors.append(
            {"method": method, "status": error.status, "description": error.description}
        )
        logger.info("emulated %s -> %s %s", method, error.status, error.description)
        return _error_response(error)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error_response(UNAUTHORIZED)
        try:
            params = await read_params(request)
        except ApiError as error:
            return self._record_error(method, error)
        self.calls.append((method, params.loggable()))
        logger.debug("emulated call %s", method)
        delay = self.faults.latency_for(method)
        if delay:
            await asyncio.sleep(delay)
        rule = self.faults.take(method)
        if rule is not None and rule.kind == "drop":
            if request.transport is not None:
                request.transport.abort()
            return web.Response()
        if rule is not None:
            return self._record_error(method, fault_error(rule.status))
        return await self._dispatch(method, params)

    async def _dispatch(self, method: str, params: Params) -> web.Response:
        handler = self.api.handler(method)
        if handler is None:
            return self._record_error(method, NOT_FOUND)
        try:
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as error:
            return self._record_error(method, error)
        return _json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.files.by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _error_response(NOT_FOUND)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _handle_control(self, request: web.Request) -> web.Response:
        return await handle_control(self, request)
