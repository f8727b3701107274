"""SECRET_KEY parsing, pseudonyms and sealed blobs (bot/crypto.py)."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.exceptions import InvalidTag

from bot.crypto import (
    MIN_SECRET_BYTES,
    Keyring,
    SecretKeyError,
    generate_secret_key,
    parse_secret_key,
)
from tests.conftest import TEST_SECRET

# 40 bytes whose standard base64 holds "+" and "/", so the urlsafe form really differs.
RAW_KEY = bytes(range(0xC0, 0xE0)) + bytes(range(0xF8, 0x100))
OTHER_SECRET = "22" * 32
TELEGRAM_ID = 987654321


@pytest.fixture
def other_keyring() -> Keyring:
    return Keyring.from_setting(OTHER_SECRET)


def test_keygen_output_parses_and_is_long_enough() -> None:
    key = generate_secret_key()
    assert len(parse_secret_key(key)) >= MIN_SECRET_BYTES
    assert len(parse_secret_key(key)) >= 32
    assert generate_secret_key() != key


@pytest.mark.parametrize(
    "text",
    [
        RAW_KEY.hex(),
        RAW_KEY.hex().upper(),
        base64.b64encode(RAW_KEY).decode(),
        base64.urlsafe_b64encode(RAW_KEY).decode(),
        base64.urlsafe_b64encode(RAW_KEY).decode().rstrip("="),
        f"  {RAW_KEY.hex()}\n",
    ],
    ids=["hex", "hex-upper", "base64", "urlsafe", "urlsafe-unpadded", "surrounding-space"],
)
def test_accepted_encodings_decode_to_the_same_bytes(text: str) -> None:
    assert base64.b64encode(RAW_KEY) != base64.urlsafe_b64encode(RAW_KEY)
    assert parse_secret_key(text) == RAW_KEY
    reference = Keyring(RAW_KEY)
    assert Keyring.from_setting(text).pseudonym(TELEGRAM_ID) == reference.pseudonym(TELEGRAM_ID)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abcd",
        "00" * 31,
        base64.b64encode(bytes(31)).decode(),
        "g!" * 32,
        "not a key at all, just a sentence!",
        "ключ" * 16,
    ],
    ids=["empty", "blank", "tiny", "hex-31-bytes", "base64-31-bytes", "symbols", "prose", "cyr"],
)
def test_short_or_garbage_keys_are_refused(text: str) -> None:
    with pytest.raises(SecretKeyError):
        parse_secret_key(text)
    with pytest.raises(SecretKeyError):
        Keyring.from_setting(text)


def test_secret_key_error_is_a_value_error() -> None:
    # pydantic turns only ValueError (and AssertionError) raised in validators into
    # ValidationError; anything else would crash Settings() with a traceback.
    assert issubclass(SecretKeyError, ValueError)


def test_pseudonym_is_stable_for_the_same_key(keyring: Keyring) -> None:
    again = Keyring.from_setting(TEST_SECRET)
    assert keyring.pseudonym(TELEGRAM_ID) == keyring.pseudonym(TELEGRAM_ID)
    assert again.pseudonym(TELEGRAM_ID) == keyring.pseudonym(TELEGRAM_ID)


def test_pseudonym_differs_between_keys(keyring: Keyring, other_keyring: Keyring) -> None:
    assert keyring.pseudonym(TELEGRAM_ID) != other_keyring.pseudonym(TELEGRAM_ID)


@pytest.mark.parametrize(
    ("first", "second"), [(1, 2), (123, 1230), (100123, -100123), (TELEGRAM_ID, TELEGRAM_ID + 1)]
)
def test_pseudonym_differs_between_ids(keyring: Keyring, first: int, second: int) -> None:
    assert keyring.pseudonym(first) != keyring.pseudonym(second)


def test_pseudonym_does_not_reveal_the_id(keyring: Keyring) -> None:
    pseudonym = keyring.pseudonym(TELEGRAM_ID)
    assert re.fullmatch(r"[0-9a-f]{32}", pseudonym)
    assert str(TELEGRAM_ID) not in pseudonym


def test_pseudonym_and_opaque_use_separate_keys(keyring: Keyring) -> None:
    assert not keyring.opaque(str(TELEGRAM_ID)).startswith(keyring.pseudonym(TELEGRAM_ID))


@pytest.mark.parametrize(
    "plaintext", [b"", b"hello", "Сыбайлас жемқорлық — коррупция".encode(), bytes(range(256)) * 8]
)
@pytest.mark.parametrize("context", [b"", b"fsm:abc"])
def test_seal_unseal_round_trip(keyring: Keyring, plaintext: bytes, context: bytes) -> None:
    blob = keyring.seal(plaintext, context)
    if plaintext:
        assert plaintext not in blob
    assert keyring.unseal(blob, context) == plaintext


def test_unseal_with_wrong_context_fails(keyring: Keyring) -> None:
    blob = keyring.seal(b"draft", b"context-a")
    with pytest.raises(InvalidTag):
        keyring.unseal(blob, b"context-b")
    with pytest.raises(InvalidTag):
        keyring.unseal(blob)


def test_unseal_with_another_key_fails(keyring: Keyring, other_keyring: Keyring) -> None:
    blob = keyring.seal(b"draft", b"ctx")
    with pytest.raises(InvalidTag):
        other_keyring.unseal(blob, b"ctx")


@pytest.mark.parametrize("position", [0, 11, 12, -1], ids=["nonce", "nonce-end", "body", "tag"])
def test_tampered_blob_is_refused(keyring: Keyring, position: int) -> None:
    blob = bytearray(keyring.seal(b"a queued update", b"ctx"))
    blob[position] ^= 0x01
    with pytest.raises(InvalidTag):
        keyring.unseal(bytes(blob), b"ctx")


def test_truncated_blob_is_refused(keyring: Keyring) -> None:
    blob = keyring.seal(b"a queued update", b"ctx")
    with pytest.raises(InvalidTag):
        keyring.unseal(blob[:-1], b"ctx")


def test_two_seals_of_the_same_value_differ(keyring: Keyring) -> None:
    first, second = keyring.seal(b"same", b"ctx"), keyring.seal(b"same", b"ctx")
    assert first != second
    assert first[:12] != second[:12]  # a fresh random nonce each time
    assert keyring.unseal(first, b"ctx") == keyring.unseal(second, b"ctx") == b"same"


@pytest.mark.parametrize("chat_id", [TELEGRAM_ID, -1001234567890])
def test_seal_chat_id_round_trip(keyring: Keyring, chat_id: int) -> None:
    pseudonym = keyring.pseudonym(chat_id)
    blob = keyring.seal_chat_id(chat_id, pseudonym)
    assert str(chat_id).encode() not in blob
    assert keyring.unseal_chat_id(blob, pseudonym) == chat_id


def test_sealed_chat_id_is_bound_to_its_pseudonym(keyring: Keyring) -> None:
    mine, theirs = keyring.pseudonym(TELEGRAM_ID), keyring.pseudonym(TELEGRAM_ID + 1)
    blob = keyring.seal_chat_id(TELEGRAM_ID, mine)
    with pytest.raises(InvalidTag):
        keyring.unseal_chat_id(blob, theirs)


def test_sealed_chat_ids_differ_for_the_same_chat(keyring: Keyring) -> None:
    pseudonym = keyring.pseudonym(TELEGRAM_ID)
    assert keyring.seal_chat_id(TELEGRAM_ID, pseudonym) != keyring.seal_chat_id(
        TELEGRAM_ID, pseudonym
    )


def test_digests_keep_the_values_stored_databases_hold() -> None:
    """Known answers, computed with hmac.new before the switch to hmac.digest: a change here
    would orphan every pseudonym, FSM key and follow-up code already stored."""
    keyring = Keyring.from_setting("00" * 16 + "11" * 16)
    assert keyring.pseudonym(123456789) == "8f46ada93571ceaf3b1d3ed6217c9c06"
    assert keyring.opaque("42:7:7::::default") == "c43b1072ec14ace0cddef74fcdef3d6c35da1b2a"
    assert keyring.code_digest(b"secret", b"salt").hex() == (
        "8ae7d5213811704a11ac1cf7ce3b7984abf535959a8315b61b54b6a41a5deca8"
    )


def test_remembered_digests_are_the_computed_ones_and_bounded(monkeypatch) -> None:
    import bot.crypto

    monkeypatch.setattr(bot.crypto, "REMEMBERED", 5)
    keyring = Keyring.from_setting("00" * 16 + "11" * 16)
    for round_ in range(2):  # the second round reads the memo, or refills it
        for n in range(12):
            assert keyring.pseudonym(123456789 + n) == Keyring.from_setting(
                "00" * 16 + "11" * 16
            ).pseudonym(123456789 + n), round_
            assert keyring.opaque(f"chat:{n}") == Keyring.from_setting(
                "00" * 16 + "11" * 16
            ).opaque(f"chat:{n}")
    assert keyring.pseudonym(123456789) == "8f46ada93571ceaf3b1d3ed6217c9c06"
    assert len(keyring._pseudonyms) <= 5 and len(keyring._opaques) <= 5
