"""Form entries as a service-record file: the portal's forms build CSV bytes that the file reader then checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping

from core.service_records import RECORD_COLUMNS


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def records_csv(kind: str, rows: Iterable[Mapping[str, object]]) -> bytes:
    """A CSV file of `kind` holding `rows` (by column key; other keys ignored), headed by the template's Chinese
    labels, so a problem names the column as the template and the form show it.

    The portal never checks a form itself: these bytes go through core.service_records.read_records like an
    uploaded file, so a form and a file are refused by the same rules, by row and column.
    """
    keys = [column.key for column in RECORD_COLUMNS[kind]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.label_zh for column in RECORD_COLUMNS[kind]])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in keys])
    return out.getvalue().encode("utf-8")
