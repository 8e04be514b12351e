"""docs/open-data.md is enough to check a file: a verifier written only from it agrees with ours, field by field."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from openpyxl import load_workbook

from db.accounts.actor import Actor
from db.documents.export import WRITERS, export_publication, load_document
from db.documents.signing import load_signer
from db.public import listing_export
from db.store.models import FILES_EDITION
from tests.builders import finding
from tests.db.publishing import YEAR, a_year, load
from tests.notices import publish_after_notice

DOC = (Path(__file__).resolve().parents[2] / "docs" / "open-data.md").read_text(encoding="utf-8")

# --- a verifier written from the document alone (no project code, no JCS library) -------------------------------

SHORT = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


def _text(value: str) -> str:
    out = []
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append(SHORT.get(ord(ch), f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def canonical(value) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(_text(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    raise ValueError(f"not in these files: {value!r}")


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicated key")
    return dict(pairs)


def outsider_verify(content: bytes, public_key_pem: bytes, sums: str = "") -> bool:
    document = json.loads(content.decode("utf-8-sig"), object_pairs_hook=no_duplicates)  # step 1
    digest, signature = document.pop("digest"), document.pop("signature", None)  # step 2
    body = canonical(document).encode("utf-8")  # step 3
    if hashlib.sha256(body).hexdigest() != digest:  # step 4
        return False
    if signature is None:  # step 6: only the site's list makes an unsigned file genuine
        name = f"jiangyin-credit-{document['year']}-v{document['version']}.json"
        return f"{hashlib.sha256(content).hexdigest()}  {name}" in sums.splitlines()
    key = load_pem_public_key(public_key_pem)  # step 5
    try:
        key.verify(base64.b64decode(signature["value"]), body)
    except InvalidSignature:
        return False
    return True


@pytest.fixture
def published(engine):
    a_year(engine)
    load(engine, [finding(3, "3.4", name='名称 "引号" \\ 反斜杠 /斜杠 😀')])  # the escapes a name can hold
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))


def test_the_outsiders_verifier_accepts_a_true_file_and_refuses_changed_ones(engine, published, signing_key_file):
    pem = load_signer(Path(signing_key_file)).public_pem.encode()
    content = export_publication(engine=engine, year=YEAR, fmt="json")
    assert outsider_verify(content, pem)
    document = json.loads(content)
    document["ratings"][0]["total"] -= 1
    assert not outsider_verify(json.dumps(document).encode(), pem)
    doubled = content.replace(b'"year": 2025', b'"year": 2025, "year": 2024', 1)
    assert doubled != content
    with pytest.raises(ValueError, match="duplicated key"):
        outsider_verify(doubled, pem)


def test_the_outsider_and_we_take_a_listed_unsigned_file_and_refuse_it_edited_with_a_new_digest(engine, tmp_path):
    from db.documents.verify import verify_document
    from db.public.open_data import checksum_file, checksums
    from tests.db.unsigned import publish_unsigned

    a_year(engine)
    publish_unsigned(engine, YEAR)
    old = export_publication(engine=engine, year=YEAR, fmt="json")
    sums = checksum_file(checksums(engine)).decode()
    assert outsider_verify(old, b"", sums) and verify_document(old, [], sums).exit_code == 0
    document = json.loads(old)
    document["ratings"][0]["total"] -= 5
    document["digest"] = hashlib.sha256(canonical({k: v for k, v in document.items() if k != "digest"}).encode()
                                        ).hexdigest()
    relabelled = json.dumps(document, ensure_ascii=False, indent=2).encode()
    assert not outsider_verify(relabelled, b"", sums) and verify_document(relabelled, [], sums).exit_code == 1
    assert not outsider_verify(old, b"", "") and verify_document(old, []).exit_code == 1  # no list: not shown


def test_the_key_id_is_as_the_document_says(engine, published, signing_key_file):
    signer = load_signer(Path(signing_key_file))
    raw = signer.private_key.public_key().public_bytes_raw()
    assert hashlib.sha256(raw).hexdigest()[:16] == published.key_id == signer.key_id


def test_the_documented_escapes_give_our_canonical_bytes_for_every_control_character():
    from db.documents.canonical import canonical_bytes  # controls cannot reach a published file: compare directly

    value = "".join(chr(c) for c in range(0x20)) + '"\\/é😀\u2028'
    document = {"b": [value, 1, True], "a": {"y": False, "x": -7}}
    assert canonical(document).encode("utf-8") == canonical_bytes(document)


def _documented_fields(heading: str) -> set[str]:
    section = DOC.split(heading, 1)[1]
    table = re.search(r"\| field \|.*?\n((?:\|.*\n)+)", section).group(1)
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))


def test_every_field_of_a_real_file_is_documented(engine, published):
    document = load_document(engine=engine, year=YEAR)
    assert set(document) == _documented_fields("## The JSON original")
    assert set(document["ratings"][0]) == _documented_fields("A rating (`ratings[]`)")
    assert set(document["charges"][0]) == _documented_fields("A charge (`charges[]`)")
    assert set(document["blacklisted_practitioners"][0]) == _documented_fields("A listed practitioner")


# --- every file the site offers, every column of every file ------------------------------------------------------

PAGE = (Path(__file__).resolve().parents[2] / "dashboard" / "pages" / "open_data.py").read_text(encoding="utf-8")


def _first_cells(marker: str) -> list[str]:
    """The backticked first cells of the first table after the heading that contains `marker`, in order."""
    heading = next(line for line in DOC.splitlines() if line.startswith("#") and marker in line)
    section = DOC.split(heading, 1)[1]
    table = re.search(r"^\|.*\|\n\| ---.*\n((?:\|.*\n)+)", section, re.M).group(1)
    return re.findall(r"^\| `([^`]+)` \|", table, re.M)


def _offered_files() -> set[str]:
    """Every file name the open-data page offers, with the docs' placeholders for year, version and day."""
    names = set()
    # A file's name is either a download button's file_name or the `name` its edition link and its button share.
    for pattern in re.findall(r'(?:file_name=|\bname = )f?"([^"]+)"', PAGE):
        name = pattern.replace("{year}", "YEAR").replace("v{pub.version}", "vN").replace("{day.isoformat()}", "DATE")
        formats = (WRITERS if name.startswith("jiangyin-credit-YEAR") else listing_export.FORMATS) if "{fmt}" in name \
            else [""]
        names |= {name.replace("{fmt}", fmt) for fmt in formats}
    return names


def test_every_file_the_open_data_page_offers_is_documented_and_no_other():
    offered = _offered_files()
    assert {"SHA256SUMS", "jiangyin-credit-public-keys.pem", "jiangyin-credit-YEAR-vN.changes.csv",
            "jiangyin-blacklist-listings-DATE.xlsx"} <= offered  # the page's names were read
    assert set(_first_cells("## The files")) == offered


@pytest.fixture
def corrected(engine):
    """A year published twice: the correction adds a finding by a second town (a list of towns, a changed agency)."""
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [finding(1, "3.4", assessor="华士镇", period="Q4")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录华士镇第四季度记录")
    return engine


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# Each file (or XLSX sheet) and the heading of its table in the docs.
CSV_FILES = {"keys.csv": "`jiangyin-credit-YEAR-vN.keys.csv`", "csv": "`jiangyin-credit-YEAR-vN.csv`",
             "charges.csv": "`jiangyin-credit-YEAR-vN.charges.csv`", "changes.csv": "`jiangyin-credit-YEAR-vN.changes.csv`"}
SHEETS = {"评定结果": "sheet `评定结果`", "扣分明细": "sheet `扣分明细`", "黑名单人员": "sheet `黑名单人员`",
          "更正变化": "sheet `更正变化`"}


def test_every_column_of_every_file_and_sheet_is_documented_in_its_order(corrected):
    files = {fmt: export_publication(engine=corrected, year=YEAR, fmt=fmt) for fmt in WRITERS}
    assert set(CSV_FILES) | {"xlsx", "json"} == set(WRITERS)  # a new file needs its table here and in the docs
    for fmt, marker in CSV_FILES.items():
        rows = _csv_rows(files[fmt])
        assert len(rows) > 1, fmt  # a real row under the header: the correction changed something
        assert rows[0] == _first_cells(marker), fmt
    book = load_workbook(io.BytesIO(files["xlsx"]))
    assert book.sheetnames == [*SHEETS, "发布信息"]
    for sheet, marker in SHEETS.items():
        assert book[sheet].max_row > 1, sheet
        assert [c.value for c in book[sheet][1]] == _first_cells(marker), sheet
    details = list(book["发布信息"].iter_rows(values_only=True))
    assert details[0] == ("项目", "内容") and "`项目` (item) and `内容` (value)" in DOC
    assert [row[0] for row in details[1:]] == _first_cells("sheet `发布信息`")
    listings = _csv_rows(listing_export.export_listings(engine=corrected, fmt="csv"))
    assert len(listings) > 1 and listings[0] == _first_cells("`jiangyin-blacklist-listings-DATE.csv`")
    sheet = load_workbook(io.BytesIO(listing_export.export_listings(engine=corrected, fmt="xlsx"))).active
    assert sheet.title in DOC and [c.value for c in sheet[1]] == listings[0]


def test_lists_use_the_one_documented_separator_and_demo_is_a_boolean(corrected):
    assert "joins them with `;`" in DOC
    keys = list(csv.DictReader(io.StringIO(export_publication(engine=corrected, year=YEAR, fmt="keys.csv")
                                          .decode("utf-8-sig"))))
    assert {r["demo"] for r in keys} <= {"true", "false"} and "| `demo` | true/false |" in DOC.split(
        "`jiangyin-credit-YEAR-vN.keys.csv`\n", 1)[1]
    assert any(";" in r["towns"] for r in keys)
    readers = list(csv.DictReader(io.StringIO(export_publication(engine=corrected, year=YEAR, fmt="csv")
                                             .decode("utf-8-sig"))))
    assert [r["评分镇街园"] for r in readers] == [r["towns"] for r in keys]
    lists = [*(r[c] for r in readers for c in ("直接列入黑名单条款", "评分镇街园"))]
    changes = list(csv.DictReader(io.StringIO(export_publication(engine=corrected, year=YEAR, fmt="changes.csv")
                                             .decode("utf-8-sig"))))
    lists += [r[c] for r in changes for c in ("新增扣分记录", "撤销扣分记录")]
    lists += [row[3] for row in _csv_rows(listing_export.export_listings(engine=corrected, fmt="csv"))[1:]]
    assert not [cell for cell in lists if "；" in cell or "、" in cell or "|" in cell]


def test_every_edition_of_the_readers_files_is_documented():
    assert [int(e) for e in _first_cells_plain("## Editions of the readers' files")] == list(
        range(1, FILES_EDITION + 1))


def _first_cells_plain(marker: str) -> list[str]:
    section = DOC.split(marker, 1)[1]
    table = re.search(r"^\|.*\|\n\| ---.*\n((?:\|.*\n)+)", section, re.M).group(1)
    return re.findall(r"^\| ([^|`]+?) \|", table, re.M)
