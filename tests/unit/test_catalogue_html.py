"""Every text is sent with parse_mode=HTML: each msgid and translation must parse as Telegram's
HTML, or the whole message is refused ("can't parse entities")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.devtools.emulator._errors import ApiError
from bot.devtools.emulator.formatting import parse_html

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def entries() -> list[tuple[str, str, str]]:
    found = []
    for lang in ("kk", "ru"):
        with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = (
                    message.string if isinstance(message.string, tuple) else (message.string,)
                )
                for text in (*ids, *strings):
                    found.append((lang, ids[0][:40], text))
    return found


@pytest.mark.parametrize(("lang", "msgid", "text"), entries())
def test_text_is_valid_telegram_html(lang: str, msgid: str, text: str) -> None:
    filled = PLACEHOLDER.sub("x", text)
    try:
        parse_html(filled)
    except ApiError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{lang} {msgid!r}: {exc}")


def test_the_check_catches_a_bare_angle_bracket() -> None:
    with pytest.raises(ApiError):
        parse_html("Usage: /status <reason>")
