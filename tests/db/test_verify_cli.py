"""`python -m db verify|sums|public-key --all` as a reader runs them: no downgrade to "unsigned", membership in the
site's SHA256SUMS, only the site's published keys (never this machine's private key)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.accounts.actor import Actor
from db.documents.canonical import canonical_bytes, digest_hex
from db.documents.export import FORMAT_UNSIGNED, export_publication
from db.documents.signing import keygen, load_signer
from db.public.open_data import checksum_file, checksums, identify, signing_keys
from tests.builders import finding
from tests.db.conftest import url_of
from tests.db.publishing import YEAR, a_year, load
from tests.db.unsigned import publish_unsigned
from tests.notices import publish_after_notice

PROJECT = Path(__file__).resolve().parents[2]


def db(*args: str, url: str = "postgresql+psycopg://nobody@127.0.0.1:1/none", key: str | None = None
       ) -> subprocess.CompletedProcess:
    """`python -m db ARGS`; by default with a database that cannot be reached and no signing key on the machine."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "SIGNING_KEY_FILE": key or "/nonexistent/key.pem"}
    done = subprocess.run([sys.executable, "-m", "db", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def site(engine, tmp_path):
    """2025 version 1 published before signatures, version 2 signed; the site's key file and SHA256SUMS as the
    open-data page offers them."""
    a_year(engine)
    publish_unsigned(engine, YEAR)
    load(engine, [finding(0, "2.1", period="Q4")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录第四季度记录")
    files = {"v1": tmp_path / "jiangyin-credit-2025-v1.json", "v2": tmp_path / "jiangyin-credit-2025-v2.json",
             "keys": tmp_path / "keys.pem", "sums": tmp_path / "SHA256SUMS"}
    files["v1"].write_bytes(export_publication(engine=engine, year=YEAR, version=1, fmt="json"))
    files["v2"].write_bytes(export_publication(engine=engine, year=YEAR, version=2, fmt="json"))
    files["keys"].write_text("".join(signing_keys(engine)["public_key"]), encoding="ascii")
    files["sums"].write_bytes(checksum_file(checksums(engine)))
    return files


def _write(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(path)


def _verify(site, path, *, sums: bool = True, keys: bool = True) -> subprocess.CompletedProcess:
    args = ["verify", str(path)]
    args += ["--public-key", str(site["keys"])] if keys else []
    args += ["--sums", str(site["sums"])] if sums else []
    return db(*args)


def test_a_genuine_signed_file_exits_0_with_or_without_the_list(site):
    for sums in (False, True):
        done = _verify(site, site["v2"], sums=sums)
        assert done.returncode == 0 and "GENUINE: 2025 version 2" in done.stdout and "真实" in done.stdout


def test_an_altered_file_exits_1(site, tmp_path):
    document = json.loads(site["v2"].read_bytes())
    document["ratings"][0]["total"] -= 5
    done = _verify(site, _write(tmp_path, "altered.json", document), sums=False)
    assert done.returncode == 1 and "does not match its digest" in done.stdout and "不可信" in done.stdout


def test_a_file_resigned_with_another_key_exits_1(site, tmp_path):
    other = keygen(tmp_path / "other.pem")
    document = json.loads(site["v2"].read_bytes())
    document["ratings"][0]["total"] -= 5
    document["digest"] = digest_hex(document)
    document["signature"] = {"algorithm": "Ed25519", "key_id": other.key_id, "value": other.sign(canonical_bytes(document))}
    done = _verify(site, _write(tmp_path, "resigned.json", document), sums=False)
    assert done.returncode == 1 and "made by none of the trusted keys" in done.stdout
    other_pem = tmp_path / "other-public.pem"
    other_pem.write_text(other.public_pem)  # with the forger's own key it checks out: only the site's keys count
    assert db("verify", str(tmp_path / "resigned.json"), "--public-key", str(other_pem)).returncode == 0


def test_a_file_with_a_duplicated_key_is_refused(site, tmp_path):
    content = site["v2"].read_bytes()
    doubled = content.replace(b'"year": 2025', b'"year": 2025, "year": 2024', 1)
    assert doubled != content
    (tmp_path / "doubled.json").write_bytes(doubled)
    done = _verify(site, tmp_path / "doubled.json", sums=False)
    assert done.returncode == 1 and "duplicated key" in done.stdout and "重复的键" in done.stdout


def _stripped_and_relabelled(site, tmp_path, change: bool = True) -> str:
    document = json.loads(site["v2"].read_bytes())
    document.pop("signature")
    document["format"] = FORMAT_UNSIGNED
    if change:
        document["ratings"][0]["total"] -= 5
    document["digest"] = digest_hex(document)
    return _write(tmp_path, "relabelled.json", document)


@pytest.mark.parametrize("sums", [False, True])
def test_a_stripped_and_relabelled_file_exits_1(site, tmp_path, sums):
    done = _verify(site, _stripped_and_relabelled(site, tmp_path), sums=sums)
    assert done.returncode == 1 and ("NOT GENUINE" in done.stdout or "NOT CONFIRMED" in done.stdout)
    assert not any(line.startswith(("GENUINE", "DIGEST MATCHES")) for line in done.stdout.splitlines())
    assert ("not on the given SHA256SUMS list" if sums else "carries no signature") in done.stdout


def test_the_site_does_not_take_a_stripped_and_relabelled_file_either(engine, site, tmp_path):
    for change in (True, False):  # even with every rating as published: the format is part of the digest
        content = Path(_stripped_and_relabelled(site, tmp_path, change)).read_bytes()
        assert identify(engine, content, checksums(engine)).status == "unknown"


def test_an_unsigned_old_file_on_the_list_exits_0_and_says_it_was_superseded(site):
    done = _verify(site, site["v1"])
    assert done.returncode == 0 and "GENUINE: 2025 version 1, this file's SHA-256 is on the site's SHA256SUMS list" \
        in done.stdout
    assert "SUPERSEDED: 2025 has version 2" in done.stdout
    assert db("verify", str(site["v1"]), "--sums", str(site["sums"])).returncode == 0  # no key needed for it


def test_an_unsigned_file_not_on_the_list_exits_1(site, tmp_path):
    document = json.loads(site["v1"].read_bytes())  # the true content, laid out anew: not the bytes the site lists
    done = _verify(site, _write(tmp_path, "v1-again.json", document))
    assert done.returncode == 1 and "not on the given SHA256SUMS list" in done.stdout
    done = _verify(site, site["v1"], sums=False)  # no list at all: never genuine on its own say-so
    assert done.returncode == 1 and "NOT CONFIRMED" in done.stdout and "--sums" in done.stdout


def test_sums_checks_membership_so_a_signed_file_not_on_the_list_exits_1(site, tmp_path):
    document = json.loads(site["v2"].read_bytes())
    path = _write(tmp_path, "v2-again.json", document)
    assert _verify(site, path, sums=False).returncode == 0  # the signature holds in any layout
    done = _verify(site, path)
    assert done.returncode == 1 and "not on the given SHA256SUMS list" in done.stdout and "清单中" in done.stdout
    old_list = tmp_path / "OLD"  # a list from before version 2 was published
    old_list.write_text("".join(line + "\n" for line in site["sums"].read_text().splitlines() if "-v1." in line))
    assert db("verify", str(site["v2"]), "--public-key", str(site["keys"]), "--sums", str(old_list)).returncode == 1


def test_verify_never_uses_this_machines_private_key(site, signing_key_file):
    done = db("verify", str(site["v2"]), key=signing_key_file)  # the key that signed it is right here
    assert done.returncode == 2 and "--public-key" in done.stderr and "never uses this machine's signing key" in \
        done.stderr and "不使用本机" in done.stderr and done.stdout == ""


def test_sums_prints_the_list_the_site_serves(engine, site):
    done = db("sums", url=url_of(engine))
    assert done.returncode == 0 and done.stdout.encode() == site["sums"].read_bytes()  # the open-data page's list
    lines = done.stdout.splitlines()
    assert len(lines) == 12 and {line.split("  ")[1] for line in lines} >= {"jiangyin-credit-2025-v1.json",
                                                                            "jiangyin-credit-2025-v2.xlsx"}


def test_public_key_all_lists_every_key_that_ever_signed_after_a_rotation(engine, tmp_path, signing_key_file):
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    first = export_publication(engine=engine, year=YEAR, version=1, fmt="json")
    new_key = keygen(tmp_path / "new-key.pem")
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="复核更正", signer=new_key)
    done = db("public-key", "--all", url=url_of(engine))
    assert done.returncode == 0, done.stderr
    old_key = load_signer(Path(signing_key_file))
    assert done.stdout.count("-----BEGIN PUBLIC KEY-----") == 2
    old_at, new_at = done.stdout.index(f"key id {old_key.key_id}"), done.stdout.index(f"key id {new_key.key_id}")
    assert old_at < new_at  # oldest first
    assert old_key.public_pem in done.stdout and new_key.public_pem in done.stdout
    assert "signed 1 version, first 2025 v1" in done.stdout and "first 2025 v2" in done.stdout
    keys = tmp_path / "keys.pem"
    keys.write_text(done.stdout)
    (tmp_path / "v1.json").write_bytes(first)  # a file signed before the rotation still verifies
    done = db("verify", str(tmp_path / "v1.json"), "--public-key", str(keys))
    assert done.returncode == 0 and f"signed by key {old_key.key_id}" in done.stdout


def test_public_key_all_on_a_database_with_no_signed_version_prints_no_key(engine):
    done = db("public-key", "--all", url=url_of(engine))
    assert done.returncode == 0 and done.stdout == "" and "no version has been signed" in done.stderr
