"""Evidence files: photos, videos and documents; image files are cleaned before we keep them."""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, Message

from bot.services.drafts import Evidence
from bot.services.evidence import (
    MAX_DOWNLOAD_BYTES,
    MetadataError,
    can_clean,
    is_image_document,
    strip_metadata,
)
from bot.views.report_flow import cannot_clean_text, cleaned_caption, send_a_file_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str  # already translated


@dataclass(frozen=True, slots=True)
class Accepted:
    evidence: Evidence
    clean_copy_message_id: int | None = None


def has_file(message: Message) -> bool:
    return bool(message.photo or message.video or message.document)


async def take_file(message: Message, bot: Bot) -> Accepted | Refused:
    """Turn a user's message into evidence we may keep, or say why not."""
    if message.photo:
        # Telegram re-encodes photos and drops their EXIF: the largest size is safe to keep.
        return Accepted(Evidence("photo", message.photo[-1].file_id, "image/jpeg", True))
    if message.video:
        return Accepted(Evidence("video", message.video.file_id, message.video.mime_type))
    document = message.document
    if document is None:
        return Refused(send_a_file_text())
    if not is_image_document(document.mime_type, document.file_name):
        return Accepted(Evidence("document", document.file_id, document.mime_type))
    return await _clean_image(message, bot)


async def _clean_image(message: Message, bot: Bot) -> Accepted | Refused:
    document = message.document
    assert document is not None
    cannot = cannot_clean_text()
    if (
        not can_clean(document.mime_type, document.file_name)
        or (document.file_size or 0) > MAX_DOWNLOAD_BYTES
    ):
        return Refused(cannot)
    try:
        buffer = io.BytesIO()
        await bot.download(document.file_id, destination=buffer)
        clean = await asyncio.to_thread(
            strip_metadata, buffer.getvalue(), document.mime_type, document.file_name
        )
    except (MetadataError, TelegramAPIError) as exc:
        log.info("image evidence not cleaned: %s", type(exc).__name__)
        return Refused(cannot)
    sent = await bot.send_document(
        message.chat.id,
        BufferedInputFile(clean.content, clean.file_name),
        caption=cleaned_caption(),
        reply_to_message_id=message.message_id,
    )
    assert sent.document is not None
    return Accepted(
        Evidence("document", sent.document.file_id, clean.mime_type, True), sent.message_id
    )
