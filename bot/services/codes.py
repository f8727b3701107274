"""Secret follow-up codes: easy to retype, at least 60 bits, stored only as a slow hash.

A code looks like `K7QD-3MXA-9TRF-2HWN` (Crockford base32: no I, L, O or U, so nothing is
confused). The first group is a public locator that finds the row; the other twelve characters
(60 bits) are the secret, stored as scrypt with a per-report salt.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

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
# ~50 ms and 16 MiB per check: cheap for one person, expensive for a guessing attacker.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# Two hashes at a time at most, on their own threads: in asyncio's default pool up to six ran
# at once (6 x 16 MiB: peak RSS 300 MB instead of 220 MB under bench/throughput.py's 20
# simultaneous filings) and took the threads other work waits for.
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="adal-scrypt")


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


def hash_secret(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)


def verify_secret(secret: str, salt: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(hash_secret(secret, salt), expected)


async def hash_off_loop(secret: str, salt: bytes) -> bytes:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, hash_secret, secret, salt)


async def verify_off_loop(secret: str, salt: bytes, expected: bytes) -> bool:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_HASHING, verify_secret, secret, salt, expected)
