"""Telegram's own rules, checked on requests a fake session recorded: the HTML parses as the
emulator (and Telegram) parse it, texts fit 4096 characters and captions 1024 after parsing,
an answer to a button fits 200, and every button's data fits 64 bytes."""

from __future__ import annotations

from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import InlineKeyboardMarkup

from bot.devtools.emulator.api import MAX_CALLBACK_ANSWER, MAX_CAPTION, MAX_TEXT
from bot.devtools.emulator.formatting import parse_text

CALLBACK_DATA_BYTES = 64


def parse_mode(method: Any) -> str:
    """The request's parse mode; the app's Bot defaults to HTML (bot/factory.py)."""
    mode = getattr(method, "parse_mode", None)
    return mode if isinstance(mode, str) else "HTML"


def plain(method: Any, field: str = "text") -> str:
    """What Telegram would show: the text parsed (raises the emulator's ApiError if Telegram
    would refuse it with "can't parse entities")."""
    return parse_text(getattr(method, field), parse_mode(method))[0]


def check(requests: list[Any]) -> list[str]:
    """Every text the requests show, parsed; fails on the first request Telegram refuses."""
    shown = []
    for method in requests:
        if isinstance(method, SendMessage | EditMessageText):
            text = plain(method)
            assert text.strip(), f"an empty message: {method!r}"
            assert len(text) <= MAX_TEXT, f"{len(text)} characters: {text[:200]!r}…"
            shown.append(text)
        elif isinstance(method, SendPhoto | SendDocument) and method.caption:
            caption = plain(method, "caption")
            assert len(caption) <= MAX_CAPTION, f"caption of {len(caption)}: {caption[:200]!r}"
            shown.append(caption)
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            assert len(method.text) <= MAX_CALLBACK_ANSWER, method.text
            shown.append(method.text)
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                for button in row:
                    data = (button.callback_data or "").encode()
                    assert len(data) <= CALLBACK_DATA_BYTES, button
    return shown
