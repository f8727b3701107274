"""Translations: catalogues in locales/, compiled to .mo during setup."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.locales import SUPPORTED_LOCALES

if TYPE_CHECKING:  # importing aiogram costs seconds; the console needs only the paths below
    from aiogram.utils.i18n import I18n
    from babel.support import LazyProxy

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"


class CataloguesNotCompiledError(RuntimeError):
    """The .po files exist but setup has not compiled them to .mo yet."""


def create_i18n(default_locale: str = "kk", path: Path = LOCALES_DIR) -> I18n:
    missing = [
        code
        for code in SUPPORTED_LOCALES
        if not (path / code / "LC_MESSAGES" / f"{DOMAIN}.mo").exists()
    ]
    if missing:
        raise CataloguesNotCompiledError(", ".join(missing))
    from aiogram.utils.i18n import I18n

    return I18n(path=path, default_locale=default_locale, domain=DOMAIN)


def in_both_languages(i18n: I18n, text: LazyProxy, separator: str = "\n", **values: object) -> str:
    """For people whose language is not known yet, and for the console: Kazakh, then Russian."""
    parts = []
    with i18n.context():
        for code in SUPPORTED_LOCALES:
            with i18n.use_locale(code):
                parts.append(str(text).format(**values))
    return separator.join(parts)
