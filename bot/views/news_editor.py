"""The editors' screens: composing an item step by step, the preview's buttons, the list of
items, the broadcast's progress, and the superadmins' editor and feed commands."""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db.repositories.news import Editor, Feed, NewsItem
from bot.services.broadcasts import Progress
from bot.services.dates import format_local_time, from_db
from bot.services.news_text import CAPTION_MAX, TITLE_MAX
from bot.services.regions import get_region, regions_for_picker
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news import place_label, topic_label
from bot.views.subscriptions import ALL, CHECK, REGION_CODES, TOPIC_KEYS

SKIP = __("Skip ➡️")
LIST_TABS = ("draft", "scheduled", "sent")


def _nb(builder: InlineKeyboardBuilder, text: str, action: NewsAction, **fields: object) -> None:
    builder.button(text=text, callback_data=NewsCallback(action=action, **fields))


def not_editor_text() -> str:
    return _("Sorry, this is only for news editors.")


def status_label(status: str) -> str:
    return {
        "draft": _("Draft"),
        "scheduled": _("Scheduled"),
        "sending": _("Sent"),
        "published": _("Sent"),
        "withdrawn": _("Withdrawn"),
    }.get(status, status)


# Composing


def regions_text() -> str:
    return _(
        "📰 <b>New news item</b>\n\nStep 1. Which regions is it for? Choose one or several, "
        "or «All of Kazakhstan», then «Next ➡️»."
    )


def regions_keyboard(
    mask: int, allowed: frozenset[str] | None, locale: str, item_id: int = 0
) -> InlineKeyboardMarkup:
    """Only the regions of the editor's right; all of Kazakhstan for national editors."""
    builder = InlineKeyboardBuilder()
    rows = []
    if allowed is None:
        ticked = CHECK if mask == ALL else ""
        _nb(
            builder, ticked + _("🇰🇿 All of Kazakhstan"), NewsAction.ALL_REGIONS, r=mask, id=item_id
        )
        rows.append(1)
    shown = 0
    for region in regions_for_picker(locale):
        if allowed is not None and region.code not in allowed:
            continue
        index = REGION_CODES.index(region.code)
        ticked = CHECK if mask != ALL and mask >> index & 1 else ""
        _nb(
            builder,
            ticked + region.name(locale),
            NewsAction.REGION,
            r=mask,
            v=str(index),
            id=item_id,
        )
        shown += 1
    rows += [2] * ((shown + 1) // 2)
    _nb(builder, _("Next ➡️"), NewsAction.REGIONS_DONE, r=mask, id=item_id)
    builder.adjust(*rows, 1)
    return builder.as_markup()


def topic_text() -> str:
    return _("Step 2. What is it about?")


def topic_keyboard(mask: int, locale: str, item_id: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key in TOPIC_KEYS:
        _nb(builder, topic_label(key, locale), NewsAction.TOPIC, r=mask, v=key, id=item_id)
    builder.adjust(1)
    return builder.as_markup()


def title_prompt(language: str) -> str:
    if language == "ru":
        return _(
            "The title in Russian: one line, up to {limit} characters. If there is no Russian "
            "version, tap «Skip ➡️»."
        ).format(limit=TITLE_MAX)
    return _(
        "The title in Kazakh: one line, up to {limit} characters. If there is no Kazakh "
        "version, tap «Skip ➡️»."
    ).format(limit=TITLE_MAX)


def body_prompt(language: str) -> str:
    text = (_("The text in Russian.") if language == "ru" else _("The text in Kazakh.")) + " "
    return text + _(
        "Format it with Telegram's own buttons or with HTML: &lt;b&gt;bold&lt;/b&gt;, "
        '&lt;i&gt;italic&lt;/i&gt;, &lt;a href="https://…"&gt;a link&lt;/a&gt;. '
        "To write the sign &lt; itself, type &amp;lt;. The whole message must fit in 4096 "
        "characters."
    )


def photo_prompt() -> str:
    return _(
        "Send one photo for the item, or tap «Skip ➡️». With a photo the whole text must fit "
        "in {limit} characters."
    ).format(limit=CAPTION_MAX)


def link_prompt() -> str:
    return _("Send a link to the source (https://…), or tap «Skip ➡️».")


def skip_keyboard(item_id: int, field: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _nb(builder, str(SKIP), NewsAction.SKIP, id=item_id, v=field)
    return builder.as_markup()


def input_error_text(reason: str, detail: str | int = "") -> str:
    texts = {
        "title_empty": _("The title is empty. Please type it again."),
        "title_long": _("The title is too long: at most {detail} characters."),
        "body_empty": _("The text is empty. Please type it again."),
        "too_long": _(
            "With the title and the other lines the message would have {detail} characters; "
            "Telegram allows 4096. Please shorten the text."
        ),
        "caption_long": _(
            "With a photo the whole message must fit in 1024 characters; it would have "
            "{detail}. Shorten the text, or send the item without a photo."
        ),
        "html_lt": _(
            "Telegram would refuse this text: it has a sign &lt; that does not open a tag. "
            "To write the sign itself, type &amp;lt;."
        ),
        "html_tag": _(
            "Telegram would refuse this text: it does not support the tag &lt;{detail}&gt; "
            "written this way. Allowed: b, i, u, s, a href, code, pre, blockquote, tg-spoiler."
        ),
        "html_nesting": _(
            "Telegram would refuse this text: the tag &lt;/{detail}&gt; closes a tag that is "
            "not open. Close tags in the reverse order of opening them."
        ),
        "html_unclosed": _(
            "Telegram would refuse this text: the tag &lt;{detail}&gt; is never closed."
        ),
        "html_href": _(
            "Telegram would refuse this text: a link in it is broken. Write it as "
            '&lt;a href="https://…"&gt;words&lt;/a&gt;.'
        ),
        "link": _(
            "This link does not work: it must be an address such as https://gov.kz/… with no "
            "spaces. Send it again, or tap «Skip ➡️»."
        ),
        "not_text": _("Please send this as text."),
        "not_photo": _("Please send a photo, or tap «Skip ➡️»."),
        "no_language": _("The item needs a title and a text in at least one language."),
        "half_language": _(
            "One language has a title without a text, or a text without a title. Complete it "
            "or leave both empty."
        ),
        "regions": _("Please choose at least one region."),
        "gone_out": _("This item has already gone out or was withdrawn: it cannot change."),
        "past": _("This time has already passed. Please choose a time in the future."),
        "when": _(
            "Could not read the date and time. Type them as DD.MM.YYYY HH:MM, for example "
            "24.11.2026 08:00."
        ),
    }
    return texts.get(reason, _("This choice is not available.")).format(detail=detail)


def preview_control_text() -> str:
    return _(
        "👀 Above: the item exactly as subscribers reading Kazakh and Russian will see it. "
        "Publish it now, schedule it, or change something."
    )


def preview_keyboard(item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _nb(builder, _("🚀 Publish now"), NewsAction.PUBLISH, id=item_id)
    _nb(builder, _("🗓 Schedule"), NewsAction.SCHEDULE, id=item_id)
    _nb(builder, _("✏️ Change ▸"), NewsAction.CHANGE, id=item_id)
    _nb(builder, _("💾 Keep as a draft"), NewsAction.KEEP, id=item_id)
    builder.adjust(2, 2)
    return builder.as_markup()


FIELDS = (
    ("regions", __("Regions")),
    ("topic", __("Topic")),
    ("title_kk", __("Title, Kazakh")),
    ("body_kk", __("Text, Kazakh")),
    ("title_ru", __("Title, Russian")),
    ("body_ru", __("Text, Russian")),
    ("photo", __("Photo")),
    ("link", __("Link")),
)


def fields_text() -> str:
    return _(
        "What do you want to change? To remove a photo or a link, choose it and tap «Skip ➡️»."
    )


def fields_keyboard(item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field, label in FIELDS:
        _nb(builder, f"✏️ {label}", NewsAction.FIELD, id=item_id, v=field)
    builder.adjust(2)
    return builder.as_markup()


def schedule_prompt() -> str:
    return _(
        "When should it go out? Type the date and time, Almaty time, as DD.MM.YYYY HH:MM "
        "(for example 24.11.2026 08:00), or choose below."
    )


def schedule_keyboard(item_id: int, choices: list[tuple[str, datetime]], locale: str) -> object:
    builder = InlineKeyboardBuilder()
    for code, moment in choices:
        _nb(builder, format_local_time(moment, locale), NewsAction.AT, id=item_id, v=code)
    builder.adjust(1)
    return builder.as_markup()


def scheduled_text(when: datetime, locale: str) -> str:
    return _(
        "🗓 Scheduled: it goes out on {when}. Until then you can change or withdraw it in "
        "/news_list."
    ).format(when=format_local_time(when, locale))


def kept_text() -> str:
    return _("💾 Kept as a draft. You will find it in /news_list.")


def publishing_text() -> str:
    return _("🚀 Publishing…")


# Progress


def progress_text(progress: Progress, title: str, locale: str) -> str:
    job = progress.job
    name = escape(title)
    if progress.finished:
        lines = [
            _("✅ <b>«{title}» has gone out.</b>").format(title=name),
            _("Sent: {sent}. Failed: {failed}.").format(sent=job.sent, failed=job.failed),
            _(
                "Blocked the bot or left Telegram: {gone}. Unsubscribed meanwhile: {skipped}."
            ).format(gone=job.gone, skipped=job.skipped),
        ]
    else:
        lines = [
            _("🚀 <b>Publishing «{title}»</b>").format(title=name),
            _("Sent: {sent}. Failed: {failed}. Remaining: {remaining}.").format(
                sent=job.sent, failed=job.failed, remaining=progress.remaining
            ),
            _("Blocked the bot or left Telegram: {gone}.").format(gone=job.gone),
        ]
        if progress.finish_at is not None:
            lines.append(
                _("Expected to finish: {when}.").format(
                    when=format_local_time(progress.finish_at, locale)
                )
            )
    for reason, count in progress.failures[:5]:
        lines.append(f"• {escape(reason)}: {count}")
    return "\n".join(lines)


def no_broadcasts_text() -> str:
    return _("No news has been sent yet.")


# The list


def list_text(items: list[NewsItem], tab: str, total: int, page: int, locale: str) -> str:
    heading = {
        "draft": _("📋 <b>Drafts</b>"),
        "scheduled": _("🗓 <b>Scheduled</b>"),
        "sent": _("✅ <b>Sent</b>"),
    }[tab]
    if not items:
        return heading + "\n\n" + _("Nothing here.")
    lines = [heading, ""]
    for item in items:
        lines.append(f"#{item.id} · {escape(_item_title(item))}{_when(item, locale)}")
    pages = max(1, -(-total // 6))
    if pages > 1:
        lines += ["", _("Page {page} of {pages}").format(page=page + 1, pages=pages)]
    return "\n".join(lines)


def _item_title(item: NewsItem) -> str:
    return item.title_kk or item.title_ru or "—"


def _when(item: NewsItem, locale: str) -> str:
    moment = item.published_at or item.scheduled_at
    return f" · {format_local_time(from_db(moment), locale)}" if moment else ""


def list_keyboard(items: list[NewsItem], tab: str, total: int, page: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        _nb(builder, f"#{item.id}", NewsAction.OPEN, id=item.id)
    sizes = [3] * ((len(items) + 2) // 3)
    nav = 0
    if page > 0:
        _nb(builder, "⬅️", NewsAction.LIST, v=tab, page=page - 1)
        nav += 1
    if (page + 1) * 6 < total:
        _nb(builder, "➡️", NewsAction.LIST, v=tab, page=page + 1)
        nav += 1
    tabs = {"draft": _("📋 Drafts"), "scheduled": _("🗓 Scheduled"), "sent": _("✅ Sent")}
    for name, label in tabs.items():
        _nb(builder, (CHECK if name == tab else "") + label, NewsAction.LIST, v=name)
    builder.adjust(*sizes, *([nav] if nav else []), 3)
    return builder.as_markup()


def item_card_text(item: NewsItem, locale: str) -> str:
    lines = [
        f"<b>#{item.id}</b> · {status_label(item.status)}{_when(item, locale)}",
        escape(f"{place_label(item.regions, locale) or '—'} · {topic_label(item.topic, locale)}"),
        _("Kazakh: {title}").format(title=escape(item.title_kk or "—")),
        _("Russian: {title}").format(title=escape(item.title_ru or "—")),
    ]
    return "\n".join(lines)


def item_card_keyboard(item: NewsItem) -> InlineKeyboardMarkup | None:
    if item.status not in ("draft", "scheduled"):
        return None
    builder = InlineKeyboardBuilder()
    _nb(builder, _("👀 Preview"), NewsAction.TRANSLATE, id=item.id)
    _nb(builder, _("✏️ Change ▸"), NewsAction.CHANGE, id=item.id)
    _nb(builder, _("🗑 Withdraw"), NewsAction.WITHDRAW, id=item.id)
    builder.adjust(2, 1)
    return builder.as_markup()


def withdraw_question_text(item_id: int) -> str:
    return _("Withdraw item #{id}? It will not go out.").format(id=item_id)


def withdraw_keyboard(item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _nb(builder, _("🗑 Yes, withdraw"), NewsAction.WITHDRAW_YES, id=item_id)
    return builder.as_markup()


def withdrawn_text(item_id: int) -> str:
    return _("🗑 Item #{id} is withdrawn.").format(id=item_id)


# What the outbox tells editors


def feed_draft_text(item: NewsItem, feed_title: str | None) -> str:
    return _(
        "📥 New from the feed «{feed}»: <b>{title}</b>\nDraft #{id} is ready. Nothing goes out "
        "until an editor publishes it."
    ).format(feed=escape(feed_title or "—"), title=escape(_item_title(item)), id=item.id)


def feed_draft_keyboard(item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    _nb(builder, _("🌐 Translate and publish"), NewsAction.TRANSLATE, id=item_id)
    return builder.as_markup()


def channel_error_text(item_id: int, channel: str, reason: str) -> str:
    why = {
        "not_admin": _(
            "the bot is not an administrator of that channel. Add it as an administrator with "
            "the right to post messages."
        ),
        "not_found": _("Telegram does not know that channel. Check NEWS_CHANNELS."),
    }.get(reason, _("Telegram refused it: {detail}").format(detail=escape(reason)))
    return _("⚠️ Item #{id} was not posted to the channel {channel}: {why}").format(
        id=item_id, channel=escape(channel), why=why
    )


# Superadmins: editors and feeds


def editor_add_usage() -> str:
    return _(
        "Write: /editor_add &lt;Telegram ID or @username&gt; [regions or all], for example "
        "/editor_add 123456789 KZ-27 or /editor_add @name all."
    )


def editor_added_text(editor: Editor, locale: str) -> str:
    return _("Editor #{id} can now publish news for: {regions}.").format(
        id=editor.id, regions=escape(place_label(editor.regions, locale))
    )


def editor_remove_usage() -> str:
    return _("Write: /editor_remove &lt;editor number&gt;, for example /editor_remove 2.")


def editor_removed_text(editor_id: int) -> str:
    return _("Editor #{id} can no longer publish news.").format(id=editor_id)


def editors_text(editors: list[tuple[Editor, str]], locale: str) -> str:
    if not editors:
        return _("There are no news editors yet. Add one with /editor_add.")
    lines = [_("<b>News editors</b>")]
    for editor, name in editors:
        lines.append(
            f"#{editor.id} {escape(name)} · {escape(place_label(editor.regions, locale))}"
        )
    return "\n".join(lines)


def feed_add_usage() -> str:
    return _(
        "Write: /feed_add &lt;address&gt; [region or all] [kk or ru], for example "
        "/feed_add https://gov.kz/rss KZ-23 kk. New entries will come to the region's editors "
        "as drafts."
    )


def feed_error_text(reason: str) -> str:
    return {
        "unreachable": _("The feed could not be fetched. Check the address and try again."),
        "not_a_feed": _("There is no RSS or Atom feed at this address."),
    }.get(reason, feed_add_usage())


def feed_added_text(feed_id: int, entries: int) -> str:
    return _(
        "Feed #{id} is registered; it holds {count} entries now. New entries will come to "
        "editors as drafts."
    ).format(id=feed_id, count=entries)


def feeds_text(feeds: list[Feed], locale: str) -> str:
    if not feeds:
        return _("No feeds yet. Add one with /feed_add.")
    lines = [_("<b>Feeds</b>")]
    for feed in feeds:
        region = get_region(feed.region)
        place = region.name(locale) if region else place_label(None, locale)
        lines.append(
            f"#{feed.id} {escape(feed.title or feed.url)} · {escape(place)} · {feed.locale}"
        )
    return "\n".join(lines)


def feed_remove_usage() -> str:
    return _("Write: /feed_remove &lt;feed number&gt;, for example /feed_remove 1.")


def feed_removed_text(feed_id: int) -> str:
    return _("Feed #{id} is no longer read.").format(id=feed_id)
