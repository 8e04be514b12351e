"""Checking a downloaded JSON export offline: its digest, its signature, against public keys; no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core.isolation import read_isolated
from core.limits import ReadLimits
from db.publishing.canonical import DuplicateKeys, UnreadableDocument, digest_and_bytes, read_json
from db.publishing.export import FORMAT_SIGNED, FORMAT_UNSIGNED
from db.publishing.signing import ALGORITHM, key_id, signature_valid

GENUINE, UNSIGNED, ALTERED, FOREIGN_KEY, UNREADABLE = "genuine", "unsigned", "altered", "foreign_key", "unreadable"
EXIT_CODES = {GENUINE: 0, UNSIGNED: 0, ALTERED: 1, FOREIGN_KEY: 1, UNREADABLE: 2}


@dataclass(frozen=True)
class Verdict:
    """What a file is: `status` (one of the five above), which version it claims, and why, in both languages."""

    status: str
    message_zh: str
    message_en: str
    year: int | None = None
    version: int | None = None
    digest: str = ""
    previous_digest: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


def _claims(document: dict[str, Any]) -> tuple[str, str]:
    year, version = document.get("year"), document.get("version")
    return f"{year}年度第{version}版", f"{year} version {version}"


def verify_isolated(content: bytes, public_keys: Sequence[Ed25519PublicKey], limits: ReadLimits) -> Verdict:
    """verify_document in core.isolation's capped child: a JSON file from outside is parsed there, never here.
    The keys cross as their raw bytes (key objects do not pickle)."""
    return read_isolated(_verify_raw, content, [k.public_bytes_raw() for k in public_keys], limits=limits)


def _verify_raw(content: bytes, raw_keys: list[bytes], *, limits: ReadLimits) -> Verdict:
    return verify_document(content, [Ed25519PublicKey.from_public_bytes(raw) for raw in raw_keys])


def verify_document(content: bytes, public_keys: Sequence[Ed25519PublicKey] = ()) -> Verdict:
    """The verdict on a JSON export: digest recomputed from its content, signature checked against `public_keys`.

    Genuine: the digest matches and one of the keys signed it. Altered: a digest that does not match, a duplicated
    key, or a signature none of the keys made (re-signed by someone else). Unsigned: a version published before
    signatures whose digest matches (compare it with the site's list). Unreadable: not an export of this board.
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
             "previous_digest": str(document.get("previous_digest", ""))}
    try:
        recomputed, message = digest_and_bytes(document)
    except UnreadableDocument as exc:  # a value no canonical form has (a 20-digit number, a lone surrogate)
        return Verdict(ALTERED, f"不可信：{exc.message_zh}", f"NOT GENUINE: {exc.message_en}")
    if recomputed != document["digest"]:
        return Verdict(ALTERED, f"不可信：文件自称{zh}，但内容与其摘要不符（内容被改动过）",
                       f"NOT GENUINE: the file claims {en}, but its content does not match its digest (altered)",
                       **found)
    if document["format"] == FORMAT_UNSIGNED:
        return Verdict(UNSIGNED, f"摘要一致：{zh}（签名功能启用前发布，无签名；请与网站公布的摘要核对）",
                       f"DIGEST MATCHES: {en} (published before signatures: compare the digest with the site's list)",
                       **found)
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM \
            or not isinstance(signature.get("value"), str):
        return Verdict(ALTERED, f"不可信：{zh}应有 Ed25519 签名，文件中没有或格式不对",
                       f"NOT GENUINE: {en} must carry an Ed25519 signature; it is missing or malformed", **found)
    for key in public_keys:
        if signature_valid(key, message, signature["value"]):
            return Verdict(GENUINE, f"真实：{zh}，摘要一致，签名由公钥 {key_id(key)} 验证",
                           f"GENUINE: {en}, digest matches, signed by key {key_id(key)}", **found)
    return Verdict(FOREIGN_KEY, f"不可信：{zh}的签名不是所给公钥签署的（被改动后重新签名，或公钥不对）",
                   f"NOT GENUINE: the signature of {en} was not made by the given key(s) (re-signed, or wrong key)",
                   **found)


# The names in the site's SHA256SUMS list: jiangyin-credit-<year>-v<version>.<format> (db.publishing.open_data).
_LISTED_FILE = re.compile(r"^([0-9a-f]{64}) [ *]jiangyin-credit-(\d{4})-v(\d+)\.[a-z.]+$")


def currency(verdict: Verdict, sums: str) -> tuple[str, str] | None:
    """Whether the version a genuine file names is still current, by the site's SHA256SUMS list (downloaded with it).

    The list names every file of every version; a later version of the same year supersedes this one. None when the
    verdict names no version or the list holds no file of that year (then the list cannot tell).
    """
    if verdict.year is None or verdict.version is None:
        return None
    versions = {int(m[3]) for line in sums.splitlines() if (m := _LISTED_FILE.match(line.strip()))
                and int(m[2]) == verdict.year}
    if not versions:
        return None
    latest = max(versions)
    if latest > verdict.version:
        return (f"已被取代：{verdict.year}年度已有第{latest}版（据 SHA256SUMS），请以最新版本为准",
                f"SUPERSEDED: {verdict.year} has version {latest} (by SHA256SUMS); use the latest version")
    return (f"据 SHA256SUMS，第{verdict.version}版是{verdict.year}年度的最新版本",
            f"by SHA256SUMS, version {verdict.version} is the latest of {verdict.year}")
