"""Guessing follow-up codes from many accounts: the global limit, its pause, the moderators'
alert, and both limits across a restart (bot/services/limits.py, migrations/0011)."""

from __future__ import annotations

import json

import pytest
from aiogram import Dispatcher
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.limits import LimitRepository
from bot.db.repositories.moderators import ModeratorRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.factory import create_dispatcher
from bot.services.limits import (
    ALERT_EVERY,
    GLOBAL_MISSES,
    GLOBAL_PAUSE,
    GLOBAL_WINDOW,
    MAX_CHECK_FAILURES_PER_HOUR,
    LimitReachedError,
    Limits,
)
from bot.services.moderation import ModeratorAlerts
from bot.services.outbox import Outbox
from tests import updates as u
from tests.conftest import Chat, Clock, translate
from tests.fake_session import FakeBot
from tests.unit.test_followup import CODE, NO_MATCH, submit
from tests.unit.test_report_flow import onboard

GROUP = -1001234567890
WRONG = "/check AAAA-BBBB-CCCC-DDDD"
GUESSERS = range(9_000_000, 9_000_000 + GLOBAL_MISSES)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"moderator_chat_id": GROUP})


def limits_on(db: Database, keyring: Keyring, clock: Clock, group: int | None = GROUP) -> Limits:
    """The Limits a fresh process builds, on an injected clock."""
    outbox = Outbox(db, OutboxRepository(db), keyring, rate=1000)
    alerts = ModeratorAlerts(group, ModeratorRepository(db), outbox)
    return Limits(LimitRepository(db), keyring, now=clock, alarm=alerts.codes_guessed)


async def alerts(db: Database, keyring: Keyring) -> list[tuple[str, dict]]:
    rows = await db.fetchall("SELECT recipient, payload FROM outbox ORDER BY id")
    found = []
    for row in rows:
        payload = json.loads(keyring.unseal(row["payload"], b"outbox"))
        if payload["kind"] == "mod_guessing":
            found.append((row["recipient"], payload))
    return found


async def miss(limits: Limits, telegram_id: int) -> None:
    await limits.check_lookup(telegram_id)
    await limits.record_lookup_failure(telegram_id)


async def test_many_accounts_trip_the_global_limit_and_moderators_are_told_once(
    db: Database, keyring: Keyring, clock: Clock
) -> None:
    limits = limits_on(db, keyring, clock)
    for telegram_id in GUESSERS[:-1]:  # one miss each: no personal limit comes near
        await miss(limits, telegram_id)
        clock.advance(seconds=5)
    await limits.check_lookup(GUESSERS[0])  # one short of the global limit: still free
    assert await alerts(db, keyring) == []

    await miss(limits, GUESSERS[-1])
    with pytest.raises(LimitReachedError) as caught:
        await limits.check_lookup(GUESSERS[0])
    assert caught.value.everyone and caught.value.retry_at == clock.now + GLOBAL_PAUSE
    await limits.check_lookup(1)  # nobody's first try is refused
    told = await alerts(db, keyring)
    assert told == [
        (
            "@group",
            {
                "kind": "mod_guessing",
                "misses": GLOBAL_MISSES,
                "minutes": GLOBAL_WINDOW.seconds // 60,
                "pause": GLOBAL_PAUSE.seconds // 60,
            },
        )
    ]

    # More misses keep the pause going but tell nobody again within the hour.
    for n in range(30):
        clock.advance(seconds=10)
        await miss(limits, 8_000_000 + n)
    assert len(await alerts(db, keyring)) == 1
    with pytest.raises(LimitReachedError):
        await limits.check_lookup(8_000_000)

    # An hour after the alert, an attack still going is told again.
    clock.advance(minutes=55)
    for n in range(GLOBAL_MISSES):
        await miss(limits, 7_000_000 + n)
    assert len(await alerts(db, keyring)) == 2


async def test_the_pause_ends_and_old_misses_slide_out_of_the_window(
    db: Database, keyring: Keyring, clock: Clock
) -> None:
    limits = limits_on(db, keyring, clock)
    for telegram_id in GUESSERS:
        await miss(limits, telegram_id)
    with pytest.raises(LimitReachedError):
        await limits.check_lookup(GUESSERS[0])
    clock.advance(seconds=GLOBAL_PAUSE.total_seconds() + 1)
    await limits.check_lookup(GUESSERS[0])  # one miss of ten: their own limit is far
    await miss(limits, GUESSERS[0])  # the window has slid: one miss alone trips nothing
    await limits.check_lookup(GUESSERS[0])


async def test_without_a_group_every_active_moderator_is_told(
    db: Database, keyring: Keyring, clock: Clock, dp: Dispatcher
) -> None:
    moderation = dp["moderation"]
    await moderation.add_moderator(4242, None, by="admin")
    await moderation.add_moderator(4343, frozenset({"KZ-27"}), by="admin")
    limits = limits_on(db, keyring, clock, group=None)
    for telegram_id in GUESSERS:
        await miss(limits, telegram_id)
    recipients = sorted(r for r, _ in await alerts(db, keyring))
    assert recipients == sorted([keyring.pseudonym(4242), keyring.pseudonym(4343)])


async def test_both_limits_survive_a_restart(db: Database, keyring: Keyring, clock: Clock) -> None:
    first = limits_on(db, keyring, clock)
    for _ in range(MAX_CHECK_FAILURES_PER_HOUR):
        await miss(first, 42)
    for telegram_id in GUESSERS:
        await miss(first, telegram_id)

    restarted = limits_on(db, keyring, clock)  # a new process: nothing kept in memory
    with pytest.raises(LimitReachedError) as personal:
        await restarted.check_lookup(42)
    assert not personal.value.everyone
    with pytest.raises(LimitReachedError) as pause:
        await restarted.check_lookup(GUESSERS[0])
    assert pause.value.everyone
    await miss(restarted, 1)  # a first try, then its miss: no second alert after a restart
    assert len(await alerts(db, keyring)) == 1
    clock.advance(seconds=ALERT_EVERY.total_seconds())
    for telegram_id in GUESSERS:
        await miss(restarted, telegram_id + 10_000)
    assert len(await alerts(db, keyring)) == 2


async def test_through_the_dispatcher_a_right_code_still_opens_during_the_pause(
    chat: Chat, dp: Dispatcher, bot: FakeBot, i18n: I18n, db: Database, keyring: Keyring
) -> None:
    paused_msgid = (
        "Code checks are paused for a while: many wrong codes were typed. Try again after {time}."
    )
    paused_ru = translate(i18n, paused_msgid, "ru").split("{time}")[0]
    reporter = u.user(601, "kk")
    await onboard(chat, reporter, "kk")
    code = CODE.search(await submit(chat, i18n, reporter, "anonymous", "kk")).group(0)
    for telegram_id in GUESSERS:
        texts = await chat.texts(u.text(u.user(telegram_id, "ru"), WRONG))
        assert texts == [translate(i18n, NO_MATCH, "ru")]

    # A guesser who tries again is told to wait, in their language, until the pause ends.
    texts = await chat.texts(u.text(u.user(GUESSERS[0], "ru"), WRONG))
    paused = await db.fetchone("SELECT paused_until FROM guard_state WHERE name = 'codes'")
    assert paused is not None
    assert texts[0].startswith(paused_ru)

    # The reporter, with no miss, opens the case with the right code.
    texts = await chat.texts(u.text(reporter, f"/check {code}"))
    assert len(texts) == 1 and "KZ27-000001" in texts[0]

    # The moderators' group hears of it once, in its language.
    sent = [
        r.text
        for r in await chat.flush()
        if getattr(r, "chat_id", None) == GROUP and r.text.startswith("⚠️")
    ]
    assert len(sent) == 1 and "50" in sent[0], sent

    # A restart keeps the pause: a new dispatcher on the same database.
    settings: Settings = dp["settings"]
    again = Chat(
        create_dispatcher(settings=settings, db=db, keyring=keyring, i18n=i18n, outbox_bot=bot),
        bot,
    )
    texts = await again.texts(u.text(u.user(GUESSERS[1], "ru"), WRONG))
    assert texts[0].startswith(paused_ru)
