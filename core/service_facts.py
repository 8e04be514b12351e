"""Public service facts of each agency from its own filings (pure, vectorised): towns served, clients, practitioners
per specialty, monthly reports on time, visits per contract — as reported by the agency, never part of the rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.rulebook import WatchRules
from core.service_records import SPECIALTIES, ServiceRecords
from core.towns import default_towns
from core.watch import contract_visits, due_reports, report_due_dates

# Specialty (as filed) → the column of its practitioner count; 其他 is counted in `people` only.
SPECIALTY_COLUMNS: dict[str, str] = {"机械": "people_mechanical", "电气": "people_electrical", "化工": "people_chemical",
                                     "消防": "people_fire"}
FINDER_SPECIALTIES: tuple[str, ...] = tuple(SPECIALTY_COLUMNS)  # what an enterprise looks for
FACT_COLUMNS: tuple[str, ...] = (
    "credit_code", "towns", "clients", "contracts", *SPECIALTY_COLUMNS.values(), "people", "reports_due",
    "reports_on_time", "on_time_share", "visits", "visits_per_contract", "visits_delivered", "visits_contracted",
    "last_filed",
)
# One row per contract running in the facts year, as the public may read it: no client, no contract number.
CONTRACT_FACT_COLUMNS: tuple[str, ...] = ("credit_code", "town", "from", "to", "delivered", "contracted")
assert set(SPECIALTY_COLUMNS) < set(SPECIALTIES)


def facts_year(contract_spans: Sequence[tuple[dt.date, dt.date]] | pd.DataFrame, today: dt.date) -> int:
    """The year the facts describe: this year if a contract started by today runs in it, else the last year such a
    contract ran (an agency's filings for a new year arrive over its months); this year when there are none."""
    spans = contract_spans if isinstance(contract_spans, pd.DataFrame) else pd.DataFrame(
        list(contract_spans), columns=["start", "end"])
    started = spans[pd.to_datetime(spans["start"]) <= pd.Timestamp(today)]
    if started.empty:
        return today.year
    return min(today.year, int(pd.to_datetime(started["end"]).max().year))


def facts_as_of(year: int, today: dt.date) -> dt.date:
    """The day the facts of `year` are counted to: today, or 31 December for a year that is over."""
    return min(today, dt.date(year, 12, 31))


def reports_as_of(year: int, today: dt.date, rules: WatchRules) -> dt.date:
    """The day `year`'s monthly reports are counted to for the on-time share: today, but for a year that is over at
    most the day after December's report fell due (the rulebook's due day of January, moved past rest days: 5
    January → the 6th), so December counts in its own year once it is due, and a finished year's share stops moving
    then. Without the next year's calendar, the unmoved day (December then counts once decided)."""
    due = report_due_dates(pd.Series([pd.Timestamp(year, 12, 1)]), rules).iloc[0]
    december_due = (due["nominal"] if pd.isna(due["due"]) else due["due"]).date()
    return min(today, december_due + dt.timedelta(days=1))


def _in_year(frame: pd.DataFrame, column: str, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    return frame[frame[column].between(first, last)]


def _ordered_towns(towns: pd.Series, order: Sequence[str]) -> str:
    rank = {name: i for i, name in enumerate(order)}
    return ";".join(sorted(set(towns), key=lambda name: (rank.get(name, len(rank)), name)))


def _practitioners(records: ServiceRecords, as_of: pd.Timestamp) -> pd.DataFrame:
    """Practitioners employed on the as-of date, counted once per person (the ID hash or number, else the name)."""
    people = records["practitioners"]
    current = people[(people["joined_on"] <= as_of) & (people["left_on"].isna() | (people["left_on"] >= as_of))]
    person = next((c for c in ("id_hash", "id_number") if c in current), "name")
    current = current.drop_duplicates(["credit_code", person, "specialty"])
    counts = pd.crosstab(current["credit_code"], current["specialty"])
    out = pd.DataFrame(index=counts.index)
    for specialty, column in SPECIALTY_COLUMNS.items():
        out[column] = counts.get(specialty, 0)
    out["people"] = current.drop_duplicates(["credit_code", person]).groupby("credit_code").size()
    return out


def practitioners_by_specialty(row: Mapping[str, Any]) -> dict[str, int]:
    """One agency's practitioners employed on the as-of day per specialty (as filed, SPECIALTY_COLUMNS order), from
    its service_facts row: the one derivation of these numbers — the profile's table and its facts line both read
    it, so they cannot disagree."""
    return {specialty: int(row[column]) for specialty, column in SPECIALTY_COLUMNS.items()}


def _last_filed(records: ServiceRecords, as_of: pd.Timestamp) -> pd.Series:
    """The latest filing date of each agency by the as-of date (registry, reports, visits, changes, contracts)."""
    dates = (("registry", "filed_on"), ("reports", "submitted_on"), ("visits", "submitted_on"),
             ("changes", "reported_on"), ("contracts", "signed_on"))
    parts = [records[kind][["credit_code", column]].set_axis(["credit_code", "day"], axis=1) for kind, column in dates]
    both = pd.concat(parts, ignore_index=True)
    both = both[both["day"] <= as_of]
    return both.groupby("credit_code")["day"].max()


def service_facts(records: ServiceRecords, *, year: int, as_of: dt.date, rules: WatchRules,
                  town_order: Sequence[str] | None = None, reports_to: dt.date | None = None) -> pd.DataFrame:
    """One row per agency with any filing (FACT_COLUMNS), sorted by credit_code: the towns of its contracts running
    in `year` (`;`-joined, in `town_order`), distinct clients and contracts, practitioners employed on `as_of` per
    specialty, monthly reports due by `reports_to` (default `as_of`; see reports_as_of) and how many came by their
    due day (on_time_share: NaN when none was due yet), distinct visit days of the year by `as_of` and their number per contract (NaN with no contract),
    visits delivered against visits contracted summed over its contracts (contract_facts), and the latest filing date. Counts only: no person and no client is named."""
    first, last, day = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31), pd.Timestamp(as_of)
    contracts = records["contracts"]
    contracts = contracts[(contracts["start"] <= last) & (contracts["end"] >= first)]
    by_agency = contracts.groupby("credit_code")
    order = town_order if town_order is not None else default_towns().names
    served = pd.DataFrame({
        "towns": by_agency["town"].agg(lambda towns: _ordered_towns(towns, order)),
        "clients": by_agency["client_code"].nunique(),
        "contracts": by_agency.size(),
    })
    visits = _in_year(records["visits"], "visit_date", first, min(last, day))
    visit_days = visits.drop_duplicates(["credit_code", "client_code", "visit_date"]).groupby("credit_code").size()
    due = due_reports(records, year=year, as_of=reports_to or as_of, rules=rules)
    due = due.assign(on_time=due["submitted_on"].notna() & (due["submitted_on"] <= due["date"]))
    reports = due.groupby("credit_code").agg(reports_due=("month", "size"), reports_on_time=("on_time", "sum"))
    codes = sorted(set().union(*(records[k]["credit_code"] for k in ("registry", "practitioners", "changes",
                                                                      "contracts", "visits", "reports"))))
    out = pd.DataFrame(index=pd.Index(codes, name="credit_code"))
    out = out.join(served).join(_practitioners(records, day)).join(reports)
    out["visits"] = visit_days
    owed = contract_facts(records, year=year, as_of=as_of).groupby("credit_code")[["delivered", "contracted"]].sum()
    out["visits_delivered"], out["visits_contracted"] = owed["delivered"], owed["contracted"]
    out["last_filed"] = _last_filed(records, day)
    out["towns"] = out["towns"].fillna("")
    counts = ["clients", "contracts", *SPECIALTY_COLUMNS.values(), "people", "reports_due", "reports_on_time",
              "visits", "visits_delivered", "visits_contracted"]
    out[counts] = out[counts].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["on_time_share"] = (out["reports_on_time"] / out["reports_due"].where(out["reports_due"] > 0)).astype(float)
        out["visits_per_contract"] = (out["visits"] / out["contracts"].where(out["contracts"] > 0)).astype(float)
    out["last_filed"] = pd.to_datetime(out["last_filed"]).astype("datetime64[ns]")
    return out.reset_index()[list(FACT_COLUMNS)]


def contract_facts(records: ServiceRecords, *, year: int, as_of: dt.date) -> pd.DataFrame:
    """Visits delivered against visits contracted of each contract running in `year` (CONTRACT_FACT_COLUMNS, by
    agency and start): core.watch.contract_visits — a visit counts when filed by `as_of` and dated within the
    contract's term, in `year` and by `as_of`, for one contract only; contracted is visits_per_year prorated by the
    contract's days in `year`, rounded down (the floor the watch's too_few_visits holds an agency to)."""
    return contract_visits(records, year=year, as_of=as_of)[list(CONTRACT_FACT_COLUMNS)]


def serving(facts: pd.DataFrame, *, town: str, specialty: str | None = None) -> pd.DataFrame:
    """The facts' agencies with a contract in `town` in the facts' year and, when given, at least one practitioner of
    `specialty` (one of FINDER_SPECIALTIES) employed on the as-of date."""
    # A bool array, not a mapped Series: an empty object Series would select columns instead of rows.
    found = facts[np.array([town in cell.split(";") for cell in facts["towns"]], dtype=bool)]
    if specialty:
        found = found[found[SPECIALTY_COLUMNS[specialty]] > 0]
    return found
