"""Telegram's text formatting: HTML and MarkdownV2 parsing into plain text plus entities.

The parsers follow tdlib's rules (``td/telegram/MessageEntity.cpp``) closely enough that a
message which Telegram would reject with ``can't parse entities`` is rejected here too, with
the same wording, and a valid one yields the same plain text and entity offsets (UTF-16 code
units, like the real API). This catches unescaped ``<`` or ``.`` before production does.

Simplifications (documented so nobody relies on them): automatic entities (urls, mentions,
hashtags) are not detected in bot messages; ``<a href="tg://user?id=...">`` yields a
``text_link`` rather than a ``text_mention``; MarkdownV2 ``>`` blockquote markers at line
start are stripped without creating a blockquote entity; legacy ``Markdown`` is parsed
without nesting, like tdlib does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._errors import ApiError, bad_request

Entity = dict[str, Any]

HTML_TAGS = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of ``text[index]`` (tdlib reports parse errors in bytes)."""
    return len(text[:index].encode("utf-8"))


def parse_error(detail: str) -> ApiError:
    """The 400 Telegram answers for malformed markup."""
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    """An entity whose start marker has been seen but not its end."""

    kind: str
    tag: str
    start: int
    byte_pos: int
    argument: str = ""


@dataclass
class _Builder:
    """Accumulates plain text while tracking the UTF-16 length for entity offsets."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[Entity] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def close(self, opened: _Open) -> None:
        """Emit the entity for ``opened`` ending at the current position (if non-empty)."""
        length = self.length - opened.start
        if length <= 0:
            return
        entity: Entity = {"type": opened.kind, "offset": opened.start, "length": length}
        if opened.kind == "text_link":
            entity["url"] = opened.argument
        elif opened.kind == "pre" and opened.argument:
            entity["language"] = opened.argument
        elif opened.kind == "custom_emoji":
            entity["custom_emoji_id"] = opened.argument
        elif opened.kind == "blockquote" and opened.argument:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)

    def result(self) -> tuple[str, list[Entity]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Turn ``text`` sent with ``parse_mode`` into Telegram's (plain text, entities)."""
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_legacy(text)
    raise bad_request("unsupported parse_mode")


# --- HTML -----------------------------------------------------------------------------------


def decode_html_entity(source: str, index: int) -> tuple[str, int]:
    """Decode ``&...;`` at ``index``; an unknown or malformed one stays a literal ``&``."""
    semicolon = source.find(";", index + 1, index + 12)
    if semicolon == -1:
        return "&", index + 1
    name = source[index + 1 : semicolon]
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], semicolon + 1
    code = _numeric_entity(name)
    if code is None:
        return "&", index + 1
    return chr(code), semicolon + 1


def _numeric_entity(name: str) -> int | None:
    if not name.startswith("#") or len(name) < 2:
        return None
    digits, base = (name[2:], 16) if name[1] in "xX" else (name[1:], 10)
    try:
        code = int(digits, base)
    except ValueError:
        return None
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return code


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML; raise the 400 Telegram would for invalid markup."""
    out = _Builder()
    stack: list[_Open] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            decoded, index = decode_html_entity(source, index)
            out.add(decoded)
        elif char != "<":
            end = _next_special(source, index)
            out.add(source[index:end])
            index = end
        elif source.startswith("</", index):
            index = _html_end_tag(source, index, stack, out)
        else:
            index = _html_start_tag(source, index, stack, out)
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _next_special(source: str, index: int) -> int:
    """Index of the next ``<`` or ``&`` (or the end), to copy plain runs in one go."""
    ends = [pos for pos in (source.find("<", index), source.find("&", index)) if pos != -1]
    return min(ends) if ends else len(source)


def _skip_spaces(source: str, index: int) -> int:
    while index < len(source) and source[index].isspace():
        index += 1
    return index


def _html_start_tag(source: str, begin: int, stack: list[_Open], out: _Builder) -> int:
    byte_pos = byte_offset(source, begin)
    index = begin + 1
    while index < len(source) and not source[index].isspace() and source[index] != ">":
        index += 1
    if index >= len(source):
        raise parse_error(f"Unclosed start tag at byte offset {byte_pos}")
    tag = source[begin + 1 : index].lower()
    if tag not in HTML_TAGS:
        raise parse_error(f'Unsupported start tag "{tag}" at byte offset {byte_pos}')
    opened = _Open(HTML_TAGS[tag], tag, out.length, byte_pos)
    index = _html_attributes(source, index, opened)
    if tag == "span" and opened.argument != "spoiler":
        raise parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}')
    stack.append(opened)
    return index + 1


def _html_attributes(source: str, index: int, opened: _Open) -> int:
    """Parse attributes up to the closing ``>``; return the index of that ``>``."""
    where = f'the tag "{opened.tag}" at byte offset {opened.byte_pos}'
    while True:
        index = _skip_spaces(source, index)
        if index >= len(source):
            raise parse_error(f"Unclosed start tag at byte offset {opened.byte_pos}")
        if source[index] == ">":
            return index
        name_start = index
        while index < len(source) and source[index] not in "=>" and not source[index].isspace():
            index += 1
        name = source[name_start:index].lower()
        if not name:
            raise parse_error(f"Empty attribute name in {where}")
        index = _skip_spaces(source, index)
        valueless = source[index : index + 1] != "="
        if valueless and opened.tag == "blockquote" and name == "expandable":
            opened.argument = "1"  # the one attribute Telegram allows without a value
            continue
        if index >= len(source) or source[index] != "=":
            raise parse_error(f"Expected equal sign in declaration of an attribute of {where}")
        index = _skip_spaces(source, index + 1)
        value, index = _html_attribute_value(source, index)
        if index >= len(source):
            raise parse_error(f"Unclosed start tag at byte offset {opened.byte_pos}")
        _apply_attribute(opened, name, value)


def _html_attribute_value(source: str, index: int) -> tuple[str, int]:
    if index >= len(source):
        return "", index
    quote = source[index]
    if quote not in "'\"":
        start = index
        while index < len(source) and (source[index].isalnum() or source[index] in ".-"):
            index += 1
        return source[start:index].lower(), index
    index += 1
    value: list[str] = []
    while index < len(source) and source[index] != quote:
        if source[index] == "&":
            decoded, index = decode_html_entity(source, index)
            value.append(decoded)
        else:
            value.append(source[index])
            index += 1
    return "".join(value), index + 1 if index < len(source) else index


def _apply_attribute(opened: _Open, name: str, value: str) -> None:
    """Keep only the attributes Telegram gives meaning to; others are ignored like in tdlib."""
    if opened.tag == "a" and name == "href":
        opened.argument = value
    elif opened.tag == "code" and name == "class" and value.startswith("language-"):
        opened.argument = value[len("language-") :]
    elif opened.tag == "span" and name == "class" and value.startswith("tg-"):
        opened.argument = value[len("tg-") :]
    elif opened.tag == "tg-emoji" and name == "emoji-id":
        opened.argument = value
    elif opened.tag == "blockquote" and name == "expandable":
        opened.argument = "1"


def _html_end_tag(source: str, begin: int, stack: list[_Open], out: _Builder) -> int:
    byte_pos = byte_offset(source, begin)
    if not stack:
        raise parse_error(f"Unexpected end tag at byte offset {byte_pos}")
    index = begin + 2
    while index < len(source) and not source[index].isspace() and source[index] != ">":
        index += 1
    end_tag = source[begin + 2 : index].lower()
    index = _skip_spaces(source, index)
    if index >= len(source) or source[index] != ">":
        raise parse_error(f"Unclosed end tag at byte offset {byte_pos}")
    opened = stack.pop()
    if end_tag and end_tag != opened.tag:
        raise parse_error(
            f"Unmatched end tag at byte offset {byte_pos}, "
            f'expected "</{opened.tag}>", found "</{end_tag}>"'
        )
    _close_html_entity(opened, stack, out)
    return index + 1


def _close_html_entity(opened: _Open, stack: list[_Open], out: _Builder) -> None:
    """``<pre><code class="language-x">`` collapses into one ``pre`` with a language."""
    if opened.kind == "code" and stack and stack[-1].kind == "pre":
        if opened.argument:
            stack[-1].argument = opened.argument
        return
    if opened.kind == "text_link" and not opened.argument:
        return
    out.close(opened)


# --- MarkdownV2 -----------------------------------------------------------------------------


def _reserved(char: str) -> ApiError:
    return parse_error(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2 with Telegram's strict escaping rules."""
    out = _Builder()
    stack: list[_Open] = []
    index = 0
    while index < len(source):
        char = source[index]
        nxt = source[index + 1] if index + 1 < len(source) else ""
        top = stack[-1].kind if stack else ""
        if char == "\\" and nxt and 0 < ord(nxt) <= 126:
            out.add(nxt)
            index += 2
        elif (top in ("code", "pre") and char != "`") or char not in _MDV2_RESERVED:
            out.add(char)
            index += 1
        elif char == ">" and (index == 0 or source[index - 1] == "\n"):
            index += 1  # blockquote marker: stripped, no entity (see module docstring)
        elif top and _mdv2_closes(top, source, index):
            index = _mdv2_close(source, index, stack, out)
        else:
            index = _mdv2_open(source, index, stack, out)
    if stack:
        name = _MDV2_TYPE_NAMES[stack[-1].kind]
        raise parse_error(f"Can't find end of {name} entity at byte offset {stack[-1].byte_pos}")
    return out.result()


def _mdv2_closes(kind: str, source: str, index: int) -> bool:
    char = source[index]
    nxt = source[index + 1 : index + 2]
    closers = {
        "bold": char == "*",
        "italic": char == "_" and nxt != "_",
        "underline": source.startswith("__", index),
        "strikethrough": char == "~",
        "spoiler": source.startswith("||", index),
        "code": char == "`",
        "pre": source.startswith("```", index),
        "text_link": char == "]",
        "custom_emoji": char == "]",
    }
    return closers[kind]


def _mdv2_open(source: str, index: int, stack: list[_Open], out: _Builder) -> int:
    char = source[index]
    byte_pos = byte_offset(source, index)
    argument = ""
    if char == "_" and source.startswith("__", index):
        kind, index = "underline", index + 2
    elif char in "_*~[":
        kind = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}[char]
        index += 1
    elif source.startswith("||", index):
        kind, index = "spoiler", index + 2
    elif source.startswith("![", index):
        kind, index = "custom_emoji", index + 2
    elif source.startswith("```", index):
        kind, index = "pre", index + 3
        argument, index = _mdv2_pre_language(source, index)
    elif char == "`":
        kind, index = "code", index + 1
    else:
        raise _reserved(char)
    stack.append(_Open(kind, char, out.length, byte_pos, argument))
    return index


def _mdv2_pre_language(source: str, index: int) -> tuple[str, int]:
    end = index
    while end < len(source) and source[end] not in " \n`":
        end += 1
    if end < len(source) and source[end] == "\n":
        return source[index:end], end + 1
    return "", index


def _mdv2_close(source: str, index: int, stack: list[_Open], out: _Builder) -> int:
    opened = stack.pop()
    width = {"underline": 2, "spoiler": 2, "pre": 3}.get(opened.kind, 1)
    index += width
    if opened.kind in ("text_link", "custom_emoji"):
        url, index = _mdv2_link_target(source, index)
        if opened.kind == "custom_emoji":
            if not url.startswith("tg://emoji?id="):
                raise parse_error("Custom emoji entity must contain a tg://emoji URL")
            url = url[len("tg://emoji?id=") :]
        if not url:
            return index
        opened.argument = url
    out.close(opened)
    return index


def _mdv2_link_target(source: str, index: int) -> tuple[str, int]:
    """Read ``(url)`` after ``]``; ``\\`` escapes ``)`` and ``\\`` inside it."""
    if not source.startswith("(", index):
        return "", index
    index += 1
    url: list[str] = []
    while index < len(source) and source[index] != ")":
        if source[index] == "\\" and index + 1 < len(source):
            index += 1
        url.append(source[index])
        index += 1
    if index >= len(source):
        raise parse_error("Can't find end of a URL")
    return "".join(url), index + 1


# --- legacy Markdown ------------------------------------------------------------------------

_LEGACY_KINDS = {"*": "bold", "_": "italic", "`": "code", "[": "text_link"}


def parse_markdown_legacy(source: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (no nesting, no escaping rules beyond ``\\``)."""
    out = _Builder()
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and source[index + 1] in "_*`[":
            out.add(source[index + 1])
            index += 2
        elif char not in _LEGACY_KINDS:
            out.add(char)
            index += 1
        else:
            index = _legacy_entity(source, index, out)
    return out.result()


def _legacy_entity(source: str, index: int, out: _Builder) -> int:
    byte_pos = byte_offset(source, index)
    char = source[index]
    is_pre = source.startswith("```", index)
    closer = "```" if is_pre else ("]" if char == "[" else char)
    start = index + len(closer) if is_pre else index + 1
    end = source.find(closer, start)
    if end == -1:
        raise parse_error(f"Can't find end of the entity starting at byte offset {byte_pos}")
    kind = "pre" if is_pre else _LEGACY_KINDS[char]
    opened = _Open(kind, char, out.length, byte_pos)
    out.add(source[start:end])
    index = end + len(closer)
    if kind == "text_link":
        opened.argument, index = _mdv2_link_target(source, index)
        if not opened.argument:
            return index
    out.close(opened)
    return index
