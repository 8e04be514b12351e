"""What benchmarks/bench_limits.py --calamine runs in the capped child: one read of a workbook, three ways."""

from __future__ import annotations

import io
import resource
import time
import zipfile
from pathlib import Path

from core.limits import ReadLimits


def read_with(way: str, path: str, *, limits: ReadLimits) -> str:
    """Read `path` one `way` and say how it went: seconds, rows, peak RSS of this (child) process."""
    from core.errors import InputError
    from core.reader import _cells_from_rows, _xlsx_rows, read_findings
    from core.xlsx_count import check_structure

    data = Path(path).read_bytes()
    start = time.perf_counter()
    try:
        if way == "openpyxl (the reader today)":
            rows = len(read_findings(data, name="f.xlsx", limits=limits))
        elif way == "openpyxl rows only":
            rows = len(_cells_from_rows(_xlsx_rows(data, "f.xlsx", limits), limits).rows)
        else:
            if way == "count pass, then calamine":
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    check_structure(book, "f.xlsx", limits)
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            rows = len(sheet.to_python(skip_empty_area=False))
    except InputError as exc:
        return f"{time.perf_counter() - start:6.2f} s  refused: {exc.problems[0].message_en[:60]}; " \
               f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    return f"{time.perf_counter() - start:6.2f} s  {rows:,} rows; " \
           f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
