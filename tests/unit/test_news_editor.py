"""Editors through the real dispatcher: the right given by a superadmin, /news step by step with
checks where things are typed, the preview exactly as readers see it, publish now, schedule,
/news_list, withdraw, /broadcast_status, channels, and a feed's draft."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    SendPhoto,
)
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.news import NewsRepository
from bot.services.dates import to_db
from bot.services.news_text import visible_length
from bot.views.callbacks import NewsAction, NewsCallback
from bot.views.news import item_message, rendered_lengths
from bot.views.news_editor import channel_error_text, input_error_text
from bot.views.subscriptions import REGION_CODES
from tests import updates as u
from tests.conftest import TEST_SECRET, Chat, render, translate
from tests.fake_session import FakeBot
from tests.unit.test_news_subscribe import onboard, subscribe

ADMIN, EDITOR, READER_KK, READER_RU, STRANGER = 900, 901, 902, 903, 904
CHANNEL = -1_001_999_000_001
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
TEXT_KK = (
    "Атырауда өңірлік комиссия <b>алғашқы отырысын</b> өткізді. Сауалнамаға 9 000 адам қатысты."
)
TEXT_RU = "В Атырау прошло <b>первое заседание</b> региональной комиссии. Опрошено 9 000 человек."


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        bot_token="42:TEST-TOKEN",
        secret_key=TEST_SECRET,
        database_path=db_path,
        code_check_seconds=0.01,
        outbox_rate=1000,
        admin_ids=(ADMIN,),
        news_channels={"KZ-23": CHANNEL},
    )


def nb(action: NewsAction, **fields: Any) -> str:
    return NewsCallback(action=action, **fields).pack()


def button(request: Any, action: NewsAction, v: str | None = None) -> str:
    for row in request.reply_markup.inline_keyboard:
        for b in row:
            if b.callback_data and b.callback_data.startswith("nw:"):
                parsed = NewsCallback.unpack(b.callback_data)
                if parsed.action == action and (v is None or parsed.v == v):
                    return b.callback_data
    raise AssertionError(f"no {action} {v}")


def sent(requests: list[Any]) -> list[Any]:
    return [r for r in requests if isinstance(r, SendMessage | EditMessageText | SendPhoto)]


def alerts(requests: list[Any]) -> list[str]:
    return [r.text for r in requests if isinstance(r, AnswerCallbackQuery) and r.show_alert]


async def team(chat: Chat, region: str = "KZ-23") -> dict:
    """A superadmin makes 901 an editor of `region`; two subscribers follow it instantly."""
    admin = await onboard(chat, ADMIN, "ru")
    editor = await onboard(chat, EDITOR, "kk")
    texts = await chat.texts(u.text(admin, f"/editor_add {EDITOR} {region}"))
    assert texts and "#1" in texts[0]
    for reader, locale in ((READER_KK, "kk"), (READER_RU, "ru")):
        person = await onboard(chat, reader, locale, region)
        await subscribe(chat, person, "instant")
    return editor


async def compose(
    chat: Chat, editor: dict, *, kk: bool = True, ru: bool = True, item: int = 1
) -> list[Any]:
    """/news through to the preview; returns what the preview sent."""
    shown = sent(await chat.send(u.text(editor, "/news")))[-1]
    shown = sent(await chat.send(u.callback(editor, button(shown, NewsAction.REGIONS_DONE))))[-1]
    await chat.send(u.callback(editor, button(shown, NewsAction.TOPIC, "infrastructure")))
    if kk:
        await chat.send(u.text(editor, "Атырауда комиссия отырысы өтті"))
        await chat.send(u.text(editor, TEXT_KK))
    else:
        await chat.send(u.callback(editor, nb(NewsAction.SKIP, id=item, v="title_kk")))
    if ru:
        await chat.send(u.text(editor, "В Атырау прошло заседание комиссии"))
        await chat.send(u.text(editor, TEXT_RU))
    else:
        await chat.send(u.callback(editor, nb(NewsAction.SKIP, id=item, v="title_ru")))
    await chat.send(u.callback(editor, nb(NewsAction.SKIP, id=item, v="photo")))
    return await chat.send(u.text(editor, "https://gov.kz/memleket/entities/anticorruption"))


async def test_compose_preview_publish_and_both_languages_arrive(
    chat: Chat, dp: Dispatcher, i18n: I18n, db: Database, bot: FakeBot
) -> None:
    editor = await team(chat)
    preview = sent(await compose(chat, editor))
    assert len(preview) == 3  # the kk reader's message, the ru reader's, the buttons
    item = await NewsRepository(db).item(1)
    assert item is not None and item.status == "draft"
    for request, reader in zip(preview[:2], ("kk", "ru"), strict=True):
        with i18n.context(), i18n.use_locale(reader):
            assert request.text == item_message(item, reader)[0]
    assert "Атырау облысы" in preview[0].text and "Атырауская область" in preview[1].text
    assert preview[0].reply_markup.inline_keyboard[0][0].url.startswith("https://gov.kz/")
    control = preview[2]
    bot.session_.clear()
    replies = await chat.send(u.callback(editor, button(control, NewsAction.PUBLISH)))
    assert translate(i18n, "🚀 Publishing…", "kk") in [r.text for r in sent(replies)]
    delivered = await chat.flush()
    by_chat = {int(r.chat_id): r.text for r in delivered if isinstance(r, SendMessage)}
    assert "Атырауда комиссия" in by_chat[READER_KK]
    assert "В Атырау прошло" in by_chat[READER_RU]
    # The channel of the region got both languages; the progress message was edited.
    assert sum(1 for r in delivered if getattr(r, "chat_id", None) == CHANNEL) == 2
    assert (await NewsRepository(db).item(1)).status == "published"  # type: ignore[union-attr]
    await dp["broadcasts"].tick()
    final = await chat.flush()
    (edit,) = [r for r in final if isinstance(r, EditMessageText)]
    assert "✅" in edit.text and "2" in edit.text
    status = await chat.texts(u.text(editor, "/broadcast_status"))
    assert "✅" in status[0]
    # Once gone out, it cannot be withdrawn or changed.
    replies = await chat.send(u.callback(editor, nb(NewsAction.WITHDRAW_YES, id=1)))
    assert alerts(replies)
    audit = await db.fetchall("SELECT action FROM audit_log WHERE news_id = 1 ORDER BY id")
    actions = [r["action"] for r in audit]
    assert actions[0] == "news_create" and "news_publish" in actions
    assert actions.count("news_edit") == 6  # four texts, the photo skipped, the link


async def test_one_language_only_reaches_the_other_readers_with_a_note(
    chat: Chat, i18n: I18n
) -> None:
    editor = await team(chat)
    preview = sent(await compose(chat, editor, kk=False))
    note = translate(
        i18n, "ℹ️ This news item has no version in your language; it is shown in {language}.", "kk"
    ).format(language=translate(i18n, "Russian", "kk"))
    assert note in preview[0].text and "В Атырау прошло" in preview[0].text
    assert "ℹ️" not in preview[1].text
    await chat.send(u.callback(editor, button(preview[2], NewsAction.PUBLISH)))
    delivered = {int(r.chat_id): r.text for r in await chat.flush() if isinstance(r, SendMessage)}
    assert note in delivered[READER_KK]


@pytest.mark.parametrize(
    ("step_texts", "reason"),
    [
        (["x" * 151], "The title is too long: at most {detail} characters."),
        (["   "], "The title is empty. Please type it again."),
        (["Тақырып", "a < b"], "Telegram would refuse this text: it has a sign &lt; that"),
        (["Тақырып", "<script>x</script>"], "Telegram would refuse this text: it does not"),
        (["Тақырып", "<b>bold</i>"], "Telegram would refuse this text: the tag &lt;/{detail}"),
        (["Тақырып", "<b>bold"], "Telegram would refuse this text: the tag &lt;{detail}&gt; is"),
        (["Тақырып", '<a href="javascript:x">y</a>'], "Telegram would refuse this text: a link"),
        (["Тақырып", "ы" * 4090], "With the title and the other lines"),
    ],
)
async def test_bad_input_is_caught_at_its_step(
    chat: Chat, i18n: I18n, db: Database, step_texts: list[str], reason: str
) -> None:
    editor = await team(chat)
    shown = sent(await chat.send(u.text(editor, "/news")))[-1]
    shown = sent(await chat.send(u.callback(editor, button(shown, NewsAction.REGIONS_DONE))))[-1]
    await chat.send(u.callback(editor, button(shown, NewsAction.TOPIC, "land")))
    for text in step_texts:
        replies = await chat.texts(u.text(editor, text))
    msgid = next(
        m for m in i18n.locales["kk"]._catalog if isinstance(m, str) and m.startswith(reason)
    )
    assert replies[0].startswith(translate(i18n, msgid, "kk")[:15])
    item = await NewsRepository(db).item(1)
    assert item is not None and item.body_kk is None  # nothing bad was stored


async def test_a_photo_needs_a_caption_that_fits(chat: Chat, i18n: I18n, db: Database) -> None:
    editor = await team(chat)
    shown = sent(await chat.send(u.text(editor, "/news")))[-1]
    shown = sent(await chat.send(u.callback(editor, button(shown, NewsAction.REGIONS_DONE))))[-1]
    await chat.send(u.callback(editor, button(shown, NewsAction.TOPIC, "land")))
    await chat.send(u.text(editor, "Жер"))
    await chat.send(u.text(editor, "ж" * 1500))
    await chat.send(u.callback(editor, nb(NewsAction.SKIP, id=1, v="title_ru")))
    photo = u.message(
        editor, photo=[{"file_id": "PH", "file_unique_id": "p", "width": 9, "height": 9}]
    )
    replies = await chat.texts(photo)
    item = await NewsRepository(db).item(1)
    assert item is not None and item.photo is None  # refused: nothing stored
    with_photo = dataclasses.replace(item, photo="PH")
    longest = max(rendered_lengths(with_photo).values())
    assert longest > 1024
    assert replies[0] == render(i18n, lambda: input_error_text("caption_long", longest), "kk")
    sticker = await chat.texts(u.sticker(editor))
    assert sticker == [translate(i18n, "Please send a photo, or tap «Skip ➡️».", "kk")]


async def test_a_broken_link_is_refused(chat: Chat, i18n: I18n) -> None:
    editor = await team(chat)
    await compose(chat, editor)
    await chat.send(u.callback(editor, nb(NewsAction.FIELD, id=1, v="link")))
    replies = await chat.texts(u.text(editor, "htp:/ gov kz"))
    assert replies[0] == render(i18n, lambda: input_error_text("link"), "kk")


async def test_regional_editor_cannot_publish_nationally(chat: Chat, i18n: I18n) -> None:
    editor = await team(chat)
    shown = sent(await chat.send(u.text(editor, "/news")))[-1]
    datas = [b.callback_data for row in shown.reply_markup.inline_keyboard for b in row]
    assert not any(NewsCallback.unpack(d).action == NewsAction.ALL_REGIONS for d in datas)
    assert len(datas) == 2  # their one region and Next
    refused = translate(i18n, "Sorry, this is only for news editors.", "kk")
    assert alerts(await chat.send(u.callback(editor, nb(NewsAction.ALL_REGIONS)))) == [refused]
    other = 1 << REGION_CODES.index("KZ-27")
    forged = nb(NewsAction.REGIONS_DONE, r=other)
    assert alerts(await chat.send(u.callback(editor, forged))) == [refused]
    national = nb(NewsAction.REGIONS_DONE, r=-1)
    assert alerts(await chat.send(u.callback(editor, national))) == [refused]


async def test_strangers_are_refused(chat: Chat, i18n: I18n) -> None:
    stranger = await onboard(chat, STRANGER, "ru")
    refused = translate(i18n, "Sorry, this is only for news editors.", "ru")
    for command in ("/news", "/news_list", "/broadcast_status"):
        assert await chat.texts(u.text(stranger, command)) == [refused]
    assert alerts(await chat.send(u.callback(stranger, nb(NewsAction.PUBLISH, id=1)))) == [refused]
    assert "/editor_add" not in str(await chat.texts(u.text(stranger, "/editor_add 5 all")))


async def test_schedule_list_and_withdraw(chat: Chat, dp: Dispatcher, db: Database) -> None:
    editor = await team(chat)
    control = sent(await compose(chat, editor))[-1]
    ask = sent(await chat.send(u.callback(editor, button(control, NewsAction.SCHEDULE))))[-1]
    wrong = await chat.texts(u.text(editor, "tomorrow"))
    assert "24.11.2026" in wrong[0]
    past = await chat.texts(u.text(editor, "01.01.2020 10:00"))
    assert "2020" not in past[0] and past  # refused as past
    done = sent(await chat.send(u.callback(editor, button(ask, NewsAction.AT))))[-1]
    assert "/news_list" in done.text
    assert (await NewsRepository(db).item(1)).status == "scheduled"  # type: ignore[union-attr]
    listing = sent(await chat.send(u.text(editor, "/news_list")))[-1]
    scheduled = sent(await chat.send(u.callback(editor, nb(NewsAction.LIST, v="scheduled"))))[-1]
    assert "#1" in scheduled.text and "#1" not in listing.text
    card = sent(await chat.send(u.callback(editor, nb(NewsAction.OPEN, id=1))))[-1]
    question = sent(await chat.send(u.callback(editor, button(card, NewsAction.WITHDRAW))))[-1]
    gone = sent(await chat.send(u.callback(editor, button(question, NewsAction.WITHDRAW_YES))))
    assert "#1" in gone[-1].text
    await db.execute("UPDATE news_items SET scheduled_at = '2000-01-01T00:00:00Z'")
    assert await dp["news"].publish_due() == 0  # withdrawn: it never goes out


async def test_a_scheduled_item_goes_out_once_when_due(
    chat: Chat, dp: Dispatcher, db: Database
) -> None:
    editor = await team(chat)
    control = sent(await compose(chat, editor))[-1]
    ask = sent(await chat.send(u.callback(editor, button(control, NewsAction.SCHEDULE))))[-1]
    await chat.send(u.callback(editor, button(ask, NewsAction.AT)))
    assert await dp["news"].publish_due() == 0  # not yet
    await db.execute("UPDATE news_items SET scheduled_at = ?", (to_db(LONG_AGO),))
    assert await dp["news"].publish_due() == 1
    assert await dp["news"].publish_due() == 0
    delivered = [r for r in await chat.flush() if isinstance(r, SendMessage)]
    readers = [int(r.chat_id) for r in delivered if int(r.chat_id) in (READER_KK, READER_RU)]
    assert sorted(readers) == [READER_KK, READER_RU]


async def test_change_a_field_then_keep_as_draft(chat: Chat, db: Database, i18n: I18n) -> None:
    editor = await team(chat)
    control = sent(await compose(chat, editor))[-1]
    fields = sent(await chat.send(u.callback(editor, button(control, NewsAction.CHANGE))))[-1]
    await chat.send(u.callback(editor, button(fields, NewsAction.FIELD, "title_ru")))
    preview = sent(await chat.send(u.text(editor, "Новый заголовок")))
    assert "Новый заголовок" in preview[1].text
    topic = sent(await chat.send(u.callback(editor, button(fields, NewsAction.FIELD, "topic"))))[
        -1
    ]
    again = sent(await chat.send(u.callback(editor, button(topic, NewsAction.TOPIC, "ecology"))))
    assert "Экология" in again[1].text
    kept = sent(await chat.send(u.callback(editor, button(again[-1], NewsAction.KEEP))))[-1]
    assert kept.text == translate(
        i18n, "💾 Kept as a draft. You will find it in /news_list.", "kk"
    )
    assert (await NewsRepository(db).item(1)).status == "draft"  # type: ignore[union-attr]


async def test_a_channel_that_refuses_is_reported_to_the_editor(
    chat: Chat, bot: FakeBot, i18n: I18n
) -> None:
    editor = await team(chat)
    control = sent(await compose(chat, editor))[-1]
    await chat.send(u.callback(editor, button(control, NewsAction.PUBLISH)))
    from aiogram.methods import SendMessage as Send

    refusal = TelegramBadRequest(
        Send(chat_id=1, text="x"), "Bad Request: need administrator rights in the channel chat"
    )

    original = bot.session_.make_request

    async def refusing(b: Any, method: Any, timeout: Any = None) -> Any:
        if getattr(method, "chat_id", None) == CHANNEL:
            bot.session_.requests.append(method)
            raise refusal
        return await original(b, method, timeout)

    bot.session_.make_request = refusing  # type: ignore[method-assign]
    delivered = await chat.flush()
    told = [r.text for r in delivered if isinstance(r, SendMessage) and int(r.chat_id) == EDITOR]
    why = render(i18n, lambda: channel_error_text(1, str(CHANNEL), "not_admin"), "kk")
    assert told.count(why) == 2  # one per language, no retry storm


async def test_a_feed_draft_is_translated_and_published_by_an_editor(
    chat: Chat, dp: Dispatcher, db: Database, keyring: Keyring, i18n: I18n
) -> None:
    editor = await team(chat)
    repo = NewsRepository(db)
    await repo.add_feed(
        "https://example.kz/rss", "KZ-23", "ru", "Акимат", "admin", "2026-11-23T00:00:00Z"
    )
    item_id = await repo.create_item(
        frozenset({"KZ-23"}),
        "general",
        None,
        "2026-11-23T00:00:00Z",
        feed_id=1,
        fields={"title_ru": "Новость акимата", "body_ru": "Текст из ленты."},
    )
    await dp["outbox"].enqueue(
        keyring.pseudonym(EDITOR), {"kind": "news_feed_draft", "item": item_id}
    )
    (notice,) = [
        r for r in await chat.flush() if isinstance(r, SendMessage) and int(r.chat_id) == EDITOR
    ]
    assert "Акимат" in notice.text and "#1" in notice.text
    ask = sent(await chat.send(u.callback(editor, button(notice, NewsAction.TRANSLATE))))
    assert "Қазақша" in ask[-1].text or "қазақша" in ask[-1].text.lower()
    await chat.send(u.text(editor, "Әкімдік жаңалығы"))
    preview = sent(await chat.send(u.text(editor, "Таспадан келген мәтін.")))
    assert "Әкімдік жаңалығы" in preview[0].text and "Новость акимата" in preview[1].text
    await chat.send(u.callback(editor, button(preview[-1], NewsAction.PUBLISH)))
    assert (await repo.item(item_id)).status == "published"  # type: ignore[union-attr]


async def test_superadmin_manages_editors(chat: Chat, i18n: I18n, db: Database) -> None:
    admin = await onboard(chat, ADMIN, "ru")
    await onboard(chat, EDITOR, "kk")
    assert "/editor_add" in (await chat.texts(u.text(admin, "/editor_add")))[0]
    assert "/editor_add" in (await chat.texts(u.text(admin, "/editor_add 901 nowhere")))[0]
    added = await chat.texts(u.text(admin, f"/editor_add {EDITOR} all"))
    assert translate(i18n, "All of Kazakhstan", "ru") in added[0]
    listing = await chat.texts(u.text(admin, "/editors"))
    assert "#1" in listing[0]
    removed = await chat.texts(u.text(admin, "/editor_remove 1"))
    assert "#1" in removed[0]
    assert "/editor_remove" in (await chat.texts(u.text(admin, "/editor_remove 1")))[0]
    audit = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert audit == ["editor_add", "editor_remove"]


def test_the_preview_measure_counts_what_telegram_counts(i18n: I18n) -> None:
    from bot.db.repositories.news import NewsItem

    item = NewsItem(
        1,
        "draft",
        None,
        "land",
        "T",
        "<b>x</b> &amp; y",
        None,
        None,
        None,
        None,
        None,
        None,
        "",
        "",
        None,
        None,
    )
    with i18n.context(), i18n.use_locale("kk"):
        text, _ = item_message(item, "kk")
    assert visible_length(text) < len(text)


async def test_a_reader_who_blocked_the_bot_is_marked_inactive_not_failed(
    chat: Chat, dp: Dispatcher, bot: FakeBot, db: Database, keyring: Keyring
) -> None:
    from aiogram.exceptions import TelegramForbiddenError

    editor = await team(chat)
    control = sent(await compose(chat, editor))[-1]
    await chat.send(u.callback(editor, button(control, NewsAction.PUBLISH)))
    original = bot.session_.make_request

    async def blocked(b: Any, method: Any, timeout: Any = None) -> Any:
        if getattr(method, "chat_id", None) == READER_RU:
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        return await original(b, method, timeout)

    bot.session_.make_request = blocked  # type: ignore[method-assign]
    await chat.flush()
    job = await db.fetchone("SELECT sent, failed, gone FROM broadcast_jobs")
    assert tuple(job) == (1, 0, 1)  # type: ignore[arg-type]
    user = await dp["users"].get(keyring.pseudonym(READER_RU))
    assert user is not None and not user.is_active


async def test_a_national_editor_toggles_regions_and_chooses_all(chat: Chat, db: Database) -> None:
    admin = await onboard(chat, ADMIN, "ru")
    shown = sent(await chat.send(u.text(admin, "/news")))[-1]
    kz23 = str(REGION_CODES.index("KZ-23"))
    toggled = await chat.send(u.callback(admin, button(shown, NewsAction.REGION, kz23)))
    (markup,) = [r for r in toggled if getattr(r, "reply_markup", None) is not None][-1:]
    ticked = [b.text for row in markup.reply_markup.inline_keyboard for b in row if "✅" in b.text]
    assert ticked == ["✅ Атырауская область"]
    everywhere = await chat.send(u.callback(admin, nb(NewsAction.ALL_REGIONS, r=0)))
    (markup,) = [r for r in everywhere if getattr(r, "reply_markup", None) is not None][-1:]
    assert markup.reply_markup.inline_keyboard[0][0].text.startswith("✅")
    topic = sent(await chat.send(u.callback(admin, nb(NewsAction.REGIONS_DONE, r=-1))))[-1]
    await chat.send(u.callback(admin, button(topic, NewsAction.TOPIC, "general")))
    item = await NewsRepository(db).item(1)
    assert item is not None and item.regions is None and item.topic == "general"


async def test_readers_open_an_item_and_the_rest_of_a_digest(
    chat: Chat, dp: Dispatcher, db: Database, i18n: I18n
) -> None:
    from datetime import date

    from bot.views.callbacks import ReadCallback
    from bot.views.news import digest_code

    editor = await team(chat)
    for n in range(10):
        control = sent(await compose(chat, editor, item=n + 1))[-1]
        item_id = NewsCallback.unpack(button(control, NewsAction.PUBLISH)).id
        await chat.send(u.callback(editor, button(control, NewsAction.PUBLISH)))
        assert item_id == n + 1
    reader = u.user(READER_RU, "ru")
    opened = sent(await chat.send(u.callback(reader, ReadCallback(id=3).pack())))
    assert "В Атырау прошло" in opened[-1].text
    assert alerts(await chat.send(u.callback(reader, ReadCallback(id=99).pack())))
    await db.execute("UPDATE news_subscriptions SET frequency = 'daily', slot = 'evening'")
    await db.execute("UPDATE news_items SET published_at = '2026-11-23T10:00:00Z'")
    code = digest_code("daily", "evening", date(2026, 11, 23))
    more = sent(await chat.send(u.callback(reader, ReadCallback(digest=code, page=1).pack())))
    assert more[-1].text.startswith("9. ") and "10. " in more[-1].text
    forged = await chat.send(u.callback(reader, ReadCallback(digest="zz1", page=1).pack()))
    assert alerts(forged)


async def test_superadmin_registers_feeds_by_command(
    chat: Chat, dp: Dispatcher, i18n: I18n, tmp_path: Path
) -> None:
    async def local(url: str) -> bytes:
        if "broken" in url:
            raise OSError("unreachable")
        return (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Akimat</title>'
            b"<item><title>A</title><guid>1</guid></item></channel></rss>"
        )

    dp["feeds_service"]._fetch = local
    admin = await onboard(chat, ADMIN, "ru")
    added = await chat.texts(u.text(admin, "/feed_add https://akimat.kz/rss KZ-23 ru"))
    assert "#1" in added[0] and "1" in added[0]
    assert "#1 Akimat" in (await chat.texts(u.text(admin, "/feeds")))[0]
    broken = await chat.texts(u.text(admin, "/feed_add https://broken.kz/rss"))
    assert broken == [
        translate(i18n, "The feed could not be fetched. Check the address and try again.", "ru")
    ]
    assert "/feed_add" in (await chat.texts(u.text(admin, "/feed_add https://a.kz/rss KZ-99")))[0]
    assert "#1" in (await chat.texts(u.text(admin, "/feed_remove 1")))[0]
    assert "/feed_remove" in (await chat.texts(u.text(admin, "/feed_remove 1")))[0]
