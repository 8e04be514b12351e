"""The open-data reads: every file's SHA-256, the public keys, and identifying an uploaded file."""

from __future__ import annotations

import hashlib
import json

import pytest

from db.accounts.actor import Actor
from db.documents.export import WRITERS, export_publication
from db.public.open_data import checksum_file, checksums, file_kind, file_name, identify, kind_of, signing_keys
from tests.builders import finding
from tests.db.publishing import YEAR, a_year, load
from tests.notices import publish_after_notice


@pytest.fixture
def two_versions(engine):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    old = {fmt: export_publication(engine=engine, year=YEAR, version=1, fmt=fmt) for fmt in WRITERS}
    load(engine, [finding(0, "2.1", period="Q4")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录第四季度记录")
    new = {fmt: export_publication(engine=engine, year=YEAR, version=2, fmt=fmt) for fmt in WRITERS}
    return old, new


def test_the_list_names_every_file_of_every_version_with_the_bytes_served(engine, two_versions):
    old, new = two_versions
    sums = checksums(engine)
    assert len(sums) == 2 * len(WRITERS)
    for version, files in ((1, old), (2, new)):
        for fmt, content in files.items():
            row = sums[sums["file_name"] == file_name(YEAR, version, fmt)]
            assert row["sha256"].tolist() == [hashlib.sha256(content).hexdigest()]
    lines = checksum_file(sums).decode().splitlines()
    assert f"{hashlib.sha256(new['xlsx']).hexdigest()}  jiangyin-credit-{YEAR}-v2.xlsx" in lines


def test_the_key_that_signed_is_listed(engine, two_versions, signing_key_file):
    keys = signing_keys(engine)
    assert len(keys) == 1 and keys.iloc[0]["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert not keys.iloc[0]["demo"]


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_each_file_is_named_current_or_superseded(engine, two_versions, fmt):
    old, new = two_versions
    sums = checksums(engine)
    current = identify(engine, new[fmt], sums)
    assert (current.status, current.year, current.version) == ("current", YEAR, 2)
    superseded = identify(engine, old[fmt], sums)
    assert (superseded.status, superseded.version, superseded.latest_version) == ("superseded", 1, 2)
    assert "superseded by version 2" in superseded.message_en


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_each_file_is_found_among_the_sums_of_its_own_kind_alone(engine, two_versions, fmt):
    # The check page hashes only the files of the upload's kind (file_kind): each file must read as its own.
    old, new = two_versions
    kind = kind_of(fmt)
    assert file_kind(old[fmt]) == file_kind(new[fmt]) == kind
    own = checksums(engine, (kind,))
    assert set(own["file_name"]) == {file_name(YEAR, v, f) for v in (1, 2) for f in WRITERS if kind_of(f) == kind}
    found = identify(engine, old[fmt], own)
    assert (found.status, found.version, found.latest_version) == ("superseded", 1, 2)


def test_a_json_in_another_layout_is_still_found_and_an_altered_one_is_not(engine, two_versions):
    _, new = two_versions
    sums = checksums(engine)
    document = json.loads(new["json"])
    assert identify(engine, json.dumps(document, separators=(",", ":")).encode(), sums).status == "current"
    document["ratings"][0]["total"] = 1
    found = identify(engine, json.dumps(document).encode(), sums)
    assert found.status == "altered" and "does not match its digest" in found.message_en


@pytest.mark.parametrize(("content", "status", "words"), [
    (b"", "unknown", "matches no file of any published version"),
    (b"a,b\n1,2\n", "unknown", "matches no file of any published version"),
    (b"PK\x03\x04 not really", "unknown", "matches no file of any published version"),
    (b"{not json", "unreadable", "not valid JSON (line 1, column 2)"),
])
def test_anything_else_matches_nothing(engine, two_versions, content, status, words):
    found = identify(engine, content, checksums(engine))
    assert (found.status, found.year, found.version) == (status, None, None) and words in found.message_en


def test_a_csv_with_one_changed_cell_matches_nothing(engine, two_versions):
    _, new = two_versions
    changed = new["csv"].replace(b"100", b"99", 1)
    assert changed != new["csv"]
    assert identify(engine, changed, checksums(engine)).status == "unknown"


def test_a_correction_says_what_changed_per_agency_in_its_files(engine, two_versions):
    import csv
    import io

    _, new = two_versions
    rows = list(csv.DictReader(io.StringIO(new["changes.csv"].decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["原总分"], row["现总分"], row["原等级"], row["现等级"]) == ("100", "90", "A（优秀）", "A（优秀）")
    assert row["新增扣分记录"].startswith("2.1 ") and row["撤销扣分记录"] == ""
    old, _ = two_versions
    assert len(old["changes.csv"].decode("utf-8-sig").splitlines()) == 1  # version 1 changes nothing: header only


def test_an_unsigned_version_is_known_in_another_layout_by_the_sites_digest_and_never_when_relabelled(engine):
    from db.documents.canonical import digest_hex
    from db.documents.export import FORMAT_UNSIGNED
    from tests.db.unsigned import publish_unsigned

    a_year(engine)
    publish_unsigned(engine, YEAR)
    load(engine, [finding(0, "2.1", period="Q4")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录第四季度记录")
    sums = checksums(engine)
    old = json.loads(export_publication(engine=engine, year=YEAR, version=1, fmt="json"))
    found = identify(engine, json.dumps(old, separators=(",", ":")).encode(), sums)  # not the listed bytes
    assert (found.status, found.version) == ("superseded", 1)
    new = json.loads(export_publication(engine=engine, year=YEAR, version=2, fmt="json"))
    new.pop("signature")
    new["format"] = FORMAT_UNSIGNED
    new["digest"] = digest_hex(new)  # every rating as published, but no longer what the bureau signed
    assert identify(engine, json.dumps(new).encode(), sums).status == "unknown"


def test_a_file_signed_by_a_key_the_site_never_published_is_altered(engine, two_versions, tmp_path):
    from db.documents.canonical import canonical_bytes, digest_hex
    from db.documents.signing import keygen

    _, new = two_versions
    other = keygen(tmp_path / "other.pem")
    document = json.loads(new["json"])
    document["ratings"][0]["total"] = 100
    document["digest"] = digest_hex(document)
    document["signature"] = {"algorithm": "Ed25519", "key_id": other.key_id, "value": other.sign(canonical_bytes(document))}
    found = identify(engine, json.dumps(document).encode(), checksums(engine))
    assert found.status == "altered" and "made by none of the trusted keys" in found.message_en


def test_a_json_with_a_5000_digit_number_is_unreadable_with_a_plain_message(engine, two_versions):
    found = identify(engine, b'{"digest": "0", "total": ' + b"9" * 5000 + b"}", checksums(engine))
    assert found.status == "unreadable"
    assert "too many digits (5,000" in found.message_en and "位数过多的数字" in found.message_zh
