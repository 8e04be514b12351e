"""Small text helpers shared by the rules, the reader and the data layer."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd


def fold(text: str) -> str:
    """Normalise a user-typed token: full-width to half-width, spaces removed, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def fold_all(texts: pd.Series) -> pd.Series:
    """`fold` of every value of a column, at once (a table of 10,000 names)."""
    return texts.astype(str).str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.lower()


def plural(n: float, one: str, many: str) -> str:
    """The English word for a count: `one` for 1, `many` for any other count (0 findings, 2 findings)."""
    return one if n == 1 else many


def counted(n: float, one: str, many: str) -> str:
    """A count with its word: `1 finding`, `3 findings` (for messages built in core/ and db/, which cannot use the
    site's catalogue and its `{n:one|many}`)."""
    return f"{n} {plural(n, one, many)}"
