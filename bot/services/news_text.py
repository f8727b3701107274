"""What editors type, checked the way Telegram will read it: titles, texts in Telegram's HTML,
links. A check that passes here means the message cannot be refused at sending time for its
markup, its length or its link; the reason codes are turned into words by the handlers.

The HTML rules follow Telegram's parser (tdlib): the supported tags only, properly nested
and closed, `<a>` with an http(s) href, `<span>` only as a spoiler, `&lt; &gt; &amp; &quot;`
and numeric character references. Lengths count UTF-16 code units of the visible text, the
unit Telegram counts in, which is never less than the number of characters.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

TITLE_MAX = 150
LINK_MAX = 1000
MESSAGE_MAX = 4096
CAPTION_MAX = 1024
LEAD_MAX = 160

TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "code",
        "pre",
        "blockquote",
    }
)
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(?P<end>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))?)*)\s*>"
)
_ATTR = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


class NewsInputError(ValueError):
    """Input that cannot be used; `reason` is a code, `detail` a value for the message."""

    def __init__(self, reason: str, detail: str | int = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _visible_only(text: str) -> bool:
    """True when the text has something a person can see (not only spaces or zero-widths)."""
    return any(
        not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs") for ch in text
    )


def check_title(text: str) -> str:
    """A title: one line of plain text (shown escaped, so any character is safe)."""
    title = " ".join(text.split())
    if not _visible_only(title):
        raise NewsInputError("title_empty")
    if utf16_len(title) > TITLE_MAX:
        raise NewsInputError("title_long", TITLE_MAX)
    return title


def _entity(source: str, index: int) -> tuple[str, int]:
    """Decode `&...;` at `index` as Telegram does; an unknown one stays a literal `&`."""
    semicolon = source.find(";", index + 1, index + 12)
    if semicolon == -1:
        return "&", index + 1
    name = source[index + 1 : semicolon]
    if name in _ENTITIES:
        return _ENTITIES[name], semicolon + 1
    if name.startswith("#") and len(name) > 1:
        digits, base = (name[2:], 16) if name[1] in "xX" else (name[1:], 10)
        try:
            code = int(digits, base)
        except ValueError:
            return "&", index + 1
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), semicolon + 1
    return "&", index + 1


@dataclass(frozen=True, slots=True)
class _Open:
    name: str


def visible_text(source: str) -> str:
    """The text Telegram shows for `source` sent with parse_mode=HTML; raises NewsInputError
    ("html", what is wrong) where Telegram would refuse the message."""
    out: list[str] = []
    stack: list[_Open] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            decoded, index = _entity(source, index)
            out.append(decoded)
            continue
        if char != "<":
            end = min(
                (p for p in (source.find("<", index), source.find("&", index)) if p != -1),
                default=len(source),
            )
            out.append(source[index:end])
            index = end
            continue
        match = _TAG.match(source, index)
        if match is None:
            raise NewsInputError("html_lt")
        name = match["name"].lower()
        if name not in TAGS:
            raise NewsInputError("html_tag", name)
        if match["end"]:
            if match["attrs"].strip():
                raise NewsInputError("html_tag", name)
            if not stack or stack[-1].name != name:
                raise NewsInputError("html_nesting", name)
            stack.pop()
        else:
            _check_attributes(name, match["attrs"])
            stack.append(_Open(name))
        index = match.end()
    if stack:
        raise NewsInputError("html_unclosed", stack[-1].name)
    return "".join(out)


def _check_attributes(name: str, text: str) -> None:
    attrs: dict[str, str] = {}
    for found in _ATTR.finditer(text):
        key = found[1].lower()
        if "=" not in found[0] and (name, key) != ("blockquote", "expandable"):
            raise NewsInputError("html_tag", name)  # Telegram wants key="value"
        attrs[key] = found[2] or found[3] or ""
    if name == "a":
        href = html.unescape(attrs.get("href", ""))
        try:
            check_link(href)
        except NewsInputError:
            raise NewsInputError("html_href") from None
    elif name == "span" and attrs.get("class") != "tg-spoiler":
        raise NewsInputError("html_tag", name)


def visible_length(source: str) -> int:
    return utf16_len(visible_text(source))


def check_body(text: str) -> str:
    """An item's text: Telegram HTML with something visible in it. Its length is checked
    with the whole message it will be part of (see NewsService)."""
    body = text.strip()
    if not _visible_only(visible_text(body)):
        raise NewsInputError("body_empty")
    if utf16_len(visible_text(body)) > MESSAGE_MAX:
        raise NewsInputError("too_long", MESSAGE_MAX)
    return body


def check_link(text: str) -> str:
    """An http(s) link Telegram accepts in a button: a real host name, no spaces."""
    link = text.strip()
    if not link or len(link) > LINK_MAX or any(ch.isspace() for ch in link):
        raise NewsInputError("link")
    if "://" not in link:
        link = "https://" + link
    try:
        parts = urlsplit(link)
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise NewsInputError("link") from None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        raise NewsInputError("link")
    if not _HOST.match(host.lower()) or not all(ch.isprintable() for ch in link):
        raise NewsInputError("link")
    return link


def lead(body: str, limit: int = LEAD_MAX) -> str:
    """The first sentence of a text as plain text, cut to `limit` characters."""
    text = " ".join(visible_text(body).split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[: limit - 1].rstrip() + "…"
    return first


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "br", "div", "li"):
            self.parts.append("\n")


def plain_from_html(markup: str, limit: int = 3000, *, escape: bool = True) -> str:
    """A feed's HTML as plain text (escaped for Telegram's HTML unless asked not to): nothing
    of the source's markup reaches a message unchecked."""
    stripper = _Stripper()
    stripper.feed(markup or "")
    stripper.close()
    lines = [" ".join(line.split()) for line in "".join(stripper.parts).splitlines()]
    text = "\n".join(line for line in lines if line)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text, quote=False) if escape else text
