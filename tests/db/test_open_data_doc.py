"""docs/open-data.md is enough to check a file: a verifier written only from it agrees with ours, field by field."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from db.publishing.export import export_publication, load_document
from db.publishing.signing import load_signer
from tests.db.publishing import YEAR, a_year, finding, load
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
    return publish_after_notice(engine=engine, year=YEAR, by="admin.zhou")


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
    from db.publishing.open_data import checksum_file, checksums
    from db.publishing.verify import verify_document
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
    from db.publishing.canonical import canonical_bytes  # controls cannot reach a published file: compare directly

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
    practitioner_fields = {"credit_code", "agency_name", "practitioner", "clause", "assessor", "date"}
    assert all(f"`{f}`" in DOC.split("A listed practitioner", 1)[1][:300] for f in practitioner_fields)
