"""The users table (bot/db/repositories/users.py) and UserService (bot/services/users.py)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from cryptography.exceptions import InvalidTag

from bot.crypto import Keyring
from bot.db.connection import Database
from bot.db.repositories.users import UserRecord, UserRepository
from bot.services.users import UnknownChoiceError, UserService

TELEGRAM_ID = 987654321
DAY = date(2024, 3, 1)
DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def repo(db: Database) -> UserRepository:
    return UserRepository(db)


@pytest.fixture
def users(repo: UserRepository, keyring: Keyring) -> UserService:
    return UserService(repo, keyring, today=lambda: DAY)


async def stored(repo: UserRepository, pseudonym: str) -> UserRecord:
    record = await repo.get(pseudonym)
    assert record is not None
    return record


async def count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM users")
    assert row is not None
    return int(row[0])


async def test_unknown_pseudonym_is_none(repo: UserRepository) -> None:
    assert await repo.get("0" * 32) is None


async def test_create_is_idempotent_and_keeps_the_first_row(
    db: Database, repo: UserRepository
) -> None:
    first = await repo.create("p1", b"sealed-1", DAY, "kk")
    again = await repo.create("p1", b"sealed-2", date(2025, 1, 1), "ru")
    assert again == first
    assert (first.chat_id_enc, first.first_seen, first.locale) == (b"sealed-1", "2024-03-01", "kk")
    assert (first.region, first.is_active, first.onboarded) == (None, True, False)
    assert await count(db) == 1


async def test_create_without_locale(repo: UserRepository) -> None:
    record = await repo.create("p1", b"sealed", DAY)
    assert record.locale is None and not record.onboarded


async def test_set_locale_and_region(repo: UserRepository) -> None:
    await repo.create("p1", b"sealed", DAY)
    await repo.set_locale("p1", "ru")
    await repo.set_region("p1", "KZ-75")
    record = await stored(repo, "p1")
    assert (record.locale, record.region, record.onboarded) == ("ru", "KZ-75", True)
    await repo.set_locale("p1", "kk")
    assert (await stored(repo, "p1")).locale == "kk"


async def test_setters_touch_only_their_user(repo: UserRepository) -> None:
    await repo.create("p1", b"sealed-1", DAY, "kk")
    await repo.create("p2", b"sealed-2", DAY, "kk")
    await repo.set_locale("p1", "ru")
    await repo.set_region("p1", "KZ-75")
    await repo.set_active("p1", False)
    other = await stored(repo, "p2")
    assert (other.locale, other.region, other.is_active) == ("kk", None, True)


async def test_table_refuses_unknown_locale(repo: UserRepository) -> None:
    await repo.create("p1", b"sealed", DAY)
    with pytest.raises(sqlite3.IntegrityError):
        await repo.set_locale("p1", "en")


@pytest.mark.parametrize("repeat", [1, 2])
async def test_set_active(repo: UserRepository, repeat: int) -> None:
    await repo.create("p1", b"sealed", DAY)
    for _ in range(repeat):
        await repo.set_active("p1", False)
    assert (await stored(repo, "p1")).is_active is False
    for _ in range(repeat):
        await repo.set_active("p1", True)
    assert (await stored(repo, "p1")).is_active is True


async def test_service_set_active(users: UserService, repo: UserRepository) -> None:
    record = await users.ensure(TELEGRAM_ID, TELEGRAM_ID, "kk")
    await users.set_active(record.pseudonym, active=False)
    assert (await stored(repo, record.pseudonym)).is_active is False
    await users.set_active(record.pseudonym, active=True)
    assert (await stored(repo, record.pseudonym)).is_active is True


async def test_ensure_creates_once(db: Database, users: UserService, keyring: Keyring) -> None:
    first = await users.ensure(TELEGRAM_ID, TELEGRAM_ID, "ru")
    again = await users.ensure(TELEGRAM_ID, TELEGRAM_ID, "kk")
    assert again == first
    assert first.pseudonym == keyring.pseudonym(TELEGRAM_ID) == users.pseudonym(TELEGRAM_ID)
    assert (first.locale, first.first_seen) == ("ru", "2024-03-01")
    assert await count(db) == 1


async def test_choose_locale_and_region(users: UserService) -> None:
    record = await users.choose_locale(TELEGRAM_ID, TELEGRAM_ID, "kk")
    assert (record.locale, record.region) == ("kk", None)
    record = await users.choose_locale(TELEGRAM_ID, TELEGRAM_ID, "ru")
    assert record.locale == "ru"
    record = await users.choose_region(TELEGRAM_ID, TELEGRAM_ID, "KZ-27", "ru")
    assert (record.locale, record.region, record.onboarded) == ("ru", "KZ-27", True)
    assert await users.get(record.pseudonym) == record


async def test_choose_region_first_creates_the_user(users: UserService) -> None:
    record = await users.choose_region(TELEGRAM_ID, TELEGRAM_ID, "KZ-75", "kk")
    assert (record.locale, record.region) == ("kk", "KZ-75")


@pytest.mark.parametrize("locale", ["en", "", "KK", "kz", "ru-RU"])
async def test_choose_locale_rejects_unknown_values(
    db: Database, users: UserService, locale: str
) -> None:
    with pytest.raises(UnknownChoiceError):
        await users.choose_locale(TELEGRAM_ID, TELEGRAM_ID, locale)
    assert await count(db) == 0


@pytest.mark.parametrize("region", ["KZ-99", "", "kz-75", "KZ75", "KZ-75 "])
async def test_choose_region_rejects_unknown_values(
    db: Database, users: UserService, region: str
) -> None:
    await users.choose_locale(TELEGRAM_ID, TELEGRAM_ID, "kk")
    with pytest.raises(UnknownChoiceError):
        await users.choose_region(TELEGRAM_ID, TELEGRAM_ID, region, "kk")
    record = await users.get(users.pseudonym(TELEGRAM_ID))
    assert record is not None and record.region is None
    assert await count(db) == 1


def test_unknown_choice_is_a_value_error() -> None:
    assert issubclass(UnknownChoiceError, ValueError)


@pytest.mark.parametrize(
    ("user_id", "chat_id"), [(TELEGRAM_ID, TELEGRAM_ID), (TELEGRAM_ID, TELEGRAM_ID + 1)]
)
async def test_sealed_chat_id_decrypts(
    db: Database, users: UserService, user_id: int, chat_id: int
) -> None:
    record = await users.ensure(user_id, chat_id, "kk")
    assert await users.chat_id(record) == chat_id
    row = await db.fetchone("SELECT * FROM users")
    assert row is not None
    assert str(user_id) not in row["pseudonym"]
    assert str(chat_id).encode() not in row["chat_id_enc"]
    assert all(str(user_id) not in str(value) for value in tuple(row))


async def test_sealed_chat_id_cannot_be_moved_to_another_row(
    repo: UserRepository, users: UserService
) -> None:
    mine = await users.ensure(TELEGRAM_ID, TELEGRAM_ID, "kk")
    theirs = await users.ensure(TELEGRAM_ID + 1, TELEGRAM_ID + 1, "kk")
    swapped = replace(theirs, chat_id_enc=mine.chat_id_enc)
    with pytest.raises(InvalidTag):
        await users.chat_id(swapped)


async def test_first_seen_is_a_date_without_time(users: UserService) -> None:
    record = await users.ensure(TELEGRAM_ID, TELEGRAM_ID, None)
    assert record.first_seen == "2024-03-01"
    assert DATE_ONLY.fullmatch(record.first_seen)


async def test_first_seen_defaults_to_the_utc_date(repo: UserRepository, keyring: Keyring) -> None:
    before = datetime.now(UTC).date().isoformat()
    record = await UserService(repo, keyring).ensure(TELEGRAM_ID, TELEGRAM_ID, None)
    after = datetime.now(UTC).date().isoformat()
    assert DATE_ONLY.fullmatch(record.first_seen)
    assert record.first_seen in {before, after}
