"""What a year would look like before it is published: its ratings (with a checked file not stored yet) and the diff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from core.charge_effects import AT_FLOOR_COLUMNS, PUSHED_COLUMNS, at_floor, pushed
from core.rulebook import Rulebook
from db.documents import versions
from db.publishing.publish import diff_year
from db.publishing.rating import rate_year

# The diff's changes that staff most need to see before importing or publishing.
GRADE_CHANGES = ("entered_blacklist", "left_blacklist", "grade", "new", "removed")


@dataclass(frozen=True)
class YearPreview:
    """What a year would look like: its ratings and the difference against its current publication."""

    year: int
    ratings: pd.DataFrame
    diff: pd.DataFrame
    current: dict[str, Any] | None  # the current publication of the year (version, published_at…) or None
    # The file's rows that cost less (often nothing) because their period was at its floor (core.charge_effects).
    at_floor: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(AT_FLOOR_COLUMNS)))
    # Stored findings the file's rows would push down (to 0), charged before → after (core.charge_effects).
    pushed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PUSHED_COLUMNS)))

    @property
    def grade_changes(self) -> pd.DataFrame:
        """Only the agencies that change grade, enter or leave the blacklist, appear or disappear."""
        return self.diff[self.diff["change"].isin(GRADE_CHANGES)]


def preview_year(*, engine: Engine, year: int, extra_findings: pd.DataFrame | None = None,
                 extra_roster: pd.DataFrame | None = None, rulebook: Rulebook | None = None) -> YearPreview:
    """The ratings of `year` (with a checked file not stored yet, if given) and the diff against its publication."""
    rating = rate_year(engine=engine, year=year, rulebook=rulebook, extra_findings=extra_findings,
                       extra_roster=extra_roster)
    diff = diff_year(engine=engine, year=year, rulebook=rulebook, rating=rating)
    effects = {}
    if extra_findings is not None and (extra_findings["year"] == year).any():
        # rate_year rates the stored findings first, then the file's: compare with the stored ones alone.
        stored = rate_year(engine=engine, year=year, rulebook=rulebook, extra_roster=extra_roster)
        effects = {"at_floor": at_floor(stored, rating), "pushed": pushed(stored, rating)}
    return YearPreview(year=year, ratings=rating.table, diff=diff, current=versions.current_publication(engine, year),
                       **effects)
