"""Keys derived from SECRET_KEY: pseudonyms for Telegram ids and sealed (encrypted) blobs.

A seized copy of the database must not reveal who used the bot, so ids are stored only as
HMAC pseudonyms, and anything that must be turned back into an id (the chat to write to, a
queued update) is sealed with AES-GCM. Both keys come from one secret kept outside the database.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_BYTES = 32
_NONCE_BYTES = 12


class SecretKeyError(ValueError):
    """SECRET_KEY is missing, malformed or too short."""


def generate_secret_key() -> str:
    return secrets.token_hex(MIN_SECRET_BYTES)


def parse_secret_key(text: str) -> bytes:
    """Accept hex or base64 (standard or urlsafe); demand at least 32 random bytes."""
    text = text.strip()
    raw = _decode_hex(text) or _decode_b64(text)
    if raw is None:
        raise SecretKeyError("must be hex or base64")
    if len(raw) < MIN_SECRET_BYTES:
        raise SecretKeyError(f"must hold at least {MIN_SECRET_BYTES} bytes, got {len(raw)}")
    return raw


def _decode_hex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def _decode_b64(text: str) -> bytes | None:
    padded = (text + "=" * (-len(text) % 4)).replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"adal-v1", info=purpose.encode()
    ).derive(master)


REMEMBERED = 10_000  # digests kept per kind; all are forgotten at once when it fills


def _remember(memo: dict[Any, str], key: Any, value: str) -> str:
    if len(memo) >= REMEMBERED:
        memo.clear()
    memo[key] = value
    return value


class Keyring:
    """All keyed operations the bot needs, each under its own derived key."""

    def __init__(self, master: bytes) -> None:
        self._pseudonym_key = _derive(master, "pseudonym")
        self._token_key = _derive(master, "opaque-token")
        self._code_key = _derive(master, "follow-up-code")
        self._seal = AESGCM(_derive(master, "seal"))
        # The same few people's ids are digested several times an update: remembered (in
        # memory only, bounded) rather than computed each time.
        self._pseudonyms: dict[int, str] = {}
        self._opaques: dict[str, str] = {}

    @classmethod
    def from_setting(cls, text: str) -> Keyring:
        return cls(parse_secret_key(text))

    def pseudonym(self, telegram_id: int) -> str:
        """A stable, non-reversible stand-in for a Telegram user or chat id."""
        found = self._pseudonyms.get(telegram_id)
        if found is None:
            # hmac.digest: one call into OpenSSL, no HMAC object.
            digest = hmac.digest(self._pseudonym_key, str(telegram_id).encode(), "sha256")
            found = _remember(self._pseudonyms, telegram_id, digest.hex()[:32])
        return found

    def opaque(self, text: str) -> str:
        """Keyed digest of an arbitrary string (for example an FSM storage key)."""
        found = self._opaques.get(text)
        if found is None:
            digest = hmac.digest(self._token_key, text.encode(), "sha256")
            found = _remember(self._opaques, text, digest.hex()[:40])
        return found

    def code_digest(self, secret: bytes, salt: bytes) -> bytes:
        """Keyed digest of a follow-up code's secret part (bot/services/codes.py says why)."""
        return hmac.digest(self._code_key, salt + secret, "sha256")

    def seal(self, plaintext: bytes, context: bytes = b"") -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._seal.encrypt(nonce, plaintext, context)

    def unseal(self, blob: bytes, context: bytes = b"") -> bytes:
        return self._seal.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context)

    def seal_chat_id(self, chat_id: int, pseudonym: str) -> bytes:
        # Bound to the pseudonym so a row's ciphertext cannot be pasted onto another user.
        return self.seal(str(chat_id).encode(), pseudonym.encode())

    def unseal_chat_id(self, blob: bytes, pseudonym: str) -> int:
        return int(self.unseal(blob, pseudonym.encode()))
