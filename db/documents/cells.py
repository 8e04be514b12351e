"""Spreadsheet cells from published text: formula-looking text defused (and read back), in every CSV and XLSX."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """Defuse spreadsheet formulas: a text cell starting with = + - @ (or tab/CR) gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """Undo `escape_cell` (for reading an export back)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
