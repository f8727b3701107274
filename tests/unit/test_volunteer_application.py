"""Becoming a volunteer through the real dispatcher: the application, the moderators' card,
approval and rejection, /volunteers, the name-and-phone alert, and bad input on the way."""

from __future__ import annotations

import pytest
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import ReplyKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.factory import create_dispatcher
from bot.views.callbacks import VolAction, VolModAction
from bot.views.common import button_expired_text
from bot.views.moderation import moderators_command_refused
from bot.views.volunteers.application import intro_text
from bot.views.volunteers.moderation import approved_notice
from tests import updates as u
from tests.conftest import Chat, render, translate
from tests.unit.test_report_flow import onboard
from tests.volunteers import (
    MODERATOR,
    NAME,
    OTHER_MOD,
    PHONE,
    VOLUNTEER,
    admin_settings,
    alerts,
    apply,
    approve,
    buttons,
    contact,
    sent_to,
    staff,
    v,
    vm,
)

SENT = (
    "📨 Your application is sent. The moderators of your region will review it, and the "
    "bot will write to you either way."
)


@pytest.fixture
def settings(db_path) -> Settings:
    return admin_settings(db_path)


async def test_an_application_reaches_the_moderators_of_the_region_only(
    chat: Chat, db: Database, i18n: I18n
) -> None:
    await staff(chat)
    replies = await apply(chat)
    assert translate(i18n, SENT, "kk") in [
        r.text for r in replies if isinstance(r, EditMessageText)
    ]
    row = await db.fetchone("SELECT * FROM volunteers")
    assert row["status"] == "pending" and row["region"] == "KZ-27"
    assert row["skills"] == "procurement,construction" and row["availability"] == "evenings"

    delivered = await chat.flush()
    cards = sent_to(delivered, MODERATOR)
    assert len(cards) == 1 and "№1" in cards[0].text
    assert NAME not in cards[0].text and PHONE not in cards[0].text
    assert vm(VolModAction.APPROVE, 1) in buttons(cards)
    assert not sent_to(delivered, OTHER_MOD)  # Almaty's moderator is not told


async def test_approval_tells_the_volunteer_in_their_language(
    chat: Chat, db: Database, i18n: I18n
) -> None:
    await staff(chat)
    await apply(chat, locale="kk")
    await chat.flush()
    replies = await approve(chat, 1)
    assert any("№1" in (getattr(r, "text", "") or "") for r in replies)
    delivered = await chat.flush()
    (told,) = sent_to(delivered, VOLUNTEER)
    assert told.text == render(i18n, approved_notice, "kk")
    assert (await db.fetchone("SELECT status FROM volunteers"))["status"] == "active"
    # A second press (another moderator's copy) changes nothing and says so.
    again = await approve(chat, 1)
    assert alerts(again)
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")]
    assert actions.count("vol_approve") == 1


async def test_rejection_needs_a_reason_and_the_applicant_reads_it(
    chat: Chat, db: Database
) -> None:
    await staff(chat)
    await apply(chat, locale="ru")
    await chat.flush()
    moderator = u.user(MODERATOR, "ru")
    prompt = await chat.send(u.callback(moderator, vm(VolModAction.REJECT, 1)))
    assert any(isinstance(r, SendMessage) for r in prompt)
    empty = await chat.texts(u.text(moderator, "   "))
    assert empty and (await db.fetchone("SELECT status FROM volunteers"))["status"] == "pending"
    await chat.send(u.text(moderator, "Пока в регионе нет заданий для вас."))
    assert (await db.fetchone("SELECT status FROM volunteers"))["status"] == "rejected"
    (told,) = sent_to(await chat.flush(), VOLUNTEER)
    assert "Пока в регионе нет заданий для вас." in told.text
    # They may apply again; the same row comes back as pending.
    await apply(chat, locale="ru", onboarded=True)
    rows = await db.fetchall("SELECT status FROM volunteers")
    assert [r["status"] for r in rows] == ["pending"]


async def test_name_and_phone_only_for_the_regions_moderators_and_audited(
    chat: Chat, db: Database
) -> None:
    await staff(chat)
    await apply(chat)
    shown = alerts(
        await chat.send(u.callback(u.user(MODERATOR, "ru"), vm(VolModAction.IDENTITY, 1)))
    )
    assert shown == [f"{NAME}\n{PHONE}"]
    refused = alerts(
        await chat.send(u.callback(u.user(OTHER_MOD, "ru"), vm(VolModAction.IDENTITY, 1)))
    )
    assert refused and NAME not in refused[0]
    stranger = alerts(await chat.send(u.callback(u.user(5555, "ru"), vm(VolModAction.APPROVE, 1))))
    assert stranger and NAME not in stranger[0]
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")]
    assert actions.count("vol_identity") == 1
    assert "refused:vm:who" in actions and "refused:vm:ok" in actions


async def test_volunteers_list_filters_and_pages(chat: Chat, db: Database, i18n: I18n) -> None:
    await staff(chat)
    for number in range(8):
        await apply(chat, 2000 + number, skills=("media",) if number % 2 else ("legal",))
    moderator = u.user(MODERATOR, "ru")
    first = await chat.send(u.text(moderator, "/volunteers"))
    text = first[-1].text
    assert "8" in text and NAME not in text
    opened = [b for b in buttons(first) if b.startswith("vm:card")]
    assert len(opened) == 6  # one page
    nxt = vm(VolModAction.PAGE, status="pending", page=1)
    assert nxt in buttons(first)
    second = await chat.send(u.callback(moderator, nxt))
    assert len([b for b in buttons(second) if b.startswith("vm:card")]) == 2
    media = await chat.send(u.text(moderator, "/volunteers media KZ-27"))
    assert len([b for b in buttons(media) if b.startswith("vm:card")]) == 4
    # Almaty's moderator sees none of them.
    other = await chat.send(u.text(u.user(OTHER_MOD, "ru"), "/volunteers"))
    assert not [b for b in buttons(other) if b.startswith("vm:card")]


@pytest.mark.parametrize(
    "forged", [{"status": "deleted"}, {"skill": "hacking"}, {"region": "KZ-99"}]
)
async def test_a_list_button_the_bot_never_drew_is_out_of_date(
    chat: Chat, i18n: I18n, forged: dict[str, str]
) -> None:
    """Found by the random-update hunt (ADAL_RANDOM_UPDATES=4000): an unknown filter in a
    list button raised KeyError in the list's title."""
    await staff(chat)
    shown = await chat.send(u.callback(u.user(MODERATOR, "ru"), vm(VolModAction.PAGE, **forged)))
    assert alerts(shown) == [render(i18n, button_expired_text, "ru")]
    assert not [r for r in shown if isinstance(r, EditMessageText)]


async def test_a_stranger_is_refused_the_moderators_commands(
    chat: Chat, db: Database, i18n: I18n
) -> None:
    for command in ("/volunteers", "/task_new", "/training_new", "/task 1", "/training"):
        texts = await chat.texts(u.text(u.user(5555, "ru"), command))
        name = command.split()[0].removeprefix("/")
        assert texts == [
            render(i18n, lambda name=name: moderators_command_refused(name, "citizen"), "ru")
        ]
    actions = [r["action"] for r in await db.fetchall("SELECT action FROM audit_log")]
    assert actions == [
        "refused:volunteers",
        "refused:task_new",
        "refused:training_new",
        "refused:task",
        "refused:training",
    ]


async def test_the_menu_button_starts_the_application(chat: Chat, i18n: I18n) -> None:
    person = u.user(VOLUNTEER, "kk")
    await onboard(chat, person, "kk")
    label = translate(i18n, "🤝 Become a volunteer", "kk")
    texts = await chat.texts(u.text(person, label))
    assert texts == [render(i18n, intro_text, "kk")]


async def test_bad_names_and_phones_get_a_clear_answer_and_lose_nothing(
    chat: Chat, db: Database
) -> None:
    person = u.user(VOLUNTEER, "ru")
    await onboard(chat, person, "ru")
    await chat.send(u.text(person, "/volunteer"))
    for bad in ("\u200b\u200b", "A", "<b>Иван</b>", "Иван 2", "x" * 101):
        texts = await chat.texts(u.text(person, bad))
        assert len(texts) == 1 and "Step" not in texts[0]
    await chat.send(u.sticker(person))  # a sticker where a name is expected
    await chat.send(u.text(person, "Иван Петров"))
    await chat.send(u.callback(person, v(VolAction.REGION, "KZ-27")))
    for bad in ("²²²", "+998 90 123 45 67", "8 (901) 123-45-67", "12345"):
        texts = await chat.texts(u.text(person, bad))
        assert len(texts) == 1
    # Someone else's contact is refused; one's own is taken.
    assert await chat.texts(contact(person, "77017654321", own=False))
    replies = await chat.send(contact(person, "87017654321"))
    assert any(
        isinstance(r.reply_markup, ReplyKeyboardMarkup)
        for r in replies
        if hasattr(r, "reply_markup")
    )
    await chat.send(u.callback(person, v(VolAction.SKILLS_DONE)))  # none chosen: refused
    assert alerts(await chat.send(u.callback(person, v(VolAction.SKILLS_DONE))))
    await chat.send(u.callback(person, v(VolAction.SKILL, "ecology")))
    await chat.send(u.callback(person, v(VolAction.SKILLS_DONE)))
    await chat.send(u.callback(person, v(VolAction.AVAILABILITY, "weekends")))
    await chat.send(u.callback(person, v(VolAction.AVAILABILITY_DONE)))
    await chat.send(u.callback(person, v(VolAction.CONSENT)))
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM volunteers"))["n"] == 1


async def test_a_restart_mid_application_keeps_the_answers(
    settings: Settings, db: Database, keyring: Keyring, i18n: I18n, bot
) -> None:
    first = Chat(
        create_dispatcher(settings=settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=bot),
        bot,
    )
    person = u.user(VOLUNTEER, "kk")
    await onboard(first, person, "kk")
    await first.send(u.text(person, "/volunteer"))
    await first.send(u.text(person, NAME))
    # The process restarts: a new dispatcher over the same database.
    second = Chat(
        create_dispatcher(settings=settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=bot),
        bot,
    )
    await second.send(u.callback(person, v(VolAction.REGION, "KZ-27")))
    await second.send(u.text(person, "8 701 123 45 67"))
    await second.send(u.callback(person, v(VolAction.SKILL, "procurement")))
    await second.send(u.callback(person, v(VolAction.SKILLS_DONE)))
    await second.send(u.callback(person, v(VolAction.AVAILABILITY, "weekdays")))
    await second.send(u.callback(person, v(VolAction.AVAILABILITY_DONE)))
    await second.send(u.callback(person, v(VolAction.CONSENT)))
    row = await db.fetchone("SELECT name_enc, phone_enc FROM volunteers")
    context = keyring.pseudonym(VOLUNTEER)
    assert keyring.unseal(row["name_enc"], f"volunteer-name:{context}".encode()).decode() == NAME
    assert (
        keyring.unseal(row["phone_enc"], f"volunteer-phone:{context}".encode()) == PHONE.encode()
    )


async def test_stop_and_cancel_leave_nothing(chat: Chat, db: Database) -> None:
    person = u.user(VOLUNTEER, "kk")
    await onboard(chat, person, "kk")
    await chat.send(u.text(person, "/volunteer"))
    await chat.send(u.text(person, NAME))
    await chat.send(u.text(person, "/cancel"))
    await chat.send(u.callback(person, v(VolAction.REGION, "KZ-27")))  # stale: nothing
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM volunteers"))["n"] == 0
    await chat.send(u.callback(person, v(VolAction.STOP)))
    assert (await db.fetchone("SELECT COUNT(*) AS n FROM volunteers"))["n"] == 0


async def test_with_a_moderators_group_the_card_goes_there_and_the_region_decides(
    settings: Settings, db: Database, keyring: Keyring, i18n: I18n, bot
) -> None:
    group = -1_009_000_000_001
    grouped = settings.model_copy(update={"moderator_chat_id": group})
    chat = Chat(
        create_dispatcher(settings=grouped, db=db, keyring=keyring, i18n=i18n, outbox_bot=bot), bot
    )
    await staff(chat)
    await apply(chat)
    delivered = await chat.flush()
    (card,) = sent_to(delivered, group)
    assert NAME not in card.text and PHONE not in card.text
    assert not sent_to(delivered, MODERATOR)
    # Pressed in the group by Almaty's moderator: refused; by the region's: approved.
    other = u.user(OTHER_MOD, "ru")
    pressed = u.callback(other, vm(VolModAction.APPROVE, 1))
    pressed["callback_query"]["message"]["chat"] = {"id": group, "type": "supergroup"}
    assert alerts(await chat.send(pressed))
    pressed = u.callback(u.user(MODERATOR, "ru"), vm(VolModAction.APPROVE, 1))
    pressed["callback_query"]["message"]["chat"] = {"id": group, "type": "supergroup"}
    await chat.send(pressed)
    assert (await db.fetchone("SELECT status FROM volunteers"))["status"] == "active"
