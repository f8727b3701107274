"""Messages as the sandbox page draws them: escaped HTML, entities, media and keyboards."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from bot.devtools.emulator.formatting import parse_html, utf16_len
from bot.devtools.sandbox.views import (
    inline_keyboard,
    media,
    message_view,
    reply_keyboard,
    to_html,
)

ALLOWED_TAGS = {"b", "i", "u", "s", "span", "code", "pre", "blockquote", "a"}


def html_of(source: str) -> str:
    """What the bot sends with parse_mode=HTML, as the page shows it."""
    return to_html(*parse_html(source))


def test_text_is_escaped_and_never_becomes_markup() -> None:
    assert to_html('<script>alert(1)</script> & "x"', []) == (
        '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x"'
    )


def test_the_bots_formatting_comes_back_nested() -> None:
    assert html_of("<b>Case <i>KZ27-000001</i></b> · new") == (
        "<b>Case <i>KZ27-000001</i></b> · new"
    )
    assert html_of("<code>a&lt;b</code> <s>old</s> <u>u</u>") == (
        "<code>a&lt;b</code> <s>old</s> <u>u</u>"
    )
    assert html_of("<blockquote>q</blockquote>") == "<blockquote>q</blockquote>"
    assert html_of("<tg-spoiler>secret</tg-spoiler>") == '<span class="spoiler">secret</span>'


def test_offsets_are_utf16_like_telegrams() -> None:
    text, entities = parse_html("😀 <b>Қазақ</b> 👍 <i>тілі</i>")
    assert utf16_len("😀") == 2
    assert to_html(text, entities) == "😀 <b>Қазақ</b> 👍 <i>тілі</i>"


def test_links_only_for_web_addresses() -> None:
    safe = html_of('<a href="https://example.org/a?b=1&amp;c=2">site</a>')
    assert safe == (
        '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">site</a>'
    )
    assert to_html(
        "x", [{"type": "text_link", "offset": 0, "length": 1, "url": "javascript:1"}]
    ) == ('<span class="link">x</span>')


def test_commands_and_addresses_in_plain_text_are_tappable_like_in_telegram() -> None:
    rendered = to_html("Answer with /mytips or see https://adal.kz/help. Not a/path, 5/10", [])
    assert '<a href="#" class="command" data-command="/mytips">/mytips</a>' in rendered
    assert 'href="https://adal.kz/help"' in rendered  # the full stop stays outside
    assert "a/path" in rendered and "5/10" in rendered
    assert rendered.count("<a ") == 2
    in_code = to_html("/start", [{"type": "code", "offset": 0, "length": 6}])
    assert in_code == "<code>/start</code>"


def test_overlapping_entities_are_cut_not_broken() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 4},
        {"type": "italic", "offset": 2, "length": 4},
    ]
    assert to_html("abcdef", entities) == "<b>ab<i>cd</i></b>ef"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


ENTITY_TYPES = st.sampled_from(
    ["bold", "italic", "code", "pre", "text_link", "spoiler", "blockquote", "mention", "x"]
)


@given(
    text=st.text(min_size=0, max_size=80),
    spans=st.lists(
        st.tuples(st.integers(0, 90), st.integers(0, 90), ENTITY_TYPES, st.text(max_size=20)),
        max_size=6,
    ),
)
def test_any_text_and_entities_give_only_harmless_markup(
    text: str, spans: list[tuple[int, int, str, str]]
) -> None:
    entities = [
        {"type": kind, "offset": offset, "length": length, "url": url, "language": url}
        for offset, length, kind, url in spans
    ]
    rendered = to_html(text, entities)
    parser = _Tags()
    parser.feed(rendered)
    assert set(parser.tags) <= ALLOWED_TAGS
    for name, value in parser.attributes:
        assert name in {"href", "target", "rel", "class", "data-command", "data-language"}
        if name == "href":
            assert value == "#" or re.match(r"https?://", value or "")
    visible = re.sub(r"<[^>]+>", "", rendered)
    assert visible.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_media_of_each_kind() -> None:
    photo = media({"photo": [{"file_id": "s", "width": 90}, {"file_id": "L", "width": 800}]})
    assert photo == {"kind": "photo", "url": "/sandbox/files/L", "width": 800, "height": None}
    document = media(
        {
            "document": {
                "file_id": "d",
                "file_name": "a.csv",
                "mime_type": "text/csv",
                "file_size": 9,
            }
        }
    )
    assert document == {
        "kind": "document",
        "url": "/sandbox/files/d",
        "name": "a.csv",
        "mime": "text/csv",
        "size": 9,
    }
    assert media({"location": {"latitude": 51.2, "longitude": 51.3}})["kind"] == "location"
    contact = media({"contact": {"phone_number": "+7701", "first_name": "Ольга"}})
    assert contact == {"kind": "contact", "name": "Ольга", "phone": "+7701"}
    assert media({"text": "hi"}) is None


def test_keyboards() -> None:
    markup = {
        "inline_keyboard": [
            [
                {"text": "Take", "callback_data": "md:take:1:"},
                {"text": "Site", "url": "https://adal.kz"},
                {"text": "Bad", "url": "javascript:alert(1)"},
            ]
        ]
    }
    assert inline_keyboard({"reply_markup": markup}) == [
        [
            {"text": "Take", "callback_data": "md:take:1:"},
            {"text": "Site", "url": "https://adal.kz"},
            {"text": "Bad"},
        ]
    ]
    keyboard = reply_keyboard(
        {
            "keyboard": [[{"text": "📍 Here", "request_location": True}], ["Skip"]],
            "one_time_keyboard": True,
            "input_field_placeholder": "Where?",
        }
    )
    assert keyboard == {
        "rows": [
            [{"text": "📍 Here", "request_contact": False, "request_location": True}],
            [{"text": "Skip", "request_contact": False, "request_location": False}],
        ],
        "placeholder": "Where?",
        "one_time": True,
    }
    assert reply_keyboard({"remove_keyboard": True}) is None


def test_a_reply_and_a_force_reply() -> None:
    question = {
        "message_id": 7,
        "chat": {"id": -100},
        "from": {"id": 1, "first_name": "Adal"},
        "date": 1,
        "text": "Write the question",
        "reply_to_message": {
            "message_id": 6,
            "from": {"id": 42, "first_name": "Данияр"},
            "text": "card " * 40,
        },
    }
    view = message_view(question, from_bot=True, extra={"force_reply": True, "selective": True})
    assert view["force_reply"] and view["selective"]
    assert view["reply_to"]["from_id"] == 42
    assert view["reply_to"]["snippet"].endswith("…") and len(view["reply_to"]["snippet"]) == 80
    assert view["from"] == {"id": 1, "name": "Adal", "is_bot": True}
