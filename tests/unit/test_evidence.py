"""Metadata stripping for images sent as files (bot/services/evidence.py).

Every source image is built in memory with recognisable metadata, and each test first
checks that the marker really is in the source bytes, so a Pillow that silently ignored a
save option could not make a test pass by accident.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from PIL.TiffImagePlugin import IFDRational

from bot.services.evidence import (
    CLEANABLE_MIME_TYPES,
    MAX_DOWNLOAD_BYTES,
    CleanImage,
    MetadataError,
    can_clean,
    is_image_document,
    strip_metadata,
)

SERIAL = b"SERIAL-XK42-0077"
ARTIST = b"Gulnar Seitova ARTIST-7731"
OWNER = "Гүлнар Сейітова".encode()
MODEL = b"MODEL-QZ-9000"
GPS_TEXT = b"GPS 43.238949, 76.889709"
AUTHOR_TEXT = b"Author: Gulnar Seitova"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'photoshop:Credit="XMP-CREDIT-5521"/></rdf:RDF></x:xmpmeta>'
)
XMP_MARKER = b"XMP-CREDIT-5521"
IPTC_MARKER = b"IPTC-BYLINE-3390"
COMMENT = b"COMMENT-MARKER-from-phone-of-Gulnar"
MARKERS = (SERIAL, ARTIST, OWNER, MODEL, GPS_TEXT, AUTHOR_TEXT, XMP_MARKER, IPTC_MARKER, COMMENT)
FORBIDDEN_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop")
SIZE = (64, 40)


def _exif(orientation: int = 1) -> bytes:
    """EXIF with a GPS position, a body serial number, an owner, an artist and a model."""
    exif = Image.Exif()
    exif[0x013B] = ARTIST.decode()  # Artist
    exif[0x0110] = MODEL.decode()  # Model
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (IFDRational(43), IFDRational(14), IFDRational(2012, 100))  # GPSLatitude
    gps[3] = "E"
    gps[4] = (IFDRational(76), IFDRational(53), IFDRational(2255, 100))  # GPSLongitude
    details = exif.get_ifd(0x8769)
    details[0xA431] = SERIAL.decode()  # BodySerialNumber
    details[0xA430] = OWNER  # CameraOwnerName, UTF-8 as phones write it
    return exif.tobytes()


def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _picture(mode: str = "RGB") -> Image.Image:
    """Red left half, blue right half: survives lossy codecs and shows rotation."""
    image = Image.new("RGB", SIZE, (220, 20, 20))
    image.paste((20, 20, 220), (SIZE[0] // 2, 0, SIZE[0], SIZE[1]))
    return image.convert(mode)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _with_segments(jpeg: bytes, *segments: bytes) -> bytes:
    """Insert APPn/COM segments right after SOI, as cameras and editors do."""
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _iptc_segment() -> bytes:
    """APP13 Photoshop block with an IPTC By-line (2:80)."""
    record = b"\x1c\x02\x50" + struct.pack(">H", len(IPTC_MARKER)) + IPTC_MARKER
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(record))
    resource += record + (b"\x00" if len(record) % 2 else b"")
    return _jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource)


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def make_jpeg(orientation: int = 1) -> bytes:
    data = _save(
        _picture(), "JPEG", exif=_exif(orientation), comment=COMMENT, icc_profile=_srgb_icc()
    )
    xmp = _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
    return _with_segments(data, xmp, _iptc_segment())


def make_png() -> bytes:
    info = PngInfo()
    info.add_text("Author", AUTHOR_TEXT.decode())
    info.add_itxt("Comment", GPS_TEXT.decode())
    info.add_text("Description", COMMENT.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return _save(_picture("RGBA"), "PNG", pnginfo=info, exif=_exif(), icc_profile=_srgb_icc())


def make_webp(lossless: bool = False) -> bytes:
    return _save(
        _picture(),
        "WEBP",
        exif=_exif(),
        xmp=XMP,
        icc_profile=_srgb_icc(),
        lossless=lossless,
        quality=90,
    )


def make_gif() -> bytes:
    image = _picture().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return _save(image, "GIF", comment=COMMENT, transparency=0)


def make_tiff() -> bytes:
    return _save(_picture(), "TIFF", exif=_exif(), icc_profile=_srgb_icc())


def make_bmp() -> bytes:
    return _save(_picture(), "BMP")


SOURCES: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    # name: (builder, declared MIME type, expected MIME type, expected file name)
    "jpeg": (make_jpeg, "image/jpeg", "image/jpeg", "evidence.jpg"),
    "png": (make_png, "image/png", "image/png", "evidence.png"),
    "webp": (make_webp, "image/webp", "image/webp", "evidence.webp"),
    "gif": (make_gif, "image/gif", "image/gif", "evidence.gif"),
    "tiff": (make_tiff, "image/tiff", "image/png", "evidence.png"),
    "bmp": (make_bmp, "image/bmp", "image/png", "evidence.png"),
}


def _clean(name: str) -> tuple[bytes, CleanImage]:
    builder, declared, _, _ = SOURCES[name]
    source = builder()
    return source, strip_metadata(source, declared, "Гүлнар_Сейітова_IMG_0042." + name)


def _jpeg_markers(data: bytes) -> list[int]:
    """Segment markers of a JPEG up to the start of the scan."""
    markers, offset = [], 2
    while offset < len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return markers


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


def _riff_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        (length,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        chunks.append(data[offset : offset + 4])
        offset += 8 + length + (length & 1)
    return chunks


EXIF_MARKERS = (SERIAL, ARTIST, OWNER, MODEL)
SOURCE_MARKERS = {
    "jpeg": (*EXIF_MARKERS, XMP_MARKER, IPTC_MARKER, COMMENT),
    "png": (*EXIF_MARKERS, XMP_MARKER, AUTHOR_TEXT, GPS_TEXT),
    "webp": (*EXIF_MARKERS, XMP_MARKER),
    "gif": (COMMENT,),
    "tiff": EXIF_MARKERS,
    "bmp": (),  # BMP has nowhere to keep metadata; it is here for the PNG conversion
}


@pytest.mark.parametrize("name", list(SOURCES))
def test_source_really_carries_metadata(name: str) -> None:
    source = SOURCES[name][0]()
    for marker in SOURCE_MARKERS[name]:
        assert marker in source


@pytest.mark.parametrize("name", list(SOURCES))
def test_no_marker_survives(name: str) -> None:
    _, clean = _clean(name)
    for marker in MARKERS:
        assert marker not in clean.content


@pytest.mark.parametrize("name", list(SOURCES))
def test_clean_image_has_no_metadata(name: str) -> None:
    _, clean = _clean(name)
    with Image.open(io.BytesIO(clean.content)) as image:
        assert len(image.getexif()) == 0
        for key in FORBIDDEN_INFO:
            assert key not in image.info
        assert not any(key.lower().startswith(("author", "comment", "desc")) for key in image.info)
        assert getattr(image, "text", {}) == {}


@pytest.mark.parametrize("name", list(SOURCES))
def test_format_name_and_size(name: str) -> None:
    _, _, expected_mime, expected_name = SOURCES[name]
    _, clean = _clean(name)
    assert clean.mime_type == expected_mime
    assert clean.file_name == expected_name
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == SIZE
        assert Image.MIME[image.format or ""] == expected_mime


def test_jpeg_keeps_no_app_or_comment_segments() -> None:
    source, clean = _clean("jpeg")
    assert {0xE1, 0xE2, 0xED, 0xFE} <= set(_jpeg_markers(source))  # EXIF/XMP, ICC, IPTC, COM
    kept = set(_jpeg_markers(clean.content))
    assert not kept & {0xE1, 0xE2, 0xED, 0xFE}
    assert kept - {0xE0} <= {0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA}


def test_png_keeps_no_text_exif_or_icc_chunks() -> None:
    source, clean = _clean("png")
    assert {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"} <= set(_png_chunks(source))
    assert set(_png_chunks(clean.content)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


@pytest.mark.parametrize("lossless", [False, True])
def test_webp_keeps_no_exif_xmp_or_icc_chunks_and_its_compression(lossless: bool) -> None:
    source = make_webp(lossless)
    assert {b"EXIF", b"XMP ", b"ICCP"} <= set(_riff_chunks(source))
    clean = strip_metadata(source, "image/webp", "x.webp")
    chunks = set(_riff_chunks(clean.content))
    assert not chunks & {b"EXIF", b"XMP ", b"ICCP"}
    assert (b"VP8L" in chunks) is lossless


def test_exif_orientation_is_applied() -> None:
    clean = strip_metadata(make_jpeg(orientation=6), "image/jpeg", "IMG_0001.JPG")
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == (SIZE[1], SIZE[0])  # orientation 6: rotate 90° clockwise
        assert len(image.getexif()) == 0
        top, bottom = image.getpixel((10, 5)), image.getpixel((10, SIZE[0] - 5))
    # The raw left half (red) is on top once the picture is upright.
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]


def test_colours_survive_the_srgb_conversion() -> None:
    _, clean = _clean("png")
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.mode == "RGBA"
        red = image.getpixel((5, 5))
    assert all(abs(a - b) <= 3 for a, b in zip(red, (220, 20, 20, 255), strict=True))


def test_gif_transparency_is_kept() -> None:
    _, clean = _clean("gif")
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.mode == "P"
        assert "transparency" in image.info


def test_cmyk_jpeg_becomes_rgb() -> None:
    source = _save(_picture("CMYK"), "JPEG", exif=_exif())
    clean = strip_metadata(source, "image/jpeg")
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.mode == "RGB"
    assert SERIAL not in clean.content


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("1", "1"),
        ("L", "L"),
        ("LA", "LA"),
        ("P", "P"),
        ("RGBA", "RGBA"),
        ("I;16", "I;16"),
        ("PA", "RGBA"),
        ("CMYK", "RGB"),
        ("LAB", "RGB"),  # its "A" band is a colour axis, not alpha
        ("I", "RGB"),
        ("F", "RGB"),
    ],
)
def test_tiff_modes_become_png_modes(mode: str, expected: str) -> None:
    source = _save(Image.new(mode, SIZE), "TIFF", tiffinfo={315: ARTIST.decode()})
    assert ARTIST in source
    clean = strip_metadata(source, "image/tiff", "scan.tiff")
    assert ARTIST not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", expected, SIZE)


@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "L"), ("PNG", "P"), ("PNG", "LA")])
def test_modes_are_kept(fmt: str, mode: str) -> None:
    options: dict[str, object] = {"transparency": 3} if mode == "P" else {}
    source = _save(_picture(mode), fmt, exif=_exif(), **options)
    with Image.open(io.BytesIO(strip_metadata(source).content)) as image:
        assert image.mode == mode
        assert (mode == "P") is ("transparency" in image.info)
        assert len(image.getexif()) == 0


def test_mpo_keeps_only_the_primary_picture_as_jpeg() -> None:
    """Ultra HDR and depth photos hold extra MPF pictures; that is not animation."""
    second = Image.new("RGB", (16, 16), "white")
    source = _save(_picture(), "MPO", save_all=True, append_images=[second], exif=_exif())
    assert SERIAL in source
    clean = strip_metadata(source, "image/jpeg", "PXL_20261122.jpg")
    assert clean.mime_type == "image/jpeg"
    assert SERIAL not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.format == "JPEG"
        assert image.size == SIZE
        assert getattr(image, "n_frames", 1) == 1


def test_format_comes_from_the_bytes_not_the_label() -> None:
    clean = strip_metadata(make_png(), "image/jpeg", "photo.jpg")
    assert (clean.mime_type, clean.file_name) == ("image/png", "evidence.png")


def _frames(fmt: str, **options: object) -> bytes:
    frames = [_picture(), Image.new("RGB", SIZE, "green")]
    return _save(frames[0], fmt, save_all=True, append_images=frames[1:], **options)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG", "TIFF"])
def test_animated_or_multipage_is_refused(fmt: str) -> None:
    with pytest.raises(MetadataError) as caught:
        strip_metadata(_frames(fmt))
    assert caught.value.reason == "animated"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        make_jpeg()[:400],
        make_png()[:-40],
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
    ],
    ids=["empty", "text", "pdf", "truncated-jpeg", "truncated-png", "jpeg-header-only"],
)
def test_corrupt_data_is_refused(data: bytes) -> None:
    with pytest.raises(MetadataError) as caught:
        strip_metadata(data, "image/jpeg", "IMG.jpg")
    assert caught.value.reason == "not_an_image"


def test_other_decoders_are_not_reached() -> None:
    """EPS would run Ghostscript; ICO, PSD and friends are not on the list either."""
    for fmt in ("ICO", "PCX", "TGA"):
        with pytest.raises(MetadataError) as caught:
            strip_metadata(_save(_picture(), fmt))
        assert caught.value.reason == "not_an_image"


def test_declared_uncleanable_type_is_reported_as_unsupported() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(MetadataError) as caught:
        strip_metadata(heic, "image/heic", "IMG_0001.HEIC")
    assert caught.value.reason == "unsupported"


def test_too_many_bytes_is_refused_before_decoding() -> None:
    with pytest.raises(MetadataError) as caught:
        strip_metadata(b"\xff\xd8" + b"\x00" * MAX_DOWNLOAD_BYTES, "image/jpeg")
    assert caught.value.reason == "too_large"


def test_too_many_pixels_is_refused() -> None:
    bomb = _save(Image.new("1", (8000, 8000)), "PNG")  # 64 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(MetadataError) as caught:
        strip_metadata(bomb, "image/png")
    assert caught.value.reason == "too_large"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def test_pillow_bomb_limit_is_reported_as_too_large() -> None:
    """A header claiming 900 megapixels trips Pillow's own bomb check in Image.open."""
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")
    with pytest.raises(MetadataError) as caught:
        strip_metadata(png, "image/png")
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    ("mime_type", "file_name", "image", "cleanable"),
    [
        ("image/jpeg", "IMG_0001.JPG", True, True),
        ("image/jpg", None, True, True),
        ("image/png", "screenshot.png", True, True),
        ("image/webp", None, True, True),
        ("image/gif", None, True, True),
        ("image/tiff", "scan.tif", True, True),
        ("image/bmp", None, True, True),
        ("IMAGE/JPEG; charset=binary", None, True, True),
        ("application/octet-stream", "IMG_0001.jpeg", True, True),
        (None, "photo.PNG", True, True),
        ("", "photo.webp", True, True),
        ("image/heic", "IMG_0001.HEIC", True, False),
        (None, "IMG_0001.heic", True, False),
        ("image/avif", None, True, False),
        ("image/svg+xml", "plan.svg", True, False),
        ("application/octet-stream", "DSC_0001.NEF", True, False),
        ("image/x-adobe-dng", "raw.dng", True, False),
        ("application/pdf", "contract.pdf", False, False),
        ("video/mp4", "clip.mp4", False, False),
        ("application/zip", None, False, False),
        ("application/octet-stream", "notes.txt", False, False),
        (None, None, False, False),
        (None, "no_extension", False, False),
    ],
)
def test_is_image_and_can_clean(
    mime_type: str | None, file_name: str | None, image: bool, cleanable: bool
) -> None:
    assert is_image_document(mime_type, file_name) is image
    assert can_clean(mime_type, file_name) is cleanable


def test_cleanable_types_are_images() -> None:
    assert "image/jpeg" in CLEANABLE_MIME_TYPES
    assert "image/heic" not in CLEANABLE_MIME_TYPES
    assert all(is_image_document(mime, None) for mime in CLEANABLE_MIME_TYPES)


def test_clean_image_is_frozen() -> None:
    _, clean = _clean("bmp")
    with pytest.raises(AttributeError):
        clean.file_name = "Гүлнар.png"  # type: ignore[misc]
