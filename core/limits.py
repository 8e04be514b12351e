"""How big an input file may be: the reader's limits, each declared once with its default, range and variable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from core.setting import Unit, Whole, declared, read_settings, settings_of

MB = 1024 * 1024
_MB = Unit("MB", "MB", MB)
_ROWS = Unit("行", "rows", one="row")
_COLUMNS = Unit("列", "columns", one="column")
_CHARACTERS = Unit("个字符", "characters", one="character")
_TIMES = Unit("倍", "times", one="time")
_SECONDS = Unit("秒", "seconds", one="second")


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What core.reader accepts; a file past any of these is refused whole before it can exhaust memory.

    Each field is read from its environment variable (a positive whole number), else its default.
    """

    max_bytes: int = declared(Whole("MAX_UPLOAD_MB", 20, _MB, "the file as uploaded"))
    max_rows: int = declared(Whole("MAX_ROWS", 200_000, _ROWS, "data rows below the header (blank rows not counted)"))
    max_columns: int = declared(Whole("MAX_COLUMNS", 50, _COLUMNS, "columns, up to the last filled cell of any row"))
    # The longest field, a description, is stored in 2,000 characters.
    max_cell_chars: int = declared(Whole("MAX_CELL_CHARS", 2_000, _CHARACTERS, "characters in one cell"))
    max_xlsx_uncompressed: int = declared(Whole("MAX_XLSX_UNCOMPRESSED_MB", 200, _MB,
                                                "an XLSX unpacked (the sum of its zip members)"))
    # Spreadsheets pack 5–20×, zip bombs 1000×.
    max_xlsx_ratio: int = declared(Whole("MAX_XLSX_RATIO", 100, _TIMES, "an XLSX unpacked ÷ its file size (zip bombs)"))
    # The child process that reads a file from outside (core.isolation): a valid 200,000-row file needs a few hundred
    # MB, and takes about a minute through openpyxl as XLSX.
    max_read_memory: int = declared(Whole("MAX_READ_MEMORY_MB", 1024, _MB,
                                          "address space the reading child process may add"))
    max_read_cpu_seconds: int = declared(Whole("MAX_READ_CPU_SECONDS", 120, _SECONDS,
                                               "CPU time of the reading child process"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReadLimits:
        """The limits in `env`, read afresh (the environment when None); InputError names every bad one."""
        return read_settings(cls, env)


LIMITS = tuple(settings_of(ReadLimits))  # the table: docs/operations.md "Settings" is generated from it


@cache
def read_limits() -> ReadLimits:
    """This process's limits, read from the environment once (tests that change it call read_limits.cache_clear())."""
    return ReadLimits.from_env()
