"""Problems of a checked file as a table (one row each, the columns every problem list shows) for pages and exports."""

from __future__ import annotations

import pandas as pd

from core.errors import Problem

PROBLEM_COLUMNS = ("row", "column", "message_zh", "message_en", "value")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table: PROBLEM_COLUMNS, one row each."""
    frame = pd.DataFrame([p.as_dict() for p in problems], columns=list(PROBLEM_COLUMNS))
    frame["row"] = frame["row"].astype("Int64")
    return frame
