"""Parsing Bot API request parameters from every encoding Telegram accepts.

aiogram's ``AiohttpSession`` posts ``multipart/form-data`` when a file is attached and
``application/x-www-form-urlencoded`` otherwise; every value is a string there (complex
values JSON-encoded, booleans ``"true"``/``"false"``) and uploads are file parts referenced as
``attach://<part name>``. Other clients send JSON bodies or query strings. All of them end up
in one :class:`Params` whose accessors coerce like the real API does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from ._errors import ApiError, bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "media",
        "commands",
        "scope",
        "allowed_updates",
        "message_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "reply_to_message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "duration",
        "width",
        "height",
    }
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "show_alert",
        "has_spoiler",
        "drop_pending_updates",
        "show_caption_above_media",
        "supports_streaming",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    }
)
ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    content: bytes


def _coerce(name: str, value: Any) -> Any:
    """Best-effort typing of string values, used for the recorded ``calls`` log."""
    if not isinstance(value, str):
        return value
    try:
        if name in JSON_FIELDS:
            return json.loads(value)
        if name in INT_FIELDS:
            return int(value)
    except ValueError:
        return value
    if name in BOOL_FIELDS:
        return parse_bool(value)
    return value


def parse_bool(value: Any) -> bool:
    """Telegram accepts ``true``/``1`` (any case) as true."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class Params:
    """Typed access to one request's parameters and uploaded parts."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = {name: _coerce(name, value) for name, value in values.items()}
        self.uploads = uploads

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        try:
            return None if value is None else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return parse_bool(self.values.get(name, False))

    def json_value(self, name: str) -> Any:
        """A JSON-typed field; still a string here means it was not valid JSON."""
        value = self.values.get(name)
        if isinstance(value, str):
            if name == "reply_markup":
                raise bad_request("can't parse reply keyboard markup JSON object")
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def file(self, reference: Any) -> Upload | str | None:
        """Resolve an ``attach://name`` reference to its part; other values pass through."""
        if isinstance(reference, str) and reference.startswith(ATTACH_PREFIX):
            upload = self.uploads.get(reference[len(ATTACH_PREFIX) :])
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return upload
        return reference

    def loggable(self) -> dict[str, Any]:
        """Parameters for ``emulator.calls``: typed values plus a summary of uploads."""
        logged = dict(self.values)
        if self.uploads:
            logged["_uploads"] = {
                name: {"filename": up.filename, "size": len(up.content)}
                for name, up in self.uploads.items()
            }
        return logged


async def read_params(request: web.Request) -> Params:
    """Collect query string and body parameters of any supported content type."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method != "POST" or not request.can_read_body:
        return Params(values, uploads)
    content_type = request.content_type
    try:
        if content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("parameters must be a JSON object")
            values.update(body)
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for name, value in (await request.post()).items():
                if isinstance(value, FileField):
                    uploads[name] = _read_upload(value)
                else:
                    values[name] = value
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request("can't parse request body") from None
    return Params(values, uploads)


def _read_upload(field: FileField) -> Upload:
    return Upload(
        filename=field.filename,
        content_type=field.content_type or "application/octet-stream",
        content=field.file.read(),
    )
