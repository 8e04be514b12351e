"""An agency serving several towns: the towns that count in a year and a `per_town` bucket's score (docs/scoring.md).

Under the `pooled` reading (the default) every town's findings charge one set of periods. Under `per_town` each town
that counts — a town where the agency's contracts ran some day of the year, or a town that recorded a finding of the
year — gives its own score over the bucket's periods, each period floored on that town's findings alone; the bucket
is the mean of those scores, weighted equally or by the contracts that ran in each town, rounded half up to a whole
point. The engine takes the towns served as a frame (TOWNS_SERVED_COLUMNS); it never reads a database.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.rulebook import Bucket
from core.schema import TOWN_SCORE_COLUMNS, TOWNS_SERVED_COLUMNS


def towns_served(contracts: pd.DataFrame, year: int) -> pd.DataFrame:
    """TOWNS_SERVED_COLUMNS from a contracts table (core.service_records columns): per agency and town, the contracts
    running some day of `year` (start ≤ 31 Dec and end ≥ 1 Jan), sorted by credit_code and town."""
    if contracts is None or not len(contracts):
        return empty_towns_served()
    first, last = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    start = pd.to_datetime(contracts["start"])
    end = pd.to_datetime(contracts["end"])
    running = contracts.loc[(start <= last) & (end >= first), ["credit_code", "town"]]
    counted = running.groupby(["credit_code", "town"], sort=True).size().rename("contracts").reset_index()
    counted["contracts"] = counted["contracts"].astype(np.int64)
    return counted.loc[:, list(TOWNS_SERVED_COLUMNS)]


def empty_towns_served() -> pd.DataFrame:
    return pd.DataFrame({"credit_code": pd.Series(dtype=object), "town": pd.Series(dtype=object),
                         "contracts": pd.Series(dtype=np.int64)})


def empty_town_scores() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=np.int64 if c in ("contracts", "weight", "score") else object)
                         for c in TOWN_SCORE_COLUMNS})


def _normal_served(served: pd.DataFrame | None) -> pd.DataFrame:
    """The served frame with canonical codes (upper case, no spaces), stripped towns, and one row per agency and town."""
    if served is None or not len(served):
        return empty_towns_served()
    missing = [c for c in TOWNS_SERVED_COLUMNS if c not in served.columns]
    if missing:
        raise ValueError(f"towns served table lacks columns: {', '.join(missing)}")
    frame = pd.DataFrame({
        "credit_code": served["credit_code"].astype(str).str.replace(r"\s+", "", regex=True).str.upper(),
        "town": served["town"].astype(str).str.strip(),
        "contracts": pd.to_numeric(served["contracts"]).astype(np.int64),
    })
    frame = frame[(frame["town"] != "") & (frame["contracts"] > 0)]
    return frame.groupby(["credit_code", "town"], sort=False, as_index=False)["contracts"].sum()


def town_scores(bucket: Bucket, lost: pd.DataFrame, served: pd.DataFrame | None,
                rated: pd.Index) -> tuple[pd.DataFrame, pd.Series]:
    """Each counting town's score and each agency's bucket score under `bucket`'s per-town reading.

    `lost`: one row per (credit_code, town, period) with findings of the year in `bucket`, and what that period of
    that town lost after its floor. `served`: TOWNS_SERVED_COLUMNS (None: only towns with findings count).
    `rated`: the credit codes rated. Returns (TOWN_SCORE_COLUMNS rows sorted by credit_code and town, the bucket
    score by credit_code for every agency with at least one town that counts).
    """
    by_town = lost.groupby(["credit_code", "town"], sort=False)["lost"].sum()
    served = _normal_served(served)
    served = served[served["credit_code"].isin(rated)].set_index(["credit_code", "town"])["contracts"]
    towns = pd.concat([by_town, served], axis=1, join="outer").fillna(0).astype(np.int64)
    if not len(towns):
        return empty_town_scores(), pd.Series(dtype=np.int64)
    towns = towns.reset_index().rename(columns={"level_0": "credit_code", "level_1": "town"})
    towns = towns.sort_values(["credit_code", "town"], kind="stable", ignore_index=True)
    # A town that recorded a finding but where no contract ran still assesses the agency: it weighs as one contract,
    # so its findings never drop out of the mean.
    towns["weight"] = (np.maximum(towns["contracts"], 1) if bucket.weights == "contracts"
                       else np.ones(len(towns), dtype=np.int64)).astype(np.int64)
    towns["score"] = (bucket.points - towns["lost"]).astype(np.int64)
    towns["bucket"] = bucket.key
    weighted = (towns["weight"] * towns["score"]).groupby(towns["credit_code"], sort=False).sum()
    weights = towns["weight"].groupby(towns["credit_code"], sort=False).sum()
    # Round half up in whole numbers: (2·Σws + Σw) // (2·Σw) is ⌊Σws/Σw + ½⌋ without a float.
    score = ((2 * weighted + weights) // (2 * weights)).astype(np.int64)
    return towns.loc[:, list(TOWN_SCORE_COLUMNS)], score
