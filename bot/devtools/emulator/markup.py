"""Validation of ``reply_markup`` the way the Bot API checks it.

Inline keyboards are the common source of production-only failures (``BUTTON_DATA_INVALID``
for callback data over 64 UTF-8 bytes, a button with no action), so they are checked
strictly. Reply keyboards, ``ReplyKeyboardRemove`` and ``ForceReply`` are accepted as-is.
"""

from __future__ import annotations

from typing import Any

from ._errors import bad_request

INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
MAX_CALLBACK_DATA_BYTES = 64
_URL_SCHEMES = ("http://", "https://", "tg://")


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Return the markup if Telegram would accept it; raise its 400 otherwise."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _validate_reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def is_inline(markup: dict[str, Any] | None) -> bool:
    """Only inline keyboards are part of a Message object in Bot API answers."""
    return markup is not None and "inline_keyboard" in markup


def _rows(rows: Any, field: str, type_name: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the {type_name} must be an Array of Arrays')
    return rows


def _validate_inline_keyboard(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard", "InlineKeyboardMarkup"):
        for button in row:
            _validate_inline_button(button)


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be a String')
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES):
            raise bad_request("BUTTON_URL_INVALID")


def _validate_reply_keyboard(rows: Any) -> None:
    for row in _rows(rows, "keyboard", "ReplyKeyboardMarkup"):
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str):
                raise bad_request('can\'t parse keyboard button: Field "text" must be a String')


def button_texts(markup: dict[str, Any] | None) -> list[str]:
    """Texts of a reply keyboard's buttons (buttons may be plain strings in the wire format)."""
    if not markup or "keyboard" not in markup:
        return []
    return [
        button["text"] if isinstance(button, dict) else button
        for row in markup["keyboard"]
        for button in row
    ]


def callback_datas(markup: dict[str, Any] | None) -> list[str]:
    """All ``callback_data`` values of an inline keyboard."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        button["callback_data"]
        for row in markup["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]


def reply_button(markup: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """The reply keyboard button with this text as a dict (plain strings become {"text"})."""
    for row in (markup or {}).get("keyboard", []):
        for button in row:
            found = button if isinstance(button, dict) else {"text": button}
            if found.get("text") == text:
                return found
    raise KeyError(text)
