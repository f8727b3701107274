"""The page's HTTP side: static files, the state, a live event stream, and what people do.

Routes (added to the emulator's own aiohttp application)::

    GET  /                          the page
    GET  /static/...                its CSS and JavaScript
    GET  /sandbox/api/state         people, chats, their messages and keyboards
    GET  /sandbox/api/strings?lang= the page's words in kk or ru
    GET  /sandbox/api/menu?chat_id=&user_id=   the bot's "/" menu for that person there
    GET  /sandbox/api/events        Server-Sent Events, one per change (see journal.py)
    GET  /sandbox/files/{file_id}   a photo or file (?download=1: as an attachment)
    POST /sandbox/api/send | press | reply_button | location | upload | people

POSTs must carry ``X-Sandbox: 1``: a form on another website cannot add that header without
a CORS preflight, which is never answered, so other sites cannot act as the sandbox's people.
Requests for another Host than this server's are refused (DNS rebinding), unless the operator
allowed remote access.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from .people import APP_LANGUAGES
from .texts import page_texts

if TYPE_CHECKING:
    from .server import Sandbox

STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4096  # Telegram splits longer messages; so does the page
KEEPALIVE_SECONDS = 15.0
PAGE_LOCALES = ("kk", "ru")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """A request the page should not have sent: answered with 400 and a short reason."""


def _is_page_path(path: str) -> bool:
    return path == "/" or path.startswith(("/static/", "/sandbox/"))


def image_type(content: bytes) -> str | None:
    for magic, mime in _IMAGE_MAGIC:
        if content.startswith(magic):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


class SandboxWeb:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.emulator = sandbox.emulator

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self._guard)
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC, append_version=False)
        app.router.add_get("/sandbox/api/state", self.state)
        app.router.add_get("/sandbox/api/strings", self.strings)
        app.router.add_get("/sandbox/api/menu", self.menu)
        app.router.add_get("/sandbox/api/events", self.events)
        app.router.add_get("/sandbox/files/{file_id}", self.file)
        for name in ("send", "press", "reply_button", "location", "upload", "people"):
            app.router.add_post(f"/sandbox/api/{name}", getattr(self, f"do_{name}"))

    # --- guards ------------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not _is_page_path(request.path):
            return await handler(request)  # the Bot API and the control API
        hosts = self.sandbox.allowed_hosts
        if hosts is not None and request.host not in hosts:
            return web.Response(status=421, text="Misdirected Request")
        if request.method == "POST" and request.headers.get("X-Sandbox") != "1":
            return web.Response(status=403, text="Forbidden")
        try:
            response = await handler(request)
        except Refused as refused:
            response = web.json_response({"ok": False, "error": str(refused)}, status=400)
        if not response.prepared:
            response.headers.update(SECURITY_HEADERS)
            response.headers.setdefault("Cache-Control", "no-cache")
        return response

    # --- reading -----------------------------------------------------------------------

    async def index(self, _request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def strings(self, request: web.Request) -> web.Response:
        locale = request.query.get("lang", "kk")
        if locale not in PAGE_LOCALES:
            raise Refused("lang")
        return web.json_response(page_texts(self.sandbox.i18n, locale))

    async def state(self, _request: web.Request) -> web.Response:
        return web.json_response(self.sandbox.state(), dumps=_dumps)

    async def menu(self, request: web.Request) -> web.Response:
        chat_id, user_id = _integer(request.query, "chat_id"), _integer(request.query, "user_id")
        self.sandbox.check_member(chat_id, user_id)
        return web.json_response(self.emulator.commands_for(chat_id, user_id), dumps=_dumps)

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        image = image_type(stored.content)
        headers = {"Cache-Control": "private, max-age=86400"}
        if request.query.get("download") or image is None:
            name = stored.meta.get("file_name") or stored.file_path.rsplit("/", 1)[-1]
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        content_type = image or stored.meta.get("mime_type") or "application/octet-stream"
        if image is None and content_type.startswith(("text/html", "image/svg")):
            content_type = "application/octet-stream"  # never render uploads as pages
        return web.Response(body=stored.content, content_type=content_type, headers=headers)

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events. ``id`` is ``<boot>-<seq>``: after a restart of the sandbox the
        browser's automatic reconnect names an old boot, and is told to reload."""
        last = request.headers.get("Last-Event-ID") or request.query.get("after") or ""
        boot, _, seq_text = last.partition("-")
        after = int(seq_text) if boot == self.sandbox.boot and seq_text.isdigit() else None
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                **SECURITY_HEADERS,
            }
        )
        await response.prepare(request)
        with contextlib.suppress(ConnectionResetError):  # the page was closed
            if after is None:
                await self._send(response, {"kind": "reload"}, self.sandbox.last_seq())
                return response
            while not self.emulator.api.closing:
                events = await self.emulator.wait_for_events(after, timeout=KEEPALIVE_SECONDS)
                if events is None:  # fell too far behind: start over
                    await self._send(response, {"kind": "reload"}, self.sandbox.last_seq())
                    return response
                if not events:
                    await response.write(b": keep-alive\n\n")
                for event in events:
                    after = event["seq"]
                    view = self.sandbox.event_view(event)
                    if view is not None:
                        await self._send(response, view, after)
        return response

    async def _send(self, response: web.StreamResponse, body: dict[str, Any], seq: int) -> None:
        data = _dumps(body)
        await response.write(f"id: {self.sandbox.boot}-{seq}\ndata: {data}\n\n".encode())

    # --- doing -------------------------------------------------------------------------

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise Refused("json") from exc
        if not isinstance(body, dict):
            raise Refused("json")
        return body

    def _actor(self, body: Any) -> tuple[int, int]:
        chat_id, user_id = _integer(body, "chat_id"), _integer(body, "user_id")
        self.sandbox.check_member(chat_id, user_id)
        return chat_id, user_id

    async def do_send(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        chat_id, user_id = self._actor(body)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise Refused("text")
        reply_to = body.get("reply_to")
        if reply_to is not None and not self.sandbox.is_live(chat_id, _integer(body, "reply_to")):
            reply_to = None  # the message is gone: send without the reply, as a client would
        chunks = [text[i : i + MAX_TEXT] for i in range(0, len(text), MAX_TEXT)]
        for number, chunk in enumerate(chunks):
            self.emulator.send_text(
                user_id,
                chunk,
                chat_id=chat_id,
                reply_to_message_id=reply_to if number == 0 else None,
            )
        return _ok()

    async def do_press(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        chat_id, user_id = self._actor(body)
        message_id, data = _integer(body, "message_id"), body.get("data")
        if not isinstance(data, str):
            raise Refused("data")
        try:
            self.emulator.press_button(user_id, message_id, data, chat_id=chat_id)
        except AssertionError as exc:  # the message or its button is gone by now
            raise Refused("button") from exc
        return _ok()

    async def do_reply_button(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        chat_id, user_id = self._actor(body)
        person = self.sandbox.roster.get(user_id)
        assert person is not None  # check_member made sure
        location = None
        if body.get("latitude") is not None:
            location = _coordinates(body)
        try:
            self.emulator.press_reply_button(
                user_id,
                str(body.get("text", "")),
                chat_id=chat_id,
                phone_number=person.phone if body.get("share_phone") else None,
                location=location,
            )
        except AssertionError as exc:
            raise Refused("button") from exc
        return _ok()

    async def do_location(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        chat_id, user_id = self._actor(body)
        if chat_id != user_id:
            raise Refused("private_only")
        self.emulator.send_location(user_id, *_coordinates(body))
        return _ok()

    async def do_upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        chat_id, user_id = self._actor(form)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise Refused("file")
        content = upload.file.read()
        caption = str(form.get("caption") or "").strip()[:1024] or None
        mime = upload.content_type or "application/octet-stream"
        as_photo = form.get("as") == "photo"
        if as_photo and mime.startswith("video/"):
            self.emulator.send_video(user_id, content=content, caption=caption, chat_id=chat_id)
        elif as_photo and image_type(content) is not None:
            self.emulator.send_photo(user_id, content=content, caption=caption, chat_id=chat_id)
        else:
            self.emulator.send_document(
                user_id,
                content=content,
                file_name=upload.filename or "file",
                mime_type=mime,
                caption=caption,
                chat_id=chat_id,
            )
        return _ok()

    async def do_people(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        language = str(body.get("language_code", ""))
        if language not in APP_LANGUAGES:
            raise Refused("language_code")
        try:
            person = self.sandbox.add_person(
                str(body.get("name", "")), language, in_group=bool(body.get("in_group"))
            )
        except ValueError as exc:
            raise Refused(str(exc)) from exc
        return web.json_response({"ok": True, "id": person.id})


def _ok() -> web.Response:
    return web.json_response({"ok": True})


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _integer(source: Any, key: str) -> int:
    value = source.get(key)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refused(key) from None


def _coordinates(body: dict[str, Any]) -> tuple[float, float]:
    try:
        latitude, longitude = float(body["latitude"]), float(body["longitude"])
    except (KeyError, TypeError, ValueError):
        raise Refused("coordinates") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Refused("coordinates")
    return latitude, longitude
