"""Callback data factories. Prefixes are short: callback_data is limited to 64 bytes."""

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class RegionCallback(CallbackData, prefix="reg"):
    code: str
