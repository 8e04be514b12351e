"""What adding findings does to charging: new findings that cost less because their period was at its floor, and
earlier findings a new one pushes down (to 0) by taking their period's room first.

Both come from comparing two ratings of the same year (core.rating), never from arithmetic of its own: the staff
upload preview shows them before an import, so nobody is surprised that a row "cost nothing".
"""

from __future__ import annotations

import pandas as pd

from core.rating import Rating

# The columns of both tables: which finding, where it is charged, and what it costs.
EFFECT_COLUMNS: tuple[str, ...] = (
    "credit_code", "agency_name", "row", "date", "clause", "assessor", "period", "points_nominal",
)
AT_FLOOR_COLUMNS: tuple[str, ...] = (*EFFECT_COLUMNS, "points_charged")
PUSHED_COLUMNS: tuple[str, ...] = (*EFFECT_COLUMNS, "charged_before", "charged_after")


def at_floor(before: Rating, after: Rating) -> pd.DataFrame:
    """The added findings (rows of `after` past those of `before`) that cost less than their nominal points
    because their period had reached its floor (AT_FLOOR_COLUMNS; 0 charged = they cost nothing)."""
    added = _added(before, after)
    lost = added[(added["points_nominal"] > 0) & (added["points_charged"] < added["points_nominal"])]
    return _sorted(lost.loc[:, list(AT_FLOOR_COLUMNS)])


def pushed(before: Rating, after: Rating) -> pd.DataFrame:
    """The findings of `before` that cost less in `after` (PUSHED_COLUMNS: charged before → after): an added finding
    dated earlier in the same period is charged first and takes the room down to the floor."""
    _check_prefix(before, after)
    old = before.explanation
    new = after.explanation.iloc[: len(old)]
    less = new["points_charged"].to_numpy() < old["points_charged"].to_numpy()
    out = old.loc[less, list(EFFECT_COLUMNS)].assign(
        charged_before=old.loc[less, "points_charged"].to_numpy(),
        charged_after=new.loc[new.index[less], "points_charged"].to_numpy(),
    )
    return _sorted(out.loc[:, list(PUSHED_COLUMNS)])


def _check_prefix(before: Rating, after: Rating) -> None:
    # The contract that lets rows be matched by position: `after` rated the same findings, then the added ones.
    old, new = before.explanation, after.explanation
    same = len(new) >= len(old) and (
        new["credit_code"].iloc[: len(old)].to_numpy() == old["credit_code"].to_numpy()).all() and (
        new["clause"].iloc[: len(old)].to_numpy() == old["clause"].to_numpy()).all()
    if before.year != after.year or not same:
        raise ValueError("`after` must rate the findings of `before` first, in the same order, then the added ones")


def _added(before: Rating, after: Rating) -> pd.DataFrame:
    _check_prefix(before, after)
    return after.explanation.iloc[len(before.explanation):]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["credit_code", "date", "row", "clause"], kind="stable").reset_index(drop=True)
