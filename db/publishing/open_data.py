"""What the open-data and check pages read: every file of every version with its SHA-256, the public keys, and
which version an uploaded file is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.publishing.export import WRITERS, load_for_files
from db.publishing.signing import load_public_keys
from db.publishing.verify import GENUINE, UNSIGNED, verify_isolated
from db.store.models import Publication, SigningKey
from db.store.settings import get_settings

CHECKSUM_COLUMNS = ("year", "version", "file_name", "sha256")
KEY_COLUMNS = ("key_id", "public_key", "demo", "first_used_at")


def file_name(year: int, version: int, fmt: str) -> str:
    """`jiangyin-credit-2025-v2.xlsx`: the name every download of that file gets."""
    return f"jiangyin-credit-{year}-v{version}.{fmt}"


def checksums(engine: Engine) -> pd.DataFrame:
    """Every file of every published version (each format the site offers) and its SHA-256, newest year first.

    Computed from the stored rows, as the downloads are, so the list always names the bytes the site serves.
    """
    rows = []
    with Session(engine) as session:
        for p in session.execute(select(Publication).order_by(Publication.year.desc(), Publication.version)).scalars():
            documents = load_for_files(session, p)
            for fmt, write in WRITERS.items():
                digest = hashlib.sha256(write(*documents)).hexdigest()
                rows.append((p.year, p.version, file_name(p.year, p.version, fmt), digest))
    return pd.DataFrame(rows, columns=list(CHECKSUM_COLUMNS))


def checksum_file(sums: pd.DataFrame) -> bytes:
    """The list in `sha256sum` format (`sha256sum -c SHA256SUMS` checks a folder of downloads)."""
    return "".join(f"{r.sha256}  {r.file_name}\n" for r in sums.itertuples()).encode("ascii")


def signing_keys(engine: Engine) -> pd.DataFrame:
    """Every public key that signed a version (PEM), oldest first; a demo key says so."""
    with Session(engine) as session:
        keys = session.execute(select(*[getattr(SigningKey, c) for c in KEY_COLUMNS]).order_by(SigningKey.first_used_at))
        return pd.DataFrame(keys.all(), columns=list(KEY_COLUMNS))


@dataclass(frozen=True)
class Identification:
    """What an uploaded file is: `status` current | superseded | altered | unknown, and which version it names."""

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
    """Which published version `content` is: a JSON by its digest and signature (any layout), a CSV/XLSX by its
    bytes (the checksum list `sums`); whether that version is the year's current one or has been superseded."""
    versions = _versions(engine)
    found: tuple[int, int] | None = None
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        keys = [k for pem in signing_keys(engine)["public_key"] for k in load_public_keys(pem.encode())]
        verdict = verify_isolated(content, keys, get_settings().read_limits)
        if verdict.status not in (GENUINE, UNSIGNED):
            return Identification("altered", verdict.message_zh, verdict.message_en, verdict.year, verdict.version)
        match = versions[versions["digest"] == verdict.digest]
        if not match.empty:
            found = int(match.iloc[0]["year"]), int(match.iloc[0]["version"])
    else:
        match = sums[sums["sha256"] == hashlib.sha256(content).hexdigest()]
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
