"""What a filed scan really is: a PDF pypdf can read with no active content, or a PNG/JPEG Pillow decodes; no HTML
inside; and the safe name it is stored and downloaded under (bidi and control characters gone, its real extension)."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import PurePath

from core.errors import CreditBoardError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
# The type is decided by the file's first bytes, never by its name or what the browser says.
MAGIC: tuple[tuple[bytes, str], ...] = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# An A4 page scanned at 600 dpi is 35 million pixels; more is refused before any pixel is decoded (memory).
MAX_SCAN_PIXELS = 36_000_000
MAX_PDF_OBJECTS = 10_000  # a scanned page is a handful of objects; every one is looked at
MAX_NAME_CHARS = 100
# Tags a browser reads as a web page (its HTML sniffing) and the script scheme: no scan holds them, a polyglot does.
HTML_MARKERS = re.compile(rb"<(?:script|html|iframe|body|svg|object|embed|!doctype\s+html)[\s>/]|javascript:",
                          re.IGNORECASE)
# PDF names that run code or carry other files: JavaScript (in actions, the name tree, XFA forms), launching a
# program, files embedded or rich media. A scanned page needs none of them.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/XFA", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/Launch"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"})
# Outside of streams, every name of the file (as `#xx` escapes spell it out): catches objects no table lists,
# which a viewer repairing the file would still find.
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_NAME = re.compile(rb"/[^\x00\t\n\x0c\r /<>\[\]()%{}]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|]')


class DocumentError(CreditBoardError):
    """A scan refused (type, structure, active content, size, kind); bilingual and safe to show."""


def detected_type(content: bytes) -> str | None:
    """The type a scan claims by its first bytes (PDF, JPEG, PNG); None for anything else."""
    return next((kind for magic, kind in MAGIC if content.startswith(magic)), None)


def checked_type(content: bytes) -> str:
    """The scan's type once its whole structure says so; DocumentError names what is wrong otherwise."""
    kind = detected_type(content)
    if kind is None:
        raise DocumentError("只接受PDF、JPG或PNG扫描件", "only PDF, JPG or PNG scans are accepted")
    if HTML_MARKERS.search(content):
        raise DocumentError("文件中含有网页代码（HTML或脚本），不是扫描件", "the file holds web page code (HTML or a "
                          "script): it is not a scan")
    (_check_pdf if kind == PDF else _check_image)(content, kind)
    return kind


def _unreadable(kind: str) -> DocumentError:
    name = {PDF: "PDF", JPEG: "JPG", PNG: "PNG"}[kind]
    return DocumentError(f"文件以{name}开头，但无法按{name}读取（已损坏或不是{name}）",
                       f"the file starts as a {name} but cannot be read as one (damaged, or not a {name})")


def _check_image(content: bytes, kind: str) -> None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # its ceiling is above ours
            with Image.open(io.BytesIO(content), formats=["PNG" if kind == PNG else "JPEG"]) as image:
                width, height = image.size
                if width * height > MAX_SCAN_PIXELS:
                    raise _too_large(f"{width}×{height}")
                if kind == JPEG:
                    image.draft("L", (max(1, width // 8), max(1, height // 8)))  # decode it all, at an eighth
                image.load()
    except Image.DecompressionBombError:  # twice Pillow's ceiling, refused as the file is opened
        raise _too_large("") from None
    except (DocumentError, MemoryError):  # MemoryError: the reading child's limit, refused as such by core.isolation
        raise
    except Exception:  # noqa: BLE001 — Pillow's many ways of saying "not this format" (OSError, SyntaxError…)
        raise _unreadable(kind) from None
    if kind == PNG and not content.endswith(b"IEND\xaeB`\x82"):  # nothing may follow a PNG's last chunk
        raise DocumentError("PNG 文件结束后还有其他数据", "data follows the end of the PNG")


def _too_large(size: str) -> DocumentError:
    shown = f"{size} 像素，" if size else ""
    return DocumentError(f"图像过大（{shown}最多 {MAX_SCAN_PIXELS:,} 像素），请降低扫描分辨率",
                         f"the image is too large ({size + ' pixels; ' if size else ''}at most {MAX_SCAN_PIXELS:,} "
                         "pixels): scan at a lower resolution")


def _check_pdf(content: bytes, kind: str) -> None:
    from pypdf import PdfReader

    if b"%%EOF" not in content[-1024:]:
        raise _unreadable(kind)
    _refuse_active(_raw_names(content))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a scanner's quirks are not the server's news
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)  # as viewers do: a table a few bytes off is repaired
        if reader.is_encrypted:
            raise DocumentError("PDF 已加密，无法检查，请上传未加密的扫描件", "the PDF is encrypted and cannot be "
                              "checked: upload an unencrypted scan")
        if len(reader.pages) < 1:
            raise _unreadable(kind)
        _refuse_active(_object_names(reader))
    except (DocumentError, MemoryError):  # MemoryError: the reading child's limit, refused as such by core.isolation
        raise
    except Exception:  # noqa: BLE001 — pypdf meets a hostile file in many ways (an unknown filter, a bad number…):
        raise _unreadable(kind) from None  # each one means the file does not read as a PDF


def _raw_names(content: bytes) -> Iterator[str]:
    for match in _NAME.finditer(_STREAM.sub(b"", content)):
        yield _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), match[0]).decode("latin-1")


def _object_names(reader) -> Iterator[str]:
    """Every key and name value of every object the file's cross-reference tables list (object streams too)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    ids = {(num, gen) for gen, table in reader.xref.items() for num in table}
    ids |= {(num, 0) for num in reader.xref_objStm}
    if len(ids) > MAX_PDF_OBJECTS:
        raise DocumentError(f"PDF 对象过多（{len(ids):,}，最多 {MAX_PDF_OBJECTS:,}）",
                          f"the PDF has too many objects ({len(ids):,}; at most {MAX_PDF_OBJECTS:,})")
    for num, gen in sorted(ids):
        stack = [reader.get_object(IndirectObject(num, gen, reader))]
        while stack:  # within one object; references are objects of their own, listed above
            value = stack.pop()
            if isinstance(value, DictionaryObject):
                for key, item in value.items():
                    yield str(key)
                    if key == "/S" and isinstance(item, NameObject):
                        yield f"action {item}"
                    if key == "/URI" and "javascript:" in str(item).lower():  # a link that is a script
                        yield "action /JavaScript"
                    stack.append(item)
            elif isinstance(value, ArrayObject):
                stack.extend(value)


def _refuse_active(names: Iterator[str]) -> None:
    for name in names:
        action = name.removeprefix("action ")
        if name in ACTIVE_KEYS or (action != name and action in ACTIVE_ACTIONS):
            raise DocumentError(f"PDF 含有可执行内容（{action}），扫描件不应有脚本、启动程序或附件",
                              f"the PDF holds active content ({action}): a scan has no scripts, program launches "
                              "or attachments")


def safe_name(file_name: str, content_type: str) -> str:
    """The name a scan is stored and downloaded under: the last part of the path, without bidi, control and other
    invisible format characters or characters Windows forbids, at most 100 characters, and the extension of the
    type the bytes really are (`承诺书\u202egnp.exe` filed as a PNG becomes `承诺书gnp_exe.png`)."""
    name = PurePath(unicodedata.normalize("NFKC", str(file_name or "")).replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")  # C*: Cc Cf Cs Co Cn
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in {"pdf", "jpg", "jpeg", "png"}:
        name = stem
    stem = name.replace(".", "_").strip(" _") or "scan"
    extension = EXTENSIONS.get(content_type, ".bin")
    return stem[:MAX_NAME_CHARS - len(extension)] + extension
