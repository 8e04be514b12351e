"""Checking a downloaded JSON export offline: its digest, its signature, the site's SHA256SUMS list; no database."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.isolation import read_isolated
from core.limits import ReadLimits
from db.documents.canonical import DuplicateKeys, UnreadableDocument, digest_and_bytes, read_json
from db.documents.export import FORMAT_SIGNED, FORMAT_UNSIGNED
from db.documents.signing import ALGORITHM, key_id, signature_valid

# Genuine: signed by one of the given keys. Listed: its bytes are on the given SHA256SUMS list (how an unsigned file
# is ever shown genuine). Unconfirmed: unsigned and no list to look it up in. Unlisted: a list was given and the file
# is not on it. No key: signed, but neither a key nor a list was given to judge it by (the command refuses).
GENUINE, LISTED = "genuine", "listed"
UNCONFIRMED, UNLISTED, ALTERED, FOREIGN_KEY = "unconfirmed", "unlisted", "altered", "foreign_key"
NO_KEY, UNREADABLE = "no_key", "unreadable"
EXIT_CODES = {GENUINE: 0, LISTED: 0, UNCONFIRMED: 1, UNLISTED: 1, ALTERED: 1, FOREIGN_KEY: 1, NO_KEY: 2,
              UNREADABLE: 2}


@dataclass(frozen=True)
class Verdict:
    """What a file is: `status` (one of the above), which version it claims, and why, in both languages.

    `digest` is the digest the file claims (its content's, when the status is not altered); `file_sha256` the
    SHA-256 of the file's bytes, as SHA256SUMS lists it; `signed_by` the id of the key whose signature held.
    """

    status: str
    message_zh: str
    message_en: str
    year: int | None = None
    version: int | None = None
    digest: str = ""
    previous_digest: str = ""
    file_sha256: str = ""
    signed_by: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


def _claims(document: dict[str, Any]) -> tuple[str, str]:
    year, version = document.get("year"), document.get("version")
    return f"{year}年度第{version}版", f"{year} version {version}"


def verify_isolated(content: bytes, public_keys: Sequence[Ed25519PublicKey] | None, limits: ReadLimits,
                    sums: str | None = None) -> Verdict:
    """verify_document in core.isolation's capped child: a JSON file from outside is parsed there, never here.
    The keys cross as their raw bytes (key objects do not pickle); None (no key given) stays None."""
    raw = None if public_keys is None else [k.public_bytes_raw() for k in public_keys]
    return read_isolated(_verify_raw, content, raw, sums, limits=limits)


def _verify_raw(content: bytes, raw_keys: list[bytes] | None, sums: str | None, *, limits: ReadLimits) -> Verdict:
    keys = None if raw_keys is None else [Ed25519PublicKey.from_public_bytes(raw) for raw in raw_keys]
    return verify_document(content, keys, sums)


def verify_document(content: bytes, public_keys: Sequence[Ed25519PublicKey] | None = None,
                    sums: str | None = None) -> Verdict:
    """The verdict on a JSON export: digest recomputed from its content, signature checked against `public_keys`,
    its bytes looked up in `sums` (the text of the site's SHA256SUMS).

    `public_keys` None means no key was given (a signature cannot be judged); an empty list means none is trusted
    (every signature is foreign). A file with no signature is never genuine on its own say-so: stripping a
    signature, relabelling the format and recomputing the digest would otherwise pass any edit. It is genuine only
    when its SHA-256 is on the list. With a list given, every file must be on it (membership, not only currency).
    """
    try:
        document = read_json(content)
    except DuplicateKeys as exc:
        return Verdict(ALTERED, f"不可信：{exc.message_zh}", f"NOT GENUINE: {exc.message_en}")
    except UnreadableDocument as exc:
        return Verdict(UNREADABLE, exc.message_zh, exc.message_en)
    if not isinstance(document, dict) or "digest" not in document:
        return Verdict(UNREADABLE, "不是本系统导出的评定结果 JSON 文件", "not a JSON export of published ratings of this board")
    fields = ("format", "year", "version")
    if any(f not in document for f in fields) or document["format"] not in (FORMAT_SIGNED, FORMAT_UNSIGNED) \
            or not isinstance(document["digest"], str):  # claims a digest, but is no whole publication
        return Verdict(ALTERED, "不可信：文件带有摘要，但不是完整的评定结果文件（缺少或改动了必要字段）",
                       "NOT GENUINE: the file carries a digest but is not a whole publication (fields missing or changed)")
    zh, en = _claims(document)
    found = {"year": document["year"], "version": document["version"], "digest": document["digest"],
             "previous_digest": str(document.get("previous_digest", "")),
             "file_sha256": hashlib.sha256(content).hexdigest()}
    try:
        recomputed, message = digest_and_bytes(document)
    except UnreadableDocument as exc:  # a value no canonical form has (a 20-digit number, a lone surrogate)
        return Verdict(ALTERED, f"不可信：{exc.message_zh}", f"NOT GENUINE: {exc.message_en}")
    if recomputed != document["digest"]:
        return Verdict(ALTERED, f"不可信：文件自称{zh}，但内容与其摘要不符（内容被改动过）",
                       f"NOT GENUINE: the file claims {en}, but its content does not match its digest (altered)",
                       **found)
    signed_by = ""
    if document["format"] == FORMAT_SIGNED:
        signature = document.get("signature")
        if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM \
                or not isinstance(signature.get("value"), str):
            return Verdict(ALTERED, f"不可信：{zh}应有 Ed25519 签名，文件中没有或格式不对",
                           f"NOT GENUINE: {en} must carry an Ed25519 signature; it is missing or malformed", **found)
        if public_keys is not None:
            signed_by = next((key_id(k) for k in public_keys if signature_valid(k, message, signature["value"])), "")
            if not signed_by:
                return Verdict(FOREIGN_KEY, f"不可信：{zh}的签名不是由可信公钥（所给公钥；在网站上为网站公布的公钥）"
                                            "签署的（被改动后重新签名，或公钥不对）",
                               f"NOT GENUINE: the signature of {en} was made by none of the trusted keys (the keys "
                               "given; on the site, the keys it published): altered and re-signed, or the wrong key",
                               **found)
        elif sums is None:
            return Verdict(NO_KEY, f"{zh}带有签名，但没有给出用来核验的公钥",
                           f"{en} is signed, but no public key was given to check it", **found)
    if sums is not None:
        return _by_list(found, signed_by, sums, zh, en)
    if signed_by:
        return Verdict(GENUINE, f"真实：{zh}，摘要一致，签名由公钥 {signed_by} 验证",
                       f"GENUINE: {en}, digest matches, signed by key {signed_by}", signed_by=signed_by, **found)
    return Verdict(UNCONFIRMED, f"未能证实：{zh}没有签名（自称签名功能启用前发布），无签名的文件只有在网站公布的 "
                                "SHA256SUMS 清单中才算真实：请用 --sums 给出该清单",
                   f"NOT CONFIRMED: {en} carries no signature (it says it was published before signatures); an "
                   "unsigned file is genuine only if it is on the site's SHA256SUMS list: give it with --sums", **found)


def _by_list(found: dict[str, Any], signed_by: str, sums: str, zh: str, en: str) -> Verdict:
    """The verdict once a list is given: a file on it (under its own year and version) is the site's; else not."""
    listed = listed_files(sums).get(found["file_sha256"])
    if listed is None or (listed[0], listed[1]) != (found["year"], found["version"]):
        return Verdict(UNLISTED, f"不可信：该文件（{zh}）的 SHA-256 不在所给的 SHA256SUMS 清单中：不是网站提供的文件"
                                 "（被改动、重新排版或另存过），或清单不是本网站的现行清单",
                       f"NOT GENUINE: the SHA-256 of this file ({en}) is not on the given SHA256SUMS list: not a "
                       "file the site serves (altered, re-formatted or re-saved), or not the site's current list",
                       signed_by=signed_by, **found)
    name = listed[2]
    if signed_by:
        return Verdict(GENUINE, f"真实：{zh}，摘要一致，签名由公钥 {signed_by} 验证，且列于 SHA256SUMS（{name}）",
                       f"GENUINE: {en}, digest matches, signed by key {signed_by}, and listed in SHA256SUMS ({name})",
                       signed_by=signed_by, **found)
    return Verdict(LISTED, f"真实：{zh}，该文件的 SHA-256 列于网站的 SHA256SUMS 清单（{name}）",
                   f"GENUINE: {en}, this file's SHA-256 is on the site's SHA256SUMS list ({name})", **found)


# The names in the site's SHA256SUMS list: jiangyin-credit-<year>-v<version>.<format> (db.public.open_data).
_LISTED_FILE = re.compile(r"^([0-9a-fA-F]{64}) [ *](jiangyin-credit-(\d{4})-v(\d+)\.[a-z.]+)$")


def listed_files(sums: str) -> dict[str, tuple[int, int, str]]:
    """SHA-256 (lower-case hex) → (year, version, file name) of each well-formed line of a SHA256SUMS text."""
    return {m[1].lower(): (int(m[3]), int(m[4]), m[2])
            for line in sums.splitlines() if (m := _LISTED_FILE.match(line.strip().lstrip("\ufeff")))}


def currency(verdict: Verdict, sums: str) -> tuple[str, str] | None:
    """Whether the version a genuine file names is still current, by the site's SHA256SUMS list (downloaded with it).

    The list names every file of every version; a later version of the same year supersedes this one. None when the
    verdict names no version or the list holds no file of that year (then the list cannot tell).
    """
    if verdict.year is None or verdict.version is None:
        return None
    versions = {version for year, version, _ in listed_files(sums).values() if year == verdict.year}
    if not versions:
        return None
    latest = max(versions)
    if latest > verdict.version:
        return (f"已被取代：{verdict.year}年度已有第{latest}版（据 SHA256SUMS），请以最新版本为准",
                f"SUPERSEDED: {verdict.year} has version {latest} (by SHA256SUMS); use the latest version")
    return (f"据 SHA256SUMS，第{verdict.version}版是{verdict.year}年度的最新版本",
            f"by SHA256SUMS, version {verdict.version} is the latest of {verdict.year}")
