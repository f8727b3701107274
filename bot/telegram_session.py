"""aiogram's aiohttp session, sending each request as one JSON body instead of a form.

aiogram posts every request as form data: each nested value (a keyboard, entities) is turned
into a JSON string, then the whole form is percent-encoded, which for Kazakh or Russian text
means three or more characters for every byte of UTF-8, in Python; and each form also builds a
multipart writer with a fresh random boundary it never uses. That request building was about a
third of the CPU of each Bot API call in bench/throughput.py's profile (and the calls a quarter
of the bot's). The Bot API takes `application/json` for every method that uploads no file, so
those go as one `json.dumps`; a request with a file to upload still goes the way aiogram sends
it. Sending, errors and the parsing of answers are aiogram's own.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiohttp import BytesPayload, FormData


class JsonBodySession(AiohttpSession):
    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The request as JSON, or None when it uploads a file (multipart is needed)."""
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            # As aiogram's form leaves out empty fields (None, ""); False and 0 stay.
            if prepared is None or prepared == "":
                continue
            body[key] = prepared
        if files:
            return None
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def build_form_data(  # type: ignore[override]
        self, bot: Bot, method: TelegramMethod[Any]
    ) -> FormData | BytesPayload:
        """What aiogram's make_request posts: the JSON body, or its form for an upload."""
        body = self.json_body(bot, method)
        if body is None:
            return super().build_form_data(bot, method)
        return BytesPayload(body, content_type="application/json")
