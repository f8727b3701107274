"""Follow-up codes (bot/services/codes.py): shape, forgiving parsing and the keyed digest."""

from __future__ import annotations

import math
import re

import pytest

from bot.crypto import Keyring
from bot.services.codes import (
    ALPHABET,
    KEYED_DIGEST_LEN,
    FollowUpCode,
    digest_secret,
    new_code,
    new_salt,
    parse_code,
    scrypt_digest,
    unknown_digest,
    verify_secret,
)

CODE = "K7QD-3MXA-9TRF-2HWN"
PARSED = FollowUpCode("K7QD", "3MXA9TRF2HWN")
DISPLAY = re.compile(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}")


def test_alphabet_is_crockford_base32() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert set(ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@pytest.mark.parametrize("draw", range(20))
def test_new_code_display_format(draw: int) -> None:
    code = new_code()
    assert DISPLAY.fullmatch(code.display), code.display
    assert code.display.replace("-", "") == code.locator + code.secret
    assert len(code.locator) == 4


def test_secret_part_holds_at_least_60_bits() -> None:
    code = new_code()
    assert len(code.secret) == 12
    assert set(code.secret) <= set(ALPHABET)
    assert len(code.secret) * math.log2(len(ALPHABET)) >= 60


def test_codes_are_unique() -> None:
    draws = [new_code() for _ in range(2000)]
    assert len({code.display for code in draws}) == 2000
    assert len({code.secret for code in draws}) == 2000


def test_new_codes_use_the_whole_alphabet() -> None:
    # 2000 × 16 characters: every one of the 32 symbols shows up unless the draw is biased.
    seen = set("".join(new_code().display.replace("-", "") for _ in range(2000)))
    assert seen == set(ALPHABET)


def test_display_round_trips() -> None:
    code = new_code()
    assert parse_code(code.display) == code
    assert PARSED.display == CODE


@pytest.mark.parametrize(
    "text",
    [
        CODE,
        CODE.lower(),
        "k7qd-3mxa-9trf-2hwn",
        "K7QD3MXA9TRF2HWN",
        "k7qd3mxa9trf2hwn",
        "K7QD 3MXA 9TRF 2HWN",
        "  k7qd  3mxa-9trf 2hwn \n",
        "K7QD—3MXA—9TRF—2HWN",  # an em dash from a phone keyboard
        "K7QD.3MXA.9TRF.2HWN",
        "K 7 Q D 3 M X A 9 T R F 2 H W N",
    ],
)
def test_parse_forgives_case_spaces_and_dashes(text: str) -> None:
    assert parse_code(text) == PARSED


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("K7QD-3MXA-9TRF-2HOO", "K7QD-3MXA-9TRF-2H00"),
        ("K7QD-3MXA-9TRF-2Hoo", "K7QD-3MXA-9TRF-2H00"),
        ("K7QD-3MXA-9TRF-2HII", "K7QD-3MXA-9TRF-2H11"),
        ("K7QD-3MXA-9TRF-2Hil", "K7QD-3MXA-9TRF-2H11"),
        ("K7QD-3MXA-9TRF-2HLL", "K7QD-3MXA-9TRF-2H11"),
        ("OILD-3MXA-9TRF-2HWN", "011D-3MXA-9TRF-2HWN"),
    ],
)
def test_parse_reads_crockford_look_alikes(typed: str, meant: str) -> None:
    assert parse_code(typed) == parse_code(meant)
    assert parse_code(meant) is not None


# Cyrillic letters that look like (or sit on the key of) a letter of the alphabet.
CYRILLIC = [
    ("А", "A"),
    ("В", "B"),
    ("Е", "E"),
    ("К", "K"),
    ("М", "M"),
    ("Н", "H"),
    ("О", "0"),
    ("Р", "P"),
    ("С", "C"),
    ("Т", "T"),
    ("Х", "X"),
]


@pytest.mark.parametrize(("cyrillic", "latin"), CYRILLIC)
@pytest.mark.parametrize("position", [0, 7, 18])
def test_parse_reads_cyrillic_look_alikes(cyrillic: str, latin: str, position: int) -> None:
    assert cyrillic.isupper() and not cyrillic.isascii()
    meant = CODE[:position] + latin + CODE[position + 1 :]
    typed = CODE[:position] + cyrillic + CODE[position + 1 :]
    expected = parse_code(meant)
    assert expected is not None
    assert parse_code(typed) == expected
    assert parse_code(typed.lower()) == expected


def test_parse_reads_a_code_typed_in_russian_layout() -> None:
    # К, М, Х, А, Т, Н are Cyrillic here; the rest is Latin.
    typed = "К7QD-3МХА-9ТRF-2НWN"
    assert not typed.isascii()
    assert parse_code(typed) == PARSED
    assert parse_code(typed.lower()) == PARSED


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "K7QD-3MXA-9TRF-2HW",  # 15
        "K7QD-3MXA-9TRF-2HWNN",  # 17
        "K7QD-3MXA-9TRF",
        "K7QD-3MXA-9TRF-2HWU",  # U is not in the alphabet
        "U7QD-3MXA-9TRF-2HWN",
        "K7QD-3MXA-9TRF-2HWЖ",  # a Cyrillic letter with no look-alike
        "K7QD-3MXA-9TRF-2HW!",  # punctuation is dropped, leaving 15 characters
        "/check K7QD-3MXA-9TRF-2HWN",
    ],
)
def test_parse_rejects_what_cannot_be_a_code(text: str) -> None:
    assert parse_code(text) is None


async def test_digest_round_trip(keyring: Keyring) -> None:
    salt = new_salt()
    digest = digest_secret(keyring, PARSED.secret, salt)
    assert isinstance(digest, bytes) and len(digest) == KEYED_DIGEST_LEN
    assert PARSED.secret.encode() not in digest
    assert await verify_secret(keyring, PARSED.secret, salt, digest)
    assert digest_secret(keyring, PARSED.secret, salt) == digest  # deterministic for one salt


async def test_wrong_secret_fails(keyring: Keyring) -> None:
    salt = new_salt()
    digest = digest_secret(keyring, PARSED.secret, salt)
    assert not await verify_secret(keyring, "3MXA9TRF2HWP", salt, digest)
    assert not await verify_secret(keyring, "", salt, digest)


async def test_wrong_salt_fails(keyring: Keyring) -> None:
    salt, other = new_salt(), new_salt()
    assert salt != other and len(salt) == 16
    digest = digest_secret(keyring, PARSED.secret, salt)
    assert digest_secret(keyring, PARSED.secret, other) != digest
    assert not await verify_secret(keyring, PARSED.secret, other, digest)


async def test_without_the_key_the_digest_cannot_be_checked(keyring: Keyring) -> None:
    # A seized database holds the salt and the digest; without SECRET_KEY no guess can be
    # tested against them, so the 60 bits need no key stretching on top.
    salt = new_salt()
    digest = digest_secret(keyring, PARSED.secret, salt)
    other_key = Keyring(bytes(range(32)))
    assert digest_secret(other_key, PARSED.secret, salt) != digest
    assert not await verify_secret(other_key, PARSED.secret, salt, digest)


async def test_nothing_matches_the_unknown_digest(keyring: Keyring) -> None:
    salt = new_salt()
    assert not await verify_secret(keyring, PARSED.secret, salt, unknown_digest())
    assert not await verify_secret(keyring, "", salt, unknown_digest())


async def test_a_code_stored_with_scrypt_still_opens_its_case(keyring: Keyring) -> None:
    # Codes given out before the keyed digest were stored as 32 bytes of scrypt.
    salt = new_salt()
    legacy = scrypt_digest(PARSED.secret, salt)
    assert len(legacy) == 32
    assert await verify_secret(keyring, PARSED.secret, salt, legacy)
    assert not await verify_secret(keyring, "3MXA9TRF2HWP", salt, legacy)
