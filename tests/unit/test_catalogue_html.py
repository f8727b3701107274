"""Every text is sent with parse_mode=HTML: each msgid and translation must parse as Telegram's
HTML, or the whole message is refused ("can't parse entities").

One test per catalogue, listing every offender, rather than one test per string: the number of
tests should say something about behaviour, and one run should show everything to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.devtools.emulator._errors import ApiError
from bot.devtools.emulator.formatting import parse_html

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def entries(lang: str) -> list[tuple[str, str]]:
    """(msgid, text) for every msgid, plural form and translation in the catalogue."""
    found = []
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle, locale=lang):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found.extend((ids[0], text) for text in (*ids, *strings))
    return found


def html_offenders(texts: Iterable[tuple[str, str]]) -> list[str]:
    """One line per text that Telegram would refuse: its msgid, the text and the reason."""
    offenders = []
    for msgid, text in texts:
        try:
            parse_html(PLACEHOLDER.sub("x", text))
        except ApiError as exc:
            offenders.append(f"{msgid[:60]!r}: {text[:80]!r}: {exc}")
    return offenders


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_text_is_valid_telegram_html(lang: str) -> None:
    texts = entries(lang)
    assert len(texts) > 100  # the catalogue was really read
    offenders = html_offenders(texts)
    assert not offenders, f"{len(offenders)} texts in {lang} are not Telegram HTML:\n" + (
        "\n".join(offenders)
    )


def test_the_check_names_each_offender_and_why() -> None:
    texts = [
        ("Usage: /status <n> <reason>", "Usage: /status <n> <reason>"),
        ("fine", "<b>{case}</b> & co"),
        ("Unclosed", "<b>Case {case}"),
    ]
    offenders = html_offenders(texts)
    assert len(offenders) == 2
    assert offenders[0].startswith("'Usage: /status <n> <reason>'")
    assert "Unsupported start tag" in offenders[0]
    assert offenders[1].startswith("'Unclosed'")
    assert "Can't find end tag" in offenders[1]
