"""Which of the two supported languages a user gets."""

from __future__ import annotations

SUPPORTED_LOCALES = ("kk", "ru")


def guess_locale(language_code: str | None, default: str) -> str:
    """Match Telegram's language_code to kk or ru; anyone else gets the default (Kazakh)."""
    if language_code:
        base = language_code.lower().replace("_", "-").split("-")[0]
        if base in SUPPORTED_LOCALES:
            return base
    return default
