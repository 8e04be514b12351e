"""Rating: one year's findings → a score and grade per agency, and the explanation of every point charged."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.rulebook import Rulebook, clause_order, load_rulebook
from core.schema import (
    BLACKLISTED_PRACTITIONER_COLUMNS,
    EXPLANATION_COLUMNS,
    FINDINGS_COLUMNS,
    ROSTER_COLUMNS,
    rating_columns,
)
from core.town_scores import empty_town_scores, town_scores
from core.towns import BUREAU, is_bureau

# Columns of the explanation that `python -m core explain` and the public pages show (never the description).
EXPLAIN_OUTPUT_COLUMNS: tuple[str, ...] = (
    "clause", "clause_text", "assessor", "period", "date", "points_nominal", "points_charged",
)


@dataclass(frozen=True)
class Rating:
    """The ratings of one year under one rulebook.

    `table`: one row per agency (core.schema.rating_columns), sorted by credit_code.
    `explanation`: one row per finding of the year (EXPLANATION_COLUMNS), in the order of the findings table
    (`explain(code)` gives one agency's rows in charging order); `points_charged` sums, per agency, to the
    rulebook's total minus the agency's total — under the `pooled` reading. Under `per_town` a town finding's
    `points_charged` is what it cost its own town's score, and the bucket is the towns' mean (`towns`).
    `practitioners`: practitioners named in a blacklisting finding (BLACKLISTED_PRACTITIONER_COLUMNS).
    `towns`: under a `per_town` reading, every counting town's own score per agency (TOWN_SCORE_COLUMNS); empty
    under `pooled`.
    """

    year: int
    rulebook: Rulebook
    table: pd.DataFrame
    explanation: pd.DataFrame
    practitioners: pd.DataFrame
    towns: pd.DataFrame = dataclasses.field(default_factory=empty_town_scores)

    def town_rows(self, credit_code: str) -> pd.DataFrame:
        """One agency's towns under a `per_town` reading (TOWN_SCORE_COLUMNS), by town; empty under `pooled`."""
        code = "".join(str(credit_code).split()).upper()
        return self.towns[self.towns["credit_code"] == code].reset_index(drop=True)

    def explain(self, credit_code: str) -> pd.DataFrame:
        """One agency's explanation rows in charging order: bucket, period (rulebook order), date, row."""
        code = "".join(str(credit_code).split()).upper()
        rows = self.explanation[self.explanation["credit_code"] == code]
        slot_rank = {(b.key, p.key): i for i, (b, p) in enumerate(_slots(self.rulebook))}
        rank = [slot_rank[k] for k in zip(rows["bucket"], rows["period"], strict=True)]
        rows = rows.assign(_slot=rank).sort_values(["_slot", "date", "row", "clause"], kind="stable")
        return rows.drop(columns="_slot").reset_index(drop=True)

    def agency(self, credit_code: str) -> dict[str, object] | None:
        """The rating row of one agency as a plain dict, or None if it was not rated."""
        code = "".join(str(credit_code).split()).upper()
        rows = self.table[self.table["credit_code"] == code]
        return _plain(rows.iloc[0].to_dict()) if len(rows) else None


def rate(
    findings: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    year: int | None = None,
    rulebook: Rulebook | None = None,
    towns_served: pd.DataFrame | None = None,
) -> Rating:
    """Rate every agency on the roster or with a finding in `year` (default: the latest year in `findings`).

    `towns_served` (TOWNS_SERVED_COLUMNS: core.town_scores.towns_served of the year's contracts) only matters to a
    bucket read `per_town`: the towns an agency served count besides those that recorded a finding.

    Vectorised: findings are sorted once by (agency, bucket, period, date, row) and every period's floor is
    applied with cumulative sums, so a million findings take well under a second.
    """
    rulebook = rulebook or load_rulebook()
    _require_columns(findings, FINDINGS_COLUMNS, "findings")
    if roster is not None:
        _require_columns(roster, ROSTER_COLUMNS, "roster")
    all_years = _as_int(findings["year"])
    if year is None:
        if len(all_years) == 0:
            raise ValueError("no findings to take the year from: give the year to rate")
        year = int(all_years.max())
    year = int(year)
    in_year = all_years == year
    # Findings of other years do not count; when every finding is of the year, skip copying the table.
    sel = None if in_year.all() else np.flatnonzero(in_year)

    def column(name: str) -> np.ndarray:
        values = findings[name].to_numpy()
        return values if sel is None else values[sel]

    n = int(in_year.sum())

    # Clause facts per finding, looked up by the clause's position in the rulebook.
    clauses = rulebook.clauses
    clause_col = column("clause")
    clause_idx = pd.Categorical(clause_col, categories=[c.code for c in clauses]).codes.astype(np.int64)
    if (clause_idx < 0).any():
        unknown = sorted({str(c) for c in clause_col[clause_idx < 0]})
        raise ValueError(f"clauses not in rulebook {rulebook.name}: {', '.join(unknown)}")
    deduct_of = np.array([c.points if c.effect == "deduct" else 0 for c in clauses], dtype=np.int64)
    bonus_of = np.array([c.points if c.effect == "bonus" else 0 for c in clauses], dtype=np.int64)
    blacklist_of = np.isin([c.code for c in clauses], rulebook.blacklist_codes)

    # Slot = one period of one bucket, numbered in rulebook order.
    slots = _slots(rulebook)
    n_slots = len(slots)
    slot_bucket = np.array([rulebook.buckets.index(b) for b, _ in slots], dtype=np.int64)
    slot_room = np.array([p.points - p.floor for _, p in slots], dtype=np.int64)
    slot = _slot_of(column("assessor"), column("period"), rulebook, slots)

    # Agencies: code → index with sort=True, so index order is credit_code order.
    agency_idx, agency_codes = pd.factorize(column("credit_code"), sort=True)
    agency_idx = agency_idx.astype(np.int64)
    agency_codes = np.asarray(agency_codes, dtype=object)
    n_agencies = len(agency_codes)

    dates = _as_datetime64(column("date"))
    date_ns = dates.view(np.int64)
    row = _as_int(column("row"))
    # Under a per-town reading, the periods of the towns' bucket are kept apart per town: the group is
    # (agency, town, period), so each town's period has its own floor. Otherwise every finding is in town 0.
    per_town = next((i for i, b in enumerate(rulebook.buckets) if b.per_town), None)
    town_idx, town_names = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    if per_town is not None and n:
        in_bucket = slot_bucket[slot] == per_town
        codes_, uniques = pd.factorize(np.where(in_bucket, column("assessor"), ""), sort=True)
        town_idx, town_names = codes_.astype(np.int64), np.asarray(uniques, dtype=object)
    n_towns = len(town_names)
    group = (agency_idx * n_towns + town_idx) * n_slots + slot
    when = _when(date_ns, row)
    order = _finding_order(group, when, date_ns, row, clause_idx)

    charged = np.zeros(n, dtype=np.int64)
    lost_by_bucket = np.zeros((n_agencies, len(rulebook.buckets)), dtype=np.int64)
    town_lost = pd.DataFrame({"credit_code": pd.Series(dtype=object), "town": pd.Series(dtype=object),
                              "lost": pd.Series(dtype=np.int64)})
    if n:
        group_sorted = group[order]
        ded = deduct_of[clause_idx][order]
        bon = bonus_of[clause_idx][order]
        is_start = np.empty(n, dtype=bool)
        is_start[0] = True
        np.not_equal(group_sorted[1:], group_sorted[:-1], out=is_start[1:])
        starts = np.flatnonzero(is_start)
        gid = np.cumsum(is_start) - 1
        g_key = group_sorted[starts]
        g_slot = g_key % n_slots
        total_d = np.add.reduceat(ded, starts)
        total_b = np.add.reduceat(bon, starts)
        # Period score = clip(points − D + B, floor, points); `lost` is what the period gave up.
        lost = np.clip(total_d - total_b, 0, slot_room[g_slot])
        # Charge deductions (and bonuses) in (date, row) order until what the period lost is explained:
        # deductions charged − bonuses charged = lost, each finding charged between 0 and its nominal.
        cap_d = np.minimum(total_d, lost + total_b)
        cap_b = cap_d - lost
        charged[order] = _charge_in_order(ded, gid, starts, cap_d) - _charge_in_order(bon, gid, starts, cap_b)
        g_agency = g_key // (n_slots * n_towns)
        np.add.at(lost_by_bucket, (g_agency, slot_bucket[g_slot]), lost)
        if per_town is not None:
            mine = slot_bucket[g_slot] == per_town
            town_lost = pd.DataFrame({"credit_code": agency_codes[g_agency[mine]],
                                      "town": town_names[(g_key[mine] // n_slots) % n_towns], "lost": lost[mine]})

    black = blacklist_of[clause_idx]
    black_codes = _blacklist_codes(agency_idx[black], clause_idx[black], clauses, n_agencies)
    finding_names = _latest_names(agency_idx, when, column("agency_name"), n_agencies)
    table, names_by_code, towns = _table(rulebook, year, agency_codes, finding_names, lost_by_bucket, black_codes,
                                         roster, per_town, town_lost, towns_served)
    name_of_agency = np.array([names_by_code[c] for c in agency_codes], dtype=object)

    slot_bucket_key = np.array([b.key for b, _ in slots], dtype=object)
    slot_period_key = np.array([p.key for _, p in slots], dtype=object)
    codes = np.array([c.code for c in clauses], dtype=object)
    data = {
        "credit_code": agency_codes[agency_idx],
        "agency_name": name_of_agency[agency_idx],
        "year": np.full(n, year, dtype=np.int64),
        "row": row,
        "date": dates,
        "clause": codes[clause_idx],
        "clause_text": np.array([c.text_zh for c in clauses], dtype=object)[clause_idx],
        "clause_gloss": np.array([c.gloss_en for c in clauses], dtype=object)[clause_idx],
        "effect": np.array([c.effect for c in clauses], dtype=object)[clause_idx],
        "assessor": _text(column("assessor")),
        "bucket": slot_bucket_key[slot],
        "period": slot_period_key[slot],
        "practitioner": _text(column("practitioner")),
        "document_no": _text(column("document_no")),
        "description": _text(column("description")),
        # A bonus is written as a negative cost, so that points_charged sums to what the agency lost.
        "points_nominal": (deduct_of - bonus_of)[clause_idx],
        "points_charged": charged,
        "blacklist": black,
    }
    # copy=False keeps columns as separate blocks: consolidating 1M-row object columns costs ~0.5 s.
    explanation = pd.DataFrame(data, columns=list(EXPLANATION_COLUMNS), copy=False)
    practitioners = _practitioners(explanation, black)
    return Rating(year=year, rulebook=rulebook, table=table, explanation=explanation, practitioners=practitioners,
                  towns=towns)


def output_rows(rating: Rating) -> list[dict[str, object]]:
    """The rating table as plain rows (str/int), in the column order docs/cli.md gives for `rate`, for CSV, JSON and text tables."""
    return [_plain(r) for r in rating.table.to_dict("records")]


def explain_rows(rating: Rating, credit_code: str) -> list[dict[str, object]]:
    """One agency's findings as plain rows (clause, text, assessor, period, date, nominal, charged)."""
    rows = rating.explain(credit_code)
    out = rows.loc[:, list(EXPLAIN_OUTPUT_COLUMNS)].copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return [_plain(r) for r in out.to_dict("records")]


# How each reading of the towns' bucket reads in an explanation (Chinese · English).
READING_WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("pooled", "equal"): ("各镇街园扣分合并计入同一考核期", "every town's findings pooled in each period"),
    ("per_town", "equal"): ("各镇街园分别评分，取平均", "each town scores on its own; the mean of the towns"),
    ("per_town", "contracts"): ("各镇街园分别评分，按合同数加权平均", "each town scores on its own; the mean weighted by "
                                "contracts"),
}


def town_rows(rating: Rating, credit_code: str) -> list[dict[str, object]]:
    """One agency's towns under a per-town reading as plain rows (town, contracts, weight, score); [] when pooled."""
    rows = rating.town_rows(credit_code).loc[:, ["town", "contracts", "weight", "score"]]
    return [_plain(r) for r in rows.to_dict("records")]


def town_lines(rulebook: Rulebook, agency: dict[str, object], towns: list[dict[str, object]]) -> list[str]:
    """The town part of an agency's score as `python -m core explain` prints it: the bucket under the reading used,
    and each town's own score where the towns are read per town."""
    bucket = rulebook.bucket_for("town")
    zh, en = READING_WORDS[rulebook.town_reading]
    lines = [f"{bucket.label_zh} {bucket.label_en.lower()}: {agency[f'{bucket.key}_score']}（{zh} · {en}）"]
    lines += [f"  {t['town']} {t['score']}（合同 {t['contracts']} 份，权重 {t['weight']} · "
              f"contracts {t['contracts']}, weight {t['weight']}）" for t in towns]
    return lines


# The readings `python -m core rate --compare-reading` sets side by side: (towns, weights), and their column prefix.
READINGS: tuple[tuple[str, str, str], ...] = (
    ("pooled", "equal", "pooled"), ("per_town", "equal", "per_town_equal"), ("per_town", "contracts", "per_town_contracts"),
)


def reading_columns() -> list[str]:
    """The columns of compare_readings: the agency, then total and grade under each reading (READINGS order)."""
    return ["credit_code", "agency_name", "year", *(f"{p}_{c}" for *_, p in READINGS for c in ("total", "grade"))]


def compare_readings(findings: pd.DataFrame, roster: pd.DataFrame | None = None, year: int | None = None,
                     rulebook: Rulebook | None = None, towns_served: pd.DataFrame | None = None) -> pd.DataFrame:
    """The agencies whose grade differs between the towns' readings (READINGS), by credit_code: for the bureau to see
    what each reading does before it chooses. RulebookError when the rulebook's towns' bucket cannot be read per town."""
    rulebook = rulebook or load_rulebook()
    out = None
    for towns, weights, prefix in READINGS:
        book = rulebook.with_town_reading(towns, weights)
        table = rate(findings, roster, year=year, rulebook=book, towns_served=towns_served).table
        part = table.loc[:, ["credit_code", "agency_name", "year", "total", "grade"]].rename(
            columns={"total": f"{prefix}_total", "grade": f"{prefix}_grade"})
        out = part if out is None else out.merge(part.drop(columns=["agency_name", "year"]), on="credit_code")
    grades = out[[f"{p}_grade" for *_, p in READINGS]]
    differs = grades.ne(grades.iloc[:, 0], axis=0).any(axis=1)
    return out.loc[differs, reading_columns()].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------


def _require_columns(df: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} table lacks columns: {', '.join(missing)}")


def _as_int(values: pd.Series | np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return values.astype(np.int64, copy=True)
    return np.asarray(pd.to_numeric(pd.Series(values, dtype=object)), dtype=np.int64)


def _as_datetime64(values: np.ndarray) -> np.ndarray:
    # The reader gives datetime64[ns]; tables read back from the database may hold date objects.
    if values.dtype.kind == "M":
        return values.astype("datetime64[ns]", copy=True)
    return pd.to_datetime(pd.Series(values, dtype=object)).to_numpy().astype("datetime64[ns]")


def _text(values: np.ndarray) -> np.ndarray:
    """A text column as a copied object array, so the explanation never shares an array with the input.

    Passed through as given: the schema says "" for empty (a pd.isna pass over 1M cells would cost ~50 ms).
    """
    return np.array(values, dtype=object, copy=True)


def _slots(rulebook: Rulebook) -> list:
    """Every (bucket, period) of the rulebook, in rulebook order."""
    return [(b, p) for b in rulebook.buckets for p in b.periods]


def _slot_of(assessor: np.ndarray, period: np.ndarray, rulebook: Rulebook, slots: list) -> np.ndarray:
    """The slot (bucket period) each finding is charged to; ValueError for a period its bucket lacks."""
    if len(assessor) == 0:
        return np.zeros(0, dtype=np.int64)
    kinds = ("town", BUREAU)
    assessor_codes, assessor_uniques = pd.factorize(assessor)
    kind_of_assessor = np.array([1 if is_bureau(a) else 0 for a in assessor_uniques], dtype=np.int64)
    kind = kind_of_assessor[assessor_codes]
    period_codes, period_uniques = pd.factorize(period, use_na_sentinel=False)
    # lookup[kind, period] → slot, or -1 when the finding's bucket has no such period. A bucket with a single
    # period (the bureau's year; a one-period rulebook) takes every finding of its kind, whatever its period.
    lookup = np.full((2, len(period_uniques)), -1, dtype=np.int64)
    for k, kind_name in enumerate(kinds):
        bucket = rulebook.bucket_for(kind_name)
        own = [i for i, (b, _) in enumerate(slots) if b is bucket]
        for j, pkey in enumerate(period_uniques):
            if len(own) == 1:
                lookup[k, j] = own[0]
            else:
                lookup[k, j] = next((i for i in own if slots[i][1].key == pkey), -1)
    slot = lookup[kind, period_codes]
    if (slot < 0).any():
        bad = sorted({(kinds[k], str(period_uniques[p])) for k, p in zip(kind[slot < 0], period_codes[slot < 0], strict=True)})
        shown = ", ".join(f"{k} period {p!r}" for k, p in bad)
        raise ValueError(f"findings with a period their bucket lacks in rulebook {rulebook.name}: {shown}")
    return slot


def _when(date_ns: np.ndarray, row: np.ndarray) -> np.ndarray:
    """An int64 that orders findings by (date, row): day × rows + row when it fits, else a rank."""
    if len(row) == 0:
        return np.zeros(0, dtype=np.int64)
    since = date_ns - date_ns.min()
    day, sub_day = np.divmod(since, 86_400_000_000_000)
    r = row - row.min()
    r_span = int(r.max()) + 1
    if not sub_day.any() and (int(day.max()) + 1) * r_span < 2**62:
        return day * r_span + r
    rank = np.empty(len(row), dtype=np.int64)
    rank[np.lexsort((row, date_ns))] = np.arange(len(row))
    return rank


def _finding_order(group: np.ndarray, when: np.ndarray, date_ns: np.ndarray, row: np.ndarray,
                   clause_idx: np.ndarray) -> np.ndarray:
    """Positions sorted by (group, date, row); for hand-made tables with repeated rows, then by clause."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    g_span = int(group.max()) + 1
    if n == 1 or (row[1:] > row[:-1]).all():
        # The reader's case: rows unique and in order, so a stable sort by (group, day) leaves each day's
        # findings in row order. The shorter key sorts about twice as fast as (group, date, row).
        day = (date_ns - date_ns.min()) // 86_400_000_000_000
        d_span = int(day.max()) + 1
        if (date_ns % 86_400_000_000_000 == 0).all() and g_span * d_span < 2**62:
            return np.argsort(group * d_span + day, kind="stable")
    w_span = int(when.max()) + 1
    c_span = int(clause_idx.max()) + 1
    if float(g_span) * w_span * c_span < 2.0**62:
        return np.argsort((group * w_span + when) * c_span + clause_idx, kind="stable")
    return np.lexsort((clause_idx, when, group))


def _charge_in_order(nominal: np.ndarray, gid: np.ndarray, starts: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Per finding (sorted by group), how much of its nominal fits under its group's cap, first come first."""
    cum = np.cumsum(nominal)
    before_group = (cum - nominal)[starts]
    cum_in_group = cum - before_group[gid]
    group_cap = cap[gid]
    return np.minimum(cum_in_group, group_cap) - np.minimum(cum_in_group - nominal, group_cap)


def _blacklist_codes(agency: np.ndarray, clause_idx: np.ndarray, clauses, n_agencies: int) -> np.ndarray:
    out = np.full(n_agencies, "", dtype=object)
    if len(agency) == 0:
        return out
    pairs = np.unique(np.stack([agency, clause_idx], axis=1), axis=0)
    by_agency: dict[int, list[str]] = {}
    for a, c in pairs:
        by_agency.setdefault(int(a), []).append(clauses[int(c)].code)
    for a, codes in by_agency.items():
        out[a] = ";".join(sorted(codes, key=clause_order))
    return out


def _latest_names(agency: np.ndarray, when: np.ndarray, names: np.ndarray, n_agencies: int) -> np.ndarray:
    """Each agency's name on its latest finding (by date, then row; ties broken by the larger name)."""
    if len(agency) == 0:
        return np.zeros(0, dtype=object)
    latest = pd.Series(when).groupby(agency).transform("max").to_numpy()
    pick = np.flatnonzero(latest == when)
    # Only the few candidates are ranked by name: a groupby max over strings runs in Python.
    name_rank, name_uniques = pd.factorize(names[pick], sort=True)
    best = pd.Series(name_rank).groupby(agency[pick]).max()
    out = np.full(n_agencies, "", dtype=object)
    out[best.index.to_numpy()] = np.asarray(name_uniques, dtype=object)[best.to_numpy()]
    return out


def _table(rulebook, year, agency_codes, finding_names, lost_by_bucket, black_codes, roster, per_town=None,
           town_lost=None, towns_served=None):
    """The rating table (sorted by credit_code), the name chosen for every rated agency, and the per-town scores
    (empty unless bucket `per_town` is read per town)."""
    bucket_keys = [b.key for b in rulebook.buckets]
    found = pd.DataFrame({"credit_code": np.asarray(agency_codes, dtype=object), "agency_name": finding_names})
    for i, key in enumerate(bucket_keys):
        found[f"{key}_score"] = rulebook.buckets[i].points - lost_by_bucket[:, i]
    found["blacklist_clauses"] = black_codes
    if roster is not None and len(roster):
        r = pd.DataFrame({
            "credit_code": roster["credit_code"].astype(str).map(lambda s: "".join(s.split()).upper()),
            "agency_name": roster["agency_name"].astype(str).str.strip(),
        }).drop_duplicates("credit_code")
        table = r.merge(found, on="credit_code", how="outer", suffixes=("", "_found"))
        # The roster names the agency; a finding's name only stands in when the roster lacks the agency.
        table["agency_name"] = table["agency_name"].fillna(table["agency_name_found"])
        table = table.drop(columns="agency_name_found")
        for i, key in enumerate(bucket_keys):
            table[f"{key}_score"] = table[f"{key}_score"].fillna(rulebook.buckets[i].points)
        table["blacklist_clauses"] = table["blacklist_clauses"].fillna("")
    else:
        table = found
    table = table.sort_values("credit_code", kind="stable").reset_index(drop=True)
    towns = empty_town_scores()
    if per_town is not None:
        rated = pd.Index(table["credit_code"])
        towns, score = town_scores(rulebook.buckets[per_town], town_lost, towns_served, rated)
        column = f"{bucket_keys[per_town]}_score"
        table[column] = table["credit_code"].map(score).fillna(table[column])
    score_cols = [f"{k}_score" for k in bucket_keys]
    for c in score_cols:
        table[c] = table[c].astype(np.int64)
    table["year"] = np.int64(year)
    table["total"] = table[score_cols].sum(axis=1).astype(np.int64) if score_cols else np.int64(rulebook.total)
    by_total = {t: rulebook.grade_for(t).key for t in table["total"].unique()}
    grade = table["total"].map(by_total).astype(object)
    grade[table["blacklist_clauses"] != ""] = rulebook.blacklist_grade.key
    table["grade"] = grade
    table["agency_name"] = table["agency_name"].astype(object)
    table["blacklist_clauses"] = table["blacklist_clauses"].astype(object)
    table = table.loc[:, rating_columns(bucket_keys)]
    names = dict(zip(table["credit_code"], table["agency_name"], strict=True))
    return table, names, towns


def _practitioners(explanation: pd.DataFrame, black: np.ndarray) -> pd.DataFrame:
    listed = explanation.loc[black, list(BLACKLISTED_PRACTITIONER_COLUMNS)]
    listed = listed.assign(practitioner=listed["practitioner"].fillna("").astype(str).str.strip())
    out = listed[listed["practitioner"] != ""].drop_duplicates()
    return out.sort_values(["credit_code", "practitioner", "date", "clause", "assessor"], kind="stable").reset_index(drop=True)


def _plain(record: dict) -> dict[str, object]:
    """numpy scalars → Python ints/strs, so rows print and serialise the same everywhere."""
    out: dict[str, object] = {}
    for k, v in record.items():
        if isinstance(v, np.integer):
            v = int(v)
        elif isinstance(v, np.bool_):
            v = bool(v)
        out[k] = v
    return out
