"""Storage of files the emulator knows: user uploads and bot uploads.

Identifiers mimic Telegram's shapes: every stored file gets an opaque ``file_id`` and a
``file_unique_id``; the sizes of one photo share a ``file_unique_id`` prefix but differ in the
suffix, and each has its own ``file_id``. All sizes of a photo serve the original bytes (no
real resizing), which keeps downloads byte-exact for tests.
"""

from __future__ import annotations

import io
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAA",
    "document": "BQACAgIAAxkBAA",
    "video": "BAACAgIAAxkBAA",
    "voice": "AwACAgIAAxkBAA",
    "sticker": "CAACAgIAAxkBAA",
}
_DIRECTORY = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "video": ("videos", "mp4"),
    "voice": ("voice", "oga"),
    "sticker": ("stickers", "webp"),
}
_PHOTO_SIDES = (90, 320, 800)
_PHOTO_SUFFIXES = ("AANz", "AANt", "AAN4", "AAN5")
DEFAULT_PHOTO_SIZE = (1280, 960)


@dataclass
class StoredFile:
    """One downloadable file (one photo size counts as one file)."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_path: str
    meta: dict[str, Any] = field(default_factory=dict)
    group: list[dict[str, Any]] | None = None  # all PhotoSize dicts of the same photo

    @property
    def size(self) -> int:
        return len(self.content)

    def as_telegram(self) -> dict[str, Any]:
        """The Telegram object (PhotoSize/Document/Video/...) describing this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            **self.meta,
        }

    def as_file(self) -> dict[str, Any]:
        """The ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


def image_size(content: bytes) -> tuple[int, int]:
    """Real dimensions if Pillow can read the bytes, else a plausible default."""
    try:
        from PIL import Image
    except ImportError:
        return DEFAULT_PHOTO_SIZE
    try:
        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except Exception:
        return DEFAULT_PHOTO_SIZE


def _photo_dimensions(width: int, height: int) -> list[tuple[int, int]]:
    """2–3 size variants like Telegram makes, never upscaled, the original last."""
    longest = max(width, height, 1)
    sides = [side for side in _PHOTO_SIDES if side < longest][:2]
    dims = [(max(1, width * side // longest), max(1, height * side // longest)) for side in sides]
    dims.append((width, height))
    if len(dims) == 1:
        dims.insert(0, (max(1, width // 2), max(1, height // 2)))
    return dims


class FileStore:
    """All files by ``file_id`` and by ``file_path``."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self.counter = itertools.count(1)

    def all(self) -> list[StoredFile]:
        return list(self._by_id.values())

    def put(self, stored: StoredFile) -> None:
        """Keep an already built file (a restored snapshot)."""
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def add(
        self,
        kind: str,
        content: bytes,
        *,
        meta: dict[str, Any] | None = None,
        unique_id: str | None = None,
        extension: str | None = None,
    ) -> StoredFile:
        number = next(self.counter)
        directory, default_ext = _DIRECTORY[kind]
        stored = StoredFile(
            file_id=f"{_ID_PREFIX[kind]}{number:05d}{secrets.token_urlsafe(18)}",
            file_unique_id=unique_id or f"AgAD{number:05d}{secrets.token_urlsafe(6)}",
            kind=kind,
            content=content,
            file_path=f"{directory}/file_{number}.{extension or default_ext}",
            meta=dict(meta or {}),
        )
        self.put(stored)
        return stored

    def add_photo(self, content: bytes) -> list[dict[str, Any]]:
        """Store a photo in several sizes; return the ``PhotoSize`` list for a Message."""
        base = f"AQAD{secrets.token_urlsafe(9)}"
        width, height = image_size(content)
        group: list[dict[str, Any]] = []
        for (w, h), suffix in zip(_photo_dimensions(width, height), _PHOTO_SUFFIXES, strict=False):
            stored = self.add(
                "photo", content, meta={"width": w, "height": h}, unique_id=base + suffix
            )
            stored.group = group
            group.append(stored.as_telegram())
        return [dict(size) for size in group]

    def add_document(self, content: bytes, file_name: str, mime_type: str) -> dict[str, Any]:
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else None
        meta = {"file_name": file_name, "mime_type": mime_type}
        return self.add("document", content, meta=meta, extension=extension).as_telegram()

    def add_video(self, content: bytes) -> dict[str, Any]:
        meta = {"width": 640, "height": 360, "duration": 1, "mime_type": "video/mp4"}
        return self.add("video", content, meta=meta).as_telegram()

    def add_voice(self, content: bytes) -> dict[str, Any]:
        return self.add(
            "voice", content, meta={"duration": 1, "mime_type": "audio/ogg"}
        ).as_telegram()

    def add_sticker(self) -> dict[str, Any]:
        meta = {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.add("sticker", b"RIFF\x00\x00\x00\x00WEBP", meta=meta).as_telegram()
