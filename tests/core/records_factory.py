"""Service-record files built in code (CSV text) and valid ID numbers, for the reader and watch tests."""

from __future__ import annotations

import csv
import io

from stdnum.cn import ric

from core.service_records import RECORD_COLUMNS


def id_number(i: int, born: str = "19850312") -> str:
    """A valid 身份证号 for person `i` (Jiangyin's region code 320281)."""
    base = f"320281{born}{i % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")  # stdnum expects a placeholder check digit


def records_csv(kind: str, rows: list[dict[str, object]], *, chinese: bool = False) -> bytes:
    """A CSV of `kind` with every column of its spec (English keys, or the Chinese labels), blank where not given."""
    columns = RECORD_COLUMNS[kind]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.label_zh if chinese else c.key for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in columns])
    return buf.getvalue().encode("utf-8")
