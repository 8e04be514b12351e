"""The compliance watch: suggested findings from the service records of a year, as of a date (pure, vectorised)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import RulebookError
from core.rulebook import Rulebook, WatchRules
from core.service_records import KIND_LABELS, ServiceRecords
from core.towns import BUREAU
from core.workdays import WorkCalendar

SUGGESTION_COLUMNS = ("credit_code", "agency_name", "clause", "date", "assessor", "rule", "evidence", "key")
# What judge returns: the suggestion's columns and `sources`, the stored rows it rests on (source_refs reads them).
WATCH_COLUMNS = (*SUGGESTION_COLUMNS, "sources")
NOTE_COLUMNS = ("credit_code", "agency_name", "date", "rule", "evidence", "key")
# What waits for a year the working-day calendar does not cover: the suggestion's columns and that year. `date` is
# the earliest the deadline can be (the due day unmoved, or N days after a change); `key` the suggestion's key.
WAITING_COLUMNS = (*WATCH_COLUMNS, "missing_year")
KEY_CHARS = 16  # of the SHA-256 hex: 64 bits, no collision among a province's suggestions
_SHOWN_ROWS = 5  # row numbers named in one evidence text before "…等共N行"
# What each rule returns; `waits` is the calendar year its decision needs and lacks, 0 when decided.
_PARTS = ("credit_code", "date", "assessor", "rule", "evidence", "facts", "waits", "sources")
SOURCE_ROWS_MAX = 200  # rows one suggestion names in `sources`; the evidence text names the first few


class _Window:
    """The year watched and the as-of date, as Timestamps."""

    def __init__(self, year: int, as_of: dt.date):
        self.year = year
        self.first = pd.Timestamp(year, 1, 1)
        self.last = pd.Timestamp(year, 12, 31)
        self.as_of = pd.Timestamp(as_of)
        self.days = (self.last - self.first).days + 1

    def holds(self, days: pd.Series) -> pd.Series:
        return days.between(self.first, self.last)


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")


def row_list(kind: str, rows: object) -> str:
    """`服务记录（附件2）第3、7行` — the rows a clerk opens; long lists cut after a few, with the count."""
    numbers = sorted(set(rows.astype(np.int64).tolist() if isinstance(rows, np.ndarray) else map(int, rows)))
    shown = "、".join(map(str, numbers[:_SHOWN_ROWS]))
    more = f"等共{len(numbers)}行" if len(numbers) > _SHOWN_ROWS else "行"
    return f"{KIND_LABELS[kind]}第{shown}{more}"


def _refs(kind: str | pd.Series, frame: pd.DataFrame) -> pd.Series:
    """Each row of `frame` as the reference `kind:upload_id:row` (upload_id 0 for records read from files, which
    have none): the row as stored, or as a clerk finds it in the uploaded file. Blank where `row` is missing."""
    upload = frame["upload_id"] if "upload_id" in frame else pd.Series(0, index=frame.index)
    text = kind + ":" + upload.astype("Int64").astype(str) + ":" + frame["row"].astype("Int64").astype(str)
    return text.where(frame["row"].notna(), "")


def _ref_order(ref: str) -> tuple[str, int, int]:
    kind, upload, row = ref.split(":")
    return kind, int(upload), int(row)


def _joined_refs(refs: np.ndarray) -> str:
    """A group's references, each once, in file order (kind, upload, row): the same whatever order the rows came in."""
    return " ".join(sorted({r for r in refs if r}, key=_ref_order)[:SOURCE_ROWS_MAX])


def source_refs(sources: str) -> dict[str, list[tuple[int, int]]]:
    """A suggestion's `sources` read back: kind → its (upload_id, row) pairs, in the order named."""
    out: dict[str, list[tuple[int, int]]] = {}
    for ref in str(sources or "").split():
        kind, upload, row = ref.split(":")
        out.setdefault(kind, []).append((int(upload), int(row)))
    return out


def _result(frame: pd.DataFrame, rule: str, assessor: pd.Series | str) -> pd.DataFrame:
    out = pd.DataFrame({"credit_code": frame["credit_code"].to_numpy(), "date": frame["date"].to_numpy()})
    out["assessor"] = assessor.to_numpy() if isinstance(assessor, pd.Series) else assessor
    out["rule"] = rule
    out["evidence"] = frame["evidence"].to_numpy()
    out["facts"] = frame["facts"].to_numpy()
    out["waits"] = frame["waits"].to_numpy().astype(np.int64) if "waits" in frame else 0
    out["sources"] = frame["sources"].to_numpy() if "sources" in frame else ""
    return out[list(_PARTS)]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames stacked; empty ones left out (pandas would otherwise let them decide the dtypes)."""
    kept = [f for f in frames if not f.empty]
    return pd.concat(kept or frames[:1], ignore_index=True)


def _per_group(frame: pd.DataFrame, keys: list[str], made: dict[str, tuple[str, Callable[[np.ndarray], str]]]
               ) -> pd.DataFrame:
    """One row per group of `frame` by `keys` (groups as groupby makes them), with a column `name` for each
    `name: (column, make)` of `made`: `make` of the group's values of `column`. One sort and one plain loop over
    the groups: pandas' agg with a Python function costs tens of µs a group (15,000 groups: over a second)."""
    group = frame.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")
    order = order[group[order] >= 0]  # a key with a missing value is in no group, as with groupby
    grouped = group[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(order) else np.array([], dtype=np.int64)
    out = frame[keys].iloc[order[starts]].reset_index(drop=True)
    for name, (column, make) in made.items():
        values = frame[column].to_numpy()[order]
        out[name] = [make(part) for part in np.split(values, starts[1:])] if len(order) else []
    return out


def _first_of_groups(frame: pd.DataFrame, keys: list[str], order: list[str], kind: str) -> pd.DataFrame:
    """One row per group, its earliest by `order`, with `rows`: every row of the group as evidence text, and
    `sources`: every row of the group as references (_refs)."""
    frame = frame.assign(ref=_refs(kind, frame))
    first = frame.sort_values([*order, "row"], kind="stable").drop_duplicates(keys)
    return first.merge(_per_group(frame, keys, {"rows": ("row", lambda rows: row_list(kind, rows)),
                                                "sources": ("ref", _joined_refs)}), on=keys)


# --- 第九条: filing before the first service, the commitment letter, changes --------------------------------


def served_before_filing(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """A visit of the year before the agency filed 附件1, or with no registry row: once per agency, at its first."""
    visits = records["visits"]  # as known (known_records), as every rule below reads them
    visits = visits[window.holds(visits["visit_date"])]
    filed = visits["credit_code"].map(records["registry"].set_index("credit_code")["filed_on"])
    before = filed.isna() | (visits["visit_date"] < filed)
    early = visits[before].assign(filed_on=filed[before])  # filtered alike: an empty frame would take filed's index
    if early.empty:
        return _result(early.assign(date=[], evidence=[], facts=[]), "served_before_filing", BUREAU)
    first = _first_of_groups(early, ["credit_code"], ["visit_date"], "visits")
    why = np.where(first["filed_on"].isna(), "，基本情况（附件1）中没有该机构",
                   "，早于附件1报送日期" + first["filed_on"].dt.strftime("%Y-%m-%d").fillna(""))
    first["evidence"] = first["rows"] + "：首次服务" + first["visit_date"].dt.strftime("%Y-%m-%d") + why
    registry = records["registry"].set_index("credit_code")
    filed_ref = first["credit_code"].map(_refs("registry", registry)).fillna("")
    first["sources"] = (first["sources"] + " " + filed_ref).str.strip()
    first["date"] = first["visit_date"]
    first["facts"] = str(window.year)
    return _result(first, "served_before_filing", BUREAU)


def no_commitment(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """An agency that filed in the year and had not filed its commitment letter by the as-of date."""
    registry = records["registry"]
    missing = registry["commitment_on"].isna() | (registry["commitment_on"] > window.as_of)
    found = registry[window.holds(registry["filed_on"]) & (registry["filed_on"] <= window.as_of) & missing].copy()
    found["date"] = found["filed_on"]
    found["evidence"] = (KIND_LABELS["registry"] + "第" + found["row"].astype(str) + "行：附件1报送于"
                         + found["filed_on"].dt.strftime("%Y-%m-%d") + f"，截至{_day(window.as_of)}未报送守法诚信承诺书")
    found["facts"] = found["filed_on"].dt.strftime("%Y-%m-%d")
    found["sources"] = _refs("registry", found)
    return _result(found, "no_commitment", BUREAU)


def _change_events(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """Every change of the year after the agency's filing: the changes file's rows, and practitioners joining or
    leaving that no changes row reports (same agency, name and date) — those were not reported at all. What happened
    on or before the agency's 附件1 filing (or before any filing) is part of the filing, not a change of it."""
    filed = records["registry"].set_index("credit_code")["filed_on"]
    changes = records["changes"]
    changes = changes[window.holds(changes["changed_on"]) & (changes["changed_on"] > changes["credit_code"].map(filed))]
    listed = pd.DataFrame({
        "credit_code": changes["credit_code"], "changed_on": changes["changed_on"],
        "reported_on": changes["reported_on"], "row": changes["row"], "sources": _refs("changes", changes),
        "what": KIND_LABELS["changes"] + "第" + changes["row"].astype(str) + "行：" + changes["item"]
        + np.where(changes["practitioner"] != "", "（" + changes["practitioner"] + "）", ""),
        "facts": changes["changed_on"].dt.strftime("%Y-%m-%d") + "|" + changes["item"] + "|" + changes["practitioner"],
    })
    people = records["practitioners"]
    moves = []
    for column, verb in (("joined_on", "入职"), ("left_on", "离职")):
        moved = people[window.holds(people[column]) & (people[column] > people["credit_code"].map(filed))]
        moves.append(pd.DataFrame({
            "credit_code": moved["credit_code"], "practitioner": moved["name"], "changed_on": moved[column],
            "row": moved["row"], "sources": _refs("practitioners", moved),
            "what": KIND_LABELS["practitioners"] + "第" + moved["row"].astype(str) + "行：" + moved["name"] + verb
            + "，信息变化中没有该人该日的告知",
            "facts": moved[column].dt.strftime("%Y-%m-%d") + "|" + verb + "|" + moved["name"],
        }))
    moved = _concat(moves)
    told = records["changes"][["credit_code", "practitioner", "changed_on"]].drop_duplicates().assign(told=True)
    moved = moved.merge(told, how="left", on=["credit_code", "practitioner", "changed_on"])
    untold = moved[moved["told"].isna()].drop(columns=["told", "practitioner"]).assign(reported_on=pd.NaT)
    # The same change in several rows is one change, reported when first reported (its first row names it).
    events = _concat([listed, untold]).sort_values(["reported_on", "row"], kind="stable", na_position="last")
    return events.drop_duplicates(["credit_code", "facts"]).drop(columns="row")


def late_change(records: ServiceRecords, window: _Window, rules: WatchRules, calendar: WorkCalendar) -> pd.DataFrame:
    """A change reported more than N working days after it (counted from the next day), or not reported by the
    as-of day once that deadline has passed. Without the calendar of a year the count crosses, only what holds for
    any calendar is decided (N working days end N days after the change at the earliest); the rest waits."""
    events = _change_events(records, window)
    n = rules.change_deadline_workdays
    ends, missing = calendar.deadlines(events["changed_on"].to_numpy(), n)
    deadline = pd.Series(ends.astype("datetime64[ns]"), index=events.index)
    earliest = events["changed_on"] + pd.Timedelta(days=n)
    reported = events["reported_on"]  # known_records blanked reports filed after the as-of day
    decided = deadline.notna()
    late = decided & ((reported > deadline) | (reported.isna() & (window.as_of > deadline)))
    waits = ~decided & ~(reported <= earliest) & (reported.notna() | (window.as_of > earliest))
    found = events[late | waits].assign(waits=np.where(waits, missing, 0)[(late | waits).to_numpy()])
    found["date"] = deadline[late | waits].fillna(found["changed_on"] + pd.Timedelta(days=n))
    told = np.where(found["reported_on"].notna(), "，告知于" + found["reported_on"].dt.strftime("%Y-%m-%d").fillna(""),
                    f"，截至{_day(window.as_of)}未告知")
    limit = np.where(found["waits"] > 0, "，截止日需" + found["waits"].astype(str) + "年法定节假日安排才能确定",
                     "（" + found["date"].dt.strftime("%Y-%m-%d") + "）")
    found["evidence"] = (found["what"] + "，变化于" + found["changed_on"].dt.strftime("%Y-%m-%d") + told
                         + f"；最迟应于{n}个工作日内" + limit + "告知")
    return _result(found, "late_change", BUREAU)


# --- 第十条: the monthly report ---------------------------------------------------------------------------------


def _first_reports(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """The earliest submission of each agency and month by the as-of date, from reports and visit rows alike."""
    parts = []
    for kind in ("reports", "visits"):
        columns = ["credit_code", "month", "submitted_on", "row", *(["upload_id"] if "upload_id" in records[kind] else [])]
        table = records[kind][columns]  # not every column of 1.2M visits
        table = table[(table["submitted_on"] <= window.as_of) & window.holds(table["month"])]
        first = table.sort_values(["submitted_on", "row"], kind="stable").drop_duplicates(["credit_code", "month"])
        parts.append(first[columns].assign(kind=kind))
    both = _concat(parts).sort_values(["submitted_on", "kind"], kind="stable")
    return both.drop_duplicates(["credit_code", "month"])


def _offsets(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each n of `counts`, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)


def _month_start(index: np.ndarray) -> np.ndarray:
    """The first day of each month counted from year 0 (year * 12 + month - 1)."""
    return (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[ns]")


DUE_COLUMNS = ("nominal", "due", "waits")


def report_due_dates(months: pd.Series, rules: WatchRules, calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """When each month's report is due (months as their first day), DUE_COLUMNS by the months' index: `nominal` the
    rulebook's report_due_day of the next month (inclusive); `due` that day moved to the next working day when it is
    a rest day (民法典 第二百零三条; the rulebook's move_rest_day_deadlines), NaT where deciding needs a year the
    calendar does not cover, that year in `waits` (0 elsewhere). The one statement of the rule: the watch, the agency
    portal and the service facts use it."""
    nominal = months + pd.offsets.MonthBegin(1) + pd.Timedelta(days=rules.report_due_day - 1)
    if not rules.move_rest_day_deadlines:
        return pd.DataFrame({"nominal": nominal, "due": nominal, "waits": 0}, index=months.index)
    moved, missing = (calendar or WorkCalendar.default()).rest_day_moves(nominal.to_numpy())
    return pd.DataFrame({"nominal": nominal, "due": moved.astype("datetime64[ns]"), "waits": missing},
                        index=months.index)


def _report_starts(records: ServiceRecords, window: _Window) -> pd.Series:
    """credit_code → the first month of the year it must report: the month of its filing or first visit."""
    registry, visits = records["registry"], records["visits"]  # as known (known_records)
    starts = pd.concat([registry[["credit_code"]].assign(day=registry["filed_on"]),
                        visits[["credit_code"]].assign(day=visits["visit_date"])])
    start = starts.groupby("credit_code")["day"].min().dt.to_period("M").dt.start_time
    return start[start <= window.last].clip(lower=window.first)


REPORT_MONTH_COLUMNS = ("month", "due", "submitted_on", "status")
REPORT_STATUSES = ("on_time", "late", "missing", "open", "not_required", "undecided")


def report_months(records: ServiceRecords, *, credit_code: str, year: int, as_of: dt.date,
                  rulebook: Rulebook, calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """One agency's twelve monthly reports of `year` as the watch sees them on `as_of` (REPORT_MONTH_COLUMNS).

    status: on_time (first report by the due day), late (after it), missing (due day passed, none yet), open (not
    yet due, none yet), not_required (before the month of its filing or first visit, as late_report counts),
    undecided (neither by the unmoved due day nor decidable: the calendar of the due day's year is missing; `due`
    then shows the unmoved day).
    """
    rules = _watch_rules(rulebook)
    window = _Window(year, as_of)
    records = known_records(records, as_of)
    months = pd.DataFrame({"month": pd.date_range(window.first, periods=12, freq="MS")})
    due = report_due_dates(months["month"], rules, calendar)
    first = _first_reports(records, window)
    first = first[first["credit_code"] == credit_code].set_index("month")["submitted_on"]
    submitted = months["month"].map(first)
    by_nominal = submitted <= due["nominal"]
    undecided = due["due"].isna() & ~by_nominal
    months["due"] = due["due"].fillna(due["nominal"])
    months["submitted_on"] = submitted
    months["status"] = np.select(
        [by_nominal | (submitted <= due["due"]), undecided & (submitted.notna() | (window.as_of > due["nominal"])),
         submitted.notna(), window.as_of > due["due"]],
        ["on_time", "undecided", "late", "missing"], "open")
    start = _report_starts(records, window).get(credit_code)
    # No filing and no visit yet: the watch counts no month of this agency, so none is required.
    required = (months["month"] >= start) if start is not None and not pd.isna(start) else months["month"].isna()
    months.loc[~required & submitted.isna(), "status"] = "not_required"
    return months[list(REPORT_MONTH_COLUMNS)]


def _due_reports(records: ServiceRecords, window: _Window, rules: WatchRules, calendar: WorkCalendar | None
                 ) -> pd.DataFrame:
    """Each agency's months from the earlier of filing and first visit to December whose due day passed before the
    as-of date, or whose due day needs a missing calendar year (`waits`) and whose report had not come by the unmoved
    day once that had passed: credit_code, month, date (the due day; the unmoved one where it waits), waits, and the
    first submission by the as-of date (submitted_on, kind, row; NaT/NaN when none)."""
    start = _report_starts(records, window)
    first_month = (start.dt.year * 12 + start.dt.month - 1).to_numpy()  # months since year 0: plain integers
    counts = 12 - start.dt.month.to_numpy() + 1
    index = np.repeat(first_month, counts) + _offsets(counts)
    months = pd.DataFrame({"credit_code": np.repeat(start.index.to_numpy(), counts), "month": _month_start(index)})
    due = report_due_dates(months["month"], rules, calendar)
    months = months.assign(nominal=due["nominal"], date=due["due"], waits=due["waits"])
    months = months[window.as_of > months["nominal"]]  # not due even unmoved: nothing to say
    months = months.merge(_first_reports(records, window), how="left", on=["credit_code", "month"])
    by_nominal = (months["submitted_on"] <= months["nominal"]).to_numpy()  # on time whatever the calendar says
    months.loc[by_nominal, "waits"] = 0
    months["date"] = months["date"].fillna(months["nominal"].where(by_nominal | (months["waits"] > 0)))
    running = (months["waits"] == 0) & ~(window.as_of > months["date"])  # a moved due day not passed yet
    return months[~running].drop(columns="nominal").reset_index(drop=True)


def due_reports(records: ServiceRecords, *, year: int, as_of: dt.date, rules: WatchRules,
                calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The monthly reports of `year` due before `as_of` as known on it, each with its due date and first submission
    (第十条; the rule late_report applies, and the on-time share of the service facts counts). Months whose due day
    needs a calendar year not covered are left out: neither on time nor late yet."""
    months = _due_reports(known_records(records, as_of), _Window(year, as_of), rules, calendar)
    return months[months["waits"] == 0].drop(columns="waits").reset_index(drop=True)


def late_report(records: ServiceRecords, window: _Window, rules: WatchRules, calendar: WorkCalendar) -> pd.DataFrame:
    """Each month from the earlier of filing and first visit to December whose report came after its due day (the
    rulebook's day of the next month, moved past rest days), or had not come by the as-of date once that day had
    passed; a month whose due day needs a missing calendar year and whose report missed the unmoved day waits."""
    months = _due_reports(records, window, rules, calendar)
    found = months[months["submitted_on"].isna() | (months["submitted_on"] > months["date"])
                   | (months["waits"] > 0)].copy()
    label = found["month"].dt.strftime("%Y-%m") + "月报：截止" + found["date"].dt.strftime("%Y-%m-%d") + np.where(
        found["waits"] > 0, "（遇休息日顺延；需" + found["waits"].astype(str) + "年法定节假日安排才能确定）", "")
    source = found["kind"].map(KIND_LABELS).fillna("") + "第" + found["row"].astype("Int64").astype(str) + "行"
    found["evidence"] = np.where(found["submitted_on"].isna(), label + f"，截至{_day(window.as_of)}未报送",
                                 label + "，最早报送" + found["submitted_on"].dt.strftime("%Y-%m-%d").fillna("")
                                 + "（" + source + "）")
    found["facts"] = found["month"].dt.strftime("%Y-%m")
    found["sources"] = _refs(found["kind"].fillna(""), found)  # the month's first report: none when never filed
    return _result(found, "late_report", BUREAU)


# --- 第十一条 and Annex 3: contracts and visits -----------------------------------------------------------------


_DAY_BITS = 17  # a day as an integer (days since 1970) fits in 17 bits up to the year 2328


def _day_numbers(days: pd.Series) -> np.ndarray:
    return days.to_numpy().astype("datetime64[D]").astype(np.int64)


class _VisitDays:
    """The visits of the year with their agency and client as one integer `pair`, shared with `contracts` (the
    contracts table with its `pair`), so the rules join and count on integers, not two text columns; computed once
    per watch for the two rules that need it. `visits`: one row per pair, day and contract named (3.3 judges each
    against what it names); `days`: one row per pair and day (the same visit in two reports is one visit), naming the
    first contract number any of its rows names."""

    def __init__(self, records: ServiceRecords, window: _Window):
        visits = records["visits"][["credit_code", "client_code", "visit_date", "contract_no"]]
        visits = visits[window.holds(visits["visit_date"])]
        contracts = records["contracts"]
        both = pd.concat([visits[["credit_code", "client_code"]], contracts[["credit_code", "client_code"]]])
        agency, _ = pd.factorize(both["credit_code"])
        client, clients = pd.factorize(both["client_code"])
        pair, _ = pd.factorize(agency.astype(np.int64) * max(len(clients), 1) + client)
        self.contracts = contracts.assign(pair=pair[len(visits):], cid=np.arange(len(contracts)))
        visits = visits.assign(pair=pair[:len(visits)])
        key = visits["pair"].to_numpy().astype(np.int64) << _DAY_BITS | _day_numbers(visits["visit_date"])
        # Most days are visited once: only a repeated pair and day (rare) is sorted out by its contract numbers, so the
        # choice never depends on row order, and no million text values are hashed.
        repeated = pd.Series(key).duplicated(keep=False).to_numpy()
        once, again = visits[~repeated], visits[repeated].assign(blank=visits["contract_no"][repeated] == "",
                                                                 key=key[repeated])
        if again.empty:  # no copy of a million rows for nothing, and one join for both rules
            self.visits = self.days = once
            self.judged_visits = self.judged_days = _judged(once, self.contracts)
            return
        distinct = again.drop_duplicates(["key", "contract_no"])
        self.visits = _concat([once, distinct.drop(columns=["blank", "key"])])
        self.judged_visits = _judged(self.visits, self.contracts)
        if not distinct["key"].duplicated().any():  # the same visit in two reports, naming the same contract
            self.days, self.judged_days = self.visits, self.judged_visits
            return
        several = distinct.sort_values(["key", "blank", "contract_no"], kind="stable").drop_duplicates("key")
        self.days = _concat([once, several.drop(columns=["blank", "key"])])
        self.judged_days = _judged(self.days, self.contracts)


def _judged(visits: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """Each visit (position in `visits`, as `visit`) with each contract it is judged against (position in
    `contracts`, as `contract`): the one it names, else every contract of its agency and client; with `named`,
    `covers` (signed by the visit day, the day within its term) and `in_term` (the day within its term, signed or
    not). A join on the integer `pair` by binary search over the contracts sorted by it: no pandas merge of a
    million visits with text columns."""
    order = np.argsort(contracts["pair"].to_numpy(), kind="stable")
    sorted_pairs = contracts["pair"].to_numpy()[order]
    pair = visits["pair"].to_numpy()
    low = np.searchsorted(sorted_pairs, pair, side="left")
    counts = np.searchsorted(sorted_pairs, pair, side="right") - low
    visit = np.repeat(np.arange(len(visits)), counts)
    contract = order[np.repeat(low, counts) + _offsets(counts)] if len(visit) else np.array([], dtype=np.int64)
    number = visits["contract_no"].to_numpy()[visit]
    named = number != ""
    keep = ~named | (number == contracts["contract_no"].to_numpy()[contract])
    visit, contract, named = visit[keep], contract[keep], named[keep]
    day = visits["visit_date"].to_numpy()[visit]
    signed = contracts["signed_on"].to_numpy()[contract]
    in_term = (contracts["start"].to_numpy()[contract] <= day) & (day <= contracts["end"].to_numpy()[contract])
    return pd.DataFrame({"visit": visit, "contract": contract, "visit_date": day, "signed_on": signed,
                         "named": named, "in_term": in_term, "covers": in_term & (signed <= day)})


def _with_contract(pairs: pd.DataFrame, contracts: pd.DataFrame) -> pd.DataFrame:
    """`pairs` (of _judged) with the number and file row of each one's contract, sorted so each visit's
    earliest-signed contract comes first (then by number and row: never by the order of the rows)."""
    position = pairs["contract"].to_numpy()
    return pairs.assign(contract_no=contracts["contract_no"].to_numpy()[position],
                        row=contracts["row"].to_numpy()[position]).sort_values(
        ["visit", "signed_on", "contract_no", "row"], kind="stable")


def visit_without_contract(records: ServiceRecords, window: _Window, visited: _VisitDays) -> pd.DataFrame:
    """A visit that no contract of that agency and client covers (signed by its day, its day within the term; a
    visit naming a contract number judged against that contract only): once per client, at the first. The evidence
    says whether the contract was signed after the visit (签订于服务之后) or there is none."""
    visits, pairs = visited.visits, visited.judged_visits
    covered = np.zeros(len(visits), dtype=bool)
    covered[pairs.loc[pairs["covers"], "visit"].to_numpy()] = True
    late = _with_contract(pairs[pairs["in_term"] & ~pairs["covers"]], visited.contracts)
    late = late.drop_duplicates("visit").set_index("visit")
    bare = visits.assign(visit=np.arange(len(visits)))[~covered]
    bare = bare.assign(signed_late=bare["visit"].map(late["signed_on"]), late_no=bare["visit"].map(late["contract_no"]))
    rows = records["visits"].merge(bare.drop(columns=["pair", "visit"]),
                                   on=["credit_code", "client_code", "visit_date", "contract_no"])
    if rows.empty:
        return _result(rows.assign(date=[], evidence=[], facts=[]), "visit_without_contract", BUREAU)
    first = _first_of_groups(rows, ["credit_code", "client_code"], ["visit_date", "contract_no"], "visits")
    named = np.where(first["contract_no"] != "", "编号为" + first["contract_no"] + "、", "")
    why = np.where(first["signed_late"].notna(),
                   "，服务合同（合同编号" + first["late_no"].fillna("") + "）签订于"
                   + first["signed_late"].dt.strftime("%Y-%m-%d").fillna("") + "，签订于服务之后",
                   "，没有该机构与该企业" + named + "覆盖服务日期的服务合同")
    first["date"] = first["visit_date"]
    first["evidence"] = (first["rows"] + "：" + first["visit_date"].dt.strftime("%Y-%m-%d") + "起在" + first["client_name"]
                         + "（" + first["client_code"] + "）服务" + why)
    first["facts"] = first["client_code"] + f"|{window.year}"
    return _result(first, "visit_without_contract", first["town"])


def _in_year(contracts: pd.DataFrame, window: _Window) -> pd.DataFrame:
    """Contracts running some day of the year, with the part inside it (from, to)."""
    running = contracts[(contracts["start"] <= window.last) & (contracts["end"] >= window.first)].copy()
    running["from"] = running["start"].clip(lower=window.first)
    running["to"] = running["end"].clip(upper=window.last)
    return running


def _counted_visits(visited: _VisitDays, contracts: pd.DataFrame) -> np.ndarray:
    """How many visit days of each of `contracts` fall in its part of the year (from, to), a visit counting for one
    contract only: the one it names, else the earliest-signed one that covers it (signed by the day, within term)."""
    place = np.full(len(visited.contracts), -1)
    place[contracts["cid"].to_numpy()] = np.arange(len(contracts))  # each contract's place in `contracts`, or -1
    pairs = visited.judged_days
    pairs = pairs[pairs["named"] | pairs["covers"]]
    pairs = pairs.assign(contract=place[pairs["contract"].to_numpy()])
    pairs = pairs[pairs["contract"] >= 0]  # a contract not running in the year counts no visit of it
    # A visit with one candidate counts for it; only the few with several are sorted (earliest signed first).
    several = pairs["visit"].duplicated(keep=False).to_numpy()
    chosen = _with_contract(pairs[several], contracts).drop_duplicates("visit")
    position = np.concatenate([pairs["contract"].to_numpy()[~several], chosen["contract"].to_numpy()])
    counted = pd.DataFrame({"visit_date": np.concatenate([pairs["visit_date"].to_numpy()[~several],
                                                          chosen["visit_date"].to_numpy()])})
    inside = ((contracts["from"].to_numpy()[position] <= counted["visit_date"].to_numpy())
              & (counted["visit_date"].to_numpy() <= contracts["to"].to_numpy()[position]))
    return np.bincount(position[inside], minlength=len(contracts))


def _required(contracts: pd.DataFrame, window: _Window) -> pd.Series:
    """The visits each contract owes in its part of the year (from, to): visits_per_year × (its days in the year ÷
    days of the year), rounded down."""
    return (contracts["visits_per_year"] * ((contracts["to"] - contracts["from"]).dt.days + 1)) // window.days


CONTRACT_VISIT_COLUMNS = ("credit_code", "contract_no", "client_name", "town", "from", "to", "visits_per_year",
                          "contracted", "delivered")


def contract_visits(records: ServiceRecords, *, year: int, as_of: dt.date) -> pd.DataFrame:
    """Each contract running some day of `year` (CONTRACT_VISIT_COLUMNS, by agency, start, number): its part of the
    year (from, to), the visits it owes there (`contracted`: too_few_visits' floor, visits_per_year prorated by its
    days in the year, rounded down) and the visit days delivered (`delivered`: visits filed by `as_of` and dated
    within its term, in the year and by `as_of`, a visit counting for one contract only — the one it names, else the
    earliest-signed one covering it — as too_few_visits counts them)."""
    records = known_records(records, as_of)
    window = _Window(year, as_of)
    visited = _VisitDays(records, window)
    contracts = _in_year(visited.contracts, window).reset_index(drop=True)
    contracts["contracted"] = _required(contracts, window).astype("int64")
    contracts["delivered"] = _counted_visits(visited, contracts).astype("int64")  # known_records: none after as_of
    contracts = contracts.sort_values(["credit_code", "start", "contract_no"], kind="stable")
    return contracts[list(CONTRACT_VISIT_COLUMNS)].reset_index(drop=True)


def too_few_visits(window: _Window, visited: _VisitDays, rules: WatchRules, calendar: WorkCalendar) -> pd.DataFrame:
    """Fewer visit days than visits_per_year × (contract days in the year ÷ days of the year), rounded down; judged
    once the report of the contract's last month in the year was due (its visits are reported by then)."""
    contracts = _in_year(visited.contracts, window).reset_index(drop=True)
    contracts["done"] = _counted_visits(visited, contracts)  # over every contract: a visit counts for one only
    due = report_due_dates(contracts["to"].dt.to_period("M").dt.start_time, rules, calendar)
    decided = window.as_of > due["due"]
    waits = due["due"].isna() & (window.as_of > due["nominal"])
    contracts = contracts.assign(waits=np.where(waits, due["waits"], 0))[(decided | waits).to_numpy()]
    contracts = contracts.reset_index(drop=True)
    contracts["required"] = _required(contracts, window)
    found = contracts[contracts["done"] < contracts["required"]].copy()
    found["date"] = found["to"]
    found["evidence"] = (KIND_LABELS["contracts"] + "第" + found["row"].astype(str) + "行（合同编号" + found["contract_no"]
                         + "，" + found["client_name"] + "）：" + found["from"].dt.strftime("%Y-%m-%d") + "至"
                         + found["to"].dt.strftime("%Y-%m-%d") + "应至少服务" + found["required"].astype(str)
                         + "次（年约定" + found["visits_per_year"].astype(str) + "次按天数折算，向下取整），服务记录中实际"
                         + found["done"].astype(str) + "次")
    # A contract number used again for the same client (a renewal) gets its start in the key, the first keeps its own.
    found = found.sort_values(["start", "row"], kind="stable")
    again = found.duplicated(["credit_code", "contract_no", "client_code"]).to_numpy()
    found["facts"] = (found["contract_no"] + "|" + found["client_code"] + f"|{window.year}"
                      + np.where(again, "|" + found["start"].dt.strftime("%Y-%m-%d"), ""))
    # The later rows of one start share a key: one suggestion, the first row's, naming every row in its sources.
    found["sources"] = _refs("contracts", found)
    keys = ["credit_code", "facts"]
    sources = _per_group(found, keys, {"sources": ("sources", _joined_refs)})
    found = found.drop(columns="sources").drop_duplicates(keys).merge(sources, on=keys)
    return _result(found, "too_few_visits", found["town"])


def no_written_advice(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """A visit that found hazards and gave no written advice: once per client and day."""
    visits = records["visits"]
    bad = visits[window.holds(visits["visit_date"]) & (visits["hazards"] > 0) & ~visits["written_advice"]]
    if bad.empty:
        return _result(bad.assign(date=[], evidence=[], facts=[]), "no_written_advice", BUREAU)
    first = _first_of_groups(bad, ["credit_code", "client_code", "visit_date"], ["visit_date"], "visits")
    first["date"] = first["visit_date"]
    first["evidence"] = (first["rows"] + "：" + first["visit_date"].dt.strftime("%Y-%m-%d") + "在" + first["client_name"]
                         + "发现隐患" + first["hazards"].astype(str) + "处，未出具书面整改建议")
    first["facts"] = first["client_code"] + "|" + first["visit_date"].dt.strftime("%Y-%m-%d")
    return _result(first, "no_written_advice", first["town"])


# --- Annex 3 二（四）: one practitioner at two agencies --------------------------------------------------------


def shared_practitioner(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """One ID number employed by two agencies on two or more of the same days of the year (up to the as-of date): for
    each agency, at the first shared day. Employment includes the day of leaving, so a handover (one job ends the day
    the next begins) shares one day and is no breach."""
    people = records["practitioners"]
    end_of_watch = min(window.last, window.as_of)
    spans = people.assign(
        since=people["joined_on"].clip(lower=window.first),
        until=people["left_on"].fillna(end_of_watch).clip(upper=end_of_watch),
    )
    spans = spans[spans["since"] <= spans["until"]]
    several = spans.groupby("id_number")["credit_code"].transform("nunique") > 1
    spans = spans.loc[several, ["id_number", "credit_code", "name", "row", "since", "until"]].assign(
        ref=_refs("practitioners", spans[several]))
    pairs = spans.merge(spans, on="id_number", suffixes=("", "_other"))
    pairs = pairs[pairs["credit_code"] != pairs["credit_code_other"]]
    # since and until are never missing: the elementwise max and min of the two columns, without a frame's max(axis=1)
    pairs = pairs.assign(shared=np.maximum(pairs["since"].to_numpy(), pairs["since_other"].to_numpy()))
    last_shared = np.minimum(pairs["until"].to_numpy(), pairs["until_other"].to_numpy())
    pairs = pairs[pairs["shared"].to_numpy() + np.timedelta64(1, "D") <= last_shared]  # two days or more
    if pairs.empty:
        return _result(pairs.assign(date=[], evidence=[], facts=[]), "shared_practitioner", BUREAU)
    keys = ["id_number", "credit_code"]
    first = pairs.sort_values(["shared", "row"], kind="stable").drop_duplicates(keys)
    first = first.merge(_per_group(pairs, keys, {
        "others": ("credit_code_other", lambda codes: "、".join(sorted(set(codes)))),
        "other_rows": ("row_other", lambda rows: row_list("practitioners", rows)),
        "sources": ("ref_other", _joined_refs),
    }), on=keys)
    first["sources"] = first["ref"] + " " + first["sources"]
    first["date"] = first["shared"]
    tail = first["id_number"].str[-4:]  # the full ID number is personal data: the last four find the row
    first["evidence"] = (KIND_LABELS["practitioners"] + "第" + first["row"].astype(str) + "行：" + first["name"]
                         + "（身份证号尾号" + tail + "）自" + first["shared"].dt.strftime("%Y-%m-%d") + "同时受聘于"
                         + first["others"] + "（" + first["other_rows"] + "）")
    first["facts"] = first["name"] + "|" + tail + f"|{window.year}"
    return _result(first, "shared_practitioner", BUREAU)


# --- together ---------------------------------------------------------------------------------------------------


def stable_key(rule: str, credit_code: str, facts: str) -> str:
    """The same suggestion gets the same key on every run: a hash of its rule, agency and identifying facts."""
    return hashlib.sha256(f"{rule}|{credit_code}|{facts}".encode()).hexdigest()[:KEY_CHARS]


def _watch_rules(rulebook: Rulebook) -> WatchRules:
    if rulebook.watch is None:
        raise RulebookError(f"rulebook {rulebook.name} has no [watch] table: the watch needs its thresholds and clauses")
    return rulebook.watch


def _finish(found: pd.DataFrame, records: ServiceRecords, columns: tuple[str, ...]) -> pd.DataFrame:
    """Agency names from the registry, stable keys, dates as text, sorted by agency, date, clause and key."""
    names = records["registry"].set_index("credit_code")["agency_name"]
    found = found.assign(agency_name=found["credit_code"].map(names).fillna(""))
    found["key"] = [stable_key(r, c, f) for r, c, f in zip(found["rule"], found["credit_code"], found["facts"],
                                                            strict=True)]
    found["date"] = pd.to_datetime(found["date"]).dt.strftime("%Y-%m-%d")
    order = [c for c in ("credit_code", "date", "clause", "key") if c in found]
    return found.sort_values(order, kind="stable")[list(columns)].reset_index(drop=True)


def _upto(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    return frame if keep.all() else frame[keep]


# As known on the as-of day (docs/watch.md): a row counts once every date of ROW_KNOWN_BY is on or before it (its
# filing, and the event it records); a date of DATE_KNOWN_BY after it is blank (filed, or happened, later).
ROW_KNOWN_BY: dict[str, tuple[str, ...]] = {
    "registry": ("filed_on",), "visits": ("submitted_on", "visit_date"), "reports": ("submitted_on",),
    "changes": ("changed_on",), "practitioners": ("joined_on",), "contracts": ("signed_on",),
}
DATE_KNOWN_BY: dict[str, tuple[str, ...]] = {
    "registry": ("commitment_on",), "changes": ("reported_on",), "practitioners": ("left_on",),
}


def known_records(records: ServiceRecords, as_of: dt.date) -> ServiceRecords:
    """The records as the bureau knew them on `as_of`, the one reading every rule uses: a row filed after it
    (registry filed_on, visits and reports submitted_on) is not yet filed and a date filed after it (commitment_on,
    reported_on) is blank; an event after it (a visit, a change, a joining, a contract's signing) has not happened and
    a leaving after it has not happened yet. A visit is known once it happened and its row was filed. One 附件1 row
    per agency (one_registry_row) of the rows known."""
    day = pd.Timestamp(as_of)
    tables = dict(records.tables)
    for kind, columns in ROW_KNOWN_BY.items():
        table = records[kind]
        keep = pd.Series(True, index=table.index)
        for column in columns:
            keep &= table[column] <= day
        table = _upto(table, keep)
        later = {c: table[c].where(table[c] <= day) for c in DATE_KNOWN_BY.get(kind, ())}
        tables[kind] = table.assign(**later) if later else table
    return one_registry_row(ServiceRecords(tables))


def one_registry_row(records: ServiceRecords) -> ServiceRecords:
    """The records with one 附件1 row per agency. An agency that updates its 附件1 (the agency portal files each
    update as a new row) has several: the watch reads its first filing (day and row), its latest name and its earliest
    commitment letter."""
    registry = records["registry"]
    if not registry["credit_code"].duplicated().any():
        return records
    ordered = registry.sort_values(["filed_on", "row"], kind="stable")
    first = ordered.drop_duplicates("credit_code", keep="first").set_index("credit_code")
    first["agency_name"] = ordered.drop_duplicates("credit_code", keep="last").set_index("credit_code")["agency_name"]
    first["commitment_on"] = registry.groupby("credit_code")["commitment_on"].min()
    return ServiceRecords({**records.tables, "registry": first.reset_index()[list(registry.columns)]})


@dataclass(frozen=True)
class WatchResult:
    """What the watch decided (suggestions) and what waits for a working-day calendar year nobody added yet."""

    suggestions: pd.DataFrame  # WATCH_COLUMNS
    waiting: pd.DataFrame  # WAITING_COLUMNS

    def missing_years(self) -> dict[int, int]:
        """Each missing year → how many items wait for it."""
        return {int(y): int(n) for y, n in self.waiting["missing_year"].value_counts().sort_index().items()}


def judge(records: ServiceRecords, *, year: int, as_of: dt.date, rulebook: Rulebook,
          calendar: WorkCalendar | None = None) -> WatchResult:
    """Every suggested finding of `year` as known on `as_of`, and what waits for a missing calendar year; nothing
    is deducted by it. A missing year never stops the rest: only the decisions that need it wait."""
    rules = _watch_rules(rulebook)
    calendar = calendar or WorkCalendar.default()
    records = known_records(records, as_of)
    window = _Window(year, as_of)
    visited = _VisitDays(records, window)
    found = _concat([
        served_before_filing(records, window),
        no_commitment(records, window),
        visit_without_contract(records, window, visited),
        late_report(records, window, rules, calendar),
        late_change(records, window, rules, calendar),
        too_few_visits(window, visited, rules, calendar),
        shared_practitioner(records, window),
        no_written_advice(records, window),
    ])
    found["clause"] = found["rule"].map(rules.clauses)
    waits = (found["waits"] > 0).to_numpy()
    waiting = _finish(found[waits].assign(missing_year=found["waits"][waits]), records, WAITING_COLUMNS)
    return WatchResult(_finish(found[~waits], records, WATCH_COLUMNS), waiting)


def watch(records: ServiceRecords, *, year: int, as_of: dt.date, rulebook: Rulebook,
          calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Every suggested finding of `year` as known on `as_of` (WATCH_COLUMNS): judge's suggestions."""
    return judge(records, year=year, as_of=as_of, rulebook=rulebook, calendar=calendar).suggestions


def watch_notes(records: ServiceRecords, *, year: int, as_of: dt.date, rulebook: Rulebook) -> pd.DataFrame:
    """Contracts of the year shorter than the rulebook's months or with fewer visits a year (原则上: notes, not
    findings), dated at their start (NOTE_COLUMNS)."""
    rules = _watch_rules(rulebook)
    records = known_records(records, as_of)  # contracts signed by the as-of day
    contracts = _in_year(records["contracts"], _Window(year, as_of))
    contracts = contracts[contracts["start"] <= pd.Timestamp(as_of)]  # a note is dated at the start: not after as-of
    full_term = contracts["start"] + pd.DateOffset(months=rules.contract_min_months) - pd.Timedelta(days=1)
    where = (KIND_LABELS["contracts"] + "第" + contracts["row"].astype(str) + "行（合同编号" + contracts["contract_no"] + "，"
             + contracts["client_name"] + "）：")
    # Evidence is made on every contract, then filtered: assigning a Series to an empty frame would take the
    # Series' index, and a year with no short contract would note every contract as short.
    short = contracts.assign(
        evidence=where + "服务期限" + contracts["start"].dt.strftime("%Y-%m-%d") + "至" + contracts["end"].dt.strftime("%Y-%m-%d")
        + f"，不足{rules.contract_min_months}个月", rule="short_contract")[contracts["end"] < full_term]
    few = contracts.assign(
        evidence=where + "约定年服务" + contracts["visits_per_year"].astype(str) + f"次，少于{rules.visits_min_per_year}次",
        rule="few_visits_contracted")[contracts["visits_per_year"] < rules.visits_min_per_year]
    notes = _concat([short, few])
    notes["date"] = notes["start"]
    notes["facts"] = notes["contract_no"] + "|" + notes["client_code"]
    return _finish(notes, records, NOTE_COLUMNS)
