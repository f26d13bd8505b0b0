"""Files for the case file's tests: real small scans, and the bad input the hall refuses."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def jpeg(name="page.jpg", size=(60, 80), colour=(200, 30, 30)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name="page.png", size=(60, 80), colour=(30, 30, 200)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="page.pdf", pages=1):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def pdf_with_javascript(name="scan.pdf"):
    """A one-page PDF that runs JavaScript when opened (/OpenAction)."""
    return hand_made_pdf(name, open_action=b"4 0 R")


def pdf_opening_at_its_first_page(name="scanner.pdf"):
    """What scanners write: /OpenAction is a destination (the first page, fitted)."""
    return hand_made_pdf(name, open_action=b"[3 0 R /Fit]")


def hand_made_pdf(name, *, open_action: bytes):
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + open_action + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /S /JavaScript /JS (app.alert('hello');) >>",
    ]
    if b"4 0 R" not in open_action:
        objects[3] = b"<< /S /GoTo /D [3 0 R /Fit] >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")


def noise_png(name="noise.png", size=(50, 50)):
    """A PNG that does not compress: about 3 bytes a pixel."""
    import os

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def executable(name="licence.jpg"):
    """An ELF executable's header under an image's name and type."""
    content = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def text(name="notes.txt"):
    return SimpleUploadedFile(name, "要件说明".encode(), content_type="text/plain")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(name="bomb.png", side=100_000):
    """A PNG a few hundred bytes long that claims 100,000 × 100,000 pixels: decoding it
    would take gigabytes."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    content = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024, 9))
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, content, content_type="image/png")


def truncated_jpeg(name="half.jpg"):
    whole = jpeg().read()
    return SimpleUploadedFile(name, whole[: len(whole) // 2], content_type="image/jpeg")
