"""What editors type, checked against how Telegram reads it: the emulator's parser (which
follows tdlib) is the referee. Whatever the check accepts, Telegram accepts with the same
visible length; titles and links never come out unusable; digests never exceed 4096."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.utils.i18n import I18n
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.db.repositories.news import NewsItem
from bot.devtools.emulator._errors import ApiError
from bot.devtools.emulator.formatting import parse_html, utf16_len
from bot.services.news_text import (
    LINK_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    NewsInputError,
    check_body,
    check_link,
    check_title,
    lead,
    plain_from_html,
    visible_text,
)
from bot.views.news import digest_message, item_message
from tests.properties import budget

FRAGMENTS = st.sampled_from(
    [
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<u>",
        "</u>",
        '<a href="https://gov.kz/x?a=1&amp;b=2">',
        '<a href="ftp://x">',
        "<a>",
        "</a>",
        '<span class="tg-spoiler">',
        "<span>",
        "</span>",
        "<code>",
        "</code>",
        "<pre>",
        "</pre>",
        "<blockquote expandable>",
        "</blockquote>",
        "<b foo>",
        "<script>",
        "<p>",
        "<",
        ">",
        "&",
        "&lt;",
        "&amp;",
        "&quot;",
        "&nbsp;",
        "&#169;",
        "&#x1F600;",
        "&#0;",
        " ",
        "\n",
        "Сыбайлас жемқорлық",
        "ҚазАқ ә ө ү",
        "😀",
        "x",
    ]
)
MARKUP = st.lists(FRAGMENTS, max_size=25).map("".join)
FREE = st.text(max_size=300)


def telegram(source: str) -> tuple[bool, str]:
    try:
        text, _ = parse_html(source)
    except ApiError:
        return False, ""
    return True, text


@settings(max_examples=budget(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MARKUP, FREE))
def test_what_the_check_accepts_telegram_accepts_with_the_same_text(source: str) -> None:
    try:
        ours = visible_text(source)
    except NewsInputError:
        return  # refused where it is typed: it never reaches Telegram
    accepted, theirs = telegram(source)
    assert accepted, source
    assert ours == theirs


@settings(max_examples=budget(300), deadline=None)
@given(MARKUP)
def test_what_telegram_refuses_the_check_refuses(source: str) -> None:
    accepted, _ = telegram(source)
    if not accepted:
        with pytest.raises(NewsInputError):
            visible_text(source)


@settings(max_examples=budget(300), deadline=None)
@given(FREE)
def test_a_title_is_one_visible_line_within_the_limit_or_refused(text: str) -> None:
    try:
        title = check_title(text)
    except NewsInputError as exc:
        assert exc.reason in ("title_empty", "title_long")
        return
    assert "\n" not in title and title == title.strip()
    assert 0 < utf16_len(title) <= TITLE_MAX


@settings(max_examples=budget(300), deadline=None)
@given(st.one_of(FREE, st.from_regex(r"https?://[a-z]{1,10}\.[a-z]{2,4}(/[a-z0-9?=&%-]*)?")))
def test_a_link_that_passes_is_an_http_address_without_spaces(text: str) -> None:
    try:
        link = check_link(text)
    except NewsInputError:
        return
    assert link.startswith(("http://", "https://"))
    assert not any(ch.isspace() for ch in link) and len(link) <= LINK_MAX + 8


@pytest.mark.parametrize(
    "link",
    [
        "htp:/ gov kz",
        "javascript:alert(1)",
        "https://",
        "https://gov",
        "ftp://gov.kz/x",
        "https://a b.kz",
    ],
)
def test_broken_links_are_refused(link: str) -> None:
    with pytest.raises(NewsInputError):
        check_link(link)


@pytest.mark.parametrize("link", ["https://gov.kz/memleket", "gov.kz", "http://Әкімдік.kz/a"])
def test_good_links_pass(link: str) -> None:
    assert check_link(link).startswith("http")


@settings(max_examples=budget(200), deadline=None)
@given(st.one_of(MARKUP, FREE))
def test_a_body_that_passes_has_something_visible(text: str) -> None:
    try:
        body = check_body(text)
    except NewsInputError:
        return
    assert visible_text(body).strip()


@settings(max_examples=budget(200), deadline=None)
@given(st.text(max_size=2000))
def test_feed_html_becomes_text_telegram_accepts(markup: str) -> None:
    text = plain_from_html(markup)
    accepted, shown = telegram(text)
    assert accepted
    assert len(shown) <= 3000


@settings(max_examples=budget(200), deadline=None)
@given(MARKUP)
def test_a_lead_is_short_plain_text(source: str) -> None:
    try:
        visible_text(source)
    except NewsInputError:
        return
    assert len(lead(source)) <= 160
    assert "<" not in lead(source) or "<" in visible_text(source)


def _item(number: int, title: str, body: str) -> NewsItem:
    return NewsItem(
        number,
        "published",
        frozenset({"KZ-27", "KZ-23"}),
        "land",
        title,
        body,
        None,
        None,
        None,
        None,
        None,
        None,
        "",
        "",
        None,
        "2026-11-23T00:00:00Z",
    )


@settings(max_examples=budget(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=60),
    st.text(alphabet="ыә&<>ж 😀.", min_size=1, max_size=TITLE_MAX),
    st.sampled_from(["kk", "ru"]),
)
def test_a_digest_never_exceeds_4096_characters(
    i18n: I18n, count: int, title: str, reader: str
) -> None:
    long_body = ("Сыбайлас жемқорлыққа қарсы &amp; <b>өте ұзын</b> сөйлем " * 40).strip()
    items = [_item(n, (title.strip() or "x") + str(n), long_body) for n in range(count)]
    with i18n.context(), i18n.use_locale(reader):
        text, markup = digest_message(
            items,
            frequency="weekly",
            slot="evening",
            day=date(2026, 11, 23),
            scope=None,
            received=3,
            resolved=12,
            reader=reader,
        )
    accepted, shown = telegram(text)
    assert accepted and utf16_len(shown) <= MESSAGE_MAX
    buttons = [b for row in markup.inline_keyboard for b in row]
    reads = [
        b
        for b in buttons
        if b.callback_data and b.callback_data.startswith("rn:") and "::" not in b.callback_data
    ]
    assert len(buttons) >= 1 and len(reads) <= count
    if count > 8:
        assert any("➕" in b.text for b in buttons)  # the rest behind a button
    assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons)


def test_small_counts_are_hidden(i18n: I18n) -> None:
    items = [_item(1, "Жер", "Мәтін.")]
    with i18n.context(), i18n.use_locale("ru"):
        text, _ = digest_message(
            items,
            frequency="daily",
            slot="morning",
            day=date(2026, 11, 23),
            scope=frozenset({"KZ-27"}),
            received=4,
            resolved=0,
            reader="ru",
        )
    assert "менее 5" in text and " 4" not in text and "— 0" not in text


def test_a_whole_item_message_is_what_telegram_shows(i18n: I18n) -> None:
    item = _item(1, "A & B <c>", "<b>bold</b> &amp; text")
    with i18n.context(), i18n.use_locale("kk"):
        text, _ = item_message(item, "kk")
    accepted, shown = telegram(text)
    assert accepted and "A & B <c>" in shown and "bold & text" in shown
