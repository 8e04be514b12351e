"""Small text helpers shared by the rules, the reader and the data layer."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Normalise a user-typed token: full-width to half-width, spaces removed, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()
