"""Showing a case's files to a moderator: re-sent by file_id, nothing downloaded or stored."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InputMediaDocument, InputMediaPhoto, InputMediaVideo

from bot.db.repositories.reports import EvidenceFile, Report
from bot.views.moderation import files_caption, no_files_text

ALBUM = 10  # Telegram's most items in one media group


async def send_evidence(bot: Bot, chat_id: int, report: Report, files: list[EvidenceFile]) -> None:
    if not files:
        await bot.send_message(chat_id, no_files_text(report.case_number))
        return
    caption = files_caption(report.case_number)
    for start in range(0, len(files), ALBUM):
        batch = files[start : start + ALBUM]
        try:
            if len(batch) == 1:
                await _send_one(bot, chat_id, batch[0], caption)
            else:
                await bot.send_media_group(chat_id, [_media(item) for item in batch])
        except TelegramBadRequest:
            # Albums cannot mix documents with photos: fall back to one by one.
            for item in batch:
                await _send_one(bot, chat_id, item, caption)


def _media(item: EvidenceFile) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument:
    if item.kind == "photo":
        return InputMediaPhoto(media=item.file_id)
    if item.kind == "video":
        return InputMediaVideo(media=item.file_id)
    return InputMediaDocument(media=item.file_id)


async def _send_one(bot: Bot, chat_id: int, item: EvidenceFile, caption: str) -> None:
    if item.kind == "photo":
        await bot.send_photo(chat_id, item.file_id, caption=caption)
    elif item.kind == "video":
        await bot.send_video(chat_id, item.file_id, caption=caption)
    else:
        await bot.send_document(chat_id, item.file_id, caption=caption)
