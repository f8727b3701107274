"""Telegram's HTML/MarkdownV2 rules as the emulator applies them (pure functions, no server)."""

from __future__ import annotations

import pytest

from bot.devtools.emulator._errors import ApiError
from bot.devtools.emulator.formatting import parse_text, utf16_len


def entities(text: str, mode: str) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in parse_text(text, mode)[1]]


def error_of(text: str, mode: str) -> str:
    with pytest.raises(ApiError) as caught:
        parse_text(text, mode)
    assert caught.value.status == 400
    return caught.value.description


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert (utf16_len("жa"), utf16_len("😀"), utf16_len("a😀b")) == (2, 2, 4)


@pytest.mark.parametrize(
    ("html", "plain", "found"),
    [
        ("<b>a<i>b</i></b>", "ab", [("bold", 0, 2), ("italic", 1, 1)]),
        (
            "<strong>a</strong><em>b</em><ins>c</ins><del>d</del>",
            "abcd",
            [("bold", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("strikethrough", 3, 1)],
        ),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
        ("&#x41;&#66;&nbsp;&amp;&quot;", 'AB&nbsp;&"', []),
        ("<B>upper</B>", "upper", [("bold", 0, 5)]),
        ("a > b & c", "a > b & c", []),
    ],
)
def test_html_entities(html: str, plain: str, found: list[tuple[str, int, int]]) -> None:
    assert parse_text(html, "HTML")[0] == plain
    assert entities(html, "HTML") == found


def test_pre_with_code_language_collapses_into_one_entity() -> None:
    text, found = parse_text('<pre><code class="language-python">x = 1</code></pre>', "html")
    assert text == "x = 1"
    assert found == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("жж <x>", 'Unsupported start tag "x" at byte offset 5'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<br/>", 'Unsupported start tag "br/"'),
    ],
)
def test_html_errors_use_tdlib_wording(html: str, message: str) -> None:
    assert error_of(html, "HTML").startswith(f"Bad Request: can't parse entities: {message}")


def test_markdown_v2_entities_and_escapes() -> None:
    text = r"*b* _i_ __u__ ~s~ ||sp|| `c.d` [link](https://adal.kz/a\)b) 1\.5\!"
    plain, found = parse_text(text, "MarkdownV2")
    assert plain == "b i u s sp c.d link 1.5!"
    assert [(e["type"], e["offset"], e["length"]) for e in found] == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("underline", 4, 1),
        ("strikethrough", 6, 1),
        ("spoiler", 8, 2),
        ("code", 11, 3),
        ("text_link", 15, 4),
    ]
    assert found[-1]["url"] == "https://adal.kz/a)b"


def test_markdown_v2_pre_block_language() -> None:
    plain, found = parse_text("```python\nprint(1)\n```", "MarkdownV2")
    assert plain == "print(1)\n"
    assert found == [{"type": "pre", "offset": 0, "length": 9, "language": "python"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Ура!", "Character '!' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved"),
        ("_open", "Can't find end of Italic entity at byte offset 0"),
        ("ж ||x", "Can't find end of Spoiler entity at byte offset 3"),
    ],
)
def test_markdown_v2_errors(text: str, message: str) -> None:
    assert message in error_of(text, "MarkdownV2")


def test_legacy_markdown_is_lenient_but_needs_closed_entities() -> None:
    assert entities("*b* _i_ `c` [l](https://x.kz)", "Markdown") == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("code", 4, 1),
        ("text_link", 6, 1),
    ]
    assert "Can't find end of the entity starting at byte offset 2" in error_of("a *b", "Markdown")


def test_unknown_parse_mode_is_rejected() -> None:
    assert error_of("x", "BBCode") == "Bad Request: unsupported parse_mode"
