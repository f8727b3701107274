"""Keyboards that depend only on their arguments and the language are built once.

aiogram's keyboard builder validates the whole keyboard again with each button it adds (a deep
copy per button), so the 20-region picker cost more than the rest of its update
(bench/profile-before.txt). A keyboard built here is shared by every message that shows it:
callers must not change it (none does; aiogram only reads it to send it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from aiogram.utils.i18n import get_i18n

P = ParamSpec("P")
T = TypeVar("T")


def _language() -> str | None:
    try:
        return get_i18n().current_locale
    except LookupError:  # outside an update (a test, a script): the texts are msgids
        return None


def per_language(function: Callable[P, T]) -> Callable[P, T]:
    """Memoise `function` on its arguments and the language its lazy labels resolve to."""

    @functools.lru_cache(maxsize=512)
    def build(language: str | None, *args: object, **kwargs: object) -> T:
        return function(*args, **kwargs)  # type: ignore[arg-type]

    @functools.wraps(function)
    def cached(*args: P.args, **kwargs: P.kwargs) -> T:
        return build(_language(), *args, **kwargs)

    return cached
