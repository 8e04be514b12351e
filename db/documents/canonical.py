"""The canonical form of a publication document (RFC 8785, JSON Canonicalization Scheme) and strict JSON reading."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from json.encoder import encode_basestring  # the C spelling of a string that json.dumps(ensure_ascii=False) uses
from typing import Any

import numpy as np
import pandas as pd
import rfc8785

from core.errors import CreditBoardError
from core.text import plural

# Top-level keys a document carries about itself: not part of what is digested and signed.
SELF_KEYS = frozenset({"digest", "signature"})


class UnreadableDocument(CreditBoardError):
    """Bytes that are not one JSON document this board could have written (broken, duplicated keys, NaN…)."""


SAFE_INT = 2**53  # JCS writes numbers as IEEE doubles: beyond this a whole number is no longer spelled exactly


def _plain(value: Any) -> bool:
    """True when `value` holds only ASCII-keyed objects, lists, encodable text, booleans and whole numbers under 2**53:
    for such values RFC 8785 and json.dumps(sort_keys, no spaces, characters as themselves) give the same bytes."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if not (isinstance(key, str) and key.isascii()):
                    return False
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:  # a lone surrogate from a crafted file
                    return False
        elif isinstance(item, bool) or item is None:
            continue
        elif not (isinstance(item, int) and -SAFE_INT < item < SAFE_INT):
            return False
    return True


class PlainDocument(dict):
    """A document built from typed columns (db.documents.export.build_document) whose values are already limited to
    the plain kinds `_plain` looks for — ASCII keys, text, booleans, whole numbers under 2**53 — so canonicalising it
    skips that walk over every value (about a second on a year of 10,000 agencies). Text is still checked: a lone
    surrogate fails the UTF-8 encoding and goes to the rfc8785 library, which refuses it."""


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of `document` without its digest and signature: what the digest and the signature cover.

    RFC 8785 fixes key order (UTF-16 code units), whitespace (none), string escapes and number spelling, so any
    language with a JCS library — or the short recipe in docs/open-data.md — gets the same bytes. A document holds
    only text, whole numbers, booleans, lists and objects; for such documents JCS equals Python's
    json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")), which is how versions before signatures
    were digested: their digests are unchanged. Such documents take that C-accelerated path (about 7× faster on
    a year of 10,000 agencies; a test checks both paths agree); anything else goes through the rfc8785 library.
    """
    body = {k: v for k, v in document.items() if k not in SELF_KEYS}
    if isinstance(document, PlainDocument) or _plain(body):
        try:
            return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: rfc8785 below names the problem
    try:
        return rfc8785.dumps(body)
    except rfc8785.CanonicalizationError as exc:  # huge numbers, NaN, lone surrogates: never in a file of ours
        raise UnreadableDocument(f"JSON 中有无法规范化的值（{exc}）", f"the JSON holds a value with no canonical form ({exc})"
                                 ) from None


def _spelled(column: pd.Series) -> list[str]:
    """Each value of a typed column as its JSON text: whole numbers, booleans, or strings (spelled once per distinct
    value: a year's charges repeat a few clauses, towns and days)."""
    if column.dtype == bool:
        return np.where(column.to_numpy(), "true", "false").tolist()
    if pd.api.types.is_integer_dtype(column.dtype):
        return list(map(str, column.tolist()))
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return np.array([encode_basestring(str(u)) for u in uniques], dtype=object)[codes].tolist()


def canonical_table_bytes(header: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> bytes | None:
    """The canonical bytes of a document given as plain header values and typed row frames — written column by column.

    Every frame column must be int64 (values range-checked under 2**53), bool, or text; the rows are in document
    order. The result equals `canonical_bytes` of the same document as dicts (a test holds the two to each other and
    to the rfc8785 library): RFC 8785 on such values is sorted ASCII keys, no spaces, strings spelled as json.dumps
    spells them with ensure_ascii=False. None when a key is not ASCII or a text cannot be UTF-8 (a lone surrogate):
    the caller then canonicalises the dicts, which refuses such a value by name.
    """
    body = {k: v for k, v in header.items() if k not in SELF_KEYS}
    keys = [*body, *tables]
    columns = [str(c) for frame in tables.values() for c in frame.columns]
    if not all(isinstance(k, str) and k.isascii() for k in (*keys, *columns)):
        return None
    if not all(isinstance(v, str | bool) or (isinstance(v, int) and abs(v) < SAFE_INT) for v in body.values()):
        return None  # a header value JCS spells differently from json.dumps (a float, a huge number): the library's
    spelled = {k: json.dumps(v, ensure_ascii=False, separators=(",", ":")) for k, v in body.items()}
    for key, frame in tables.items():
        names = sorted(str(c) for c in frame.columns)
        template = "{" + ",".join(encode_basestring(n).replace("%", "%%") + ":%s" for n in names) + "}"
        values = zip(*(_spelled(frame[n]) for n in names), strict=True)
        spelled[key] = "[" + ",".join(map(template.__mod__, values)) + "]" if len(frame) else "[]"
    text = "{" + ",".join(f"{encode_basestring(k)}:{spelled[k]}" for k in sorted(spelled)) + "}"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def digest_hex(document: Mapping[str, Any]) -> str:
    """SHA-256 (64 lower-case hex digits) of the canonical bytes."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def digest_and_bytes(document: Mapping[str, Any]) -> tuple[str, bytes]:
    """The digest and the canonical bytes at once (publishing and checking need both: one canonicalisation)."""
    body = canonical_bytes(document)
    return hashlib.sha256(body).hexdigest(), body


class DuplicateKeys(UnreadableDocument):
    """A JSON object with a key twice: readers disagree on which value counts, so such a file never verifies."""


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise DuplicateKeys(f"JSON 中有重复的键：{'、'.join(twice)}（同一对象中一个键只能出现一次）",
                                 f"duplicated {plural(len(twice), 'key', 'keys')} in the JSON: {', '.join(twice)} (a key may appear once per object)")
    return dict(pairs)


def _refuse_constant(name: str) -> Any:
    raise UnreadableDocument(f"JSON 中不允许 {name}", f"{name} is not allowed in JSON")


# Python's default limit on the digits of a whole number read from text (sys.get_int_max_str_digits): a longer one
# is refused by name, not met as int()'s ValueError; no count or score comes near it.
MAX_NUMBER_DIGITS = 4300


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    try:
        if digits <= MAX_NUMBER_DIGITS:
            return int(text)
    except ValueError:  # the interpreter's limit set lower (PYTHONINTMAXSTRDIGITS)
        pass
    raise UnreadableDocument(f"JSON 中有位数过多的数字（{digits:,} 位，最多 {MAX_NUMBER_DIGITS:,} 位）",
                             f"a number in the JSON has too many digits ({digits:,}; at most {MAX_NUMBER_DIGITS:,})")


def read_json(content: bytes) -> Any:
    """The JSON value in `content` (UTF-8, a BOM and any whitespace allowed); UnreadableDocument otherwise.

    A duplicated key is refused: with two "total" keys one reader would show the first and another the last,
    while the digest covers only one of them — a file that says two things must not verify.
    """
    try:
        text = content.decode("utf-8-sig")
        return json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant,
                          parse_int=_bounded_int)
    except UnicodeDecodeError:
        raise UnreadableDocument("文件不是 UTF-8 编码的 JSON", "the file is not UTF-8 JSON text") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f"（第{exc.lineno}行第{exc.colno}列）" if isinstance(exc, json.JSONDecodeError) else ""
        where_en = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise UnreadableDocument(f"不是有效的 JSON{where}", f"not valid JSON{where_en}") from None
