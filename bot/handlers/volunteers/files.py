"""Showing findings' files to a moderator: re-sent by file_id, nothing downloaded or stored.

One by one rather than as an album: an album cannot mix documents with photos, and findings
are at most ten files."""

from __future__ import annotations

from aiogram import Bot

from bot.db.repositories.reports import EvidenceFile


async def send_files(bot: Bot, chat_id: int, items: list[EvidenceFile], caption: str) -> None:
    for index, item in enumerate(items):
        text = caption if index == 0 else None
        if item.kind == "photo":
            await bot.send_photo(chat_id, item.file_id, caption=text)
        elif item.kind == "video":
            await bot.send_video(chat_id, item.file_id, caption=text)
        else:
            await bot.send_document(chat_id, item.file_id, caption=text)
