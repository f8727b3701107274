"""Would Telegram take this request? The emulator's own validation (bot/devtools/emulator):
HTML parsed like tdlib (an unescaped `<` fails), 4096 characters for a text and 1024 for a
caption after parsing, and inline keyboards checked (callback data up to 64 bytes).

Lengths are checked both as the emulator counts them (characters) and in UTF-16 code units,
the stricter of the two readings of Telegram's limit.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.devtools.emulator.api import MAX_CAPTION, MAX_TEXT
from bot.devtools.emulator.formatting import parse_text, utf16_len
from bot.devtools.emulator.markup import validate_reply_markup


def fits(text: str, *, caption: bool = False) -> str:
    """The plain text Telegram would show; raises if it would refuse the text."""
    plain, _entities = parse_text(text, "HTML")
    limit = MAX_CAPTION if caption else MAX_TEXT
    assert plain.strip(), "Telegram refuses an empty message"
    assert len(plain) <= limit and utf16_len(plain) <= limit, (len(plain), utf16_len(plain))
    return plain


def check_request(request: Any) -> str | None:
    """Validate a sent or edited text message with its keyboard; other requests pass."""
    if not isinstance(request, SendMessage | EditMessageText):
        return None
    plain = fits(request.text)
    markup = request.reply_markup
    if isinstance(markup, InlineKeyboardMarkup):
        validate_reply_markup(markup.model_dump(mode="json", exclude_none=True))
    return plain


def check_all(requests: list[Any]) -> list[str]:
    """Every text message among `requests`, validated; their plain texts in order."""
    return [plain for r in requests if (plain := check_request(r)) is not None]
