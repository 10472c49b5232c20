"""Checks of uploaded files by their real content (magic bytes, Pillow), never by the name
or the browser's claimed content type, and the resized renditions of cover images."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

#: Pillow formats accepted for covers.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (320, 640, 1280)
#: Refuse decompression bombs before decoding: 40 megapixels is far above any photo need.
MAX_IMAGE_PIXELS = 40_000_000


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}MB"


def _read_head(upload, length: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


@dataclass(frozen=True)
class CheckedImage:
    format: str  # "JPEG", "PNG", "WEBP"
    width: int
    height: int


def image_check(upload) -> CheckedImage:
    """Raise ``ValidationError`` unless ``upload`` is a real JPEG/PNG/WebP image within the
    size limit (``REGIONS_MAX_IMAGE_BYTES``)."""
    limit = settings.REGIONS_MAX_IMAGE_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("图片不能超过%(limit)s，请压缩后再上传。") % {"limit": _megabytes(limit)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise ValidationError(_("只支持 JPG、PNG 或 WebP 格式的图片。"))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("图片尺寸过大，请缩小后再上传。"))
            image.verify()
            checked = CheckedImage(format=image.format, width=image.width, height=image.height)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(_("这个文件不是有效的图片，请上传 JPG、PNG 或 WebP 图片。")) from None
    finally:
        upload.seek(0)
    return checked


def image_renditions(*, upload, stem: str) -> dict[str, str]:
    """Save WebP copies of a checked image at ``RENDITION_WIDTHS`` (never enlarged) and
    return their storage names by width."""
    upload.seek(0)
    with Image.open(upload) as source:
        source.load()
        image = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    renditions: dict[str, str] = {}
    for width in RENDITION_WIDTHS:
        copy = image.copy()
        if copy.width > width:
            height = max(1, round(copy.height * width / copy.width))
            copy = copy.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "WEBP", quality=80, method=4)
        name = default_storage.save(
            f"articles/renditions/{stem}-{width}.webp", ContentFile(buffer.getvalue())
        )
        renditions[str(width)] = name
    upload.seek(0)
    return renditions


#: Extensions allowed for attachments, with how their content is recognised.
ATTACHMENT_KINDS = {
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "jpg": _("图片"),
    "jpeg": _("图片"),
    "png": _("图片"),
}


def _ooxml_kind(upload) -> str | None:
    """ "docx"/"xlsx" if the ZIP holds the Office Open XML part that defines it."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def attachment_check(upload) -> str:
    """The real kind ("pdf", "docx", "xlsx", "jpg", "png") of an attachment, or
    ``ValidationError`` if its size, extension or content is not acceptable."""
    limit = settings.REGIONS_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(_("附件不能超过%(limit)s。") % {"limit": _megabytes(limit)})
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_KINDS:
        raise ValidationError(_("附件只支持 PDF、Word（docx）、Excel（xlsx）、JPG 和 PNG。"))
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        real = "pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        real = "jpg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        real = "png"
    elif head.startswith(b"PK\x03\x04"):
        real = _ooxml_kind(upload) or ""
    else:
        real = ""
    expected = "jpg" if extension == "jpeg" else extension
    if real != expected:
        raise ValidationError(
            _("附件“%(name)s”的内容与扩展名不符，请上传真实的 PDF、Word、Excel 或图片文件。")
            % {"name": PurePath(upload.name).name}
        )
    return real
