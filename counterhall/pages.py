"""Checking a scanned page before it is stored (the electronic case file).

``check_upload(f)`` reads an uploaded file once and says what it really is: a JPEG, a PNG
or a PDF, by its content (magic bytes), never by its name or the browser's word; the name's
extension must agree. It refuses, with a sentence the teller reads (``ValidationError``):
a file over ``COUNTERHALL_PAGE_MAX_BYTES``, another type, a file that is not what its name
says (an executable called ``.jpg``), an image over ``COUNTERHALL_PAGE_MAX_PIXELS`` (an
image bomb: the header is read before any pixel is decoded) or that does not decode, a PDF
that is encrypted, broken, or carries JavaScript, launch actions or embedded files.
Nothing here writes; ``counterhall.services.case_pages_add`` stores what passed.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.utils.translation import gettext_lazy as _

from counterhall.models import PageType

STORAGE_ALIAS = "casefile"

EXTENSIONS = {
    PageType.JPEG: {".jpg", ".jpeg"},
    PageType.PNG: {".png"},
    PageType.PDF: {".pdf"},
}
SUFFIX = {PageType.JPEG: "jpg", PageType.PNG: "png", PageType.PDF: "pdf"}
# PDF names that run code or carry other files; a scanned page has none of them.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")

REFUSED_EMPTY = _("文件是空的。")
REFUSED_TYPE = _("“%(name)s”不是可接受的文件类型：只接受 JPEG、PNG 图片和 PDF 文件。")
REFUSED_MISMATCH = _("“%(name)s”的内容与文件名不符（内容是 %(real)s），未保存。")
REFUSED_TOO_LARGE = _("“%(name)s”超过每页 %(limit)s 的上限，未保存。")
REFUSED_PIXELS = _("“%(name)s”的图像尺寸过大（%(width)s×%(height)s 像素），未保存。")
REFUSED_BROKEN = _("“%(name)s”已损坏或无法读取，未保存。")
REFUSED_PDF_ACTIVE = _("“%(name)s”含有脚本或嵌入内容，出于安全原因不予接收。")
REFUSED_PDF_ENCRYPTED = _("“%(name)s”已加密，请扫描未加密的文件。")


def storage():
    """The case file's storage (settings.STORAGES["casefile"])."""
    return storages[STORAGE_ALIAS]


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{size / 1024:.0f} KB"


@dataclass(frozen=True)
class CheckedPage:
    """A file that passed: its bytes, what it is, its size and digest."""

    content: bytes
    content_type: str
    size: int
    sha256: str
    original_name: str

    @property
    def suffix(self) -> str:
        return SUFFIX[PageType(self.content_type)]


def sniff(head: bytes) -> str | None:
    """The page type by content, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return PageType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PageType.PNG
    if head.startswith(b"%PDF-"):
        return PageType.PDF
    return None


def _refuse(message, **values) -> ValidationError:
    return ValidationError(str(message) % values)


def check_upload(upload) -> CheckedPage:
    """Read and check one uploaded file (anything with ``name``, ``size`` and ``chunks()``
    or ``read()``); raise ValidationError with the teller's sentence when it is refused."""
    name = PurePath(getattr(upload, "name", "") or "").name[:255]
    limit = settings.COUNTERHALL_PAGE_MAX_BYTES
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _refuse(REFUSED_TOO_LARGE, name=name, limit=human_size(limit))
    buffer = bytearray()
    chunks = upload.chunks() if hasattr(upload, "chunks") else [upload.read()]
    for chunk in chunks:
        buffer.extend(chunk)
        if len(buffer) > limit:
            raise _refuse(REFUSED_TOO_LARGE, name=name, limit=human_size(limit))
    content = bytes(buffer)
    if not content:
        raise ValidationError(str(REFUSED_EMPTY))
    real = sniff(content[:16])
    extension = PurePath(name).suffix.lower()
    claimed = next((t for t, exts in EXTENSIONS.items() if extension in exts), None)
    if real is None:
        if claimed is None:
            raise _refuse(REFUSED_TYPE, name=name)
        raise _refuse(REFUSED_MISMATCH, name=name, real=str(_("未知格式")))
    if claimed is not None and claimed != real:
        raise _refuse(REFUSED_MISMATCH, name=name, real=PageType(real).label)
    if real == PageType.PDF:
        _check_pdf(content, name)
    else:
        _check_image(content, name, real)
    return CheckedPage(
        content=content,
        content_type=str(real),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=name,
    )


def _check_image(content: bytes, name: str, content_type: str) -> None:
    from PIL import Image

    max_pixels = settings.COUNTERHALL_PAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _refuse(REFUSED_PIXELS, name=name, width=width, height=height)
                if Image.MIME.get(image.format or "") != content_type:
                    raise _refuse(REFUSED_BROKEN, name=name)
                image.load()  # decodes the pixels: a truncated or garbled file fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(REFUSED_PIXELS, name=name, width="?", height="?") from None
    except (OSError, ValueError, SyntaxError):
        raise _refuse(REFUSED_BROKEN, name=name) from None


def _check_pdf(content: bytes, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if PDF_ACTIVE.search(content):
        raise _refuse(REFUSED_PDF_ACTIVE, name=name)
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _refuse(REFUSED_PDF_ENCRYPTED, name=name)
        if not len(reader.pages):
            raise _refuse(REFUSED_BROKEN, name=name)
        # Names hidden in compressed object streams: walk the catalogue and each page.
        catalog: Any = reader.trailer["/Root"].get_object()
        if _active(catalog.get("/OpenAction")) or "/AA" in catalog:
            raise _refuse(REFUSED_PDF_ACTIVE, name=name)
        names = catalog.get("/Names")
        if names is not None and any(
            k in names.get_object() for k in ("/JavaScript", "/EmbeddedFiles")
        ):
            raise _refuse(REFUSED_PDF_ACTIVE, name=name)
        if "/AcroForm" in catalog and "/XFA" in catalog["/AcroForm"].get_object():
            raise _refuse(REFUSED_PDF_ACTIVE, name=name)
        for page in reader.pages:
            if "/AA" in page:
                raise _refuse(REFUSED_PDF_ACTIVE, name=name)
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                if "/AA" in annot or _active(annot.get("/A")):
                    raise _refuse(REFUSED_PDF_ACTIVE, name=name)
    except ValidationError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _refuse(REFUSED_BROKEN, name=name) from None


def _active(action) -> bool:
    """Whether a PDF action dictionary runs something (JavaScript, launch, another file)."""
    if action is None:
        return False
    action = action.get_object()
    if not hasattr(action, "get"):
        return False  # an explicit destination (a page and a view), harmless
    return action.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")


PAGES_REQUIRED_KEY = "casefile.pages_required"


def pages_required(*, region: str, on) -> bool:
    """Whether the hall requires a scanned page for every received document (the dated
    parameter ``casefile.pages_required``, true from the day the hall scans; absent or false:
    pages are welcome but not required)."""
    from counterhall.params import ParameterMissing, param

    try:
        return bool(param(PAGES_REQUIRED_KEY, region=region, on=on).value)
    except ParameterMissing:
        return False


def documents_without_pages(case) -> list:
    """The received documents of a case that still need a scanned page: none unless the
    parameter requires pages on the hall's date; never a document the catalogue marks
    ``page_optional``."""
    from django.utils import timezone

    from counterhall.models import DocumentPage, DocumentStatus

    if not pages_required(region=case.hall.region, on=timezone.localdate()):
        return []
    scanned = set(DocumentPage.objects.filter(case=case).values_list("document_code", flat=True))
    return [
        doc
        for doc in case.business_type.documents.all()
        if case.documents.get(doc.code, {}).get("status") == DocumentStatus.RECEIVED
        and not doc.page_optional
        and doc.code not in scanned
    ]


THUMBNAIL_SIZE = (240, 320)


def thumbnail(content: bytes) -> bytes:
    """A small JPEG of a checked image page, for the thumbnails beside the application (a
    scan of several megabytes is not sent twelve times to draw a row of tiles)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(content)) as image:
        small = ImageOps.exif_transpose(image)
        small.thumbnail(THUMBNAIL_SIZE)
        if small.mode not in ("RGB", "L"):
            small = small.convert("RGB")
        out = io.BytesIO()
        small.save(out, "JPEG", quality=80)
    return out.getvalue()
