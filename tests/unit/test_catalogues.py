"""Quality gates for the kk and ru catalogues: complete, consistent with the code, compiled."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR

TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
NPLURALS = {"kk": 2, "ru": 3}
LOCALES = sorted(NPLURALS)

PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
KAZAKH_ONLY = set("әғқңөұүһі")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def entries(locale: str) -> list[Message]:
    return [message for message in catalogue(po_path(locale)) if message.id]


def msgids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def has_words(text: str) -> bool:
    return any(ch.isalpha() for ch in TAG.sub("", PLACEHOLDER.sub("", text)))


def test_template_is_not_empty() -> None:
    assert len(msgids(catalogue(TEMPLATE))) > 10


@pytest.mark.parametrize("locale", LOCALES)
def test_every_template_message_is_in_the_catalogue(locale: str) -> None:
    missing = msgids(catalogue(TEMPLATE)) - msgids(catalogue(po_path(locale)))
    assert not missing


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_messages_the_code_no_longer_uses(locale: str) -> None:
    catalog = catalogue(po_path(locale))
    assert not msgids(catalog) - msgids(catalogue(TEMPLATE))
    assert not catalog.obsolete


@pytest.mark.parametrize("locale", LOCALES)
def test_no_empty_or_fuzzy_translations(locale: str) -> None:
    empty = [m.id for m in entries(locale) if not all(f.strip() for f in forms(m.string))]
    fuzzy = [m.id for m in entries(locale) if m.fuzzy]
    assert (empty, fuzzy) == ([], [])
    assert not catalogue(po_path(locale)).fuzzy  # the header


@pytest.mark.parametrize("locale", LOCALES)
def test_nothing_is_left_in_english(locale: str) -> None:
    copies = [
        m.id
        for m in entries(locale)
        for msgid, msgstr in zip(forms(m.id), forms(m.string), strict=False)
        if has_words(msgid) and (msgstr == msgid or not CYRILLIC.search(msgstr))
    ]
    assert copies == []


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale: str) -> None:
    wrong = []
    for message in entries(locale):
        expected = {p for msgid in forms(message.id) for p in PLACEHOLDER.findall(msgid)}
        for msgstr in forms(message.string):
            found = set(PLACEHOLDER.findall(msgstr))
            if found != expected:
                wrong.append((message.id, sorted(expected), sorted(found)))
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_html_tags_match(locale: str) -> None:
    wrong = []
    for message in entries(locale):
        expected = Counter(TAG.findall(forms(message.id)[0]))
        for msgstr in forms(message.string):
            if Counter(TAG.findall(msgstr)) != expected:
                wrong.append(message.id)
    assert wrong == []


def test_tag_pattern_sees_tags() -> None:
    assert TAG.findall("<b>Adal</b> <i>x</i> <a href='y'>z</a> {name} a < b > c") == [
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<a href='y'>",
        "</a>",
    ]
    assert PLACEHOLDER.findall("{name} {0} {} {{") == ["{name}", "{0}", "{}"]


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms(locale: str) -> None:
    catalog = catalogue(po_path(locale))
    assert catalog.num_plurals == NPLURALS[locale]
    assert f'"Plural-Forms: nplurals={NPLURALS[locale]};' in po_path(locale).read_text("utf-8")
    wrong = [
        m.id
        for m in entries(locale)
        if m.pluralizable
        and (len(forms(m.string)) != NPLURALS[locale] or not all(forms(m.string)))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("kk", {0: 1, 1: 0, 2: 1, 5: 1, 21: 1}),
        ("ru", {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2, 111: 2}),
    ],
)
def test_plural_rule(locale: str, expected: dict[int, int]) -> None:
    plural = gettext.c2py(catalogue(po_path(locale)).plural_expr)
    assert {n: plural(n) for n in expected} == expected


def test_kazakh_entries_are_kazakh() -> None:
    """A guard against Russian pasted into the Kazakh catalogue. Only the words count: a
    label such as "<b>Геолокация:</b> {lat}, {lon}" is Kazakh without a Kazakh-only letter."""
    suspicious = [
        msgstr
        for m in entries("kk")
        for msgstr in forms(m.string)
        if len(words := TAG.sub("", PLACEHOLDER.sub("", msgstr))) > 25
        and not KAZAKH_ONLY & set(words.lower())
    ]
    assert suspicious == []


def test_russian_entries_have_no_kazakh_letters() -> None:
    suspicious = [
        msgstr
        for m in entries("ru")
        for msgstr in forms(m.string)
        if KAZAKH_ONLY & set(msgstr.lower())
    ]
    assert suspicious == []


def test_template_is_up_to_date(tmp_path: Path) -> None:
    pybabel = Path(sys.executable).parent / "pybabel"
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-k",
            "_:1,1t",
            "-k",
            "_:1,2",
            "-k",
            "__",
            "--no-location",
            "--sort-output",
            "--input-dirs=bot",
            "-o",
            str(extracted),
        ],
        cwd=LOCALES_DIR.parent,
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = msgids(catalogue(extracted))
    assert fresh, "extraction found nothing"
    assert fresh == msgids(catalogue(TEMPLATE)), "run scripts/i18n-update"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_the_po(i18n: I18n, locale: str) -> None:
    assert (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
    stale = []
    for message in entries(locale):
        if message.pluralizable:
            singular, plural = forms(message.id)[:2]
            got = [i18n.gettext(singular, plural, n, locale=locale) for n in (1, 2, 5)]
            plural_of = gettext.c2py(catalogue(po_path(locale)).plural_expr)
            want = [forms(message.string)[plural_of(n)] for n in (1, 2, 5)]
        else:
            got, want = [i18n.gettext(message.id, locale=locale)], [message.string]
        if got != want:
            stale.append(message.id)
    assert stale == [], "run scripts/setup to recompile the catalogues"
    sample = "The database is up to date."
    assert i18n.gettext(sample, locale=locale) == catalogue(po_path(locale))[sample].string
    assert i18n.gettext(sample, locale=locale) != sample
