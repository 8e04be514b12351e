"""What the open-data and check pages read: every file of every version with its SHA-256, the public keys, and
which version an uploaded file is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.documents.export import WRITERS, load_for_files
from db.documents.signing import load_public_keys
from db.documents.verify import GENUINE, UNCONFIRMED, UNREADABLE, verify_isolated
from db.store.models import Publication, SigningKey
from db.store.settings import get_settings

CHECKSUM_COLUMNS = ("year", "version", "file_name", "sha256")
KEY_COLUMNS = ("key_id", "public_key", "demo", "first_used_at")


def file_name(year: int, version: int, fmt: str) -> str:
    """`jiangyin-credit-2025-v2.xlsx`: the name every download of that file gets."""
    return f"jiangyin-credit-{year}-v{version}.{fmt}"


def file_kind(content: bytes) -> str:
    """Which kind of the site's files (`kind_of` its format) a file's bytes can be: "xlsx" (a zip), "json" (an
    object), else "csv".

    Every file the site serves reads as its own kind here, so a file can only be byte-identical to a site file of
    the kind this names (the check page hashes only those: writing every workbook took seconds).
    """
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "json" if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def kind_of(fmt: str) -> str:
    """A format's kind, its file name's last extension: `charges.csv` → `csv`."""
    return fmt.rsplit(".", 1)[-1]


def checksums(engine: Engine, kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every file of every published version (each format the site offers, or those of `kinds`) and its SHA-256,
    newest year first.

    Computed from the stored rows, as the downloads are, so the list always names the bytes the site serves.
    """
    rows = []
    with Session(engine) as session:
        for p in session.execute(select(Publication).order_by(Publication.year.desc(), Publication.version)).scalars():
            documents = load_for_files(session, p)
            for fmt, write in WRITERS.items():
                if kinds is not None and kind_of(fmt) not in kinds:
                    continue
                digest = hashlib.sha256(write(*documents)).hexdigest()
                rows.append((p.year, p.version, file_name(p.year, p.version, fmt), digest))
    return pd.DataFrame(rows, columns=list(CHECKSUM_COLUMNS))


def checksum_file(sums: pd.DataFrame) -> bytes:
    """The list in `sha256sum` format (`sha256sum -c SHA256SUMS` checks a folder of downloads)."""
    return "".join(f"{r.sha256}  {r.file_name}\n" for r in sums.itertuples()).encode("ascii")


def sha256sums(engine: Engine) -> bytes:
    """The SHA256SUMS file the open-data page offers, as `python -m db sums` prints it (one list, one way to make it)."""
    return checksum_file(checksums(engine))


def signing_keys(engine: Engine) -> pd.DataFrame:
    """Every public key that signed a version (PEM), oldest first; a demo key says so."""
    with Session(engine) as session:
        keys = session.execute(select(*[getattr(SigningKey, c) for c in KEY_COLUMNS]).order_by(SigningKey.first_used_at))
        return pd.DataFrame(keys.all(), columns=list(KEY_COLUMNS))


def key_history(engine: Engine) -> pd.DataFrame:
    """Every public key that ever signed a version, oldest first: its id, SHA-256 fingerprint (of the 32 raw bytes;
    the id is its first 16 digits), PEM, demo mark, when it was registered, the first and last version it signed
    (`year`/`version`, `published_at`) and how many versions it signed."""
    keys = signing_keys(engine)
    with Session(engine) as session:
        signed = pd.DataFrame(session.execute(select(Publication.key_id, Publication.year, Publication.version,
                                                     Publication.published_at)
                                              .where(Publication.key_id != "")).all(),
                              columns=["key_id", "year", "version", "published_at"])
    rows = []
    for key in keys.itertuples():
        mine = signed[signed["key_id"] == key.key_id].sort_values("published_at")
        first, last = (mine.iloc[0], mine.iloc[-1]) if len(mine) else (None, None)
        raw = load_public_keys(key.public_key.encode())[0].public_bytes_raw()
        rows.append({"key_id": key.key_id, "fingerprint": hashlib.sha256(raw).hexdigest(),
                     "public_key": key.public_key, "demo": bool(key.demo), "first_used_at": key.first_used_at,
                     "first_signed": None if first is None else (int(first.year), int(first.version),
                                                                 first.published_at),
                     "last_signed": None if last is None else (int(last.year), int(last.version), last.published_at),
                     "versions": len(mine)})
    return pd.DataFrame(rows, columns=["key_id", "fingerprint", "public_key", "demo", "first_used_at", "first_signed",
                                       "last_signed", "versions"])


@dataclass(frozen=True)
class Identification:
    """What an uploaded file is: `status` current | superseded | altered | unreadable | unknown, and which version it
    names (unreadable: no JSON this board could have written, e.g. a number of 5,000 digits)."""

    status: str
    message_zh: str
    message_en: str
    year: int | None = None
    version: int | None = None
    latest_version: int | None = None


def _versions(engine: Engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(select(Publication.year, Publication.version, Publication.digest,
                                      Publication.published_at)).all()
    return pd.DataFrame(rows, columns=["year", "version", "digest", "published_at"])


def identify(engine: Engine, content: bytes, sums: pd.DataFrame) -> Identification:
    """Which published version `content` is, and whether that version is the year's current one or superseded.

    A file is the site's when its bytes are one of the site's files (`sums`, the SHA256SUMS list), or — a JSON in
    another layout — when its recomputed digest is a stored version's digest and it is either signed by a key the
    site published or carries no signature (a version published before signatures). Never on the file's own say-so:
    the digest covers the `format` field, so a signed version stripped of its signature and relabelled unsigned has
    a digest no stored version has.
    """
    versions = _versions(engine)
    found: tuple[int, int] | None = None
    match = sums[sums["sha256"] == hashlib.sha256(content).hexdigest()]
    if not match.empty:
        found = int(match.iloc[0]["year"]), int(match.iloc[0]["version"])
    elif content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        keys = [k for pem in signing_keys(engine)["public_key"] for k in load_public_keys(pem.encode())]
        verdict = verify_isolated(content, keys, get_settings().read_limits)
        if verdict.status not in (GENUINE, UNCONFIRMED):
            status = "unreadable" if verdict.status == UNREADABLE else "altered"
            return Identification(status, verdict.message_zh, verdict.message_en, verdict.year, verdict.version)
        match = versions[versions["digest"] == verdict.digest]
        if not match.empty:
            found = int(match.iloc[0]["year"]), int(match.iloc[0]["version"])
    if found is None:
        return Identification("unknown", "该文件与任何已发布版本的文件都不相符（可能被改动过，或不是本网站下载的文件）",
                              "this file matches no file of any published version (altered, or not downloaded here)")
    year, version = found
    latest = int(versions[versions["year"] == year]["version"].max())
    if version == latest:
        return Identification("current", f"{year}年度第{version}版，是该年度现行版本，内容未被改动",
                              f"{year} version {version}, the year's current version, unaltered", year, version, latest)
    return Identification("superseded", f"{year}年度第{version}版，内容未被改动，但已被第{latest}版更正取代",
                          f"{year} version {version}, unaltered, but superseded by version {latest}", year, version,
                          latest)
