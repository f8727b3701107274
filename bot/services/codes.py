"""Secret follow-up codes: easy to retype, 60 random bits, stored only as a keyed digest.

A code looks like `K7QD-3MXA-9TRF-2HWN` (Crockford base32: no I, L, O or U, so nothing is
confused). The first group is a public locator that finds the row; the other twelve characters
(60 bits) are the secret, stored as HMAC-SHA256 under a key derived from SECRET_KEY, with a
per-report salt.

Why not a slow hash (scrypt, used until 2026-11): key stretching makes a *guessable* secret
such as a password expensive to guess offline. This secret is 60 bits drawn by the bot, so
guessing it offline is out of reach either way (2^59 tries on average), and a keyed digest
makes it impossible without SECRET_KEY at all, which scrypt with a stored salt did not: a
seized database alone was enough to start guessing. Online guessing is held by the per-user
and global limits (bot/services/limits.py), not by the hash. scrypt cost about 70 ms of CPU and
16 MiB at every Submit and every check: half of the bot's CPU per update under load.

Rows written before then hold a 32-byte scrypt digest; they are still checked that way (on a
thread of their own), so no follow-up code ever given out stops working.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.crypto import Keyring

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOCATOR_LEN = 4
_SECRET_LEN = 12  # 12 × 5 bits = 60 bits
_CODE_LEN = _LOCATOR_LEN + _SECRET_LEN
# Read as the letter people meant: Crockford's rules, plus Cyrillic look-alikes from a
# keyboard left in Russian or Kazakh layout.
_EQUIVALENT = str.maketrans(
    {
        "O": "0",
        "I": "1",
        "L": "1",
        "А": "A",
        "В": "B",
        "С": "C",
        "Е": "E",
        "Н": "H",
        "К": "K",
        "М": "M",
        "О": "0",
        "Р": "P",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "З": "3",
        # Kazakh layout only: І and Ү are drawn exactly like Latin I and Y.
        "І": "1",
        "Ү": "Y",
    }
)
# A stored digest starts with its scheme's byte; a 32-byte value without one is scrypt.
_KEYED = b"\x01"
KEYED_DIGEST_LEN = 1 + 32
# The scrypt parameters every code given out before the keyed digest was hashed with.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
# 16 MiB and ~70 ms each: one at a time, on its own thread, never on the event loop.
_LEGACY = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adal-scrypt")


@dataclass(frozen=True, slots=True)
class FollowUpCode:
    locator: str
    secret: str

    @property
    def display(self) -> str:
        raw = self.locator + self.secret
        return "-".join(raw[i : i + 4] for i in range(0, _CODE_LEN, 4))


def new_code() -> FollowUpCode:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(_CODE_LEN))
    return FollowUpCode(raw[:_LOCATOR_LEN], raw[_LOCATOR_LEN:])


def parse_code(text: str) -> FollowUpCode | None:
    """Forgive case, spaces, dashes and look-alike letters; None if it cannot be a code."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_EQUIVALENT)
    if len(cleaned) != _CODE_LEN or any(ch not in ALPHABET for ch in cleaned):
        return None
    return FollowUpCode(cleaned[:_LOCATOR_LEN], cleaned[_LOCATOR_LEN:])


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def digest_secret(keyring: Keyring, secret: str, salt: bytes) -> bytes:
    """What is stored for a code's secret part: never the secret, never without the key."""
    return _KEYED + keyring.code_digest(secret.encode(), salt)


def unknown_digest() -> bytes:
    """A stored value no secret matches, so an unknown locator is checked like a known one."""
    return _KEYED + b"\0" * (KEYED_DIGEST_LEN - 1)


async def verify_secret(keyring: Keyring, secret: str, salt: bytes, expected: bytes) -> bool:
    if len(expected) == KEYED_DIGEST_LEN and expected[:1] == _KEYED:
        return hmac.compare_digest(digest_secret(keyring, secret, salt), expected)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_LEGACY, _scrypt_matches, secret, salt, expected)


def scrypt_digest(secret: str, salt: bytes) -> bytes:
    """How codes were stored before the keyed digest (kept to check those rows)."""
    return hashlib.scrypt(
        secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )


def _scrypt_matches(secret: str, salt: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(scrypt_digest(secret, salt), expected)
