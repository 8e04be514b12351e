"""The canonical form of a publication document (RFC 8785, JSON Canonicalization Scheme) and strict JSON reading."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import rfc8785

from core.errors import CreditBoardError

# Top-level keys a document carries about itself: not part of what is digested and signed.
SELF_KEYS = frozenset({"digest", "signature"})


class UnreadableDocument(CreditBoardError):
    """Bytes that are not one JSON document this board could have written (broken, duplicated keys, NaN…)."""


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of `document` without its digest and signature: what the digest and the signature cover.

    RFC 8785 fixes key order (UTF-16 code units), whitespace (none), string escapes and number spelling, so any
    language with a JCS library — or the short recipe in docs/open-data.md — gets the same bytes. A document holds
    only text, whole numbers, booleans, lists and objects; for such documents JCS equals Python's
    json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), which is how versions before signatures
    were digested: their digests are unchanged.
    """
    return rfc8785.dumps({k: v for k, v in document.items() if k not in SELF_KEYS})


def digest_hex(document: Mapping[str, Any]) -> str:
    """SHA-256 (64 lower-case hex digits) of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


class DuplicateKeys(UnreadableDocument):
    """A JSON object with a key twice: readers disagree on which value counts, so such a file never verifies."""


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise DuplicateKeys(f"JSON 中有重复的键：{'、'.join(twice)}（同一对象中一个键只能出现一次）",
                                 f"duplicated key(s) in the JSON: {', '.join(twice)} (a key may appear once per object)")
    return dict(pairs)


def _refuse_constant(name: str) -> Any:
    raise UnreadableDocument(f"JSON 中不允许 {name}", f"{name} is not allowed in JSON")


def read_json(content: bytes) -> Any:
    """The JSON value in `content` (UTF-8, a BOM and any whitespace allowed); UnreadableDocument otherwise.

    A duplicated key is refused: with two "total" keys one reader would show the first and another the last,
    while the digest covers only one of them — a file that says two things must not verify.
    """
    try:
        text = content.decode("utf-8-sig")
        return json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise UnreadableDocument("文件不是 UTF-8 编码的 JSON", "the file is not UTF-8 JSON text") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f"（第{exc.lineno}行第{exc.colno}列）" if isinstance(exc, json.JSONDecodeError) else ""
        where_en = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise UnreadableDocument(f"不是有效的 JSON{where}", f"not valid JSON{where_en}") from None
