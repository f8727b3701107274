"""Telegram messages as the page draws them: safe HTML from entities, media links, keyboards.

The HTML is built here, not in the browser, so that escaping is in one tested place: message
text is always escaped, and only the tags below are produced. Like Telegram clients, plain
``/commands`` and ``http(s)`` links in a message become tappable (Telegram's servers add
these entities themselves; the emulator does not).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

FILES_URL = "/sandbox/files/"
_TAGS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
}
_NO_LINKS = frozenset({"code", "pre", "text_link"})
_AUTO_LINK = re.compile(
    r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,:;!?)])"
    # A command starts the text or follows a space, a bracket or a quote, as in Telegram.
    r"|(?<![^\s(«\"'])(?P<command>/[A-Za-z0-9_]{1,32})(?![\w/])"
)
_SAFE_SCHEMES = ("http://", "https://")
MEDIA_KINDS = ("photo", "video", "document", "voice", "sticker", "location", "contact")


def _utf16_to_index(text: str) -> list[int]:
    """Map each UTF-16 offset (Telegram's unit) to a Python string index."""
    positions = []
    for index, char in enumerate(text):
        positions.append(index)
        if ord(char) > 0xFFFF:
            positions.append(index)
    positions.append(len(text))
    return positions


def _plain(text: str, *, links: bool) -> str:
    if not links:
        return escape(text, quote=False)
    out = []
    last = 0
    for match in _AUTO_LINK.finditer(text):
        out.append(escape(text[last : match.start()], quote=False))
        if match.group("url"):
            url = match.group("url")
            out.append(
                f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">'
                f"{escape(url, quote=False)}</a>"
            )
        else:
            command = match.group("command")
            out.append(
                f'<a href="#" class="command" data-command="{escape(command)}">{command}</a>'
            )
        last = match.end()
    out.append(escape(text[last:], quote=False))
    return "".join(out)


def _open_tag(entity: dict[str, Any]) -> tuple[str, str]:
    kind = entity.get("type")
    if kind == "text_link":
        url = str(entity.get("url", ""))
        if url.startswith(_SAFE_SCHEMES):
            return (
                f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">',
                "</a>",
            )
        return '<span class="link">', "</span>"
    if kind == "pre" and entity.get("language"):
        language = escape(str(entity["language"]))
        return f'<pre data-language="{language}">', "</pre>"
    return _TAGS.get(str(kind), ("", ""))


def to_html(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Escaped HTML for a message text with its entities (nested ones nest; an entity that
    overlaps another without nesting is cut at the outer one's end)."""
    positions = _utf16_to_index(text)

    def index(offset: int) -> int:
        return positions[max(0, min(offset, len(positions) - 1))]

    spans = sorted(
        (
            (index(e["offset"]), index(e["offset"] + e["length"]), e)
            for e in entities or []
            if isinstance(e, dict) and e.get("length", 0) > 0
        ),
        key=lambda span: (span[0], -span[1]),
    )
    out: list[str] = []

    def emit(begin: int, end: int, inner: list[tuple[int, int, dict]], links: bool) -> None:
        position = begin
        i = 0
        while i < len(inner):
            start, stop, entity = inner[i]
            out.append(_plain(text[position:start], links=links))
            children = []
            i += 1
            while i < len(inner) and inner[i][0] < stop:
                child_start, child_stop, child = inner[i]
                children.append((child_start, min(child_stop, stop), child))
                i += 1
            opening, closing = _open_tag(entity)
            out.append(opening)
            emit(start, stop, children, links and entity.get("type") not in _NO_LINKS)
            out.append(closing)
            position = stop
        out.append(_plain(text[position:end], links=links))

    emit(0, len(text), spans, True)
    return "".join(out)


def _file_url(file_id: str) -> str:
    return FILES_URL + file_id


def media(message: dict[str, Any]) -> dict[str, Any] | None:
    """What to show besides the text: a picture, a file to download, a place, a contact."""
    if "photo" in message:
        largest = message["photo"][-1]
        return {
            "kind": "photo",
            "url": _file_url(largest["file_id"]),
            "width": largest.get("width"),
            "height": largest.get("height"),
        }
    for kind in ("video", "document", "voice"):
        if kind in message:
            item = message[kind]
            return {
                "kind": kind,
                "url": _file_url(item["file_id"]),
                "name": item.get("file_name") or "",
                "mime": item.get("mime_type") or "",
                "size": item.get("file_size") or 0,
            }
    if "sticker" in message:
        return {"kind": "sticker", "emoji": message["sticker"].get("emoji") or ""}
    if "location" in message:
        location = message["location"]
        return {
            "kind": "location",
            "latitude": location["latitude"],
            "longitude": location["longitude"],
        }
    if "contact" in message:
        contact = message["contact"]
        return {
            "kind": "contact",
            "name": " ".join(
                part for part in (contact.get("first_name"), contact.get("last_name")) if part
            ),
            "phone": contact.get("phone_number", ""),
        }
    return None


def inline_keyboard(message: dict[str, Any]) -> list[list[dict[str, str]]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    result = []
    for row in rows:
        buttons = []
        for button in row:
            view = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                view["callback_data"] = str(button["callback_data"])
            elif str(button.get("url", "")).startswith(_SAFE_SCHEMES):
                view["url"] = str(button["url"])
            elif "copy_text" in button:
                view["copy_text"] = str((button["copy_text"] or {}).get("text", ""))
            buttons.append(view)
        result.append(buttons)
    return result


def reply_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The keyboard shown instead of the phone's own, or None for the normal one."""
    if not markup or "keyboard" not in markup:
        return None
    rows = []
    for row in markup["keyboard"]:
        buttons = []
        for button in row:
            button = button if isinstance(button, dict) else {"text": button}
            buttons.append(
                {
                    "text": str(button.get("text", "")),
                    "request_contact": bool(button.get("request_contact")),
                    "request_location": bool(button.get("request_location")),
                }
            )
        rows.append(buttons)
    return {
        "rows": rows,
        "placeholder": markup.get("input_field_placeholder") or "",
        "one_time": bool(markup.get("one_time_keyboard")),
    }


def sender_name(user: dict[str, Any] | None) -> str:
    if not user:
        return ""
    return " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)


def snippet(message: dict[str, Any], limit: int = 80) -> str:
    text = message.get("text") or message.get("caption") or ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_view(
    message: dict[str, Any], *, from_bot: bool, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the page needs to draw one message (``extra``: the reply markup a bot
    message was sent with when it is not an inline keyboard, e.g. ForceReply)."""
    sender = message.get("from") or {}
    text = message.get("text")
    entities = message.get("entities")
    if text is None:
        text, entities = message.get("caption") or "", message.get("caption_entities")
    view: dict[str, Any] = {
        "id": message["message_id"],
        "chat_id": message["chat"]["id"],
        "from": {"id": sender.get("id"), "name": sender_name(sender), "is_bot": from_bot},
        "date": message.get("date", 0),
        "edited": "edit_date" in message,
        "html": to_html(text, entities) if text else "",
        "media": media(message),
        "inline_keyboard": inline_keyboard(message),
        "force_reply": bool(extra and extra.get("force_reply")),
        "placeholder": (extra or {}).get("input_field_placeholder") or "",
    }
    if extra and extra.get("force_reply"):
        view["selective"] = bool(extra.get("selective"))
    replied = message.get("reply_to_message")
    if replied:
        view["reply_to"] = {
            "id": replied.get("message_id"),
            "name": sender_name(replied.get("from")),
            "from_id": (replied.get("from") or {}).get("id"),
            "snippet": snippet(replied),
        }
    return view
