"""How big an input file may be: the reader's limits, their defaults and the environment variables that change them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from core.errors import InputError, Problem

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What core.reader accepts; a file past any of these is refused whole before it can exhaust memory."""

    max_bytes: int = 20 * MB  # the file as uploaded
    max_rows: int = 200_000  # data rows below the header (blank rows not counted)
    max_columns: int = 50  # columns of any row
    max_cell_chars: int = 2_000  # the longest field, a description, is stored in 2,000 characters
    max_xlsx_uncompressed: int = 200 * MB  # the sum of an XLSX's zip members, unpacked
    max_xlsx_ratio: int = 100  # unpacked size ÷ file size: spreadsheets pack 5–20×, zip bombs 1000×
    # The child process that reads a file from outside (core.isolation): address space it may add, CPU seconds.
    max_read_memory: int = 1024 * MB  # a valid 200,000-row file needs a few hundred MB
    max_read_cpu_seconds: int = 120  # a valid 200,000-row XLSX through openpyxl takes about a minute

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReadLimits:
        """The defaults, each changed by its environment variable (ENVIRONMENT) when set."""
        env = os.environ if env is None else env
        values = {}
        problems = []
        for name, (field, scale) in ENVIRONMENT.items():
            text = env.get(name, "").strip()
            if not text:
                continue
            if not text.isdigit() or int(text) == 0:
                problems.append(Problem(None, name, "设置应为正整数", "the setting must be a positive whole number", text))
                continue
            values[field] = int(text) * scale
        if problems:
            raise InputError(problems)
        return cls(**values)


# Environment variable → (field of ReadLimits, unit). Documented in docs/operations.md ("Settings", "Limits").
ENVIRONMENT = {
    "MAX_UPLOAD_MB": ("max_bytes", MB),
    "MAX_ROWS": ("max_rows", 1),
    "MAX_COLUMNS": ("max_columns", 1),
    "MAX_CELL_CHARS": ("max_cell_chars", 1),
    "MAX_XLSX_UNCOMPRESSED_MB": ("max_xlsx_uncompressed", MB),
    "MAX_XLSX_RATIO": ("max_xlsx_ratio", 1),
    "MAX_READ_MEMORY_MB": ("max_read_memory", MB),
    "MAX_READ_CPU_SECONDS": ("max_read_cpu_seconds", 1),
}
assert {f for f, _ in ENVIRONMENT.values()} == {f.name for f in fields(ReadLimits)}
