"""Weekly micro-lessons, read from bot/data/lessons/*.toml (editors add files, not code).

Each file is one lesson, sent in file-name order, then from the start again:

    [kk]
    title = "..."
    text = \"\"\"...\"\"\"

    [ru]
    title = "..."
    text = \"\"\"...\"\"\"

Texts are plain (no HTML): the bot escapes them and sets the title in bold.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

LOCALES = ("kk", "ru")


@dataclass(frozen=True, slots=True)
class Lesson:
    key: str  # the file name without .toml
    titles: dict[str, str]
    texts: dict[str, str]

    def title(self, locale: str) -> str:
        return self.titles.get(locale) or self.titles["kk"]

    def text(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts["kk"]


class LessonFileError(ValueError):
    pass


def parse_lesson(key: str, raw: str) -> Lesson:
    data = tomllib.loads(raw)
    titles, texts = {}, {}
    for locale in LOCALES:
        part = data.get(locale)
        if not isinstance(part, dict):
            raise LessonFileError(f"{key}: no [{locale}] table")
        title, text = part.get("title"), part.get("text")
        if not isinstance(title, str) or not isinstance(text, str):
            raise LessonFileError(f"{key}: [{locale}] needs title and text")
        if not title.strip() or not text.strip():
            raise LessonFileError(f"{key}: [{locale}] is empty")
        titles[locale], texts[locale] = title.strip(), text.strip()
    return Lesson(key, titles, texts)


@cache
def all_lessons() -> tuple[Lesson, ...]:
    folder = files("bot.data").joinpath("lessons")
    found = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    return tuple(
        parse_lesson(entry.name[: -len(".toml")], entry.read_text("utf-8")) for entry in found
    )


def get_lesson(key: str) -> Lesson | None:
    return next((lesson for lesson in all_lessons() if lesson.key == key), None)
