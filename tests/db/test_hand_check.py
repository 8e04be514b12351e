"""The hand check in docs/open-data.md gives RFC 8785 bytes — our canonical bytes — for every file it accepts, and
refuses only numbers no file of ours holds (not whole, or 2**53 and beyond in size), as the page says."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from db.documents.canonical import UnreadableDocument, canonical_bytes, read_json

OPEN_DATA = Path(__file__).resolve().parents[2] / "docs" / "open-data.md"


def hand_recipe() -> str:
    """The Python block of the "Checking a file" paragraph of docs/open-data.md, exactly as a reader copies it."""
    text = OPEN_DATA.read_text(encoding="utf-8")
    return re.search(r"\*\*Checking a file\.\*\*.*?```python\n(.*?)```", text, re.S).group(1)


def by_hand(content: bytes, folder: Path) -> bytes:
    """The canonical bytes the recipe computes for a file holding `content`."""
    (folder / "jiangyin-credit-2025-v1.json").write_bytes(content)
    namespace: dict = {}
    with contextlib.chdir(folder), contextlib.redirect_stdout(None):
        exec(hand_recipe(), namespace)
    return namespace["canonical"]


def ours(content: bytes) -> bytes:
    return canonical_bytes(read_json(content))


ACCEPTED = {
    "1.0e2 is 100": '{"total": 1.0e2, "digest": ""}',
    "spellings of one number": '{"a": [100, 100.0, 1E2, 1e+2, 10000e-2, 0.1e3], "digest": ""}',
    "minus zero": '{"a": [-0, -0.0, 0e5, -0E-3], "digest": ""}',
    "underflow is zero": '{"a": 1e-400, "digest": ""}',
    "just below 2**53": '{"a": [9007199254740991, -9007199254740991, 9.007199254740991e15], "digest": ""}',
    "astral against private-use keys": '{"\\ue000": 1, "\\ud83d\\ude00": 2, "\\uffff": 3, "z": 4, "é": 5, "digest": ""}',
    "escapes": '{"s": "\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\\\/\\u007f\\u2028é😀", "digest": ""}',
    "nesting, booleans, null": '{"b": {"y": [true, false, null, {}], "x": []}, "a": "", "digest": "", "signature": {}}',
}


@pytest.mark.parametrize("case", list(ACCEPTED))
def test_the_recipe_gives_our_canonical_bytes(case, tmp_path):
    content = ACCEPTED[case].encode("utf-8")
    assert by_hand(content, tmp_path) == ours(content) == rfc8785.dumps(
        {k: v for k, v in json.loads(content).items() if k not in ("digest", "signature")})


def test_one_point_oh_e_two_is_written_100(tmp_path):
    assert by_hand(b'{"total": 1.0e2, "digest": ""}', tmp_path) == b'{"total":100}'


REFUSED = {
    "a fraction": '{"a": 1.5, "digest": ""}',
    "2**53": '{"a": 9007199254740992, "digest": ""}',
    "2**53 as a float": '{"a": 9007199254740992.0, "digest": ""}',
    "an exponent beyond": '{"a": 1e21, "digest": ""}',
    "infinity": '{"a": 1e400, "digest": ""}',
    "NaN": '{"a": NaN, "digest": ""}',
    "a key twice": '{"a": 1, "a": 2, "digest": ""}',
    "a lone surrogate": '{"a": "\\udc80", "digest": ""}',
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_recipe_refuses_only_what_the_readme_says(case, tmp_path):
    content = REFUSED[case].encode("utf-8")
    with pytest.raises((ValueError, UnicodeEncodeError)):
        by_hand(content, tmp_path)
    try:
        value = json.loads(content)["a"]
    except ValueError:
        value = None
    if isinstance(value, float) and value.is_integer() and abs(value) >= 2**53 and value != float("inf"):
        assert ours(content) == rfc8785.dumps({"a": value})  # the one stated difference: RFC 8785 spells these
    elif isinstance(value, float) and value == 1.5:
        assert ours(content) == b'{"a":1.5}'
    else:  # a whole number from 2**53, infinity, NaN, a key twice, a lone surrogate: refused by ours as well
        with pytest.raises(UnreadableDocument):
            ours(content)


# --- any document of text, whole numbers (spelled any way JSON allows), booleans, lists and objects ---------------

WHOLE = st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
VALUES = st.recursive(st.none() | st.booleans() | WHOLE | TEXT,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=20)


def _spelled(value, data) -> str:
    """JSON text of `value` with every whole number spelled one of the ways JSON allows for it."""
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _spelled(v, data) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_spelled(v, data) for v in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool):
        return data.draw(st.sampled_from([str(value), f"{value}.0", f"{value}e0", f"{value * 10}e-1", f"{value}.000E+0"]))
    return json.dumps(value, ensure_ascii=data.draw(st.booleans()))


@settings(max_examples=150, deadline=None)
@given(document=st.dictionaries(TEXT, VALUES, max_size=6), data=st.data())
def test_the_recipe_agrees_with_ours_on_any_plain_document(tmp_path_factory, document, data):
    content = ("{" + _spelled(document, data)[1:-1] + ("," if document else "") + '"digest":""}').encode("utf-8")
    if "digest" in document:
        return  # a second "digest" key: refused by both, tested above
    assert by_hand(content, tmp_path_factory.mktemp("hand")) == ours(content)
