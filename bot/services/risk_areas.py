"""The areas of corruption risk citizens report under (bot/data/risk_areas.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class RiskArea:
    key: str
    name_kk: str
    name_ru: str

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_kk


@cache
def all_areas() -> tuple[RiskArea, ...]:
    text = files("bot.data").joinpath("risk_areas.csv").read_text("utf-8")
    return tuple(
        RiskArea(row["key"], row["name_kk"], row["name_ru"])
        for row in csv.DictReader(text.splitlines())
    )


def get_area(key: str) -> RiskArea | None:
    return next((area for area in all_areas() if area.key == key), None)
