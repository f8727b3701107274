"""Kazakhstan's 17 oblasts and 3 cities of republican significance (ISO 3166-2:KZ)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# Codepoint order misplaces Kazakh letters (Ә after Я), so sort by the Kazakh alphabet.
_KK_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_ORDER = {letter: index for index, letter in enumerate(_KK_ALPHABET)}


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    kind: str  # "region" (oblast) or "city"
    name_kk: str
    name_ru: str

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_kk

    @property
    def case_prefix(self) -> str:
        """The part of a case number that names the region, e.g. KZ27 for KZ-27."""
        return self.code.replace("-", "")


@cache
def all_regions() -> tuple[Region, ...]:
    text = files("bot.data").joinpath("regions.csv").read_text("utf-8")
    return tuple(
        Region(row["iso_code"], row["kind"], row["name_kk"], row["name_ru"])
        for row in csv.DictReader(text.splitlines())
    )


def get_region(code: str) -> Region | None:
    return next((r for r in all_regions() if r.code == code), None)


def region_from_text(text: str) -> Region | None:
    """What a person types for a region code: KZ-27, kz27 or just 27."""
    digits = "".join(ch for ch in text if ch.isdigit())
    letters = "".join(ch for ch in text.upper() if ch.isalpha())
    if not digits or letters not in ("", "KZ"):
        return None
    return get_region(f"KZ-{digits}")


def _sort_key(region: Region, locale: str) -> tuple[int, list[int]]:
    name = region.name(locale).lower()
    for generic in ("область ", " облысы", "город ", " қаласы"):
        name = name.replace(generic, "")
    # Cities first: they are where most people live and are easiest to spot.
    return (0 if region.kind == "city" else 1, [_ORDER.get(ch, 100 + ord(ch)) for ch in name])


def regions_for_picker(locale: str) -> list[Region]:
    return sorted(all_regions(), key=lambda region: _sort_key(region, locale))
