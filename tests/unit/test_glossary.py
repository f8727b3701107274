"""docs/glossary.md is the law for the catalogues: no msgstr may use a variant the glossary
marks as wrong for a concept, except the few msgids its Exceptions table names."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALES = ("kk", "ru")
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
# The concepts issue 10 asked for by name; the glossary may add more but not lose these.
REQUIRED = (
    "report",
    "chat message",
    "case number shown to citizens",
    "follow-up code",
    "status: received",
    "metadata",
    "location",
    "ID",
    "help",
)


@dataclass(frozen=True)
class Concept:
    name: str
    terms: dict[str, str]  # locale -> preferred term
    avoid: dict[str, tuple[str, ...]]  # locale -> variants as written in the glossary


@dataclass(frozen=True)
class Exception_:
    concept: str
    msgid_prefix: str
    why: str


@dataclass(frozen=True)
class Entry:
    msgid: str
    strings: tuple[str, ...]  # every plural form


@dataclass(frozen=True)
class Offence:
    locale: str
    concept: str
    variant: str
    msgid: str
    found: str


# --- reading the glossary -------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(text: str, heading: str) -> list[dict[str, str]]:
    """Rows of the first Markdown table after `## heading`, keyed by the header cells."""
    section = ("\n" + text).split(f"\n## {heading}\n", 1)
    assert len(section) == 2, f"no '## {heading}' section in {GLOSSARY.name}"
    lines = [line for line in section[1].split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    header, rule, *rows = lines
    assert set(rule.replace("|", "").split()) == {"---"}, f"{heading}: not a table"
    names = _cells(header)
    parsed = []
    for row in rows:
        cells = _cells(row)
        assert len(cells) == len(names), f"{heading}: wrong number of cells in {row!r}"
        parsed.append(dict(zip(names, cells, strict=True)))
    return parsed


def _code(cell: str) -> str:
    return cell.strip().strip("`")


def parse_avoid(cell: str) -> dict[str, tuple[str, ...]]:
    """`kk: \\`a*\\`, \\`b\\`; ru: \\`c\\`` -> {"kk": ("a*", "b"), "ru": ("c",)}"""
    avoid: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        locale, _, variants = part.partition(":")
        assert locale.strip() in LOCALES, f"unknown language {locale!r} in {cell!r}"
        found = tuple(_code(v) for v in variants.split(",") if _code(v))
        assert found, f"no variants after {locale!r} in {cell!r}"
        avoid[locale.strip()] = found
    return avoid


def parse_glossary(text: str) -> tuple[list[Concept], list[Exception_]]:
    concepts = [
        Concept(
            name=row["Concept"],
            terms={"kk": row["Kazakh"], "ru": row["Russian"]},
            avoid=parse_avoid(row["Avoid"]),
        )
        for row in _table(text, "Terms")
    ]
    exceptions = [
        Exception_(row["Concept"], _code(row["msgid starts with"]), row["Why"])
        for row in _table(text, "Exceptions")
    ]
    return concepts, exceptions


@cache
def glossary() -> tuple[list[Concept], list[Exception_]]:
    return parse_glossary(GLOSSARY.read_text("utf-8"))


# --- matching -------------------------------------------------------------------------------


@cache
def variant_pattern(variant: str) -> re.Pattern[str]:
    """From the start of a word; `*` is any ending; the first letter in either case."""
    parts = []
    first_letter = True
    for char in variant:
        if char == "*":
            parts.append(r"\w*")
        elif char == " ":
            parts.append(r"\s+")
        elif char.isalpha() and first_letter:
            parts.append(f"[{re.escape(char.lower())}{re.escape(char.upper())}]")
            first_letter = False
        else:
            parts.append(re.escape(char))
    end = "" if variant.endswith("*") else r"(?!\w)"
    return re.compile(r"(?<!\w)" + "".join(parts) + end)


@cache
def any_variant(variants: tuple[str, ...]) -> re.Pattern[str]:
    if not variants:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{variant_pattern(v).pattern})" for v in variants))


def words_of(msgstr: str) -> str:
    return TAG.sub(" ", PLACEHOLDER.sub(" ", msgstr))


def excepted(exceptions: list[Exception_], concept: str, msgid: str) -> bool:
    return any(e.concept == concept and msgid.startswith(e.msgid_prefix) for e in exceptions)


def offences(
    concepts: list[Concept],
    exceptions: list[Exception_],
    catalogues: dict[str, list[Entry]],
) -> list[Offence]:
    found = []
    for locale, entries in catalogues.items():
        # One pass for every avoided variant of every concept first: most strings match none.
        everything = any_variant(tuple(v for c in concepts for v in c.avoid.get(locale, ())))
        for entry in entries:
            texts = [words_of(msgstr) for msgstr in entry.strings]
            if not any(everything.search(text) for text in texts):
                continue
            for concept in concepts:
                if excepted(exceptions, concept.name, entry.msgid):
                    continue
                variants = tuple(concept.avoid.get(locale, ()))
                # Then one pass for all of this concept's variants.
                if not any(any_variant(variants).search(text) for text in texts):
                    continue
                for variant in variants:
                    for text in texts:
                        if match := variant_pattern(variant).search(text):
                            found.append(
                                Offence(locale, concept.name, variant, entry.msgid, match[0])
                            )
    return found


@cache
def catalogue(locale: str) -> tuple[Entry, ...]:
    path = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        messages = [m for m in read_po(handle, locale=locale) if m.id]
    return tuple(
        Entry(
            m.id if isinstance(m.id, str) else m.id[0],
            (m.string,) if isinstance(m.string, str) else tuple(m.string),
        )
        for m in messages
    )


def real_catalogues() -> dict[str, list[Entry]]:
    return {locale: list(catalogue(locale)) for locale in LOCALES}


# --- the catalogues follow the glossary -----------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_no_catalogue_string_uses_an_avoided_variant(locale: str) -> None:
    concepts, exceptions = glossary()
    found = offences(concepts, exceptions, {locale: list(catalogue(locale))})
    assert [f"{o.concept}: «{o.found}» ({o.variant}) in {o.msgid[:60]!r}" for o in found] == []


def test_the_glossary_has_the_concepts_the_issue_asked_for() -> None:
    concepts, _ = glossary()
    names = {c.name for c in concepts}
    assert set(REQUIRED) <= names, sorted(set(REQUIRED) - names)
    assert len(names) == len(concepts), "a concept is listed twice"
    assert sum(bool(c.avoid) for c in concepts) >= 30  # the check has something to check
    for concept in concepts:
        assert concept.terms["kk"] and concept.terms["ru"], concept.name


def test_no_preferred_term_is_among_its_own_avoided_variants() -> None:
    concepts, _ = glossary()
    clashes = [
        (concept.name, locale, variant)
        for concept in concepts
        for locale, variants in concept.avoid.items()
        for variant in variants
        for term in concept.terms[locale].split(";")
        if variant_pattern(variant).search(term.strip())
    ]
    assert clashes == []


def test_every_exception_names_one_msgid_and_is_still_needed() -> None:
    concepts, exceptions = glossary()
    assert len(exceptions) <= 5, "the exception list is meant to stay short"
    catalogues = real_catalogues()
    msgids = [entry.msgid for entry in catalogues["kk"]]
    names = {c.name for c in concepts}
    for exception in exceptions:
        assert exception.concept in names, exception
        assert exception.why, exception
        matching = [m for m in msgids if m.startswith(exception.msgid_prefix)]
        assert len(matching) == 1, (exception.msgid_prefix, matching)
        others = [e for e in exceptions if e is not exception]
        without = offences(concepts, others, catalogues)
        assert any(o.msgid == matching[0] and o.concept == exception.concept for o in without), (
            f"exception no longer needed: {exception.msgid_prefix!r}"
        )


# --- the check itself can fail --------------------------------------------------------------


def planted(locale: str, msgid: str, msgstr: str) -> dict[str, list[Entry]]:
    """The real catalogue of `locale` with one msgstr replaced."""
    entries = [
        replace(entry, strings=(msgstr,)) if entry.msgid == msgid else entry
        for entry in catalogue(locale)
    ]
    assert any(entry.msgid == msgid for entry in entries), msgid
    return {locale: entries}


@pytest.mark.parametrize(
    ("locale", "msgid", "msgstr", "concept", "found"),
    [
        ("kk", "My reports", "Менің хабарламаларым", "report", "хабарламаларым"),
        ("kk", "Received", "Қабылданды", "status: received", "Қабылданды"),
        ("kk", "Location", "Орналасқан жер", "location", "Орналасқан жер"),
        ("ru", "❓ Help", "❓ Помощь", "help", "Помощь"),
        (
            "ru",
            "✅ Added to report {case}. The moderator will see it.",
            "Добавлено в {case}: номер дела",
            "case number shown to citizens",
            "номер дела",
        ),
        ("ru", "The text is empty.", "Укажите id", "ID", "id"),
        ("kk", "The text is empty.", "<b>Telegram ID-іңіз</b>", "ID", "ID-іңіз"),
        ("ru", "🤝 Become a volunteer", "🤝 Стать волонтером", "volunteer", "волонтером"),
        (
            "ru",
            "Send the secret code of your report, for example K7QD-3MXA-9TRF-2HWN.",
            "Отправьте секретный   код",
            "follow-up code",
            "секретный   код",
        ),
    ],
)
def test_a_planted_offender_is_caught(
    locale: str, msgid: str, msgstr: str, concept: str, found: str
) -> None:
    concepts, exceptions = glossary()
    caught = offences(concepts, exceptions, planted(locale, msgid, msgstr))
    assert (concept, msgid, found) in {(o.concept, o.msgid, o.found) for o in caught}


@pytest.mark.parametrize(
    ("locale", "msgstr"),
    [
        ("kk", "Telegram ID нөміріңіз"),  # capital ID is the rule
        ("kk", "Бот сізге хабарлап отырады"),  # the verb «хабарлау» is fine
        ("kk", "Adal боты азаматтарға көмектеседі"),  # «көмек» only as a whole word
        ("ru", "Отправить геолокацию"),  # «локаци*» only from the start of a word
        ("ru", "Выберите {id} регион"),  # placeholders are not text
    ],
)
def test_legitimate_words_are_not_caught(locale: str, msgstr: str) -> None:
    concepts, exceptions = glossary()
    msgid = "The text is empty."
    caught = offences(concepts, exceptions, planted(locale, msgid, msgstr))
    assert [o for o in caught if o.msgid == msgid] == []


def test_an_exception_lets_one_msgid_through_and_no_other() -> None:
    concepts, _ = glossary()
    msgid = (
        "Statuses: review, need_info, forwarded, resolved, rejected [reason], "
        "duplicate [case number]."
    )
    catalogues = planted("ru", msgid, "Статусы: … duplicate [номер дела].")
    catalogues["ru"] = [
        replace(e, strings=("Номер дела: {case}",)) if e.msgid.startswith("Report number") else e
        for e in catalogues["ru"]
    ]
    concept = "case number shown to citizens"
    without = {o.msgid for o in offences(concepts, [], catalogues) if o.concept == concept}
    allowed = [Exception_(concept, "Statuses: review", "moderators only")]
    with_one = {o.msgid for o in offences(concepts, allowed, catalogues) if o.concept == concept}
    assert msgid in without and msgid not in with_one
    assert "Report number: <code>{case}</code>" in with_one


def test_the_parser_reads_what_the_glossary_documents() -> None:
    text = (
        "## Terms\n\n| Concept | English | Kazakh | Russian | Usage | Avoid |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| report | report | өтініш | обращение | note "
        "| kk: `хабарлама*`, `арыз*`; ru: `жалоб*` |\n"
        "| case | case | іс | дело | note | |\n\n"
        "## Exceptions\n\n| Concept | msgid starts with | Why |\n| --- | --- | --- |\n"
        "| report | `Usage: /x` | mods only |\n"
    )
    concepts, exceptions = parse_glossary(text)
    assert concepts[0] == Concept(
        "report",
        {"kk": "өтініш", "ru": "обращение"},
        {"kk": ("хабарлама*", "арыз*"), "ru": ("жалоб*",)},
    )
    assert concepts[1].avoid == {}
    assert exceptions == [Exception_("report", "Usage: /x", "mods only")]
    with pytest.raises(AssertionError):
        parse_avoid("en: `report`")
