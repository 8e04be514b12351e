"""Signed, sealed publications: RFC 8785 digests, Ed25519 signatures, offline verify, `db check`, sealed rows."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import rfc8785
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from db.accounts.actor import Actor
from db.documents.canonical import canonical_bytes, digest_hex
from db.documents.check import check_store
from db.documents.export import export_publication, load_document
from db.documents.signing import SigningKeyError, keygen, load_public_keys, load_signer
from db.documents.verify import (
    ALTERED,
    FOREIGN_KEY,
    GENUINE,
    LISTED,
    NO_KEY,
    UNCONFIRMED,
    UNLISTED,
    UNREADABLE,
    verify_document,
)
from db.store.models import PublishedRating
from tests.db.conftest import url_of
from tests.db.publishing import YEAR, a_year, count
from tests.notices import publish_after_notice

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def published(engine):
    a_year(engine)
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))


@pytest.fixture
def our_keys(signing_key_file):
    return [load_signer(Path(signing_key_file)).private_key.public_key()]


def _json(engine) -> bytes:
    return export_publication(engine=engine, year=YEAR, fmt="json")


def _edited(content: bytes, change) -> bytes:
    document = json.loads(content)
    change(document)
    return json.dumps(document, ensure_ascii=False).encode()


# --- the canonical form ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["澄江街道", "a\"b\\c", "tab\tnew\nline\x01\x1f", "\u2028\u2029", "😀 astral", "", "/</"])
def test_jcs_equals_the_recipe_before_signatures_for_text_whole_numbers_and_booleans(value):
    # Versions published before signatures were digested with json.dumps; their digests must not move.
    document = {"b": value, "a": [1, -2, 0, True, False], "c": {"z": value, "y": 10**15}}
    assert rfc8785.dumps(document) == json.dumps(document, sort_keys=True, ensure_ascii=False,
                                                 separators=(",", ":")).encode()


def test_the_digest_and_signature_keys_are_not_part_of_the_canonical_bytes():
    assert canonical_bytes({"a": 1, "digest": "x", "signature": {"v": 1}}) == b'{"a":1}'


# --- offline verification: the auditor's cases -------------------------------------------------------------------

def test_a_fresh_export_is_genuine_and_names_its_version(engine, published, our_keys):
    verdict = verify_document(_json(engine), our_keys)
    assert (verdict.status, verdict.exit_code, verdict.year, verdict.version) == (GENUINE, 0, YEAR, 1)
    assert verdict.digest == published.digest


def test_layout_bom_and_key_order_do_not_matter(engine, published, our_keys):
    document = json.loads(_json(engine))
    reordered = {k: document[k] for k in reversed(list(document))}
    compact = json.dumps(reordered, ensure_ascii=True, separators=(",", ":")).encode()
    assert verify_document(b"\xef\xbb\xbf \n" + compact + b"\n\t ", our_keys).status == GENUINE


def test_a_changed_total_with_a_recomputed_digest_fails_on_the_signature(engine, published, our_keys):
    def cheat(d):
        d["ratings"][0]["total"] -= 5
        d["digest"] = digest_hex(d)
    verdict = verify_document(_edited(_json(engine), cheat), our_keys)
    assert (verdict.status, verdict.exit_code) == (FOREIGN_KEY, 1)


def test_a_changed_total_alone_fails_on_the_digest(engine, published, our_keys):
    verdict = verify_document(_edited(_json(engine), lambda d: d["ratings"][0].update(total=1)), our_keys)
    assert (verdict.status, verdict.exit_code) == (ALTERED, 1)


def test_reordered_rows_and_a_removed_agency_fail(engine, published, our_keys):
    assert verify_document(_edited(_json(engine), lambda d: d["ratings"].reverse()), our_keys).status == ALTERED
    assert verify_document(_edited(_json(engine), lambda d: d["ratings"].pop()), our_keys).status == ALTERED


def test_a_duplicated_key_fails_even_when_the_first_value_is_the_true_one(engine, published, our_keys):
    content = _json(engine)
    first = json.loads(content)["ratings"][0]
    total = f'"total": {first["total"]}'
    doubled = content.replace(total.encode(), f'{total}, "total": 0'.encode(), 1)
    verdict = verify_document(doubled, our_keys)
    assert (verdict.status, verdict.exit_code) == (ALTERED, 1) and "duplicated key" in verdict.message_en


def test_a_file_resigned_by_another_key_fails(engine, published, our_keys, tmp_path):
    other = keygen(tmp_path / "other.pem")
    def resign(d):
        d["signature"]["value"] = other.sign(canonical_bytes(d))
        d["signature"]["key_id"] = other.key_id
    verdict = verify_document(_edited(_json(engine), resign), our_keys)
    assert verdict.status == FOREIGN_KEY
    assert verify_document(_edited(_json(engine), resign), [other.private_key.public_key()]).status == GENUINE


def test_a_removed_signature_fails(engine, published, our_keys):
    assert verify_document(_edited(_json(engine), lambda d: d.pop("signature")), our_keys).status == ALTERED


@pytest.mark.parametrize("content", [b"", b"nope", b"\xff\xfe", b"[1,2]", b'{"a": 1}', b'{"x": NaN}', b"[" * 100_000])
def test_what_is_not_an_export_is_unreadable(content, our_keys):
    assert verify_document(content, our_keys).status == UNREADABLE


def test_an_unsigned_file_is_never_genuine_on_its_own_say_so_only_by_the_list(engine, published, our_keys):
    import hashlib

    document = json.loads(_json(engine))
    document.pop("signature")
    document["format"] = "jiangyin-credit-board/publication/1"
    document["digest"] = digest_hex(document)
    content = json.dumps(document).encode()
    verdict = verify_document(content, our_keys)
    assert (verdict.status, verdict.exit_code) == (UNCONFIRMED, 1) and "DIGEST MATCHES" not in verdict.message_en
    listed = f"{hashlib.sha256(content).hexdigest()}  jiangyin-credit-{YEAR}-v1.json\n"
    assert verify_document(content, our_keys, listed).status == LISTED  # what the site lists is the site's
    assert verify_document(content, None, listed).exit_code == 0
    elsewhere = f"{hashlib.sha256(content).hexdigest()}  jiangyin-credit-{YEAR - 1}-v1.json\n"
    assert verify_document(content, our_keys, elsewhere).status == UNLISTED  # listed as another version: not it
    assert verify_document(content, our_keys, "").status == UNLISTED


def test_a_signed_file_needs_a_key_or_the_list_and_no_key_trusted_means_foreign(engine, published, our_keys):
    content = _json(engine)
    assert verify_document(content).status == NO_KEY and verify_document(content).exit_code == 2
    assert verify_document(content, []).status == FOREIGN_KEY  # none trusted: every signature is someone else's
    assert verify_document(content, None, "").status == UNLISTED


# --- the command line: offline -----------------------------------------------------------------------------------

def _verify_cli(path: Path, *args: str, key_file: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}  # unusable
    if key_file:
        env["SIGNING_KEY_FILE"] = key_file
    else:
        env["SIGNING_KEY_FILE"] = str(path.parent / "no-key-here.pem")
    return subprocess.run([sys.executable, "-m", "db", "verify", str(path), *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_verify_needs_no_database_and_exits_0_1_2(engine, published, tmp_path, signing_key_file):
    public = tmp_path / "public.pem"
    public.write_text(load_signer(Path(signing_key_file)).public_pem)
    good, bad, broken = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "broken.json"
    good.write_bytes(_json(engine))
    bad.write_bytes(_edited(_json(engine), lambda d: d["ratings"][0].update(total=1)))
    broken.write_bytes(b"{")
    done = _verify_cli(good, "--public-key", str(public))
    assert done.returncode == 0 and "GENUINE" in done.stdout and published.digest in done.stdout
    done = _verify_cli(good, key_file=signing_key_file)  # never the machine's own key: only a published one counts
    assert done.returncode == 2 and "--public-key" in done.stderr
    assert _verify_cli(bad, "--public-key", str(public)).returncode == 1
    done = _verify_cli(broken, "--public-key", str(public))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    done = _verify_cli(good)  # no key given and none on this machine
    assert done.returncode == 2 and "--public-key" in done.stderr and "Traceback" not in done.stderr


# --- keys ------------------------------------------------------------------------------------------------------

def test_keygen_writes_a_private_file_and_never_overwrites(tmp_path):
    path = tmp_path / "keys" / "k.pem"
    signer = keygen(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_signer(path).key_id == signer.key_id and not signer.demo
    with pytest.raises(SigningKeyError, match="never overwritten"):
        keygen(path)
    assert keygen(tmp_path / "demo.pem", demo=True).demo and load_signer(tmp_path / "demo.pem").demo
    assert load_public_keys(signer.public_pem.encode())[0].public_bytes_raw() == \
        signer.private_key.public_key().public_bytes_raw()


def test_publishing_without_a_key_writes_nothing(engine, tmp_path, monkeypatch):
    a_year(engine)
    monkeypatch.setenv("SIGNING_KEY_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(SigningKeyError, match="python -m db keygen"):
        publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert count(engine, PublishedRating) == 0


# --- the stored record -----------------------------------------------------------------------------------------

def test_check_finds_nothing_on_an_honest_database(engine, published):
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="复核更正")
    assert check_store(engine=engine) == []


def test_rows_of_a_sealed_publication_refuse_insert(engine, published):
    row = {k: v for k, v in load_document(engine=engine, year=YEAR)["ratings"][0].items() if not k.endswith("_score")}
    row.update(credit_code="91320281MA1XXXXXX0", publication_id=published.id)
    with pytest.raises(DBAPIError, match="sealed"), engine.begin() as conn:
        conn.execute(insert(PublishedRating), [row])
    assert check_store(engine=engine) == []


def test_check_reports_dropped_triggers_and_rows_changed_behind_them(engine, published):
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER publishedrating_immutable ON publishedrating"))
        else:
            conn.execute(text("DROP TRIGGER publishedrating_no_update"))
        conn.execute(text("UPDATE publishedrating SET total = total - 1 WHERE publication_id = :p"),
                     {"p": published.id})
    found = check_store(engine=engine)
    messages = " ".join(d.message_en for d in found)
    assert "triggers guarding published rows are missing" in messages
    assert "recomputed from the stored rows differs" in messages
    assert "signature does not verify" in messages


def test_the_check_command_exits_1_on_a_difference(engine, published):
    env = {**os.environ, "DATABASE_URL": url_of(engine)}
    run = [sys.executable, "-m", "db", "check"]
    done = subprocess.run(run, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER publishedrating_sealed" + (" ON publishedrating"
                                                                   if engine.dialect.name == "postgresql" else "")))
    done = subprocess.run(run, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "publishedrating_sealed" in done.stdout


def test_check_reports_a_dropped_link_check_where_it_replaces_a_foreign_key(engine, published):
    """On PostgreSQL a statement-level trigger checks the published rows' links (db/store/links.py); on SQLite the
    foreign key does, and dropping it needs a table rebuild, so the check names the trigger on PostgreSQL only."""
    from db.documents.check import check_store

    if engine.dialect.name != "postgresql":
        assert not any("linked" in d.message_en for d in check_store(engine=engine))
        return
    assert check_store(engine=engine) == []
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER publishedcharge_linked ON publishedcharge"))
    assert any("publishedcharge_linked" in d.message_en for d in check_store(engine=engine))


@pytest.mark.parametrize("document", [
    {"k": 10**17}, {"é": 1, "e": 2, "\U0001f600": 3, "\ufb01": 4}, {"a": 1.5}, {"a": [None, {"b": -0}]},
])
def test_the_fast_path_and_the_jcs_library_agree_or_the_library_decides(document):
    from db.documents.canonical import UnreadableDocument

    try:
        expected = rfc8785.dumps(document)
    except rfc8785.CanonicalizationError:
        with pytest.raises(UnreadableDocument):
            canonical_bytes(document)
        return
    assert canonical_bytes(document) == expected


def test_a_file_with_a_number_beyond_the_canonical_range_is_refused(engine, published, our_keys):
    content = _edited(_json(engine), lambda d: d["ratings"][0].update(total=10**20))
    verdict = verify_document(content, our_keys)
    assert (verdict.status, verdict.exit_code) == (ALTERED, 1) and "canonical form" in verdict.message_en


# --- documents built by publishing skip the walk over every value ------------------------------------------------

def _built(**rows):
    from db.documents.export import build_document

    ratings = pd.DataFrame([{"credit_code": "C1", "agency_name": "江阴😀\u2028机构", "year": YEAR, "total": 90,
                             "grade": "A", "blacklist": False, "blacklist_clauses": "", "assessed_by": "",
                             "towns": "澄江街道"}])
    return build_document(year=YEAR, version=1, rulebook="jiangyin-2020", published_at=dt.datetime(2026, 1, 5, 2),
                          reason="", previous_digest="", demo=False, buckets=[], ratings=rows.get("ratings", ratings),
                          charges=[], practitioners=[])


def test_a_built_document_is_marked_plain_and_its_bytes_are_the_jcs_libraries():
    from db.documents.canonical import PlainDocument

    document = _built()
    assert isinstance(document, PlainDocument)
    assert canonical_bytes(document) == rfc8785.dumps(dict(document))


def test_a_built_document_with_a_lone_surrogate_is_still_refused():
    from db.documents.canonical import UnreadableDocument

    document = _built()
    document["ratings"][0]["agency_name"] = "bad \udc80"
    with pytest.raises(UnreadableDocument):
        canonical_bytes(document)


def test_publishing_refuses_a_whole_number_beyond_the_canonical_range():
    ratings = _built()["ratings"]
    frame = pd.DataFrame([{**ratings[0], "total": 2**53}])
    with pytest.raises(ValueError, match="out of range"):
        _built(ratings=frame)


# --- publishing writes the canonical bytes column by column -----------------------------------------------------

TRICKY_TEXT = ["江阴😀\u2028机构", 'quote " and \\ backslash', "tab\tnew\nline\x01\x1f", "bidi \u202e evil",
               "%s %d %% percent", "", "ﬁ ligature é", "a" * 300]


def _tables(**rows):
    from db.documents.export import document_tables

    ratings = pd.DataFrame([{"credit_code": f"C{i:02d}", "agency_name": name, "year": YEAR, "total": 100 - i,
                             "grade": "A" if i % 2 else "黑名单", "blacklist": bool(i % 2), "blacklist_clauses": "1.3",
                             "assessed_by": "", "towns": name, "town_score": 50 - i, "bureau_score": 50}
                            for i, name in enumerate(TRICKY_TEXT)])
    charges = pd.DataFrame([{"credit_code": f"C{i:02d}", "clause": "2.1", "assessor": name, "period": "Q1",
                             "date": f"{YEAR}-03-0{1 + i % 9}", "points_nominal": 10, "points_charged": 10 - i % 2,
                             "blacklist": i == 3} for i, name in enumerate(TRICKY_TEXT)])
    return document_tables(year=YEAR, version=2, rulebook="jiangyin-2020", published_at=dt.datetime(2026, 1, 5, 2),
                           reason='更正 "原因" \\ %s', previous_digest="ab" * 32, demo=True,
                           buckets=["town", "bureau"], ratings=rows.get("ratings", ratings),
                           charges=rows.get("charges", charges), practitioners=rows.get("practitioners", []))


def test_the_column_by_column_bytes_are_the_jcs_librarys_for_tricky_text():
    from db.documents.canonical import canonical_table_bytes

    tables = _tables()
    written = canonical_table_bytes(tables.header, tables.frames())
    assert written is not None  # the column path was taken, not the fallback
    assert written == rfc8785.dumps(dict(tables.document())) == tables.canonical()


def test_the_column_by_column_bytes_of_empty_tables_are_the_jcs_librarys():
    tables = _tables(charges=[], practitioners=[])
    assert tables.canonical() == rfc8785.dumps(dict(tables.document()))
    assert b'"charges":[]' in tables.canonical()


def test_a_lone_surrogate_leaves_the_column_path_and_is_refused():
    from db.documents.canonical import UnreadableDocument, canonical_table_bytes

    ratings = _tables().ratings.assign(agency_name="bad \udc80")
    tables = _tables(ratings=ratings)
    assert canonical_table_bytes(tables.header, tables.frames()) is None
    with pytest.raises(UnreadableDocument):
        tables.canonical()


def test_a_header_number_beyond_the_canonical_range_leaves_the_column_path():
    from db.documents.canonical import canonical_table_bytes

    tables = _tables()
    assert canonical_table_bytes({**tables.header, "version": 2**53}, tables.frames()) is None
    assert canonical_table_bytes({**tables.header, "version": 2.5}, tables.frames()) is None


def test_a_non_ascii_key_leaves_the_column_path_for_the_library():
    from db.documents.canonical import canonical_table_bytes

    tables = _tables()
    frames = {**tables.frames(), "ratings": tables.ratings.rename(columns={"towns": "镇街"})}
    assert canonical_table_bytes(tables.header, frames) is None


# --- currency: a genuine file may still be superseded ------------------------------------------------------------

def test_verify_with_the_sums_list_says_a_version_was_superseded(engine, published, tmp_path, signing_key_file):
    from db.public.open_data import checksum_file, checksums

    public = tmp_path / "public.pem"
    public.write_text(load_signer(Path(signing_key_file)).public_pem)
    old = tmp_path / "v1.json"
    old.write_bytes(_json(engine))
    sums = tmp_path / "SHA256SUMS"
    sums.write_bytes(checksum_file(checksums(engine)))
    done = _verify_cli(old, "--public-key", str(public), "--sums", str(sums))
    assert done.returncode == 0 and f"version 1 is the latest of {YEAR}" in done.stdout, done.stdout + done.stderr
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="复核更正")
    sums.write_bytes(checksum_file(checksums(engine)))
    done = _verify_cli(old, "--public-key", str(public), "--sums", str(sums))
    assert done.returncode == 0 and f"SUPERSEDED: {YEAR} has version 2" in done.stdout and "已被取代" in done.stdout


def test_currency_reads_only_the_years_own_lines_of_the_list():
    from db.documents.verify import GENUINE, Verdict, currency

    verdict = Verdict(GENUINE, "", "", year=2025, version=2)
    line = "{}  jiangyin-credit-{}-v{}.{}"
    sums = "\n".join([line.format("a" * 64, 2025, 1, "json"), line.format("b" * 64, 2025, 2, "csv"),
                      line.format("c" * 64, 2026, 7, "json"), "garbage jiangyin-credit-2025-v9.json"])
    assert "latest of 2025" in currency(verdict, sums)[1]
    assert "version 3" in currency(verdict, sums + "\n" + line.format("d" * 64, 2025, 3, "xlsx"))[1]
    assert currency(verdict, line.format("c" * 64, 2026, 7, "json")) is None
    assert currency(Verdict(GENUINE, "", ""), sums) is None
