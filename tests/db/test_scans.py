"""A scan is what it claims: a PDF that reads with no scripts or launches, a PNG/JPEG that decodes, no HTML inside;
stored and downloaded under a safe name."""

from __future__ import annotations

import contextlib
import io

import pytest

from db.agency.scans import JPEG, PDF, PNG, DocumentError, checked_type, safe_name
from tests.scan_files import image, pdf, pdf_with_compressed_action, png_claiming

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"


def test_a_true_pdf_png_and_jpeg_pass():
    assert checked_type(pdf()) == PDF
    assert checked_type(image("PNG")) == PNG
    assert checked_type(image("JPEG")) == JPEG


def test_a_pdf_made_by_a_library_passes_too():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert checked_type(buffer.getvalue()) == PDF


def test_a_pdf_whose_table_is_a_few_bytes_off_is_accepted_as_viewers_accept_it():
    """Scanners write such files; every object is still found (by the repaired table) and looked at."""
    shifted = pdf().replace(b"%PDF-1.7\n", b"%PDF-1.7\n\n\n", 1)
    assert checked_type(shifted) == PDF
    with pytest.raises(DocumentError, match="active content"):
        checked_type(pdf(b"/OpenAction 4 0 R", [JS_ACTION]).replace(b"%PDF-1.7\n", b"%PDF-1.7\n\n\n", 1))


REFUSED = {
    "OpenAction JavaScript": (pdf(b"/OpenAction 4 0 R", [JS_ACTION]), "active content (/JavaScript"),
    "OpenAction inline JavaScript": (pdf(b"/OpenAction " + JS_ACTION), "active content"),
    "JavaScript in the name tree": (pdf(b"/Names << /JavaScript 4 0 R >>", [b"<< /Names [(a) 5 0 R] >>"]),
                                    "active content (/JavaScript"),
    "a name spelled with #xx escapes": (pdf(b"/OpenAction << /S /Java#53cript /J#53 (x) >>"), "active content"),
    "a launch action": (pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "active content (/Launch"),
    "additional actions on open": (pdf(b"/AA << /WC 4 0 R >>", [b"<< /S /Launch /F (calc) >>"]),
                                   "active content (/Launch"),
    "an object no table lists": (pdf(loose=b"9 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n"), "active content"),
    "an embedded file": (pdf(b"/Names << /EmbeddedFiles 4 0 R >>", [b"<< /Names [] >>"]), "active content"),
    "PDF/HTML polyglot": (pdf(header=b"%<html><body><script>alert(1)</script></body></html>\n"), "web page code"),
    "HTML after the PDF's end": (pdf() + b"<!DOCTYPE html><p>hi", "web page code"),
    "a javascript: link": (pdf(b"/URI (javascript:alert\\(1\\))"), "web page code"),
    "PDF header and nothing else": (b"%PDF-1.4\n%%EOF\n", "cannot be read as one"),
    "PDF without its end": (pdf()[:-7], "cannot be read as one"),
    "PDF with a broken table": (pdf().replace(b"xref\n", b"xref\nrubbish\n"), "cannot be read as one"),
    "PNG magic followed by HTML": (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "web page code"),
    "PNG magic followed by garbage": (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "cannot be read as one"),
    "PNG with data after its end": (image("PNG") + b"MZ\x90\x00", "data follows the end of the PNG"),
    "PNG claiming 10,000 x 10,000 pixels": (png_claiming(10_000, 10_000), "too large (10000×10000"),
    "PNG claiming 100,000 x 100,000 pixels": (png_claiming(100_000, 100_000), "too large"),
    "JPEG cut short": (image("JPEG", (64, 64))[:200], "cannot be read as one"),
    "JPEG magic then text": (b"\xff\xd8\xff not an image at all", "cannot be read as one"),
    "an executable": (b"MZ\x90\x00 an exe named scan.pdf", "only PDF, JPG or PNG"),
    "HTML first": (b"<html>%PDF-", "only PDF, JPG or PNG"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_file_that_is_not_the_scan_it_claims_is_refused(case):
    content, english = REFUSED[case]
    with pytest.raises(DocumentError) as refused:
        checked_type(content)
    assert english in refused.value.message_en and refused.value.message_zh


def test_javascript_inside_a_compressed_object_is_found_by_reading_the_objects():
    """Inside a compressed object stream no byte scan sees it; the object walk does (pypdf decompresses)."""
    assert checked_type(pdf_with_compressed_action(b"<< /S /GoTo /D [3 0 R /Fit] >>")) == PDF  # a harmless one
    for action in (JS_ACTION, b"<< /S /Launch /F (cmd.exe) >>", b"<< /S /URI /URI (JavaScript:alert\\(1\\)) >>"):
        with pytest.raises(DocumentError, match="active content"):
            checked_type(pdf_with_compressed_action(action))


def test_mangled_scans_are_refused_as_unreadable_never_with_another_error():
    """Bytes changed, cut and inserted at random in good scans: any failure is the ordinary refusal."""
    import random

    rng = random.Random(20)
    seeds = [pdf(), image("PNG", (32, 32)), image("JPEG", (32, 32)),
             pdf_with_compressed_action(b"<< /S /GoTo /D [3 0 R /Fit] >>")]
    for _ in range(300):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data))
            data[at:at + rng.randint(0, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))
        with contextlib.suppress(DocumentError):  # refused is fine; any other exception fails the test
            checked_type(bytes(data))


def test_an_encrypted_pdf_cannot_be_checked_so_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError, match="encrypted"):
        checked_type(buffer.getvalue())


NAMES = {
    "承诺书\u202egnp.exe": (PNG, "承诺书gnp_exe.png"),  # right-to-left override: shown as "承诺书exe.png"
    "scan\u2066\u200b\u200f.pdf": (PDF, "scan.pdf"),
    "../../etc/passwd": (JPEG, "passwd.jpg"),
    "C:\\Users\\li\\扫描件 (1).JPEG": (JPEG, "扫描件 (1).jpg"),
    "report.pdf": (PNG, "report.png"),  # the bytes decide the extension
    "a\x00b\x1b[2J\r\n.pdf": (PDF, "ab[2J.pdf"),
    'q"uote<>|?*:x.png': (PNG, "q_uote______x.png"),
    "": (PDF, "scan.pdf"),
    " . ": (PDF, "scan.pdf"),
    "x" * 300 + ".pdf": (PDF, "x" * 96 + ".pdf"),
}


@pytest.mark.parametrize("name", list(NAMES))
def test_a_stored_name_is_reduced_to_safe_characters_with_the_real_extension(name):
    content_type, expected = NAMES[name]
    assert safe_name(name, content_type) == expected
