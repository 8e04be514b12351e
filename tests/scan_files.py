"""Small scans built in code: a minimal PDF with a true cross-reference table, and PNG/JPEG images from Pillow."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence


def pdf(catalog: bytes = b"", objects: Sequence[bytes] = (), header: bytes = b"", loose: bytes = b"") -> bytes:
    """A one-page PDF: `catalog` added to its catalog, `objects` numbered from 4 (listed in the table), `header`
    right after the %PDF line, `loose` bytes before the table that no table lists (what only a repairing viewer
    reads)."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *objects]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + header)
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += loose
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, table)
    return bytes(out)


def image(fmt: str, size: tuple[int, int] = (16, 12)) -> bytes:
    """A small grey image as PNG or JPEG bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", size, 200).save(buffer, fmt)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` pixels, with one tiny data chunk: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _chunk(b"IEND", b""))


def pdf_with_compressed_action(action: bytes) -> bytes:
    """A one-page PDF whose catalog opens with object 4, `action`, kept compressed in an object stream (listed by a
    cross-reference stream): no byte of the file spells out what the action does."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in ((1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"),
                         (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                         (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    packed = zlib.compress(b"4 0 " + action)
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
    out += packed + b"\nendstream\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 2, 5, 0) if n == 4 else struct.pack(">BIH", 1, offsets[n], 0) for n in range(1, 7)]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)
