"""How a news item and a digest look to a reader: the same function draws the editor's preview,
the subscriber's message, the channel post and the digest, so the preview is exactly what
subscribers see. Texts are in the current locale (the reader's)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n, get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.news import NewsItem
from bot.services.dates import format_day
from bot.services.news_text import MESSAGE_MAX, lead, visible_length
from bot.services.regions import get_region
from bot.services.risk_areas import get_area
from bot.views.callbacks import ReadCallback

DIGEST_SHOWN = 8  # items listed in one digest message; the rest behind a button
LIST_PAGE = 8
FEWER_THAN = 5  # counts under this are not shown exactly: a small district exposes no one


def place_label(regions: frozenset[str] | None, locale: str) -> str:
    if regions is None:
        return _("All of Kazakhstan")
    names = [get_region(code) for code in sorted(regions)]
    return ", ".join(region.name(locale) for region in names if region is not None)


def topic_label(topic: str | None, locale: str) -> str:
    area = get_area(topic) if topic else None
    return area.name(locale) if area else _("General news")


def _language_name(locale: str) -> str:
    return _("Russian") if locale == "ru" else _("Kazakh")


def item_message(item: NewsItem, reader: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The item as a reader of `reader`'s language sees it (their language, or the other one
    with a note), and its link as a button."""
    shown = reader if item.has(reader) else next(iter(item.locales), reader)
    title = escape(item.title(shown) or "")
    parts = [f"📰 <b>{title}</b>"]
    if item.body(shown):
        parts.append(item.body(shown) or "")
    place = escape(place_label(item.regions, reader))
    parts.append(f"📍 <i>{place} · {escape(topic_label(item.topic, reader))}</i>")
    if shown != reader:
        parts.append(
            _(
                "ℹ️ This news item has no version in your language; it is shown in {language}."
            ).format(language=_language_name(shown))
        )
    markup = None
    if item.link:
        builder = InlineKeyboardBuilder()
        builder.button(text=_("🔗 Read at the source"), url=item.link)
        markup = builder.as_markup()
    return "\n\n".join(parts), markup


def rendered_lengths(item: NewsItem) -> Mapping[str, int]:
    """How long the item is, after formatting, for a reader of each language."""
    try:
        i18n = get_i18n()
    except LookupError:
        i18n = _fallback_i18n()
    lengths = {}
    with i18n.context():
        for reader in ("kk", "ru"):
            with i18n.use_locale(reader):
                lengths[reader] = visible_length(item_message(item, reader)[0])
    return lengths


_I18N: list[I18n] = []


def _fallback_i18n() -> I18n:
    """Outside a handler (a background job) there is no current I18n: load one once."""
    if not _I18N:
        from bot.i18n import create_i18n

        _I18N.append(create_i18n("kk"))
    return _I18N[0]


def count_label(count: int) -> str:
    if count < FEWER_THAN:
        return _("fewer than {count}").format(count=FEWER_THAN)
    return str(count)


def stats_line(scope: frozenset[str] | None, received: int, resolved: int, locale: str) -> str:
    place = _("Kazakhstan") if scope is None else place_label(scope, locale)
    return _(
        "📊 {place}, last 7 days: reports received — {received}, resolved — {resolved}."
    ).format(place=escape(place), received=count_label(received), resolved=count_label(resolved))


def digest_code(frequency: str, slot: str, day: date) -> str:
    return f"{frequency[0]}{slot[0]}{day.strftime('%Y%m%d')}"


def digest_heading(frequency: str, day: date, scope: frozenset[str] | None, locale: str) -> str:
    place = escape(place_label(scope, locale))
    if frequency == "weekly":
        text = _("🗞 <b>Weekly news: {place}</b>\nThe week to {day}")
    else:
        text = _("🗞 <b>News of the day: {place}</b>\n{day}")
    return text.format(place=place, day=format_day(day, locale))


def _line(number: int, item: NewsItem, reader: str) -> str:
    shown = reader if item.has(reader) else next(iter(item.locales), reader)
    title = escape(item.title(shown) or "")
    body = item.body(shown)
    summary = f" — {escape(lead(body))}" if body else ""
    return f"{number}. <b>{title}</b>{summary}"


def digest_message(
    items: Sequence[NewsItem],
    *,
    frequency: str,
    slot: str,
    day: date,
    scope: frozenset[str] | None,
    received: int,
    resolved: int,
    reader: str,
) -> tuple[str, InlineKeyboardMarkup]:
    """One message: a heading, a short line per item with a button to read it in full, the
    region's statistics; never over Telegram's 4096 characters (the rest: "and N more")."""
    head = digest_heading(frequency, day, scope, reader)
    foot = stats_line(scope, received, resolved, reader)
    shown = list(items[:DIGEST_SHOWN])
    while True:
        lines = [_line(n, item, reader) for n, item in enumerate(shown, start=1)]
        rest = len(items) - len(shown)
        more = [_("…and {count} more.").format(count=rest)] if rest else []
        text = "\n\n".join([head, "\n".join(lines), *more, foot])
        if visible_length(text) <= MESSAGE_MAX or len(shown) <= 1:
            break
        shown.pop()
    builder = InlineKeyboardBuilder()
    for n, item in enumerate(shown, start=1):
        builder.button(text=f"📖 {n}", callback_data=ReadCallback(id=item.id))
    sizes = [5] * ((len(shown) + 4) // 5)
    if rest:
        builder.button(
            text=_("➕ The other {count}").format(count=rest),
            callback_data=ReadCallback(digest=digest_code(frequency, slot, day), page=1),
        )
        sizes.append(1)
    builder.adjust(*sizes)
    return text, builder.as_markup()


def more_message(
    items: Sequence[NewsItem], page: int, code: str, reader: str
) -> tuple[str, InlineKeyboardMarkup]:
    """A further page of a digest's list, opened with its "other" button."""
    start = page * LIST_PAGE
    shown = items[start : start + LIST_PAGE]
    lines = [_line(start + n, item, reader) for n, item in enumerate(shown, start=1)]
    text = "\n".join(lines) if lines else _("Nothing more in this digest.")
    while visible_length(text) > MESSAGE_MAX and len(lines) > 1:
        lines.pop()
        shown = shown[: len(lines)]
        text = "\n".join(lines)
    builder = InlineKeyboardBuilder()
    for n, item in enumerate(shown, start=start + 1):
        builder.button(text=f"📖 {n}", callback_data=ReadCallback(id=item.id))
    sizes = [5] * ((len(shown) + 4) // 5)
    if start + len(shown) < len(items):
        builder.button(text=_("Next ➡️"), callback_data=ReadCallback(digest=code, page=page + 1))
        sizes.append(1)
    builder.adjust(*sizes)
    return text, builder.as_markup()


def item_gone_text() -> str:
    return _("This news item is no longer available.")
