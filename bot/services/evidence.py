"""Strip identifying metadata from images that citizens send as files.

Telegram recompresses a *photo* and drops its EXIF, but an image sent *as a file* arrives
byte for byte: GPS position, camera serial number, owner name, XMP, IPTC, comments. That
can identify the reporter, so before the bot keeps such a file it downloads it, passes
the bytes through :func:`strip_metadata`, uploads the clean copy and keeps only the clean
``file_id``.

Decisions:

* Only pixels survive. The image is decoded, turned upright by its EXIF orientation and
  re-encoded in the same format (JPEG quality 92, PNG optimised, WebP quality 90 or
  lossless if the original was lossless, GIF as a still GIF). TIFF and BMP become PNG:
  lossless, and viewable in every Telegram client, without TIFF's tag directory.
* An ICC profile is dropped too (it can name a device or a person). Where it describes a
  wider gamut (iPhone "Display P3"), the pixels are first converted to sRGB so colours do
  not shift; CMYK images become RGB.
* Animated or multi-frame images (GIF, WebP, APNG, multi-page TIFF) are refused with
  ``MetadataError("animated")``: keeping only the first frame would silently change the
  evidence. The handler asks the person to send a still image or a photo instead.
  A JPEG with extra MPF pictures (Ultra HDR gain maps, depth maps, previews: Pillow calls
  it MPO) is not animation: only its primary picture is kept, as a plain JPEG.
* The format is taken from the bytes, not from the declared MIME type or name, which
  people and apps often get wrong. Only formats in :data:`CLEANABLE_MIME_TYPES` are
  decoded at all (Pillow's other decoders, e.g. EPS via Ghostscript, are never reached).
* HEIC/HEIF, AVIF, RAW camera files and SVG count as images but cannot be cleaned (no
  decoder is guaranteed in every Pillow build, or the format is not pixels).
* The clean file gets a neutral name like ``evidence.jpg``: the original name may hold a
  person's name.

This is CPU work; callers run it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import io
import struct
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # Pillow's wheels ship LittleCMS; a build without it only skips the sRGB conversion.
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None  # type: ignore[assignment]

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Telegram getFile limit
# Phone photos are 12-50 megapixels (108/200 MP sensors save 12 MP unless told otherwise).
# A 20 MB file can claim gigapixels (a decompression bomb); 60 MP decodes to at most
# 240 MB, and the cleaning holds about two copies of that at once.
MAX_PIXELS = 60_000_000

CLEANABLE_MIME_TYPES: frozenset[str] = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/gif", "image/tiff", "image/bmp"}
)

# Pillow format name -> (output format, output MIME type, output extension).
_OUTPUTS: dict[str, tuple[str, str, str]] = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "GIF": ("GIF", "image/gif", "gif"),
    "TIFF": ("PNG", "image/png", "png"),
    "BMP": ("PNG", "image/png", "png"),
}
# Pillow's decoders we let near the bytes; MPO is reached through the JPEG one.
_DECODERS = ["JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"]
# What Pillow's decoders raise on truncated or corrupt data.
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error)
# Modes each output format stores as they are; anything else becomes RGB or RGBA.
_KEPT_MODES: dict[str, frozenset[str]] = {
    "JPEG": frozenset({"L", "RGB"}),
    "PNG": frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I;16"}),
    "WEBP": frozenset({"RGB", "RGBA"}),
    "GIF": frozenset({"L", "P"}),
}
# Modes with an alpha band (LAB's "A" band is a colour axis, so bands cannot tell).
_ALPHA_MODES = frozenset({"LA", "La", "PA", "RGBA", "RGBa"})
# The only decoded info worth carrying over: which palette entry is transparent.
_KEPT_INFO = ("transparency",)

_MIME_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/x-ms-bmp": "image/bmp",
    "image/x-bmp": "image/bmp",
    "image/tif": "image/tiff",
}
_GENERIC_MIME_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_EXTENSION_MIME_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "jfif": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "heic": "image/heic",
    "heif": "image/heif",
    "avif": "image/avif",
    "svg": "image/svg+xml",
    "dng": "image/x-adobe-dng",
    "cr2": "image/x-canon-cr2",
    "cr3": "image/x-canon-cr3",
    "nef": "image/x-nikon-nef",
    "arw": "image/x-sony-arw",
    "orf": "image/x-olympus-orf",
    "rw2": "image/x-panasonic-rw2",
    "raf": "image/x-fuji-raf",
}


class MetadataError(Exception):
    """The file cannot be cleaned, so it must not be kept.

    ``reason`` is a code for the handler to translate: ``"too_large"`` (bytes or pixels),
    ``"not_an_image"`` (unreadable or corrupt), ``"unsupported"`` (an image type we cannot
    clean, e.g. HEIC) or ``"animated"``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanImage:
    """Re-encoded pixels with no metadata, ready to upload in place of the original."""

    content: bytes
    mime_type: str
    file_name: str


def is_image_document(mime_type: str | None, file_name: str | None) -> bool:
    """Whether a document is an image and therefore may carry EXIF/GPS.

    Either signal is enough: a wrong guess here only means a clean-or-refuse step, while a
    missed image would be kept with the reporter's position in it.
    """
    declared = _normalized_mime(mime_type)
    return declared.startswith("image/") or _extension_mime(file_name).startswith("image/")


def can_clean(mime_type: str | None, file_name: str | None) -> bool:
    """Whether :func:`strip_metadata` handles this declared type.

    The MIME type decides when it names an image; the extension is used when the type is
    missing or generic (``application/octet-stream``) or not an image type at all.
    """
    return _effective_mime(mime_type, file_name) in CLEANABLE_MIME_TYPES


def strip_metadata(
    data: bytes, mime_type: str | None = None, file_name: str | None = None
) -> CleanImage:
    """Re-encode an image so that only its pixels remain (see the module docstring).

    ``mime_type`` and ``file_name`` are hints only: the bytes decide the format. They are
    used to report ``"unsupported"`` rather than ``"not_an_image"`` when a declared HEIC,
    RAW or similar file cannot be decoded.
    """
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise MetadataError("too_large")
    with _open(data, _effective_mime(mime_type, file_name)) as original:
        source_format = original.format or ""
        pixels = _decode(original)
    out_format, out_mime, extension = _OUTPUTS[source_format]
    clean = _fit_mode(_to_srgb(pixels), out_format)
    kept = _KEPT_INFO if clean.mode == pixels.mode else ()  # a converted mode has no index
    clean.info = {key: pixels.info[key] for key in kept if key in pixels.info}
    content = _encode(clean, out_format, lossless=_is_lossless_webp(data))
    return CleanImage(content=content, mime_type=out_mime, file_name=f"evidence.{extension}")


def _open(data: bytes, declared: str) -> Image.Image:
    """Open with only the cleanable decoders; refuse bombs before any pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=_DECODERS)
    except Image.DecompressionBombError:
        raise MetadataError("too_large") from None
    except (UnidentifiedImageError, OSError, ValueError):
        known_other = declared.startswith("image/") and declared not in CLEANABLE_MIME_TYPES
        raise MetadataError("unsupported" if known_other else "not_an_image") from None
    try:
        _refuse_unsafe(image)
    except MetadataError:
        image.close()
        raise
    return image


def _refuse_unsafe(image: Image.Image) -> None:
    """Too many pixels (a decompression bomb) or several frames: refuse before decoding."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise MetadataError("too_large")
    try:
        frames = 1 if image.format == "MPO" else getattr(image, "n_frames", 1)
    except _DECODE_ERRORS:
        raise MetadataError("not_an_image") from None
    if frames > 1:
        raise MetadataError("animated")


def _decode(image: Image.Image) -> Image.Image:
    """Decode the pixels and apply the EXIF orientation so the picture stays upright.

    Returns a new image, independent of the file, which the caller may change in place.
    """
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        # Truncated or corrupt data surfaces here, when the pixels are actually decoded.
        raise MetadataError("not_an_image") from None
    return upright if upright is not None else image.copy()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert colour pixels to sRGB using their ICC profile, before the profile is dropped.

    ``image`` is our own decoded copy, so RGB(A) is converted in place: a 60-megapixel
    picture should not be held in memory three times.
    """
    icc = image.info.get("icc_profile")
    if icc and ImageCms is not None and image.mode in ("RGB", "RGBA", "CMYK"):
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        # A broken profile must not block the report: then the pixels stay as they are.
        with contextlib.suppress(OSError, ValueError, TypeError, ImageCms.PyCMSError):
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=out_mode,
                inPlace=image.mode == out_mode,
            )
            return converted if converted is not None else image
    return image.convert("RGB") if image.mode == "CMYK" else image


def _fit_mode(image: Image.Image, out_format: str) -> Image.Image:
    """Convert to a mode the output format stores faithfully (e.g. CMYK or F -> RGB)."""
    if image.mode in _KEPT_MODES[out_format]:
        return image
    has_alpha = image.mode in _ALPHA_MODES or "transparency" in image.info
    wants_alpha = has_alpha and out_format in ("PNG", "WEBP")
    try:
        return image.convert("RGBA" if wants_alpha else "RGB")
    except ValueError:
        raise MetadataError("unsupported") from None


def _encode(image: Image.Image, out_format: str, *, lossless: bool) -> bytes:
    """Save with explicit options only: no exif, icc_profile, xmp, comment or text chunks."""
    options: dict[str, object] = {
        "JPEG": {"quality": 92, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"lossless": True} if lossless else {"quality": 90},
        "GIF": {},
    }[out_format]
    buffer = io.BytesIO()
    try:
        image.save(buffer, format=out_format, **options)
    except (OSError, ValueError):
        raise MetadataError("unsupported") from None
    return buffer.getvalue()


def _is_lossless_webp(data: bytes) -> bool:
    """Whether a WebP file holds a lossless (VP8L) bitstream, so re-encoding stays lossless."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    offset = 12
    while offset + 8 <= len(data):
        fourcc = data[offset : offset + 4]
        if fourcc in (b"VP8L", b"VP8 "):
            return fourcc == b"VP8L"
        (size,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        offset += 8 + size + (size & 1)
    return False


def _normalized_mime(mime_type: str | None) -> str:
    base = (mime_type or "").split(";")[0].strip().lower()
    return _MIME_ALIASES.get(base, base)


def _extension_mime(file_name: str | None) -> str:
    suffix = PurePath(file_name or "").suffix.lower().lstrip(".")
    return _EXTENSION_MIME_TYPES.get(suffix, "")


def _effective_mime(mime_type: str | None, file_name: str | None) -> str:
    """The declared image type: the MIME type if it names an image, else the extension's."""
    declared = _normalized_mime(mime_type)
    if declared.startswith("image/"):
        return declared
    return _extension_mime(file_name) or ("" if declared in _GENERIC_MIME_TYPES else declared)
