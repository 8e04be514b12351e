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
