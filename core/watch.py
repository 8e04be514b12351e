"""The compliance watch: suggested findings from the service records of a year, as of a date (pure, vectorised)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from core.errors import RulebookError
from core.rulebook import Rulebook, WatchRules
from core.service_records import KIND_LABELS, ServiceRecords
from core.towns import BUREAU
from core.workdays import WorkCalendar

SUGGESTION_COLUMNS = ("credit_code", "agency_name", "clause", "date", "assessor", "rule", "evidence", "key")
NOTE_COLUMNS = ("credit_code", "agency_name", "date", "rule", "evidence", "key")
KEY_CHARS = 16  # of the SHA-256 hex: 64 bits, no collision among a province's suggestions
_SHOWN_ROWS = 5  # row numbers named in one evidence text before "…等共N行"
_PARTS = ("credit_code", "date", "assessor", "rule", "evidence", "facts")  # what each rule returns


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


def _result(frame: pd.DataFrame, rule: str, assessor: pd.Series | str) -> pd.DataFrame:
    out = pd.DataFrame({"credit_code": frame["credit_code"].to_numpy(), "date": frame["date"].to_numpy()})
    out["assessor"] = assessor.to_numpy() if isinstance(assessor, pd.Series) else assessor
    out["rule"] = rule
    out["evidence"] = frame["evidence"].to_numpy()
    out["facts"] = frame["facts"].to_numpy()
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
    """One row per group, its earliest by `order`, with `rows`: every row of the group as evidence text."""
    first = frame.sort_values([*order, "row"], kind="stable").drop_duplicates(keys)
    return first.merge(_per_group(frame, keys, {"rows": ("row", lambda rows: row_list(kind, rows))}), on=keys)


# --- 第九条: filing before the first service, the commitment letter, changes --------------------------------


def served_before_filing(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """A visit of the year before the agency filed 附件1, or with no registry row: once per agency, at its first."""
    visits = records["visits"]
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
    return _result(found, "no_commitment", BUREAU)


def _change_events(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """Every change of the year before the as-of date: the changes file's rows, and practitioners joining or
    leaving that no changes row reports (same agency, name and date) — those were not reported at all."""
    changes = records["changes"]
    changes = changes[window.holds(changes["changed_on"]) & (changes["changed_on"] < window.as_of)]
    listed = pd.DataFrame({
        "credit_code": changes["credit_code"], "changed_on": changes["changed_on"],
        "reported_on": changes["reported_on"],
        "what": KIND_LABELS["changes"] + "第" + changes["row"].astype(str) + "行：" + changes["item"]
        + np.where(changes["practitioner"] != "", "（" + changes["practitioner"] + "）", ""),
        "facts": changes["changed_on"].dt.strftime("%Y-%m-%d") + "|" + changes["item"] + "|" + changes["practitioner"],
    })
    people = records["practitioners"]
    moves = []
    for column, verb in (("joined_on", "入职"), ("left_on", "离职")):
        moved = people[window.holds(people[column]) & (people[column] < window.as_of)]
        moves.append(pd.DataFrame({
            "credit_code": moved["credit_code"], "practitioner": moved["name"], "changed_on": moved[column],
            "what": KIND_LABELS["practitioners"] + "第" + moved["row"].astype(str) + "行：" + moved["name"] + verb
            + "，信息变化中没有该人该日的告知",
            "facts": moved[column].dt.strftime("%Y-%m-%d") + "|" + verb + "|" + moved["name"],
        }))
    moved = _concat(moves)
    told = changes[["credit_code", "practitioner", "changed_on"]].drop_duplicates().assign(told=True)
    moved = moved.merge(told, how="left", on=["credit_code", "practitioner", "changed_on"])
    untold = moved[moved["told"].isna()].drop(columns=["told", "practitioner"]).assign(reported_on=pd.NaT)
    return _concat([listed, untold])


def late_change(records: ServiceRecords, window: _Window, rules: WatchRules, calendar: WorkCalendar) -> pd.DataFrame:
    """A change reported more than N working days after it (counted from the next day), or not at all."""
    events = _change_events(records, window)
    events["date"] = pd.to_datetime(calendar.deadlines(events["changed_on"].to_numpy(),
                                                       rules.change_deadline_workdays)).astype("datetime64[ns]")
    known = events["reported_on"].notna() & (events["reported_on"] <= window.as_of)
    late = (known & (events["reported_on"] > events["date"])) | (~known & (window.as_of > events["date"]))
    found = events[late].copy()
    told = np.where(found["reported_on"].notna() & (found["reported_on"] <= window.as_of),
                    "，告知于" + found["reported_on"].dt.strftime("%Y-%m-%d").fillna(""), f"，截至{_day(window.as_of)}未告知")
    found["evidence"] = (found["what"] + "，变化于" + found["changed_on"].dt.strftime("%Y-%m-%d") + told
                         + f"；最迟应于{rules.change_deadline_workdays}个工作日内（" + found["date"].dt.strftime("%Y-%m-%d")
                         + "）告知")
    return _result(found, "late_change", BUREAU)


# --- 第十条: the monthly report ---------------------------------------------------------------------------------


def _first_reports(records: ServiceRecords, window: _Window) -> pd.DataFrame:
    """The earliest submission of each agency and month by the as-of date, from reports and visit rows alike."""
    parts = []
    for kind in ("reports", "visits"):
        table = records[kind][["credit_code", "month", "submitted_on", "row"]]  # not every column of 1.2M visits
        table = table[(table["submitted_on"] <= window.as_of) & window.holds(table["month"])]
        first = table.sort_values(["submitted_on", "row"], kind="stable").drop_duplicates(["credit_code", "month"])
        parts.append(first[["credit_code", "month", "submitted_on", "row"]].assign(kind=kind))
    both = _concat(parts).sort_values(["submitted_on", "kind"], kind="stable")
    return both.drop_duplicates(["credit_code", "month"])


def _offsets(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each n of `counts`, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)


def _month_start(index: np.ndarray) -> np.ndarray:
    """The first day of each month counted from year 0 (year * 12 + month - 1)."""
    return (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[ns]")


def report_due_dates(months: pd.Series, due_day: int) -> pd.Series:
    """The day each month's report is due (months as their first day): the rulebook's report_due_day of the next
    month, inclusive. The one statement of the rule: the watch, the agency portal and the service facts use it."""
    return months + pd.offsets.MonthBegin(1) + pd.Timedelta(days=due_day - 1)


def _report_starts(records: ServiceRecords, window: _Window) -> pd.Series:
    """credit_code → the first month of the year it must report: the month of its filing or first visit."""
    registry, visits = records["registry"], records["visits"]
    starts = pd.concat([registry[["credit_code"]].assign(day=registry["filed_on"]),
                        visits[["credit_code"]].assign(day=visits["visit_date"])])
    start = starts.groupby("credit_code")["day"].min().dt.to_period("M").dt.start_time
    return start[start <= window.last].clip(lower=window.first)


REPORT_MONTH_COLUMNS = ("month", "due", "submitted_on", "status")
REPORT_STATUSES = ("on_time", "late", "missing", "open", "not_required")


def report_months(records: ServiceRecords, *, credit_code: str, year: int, as_of: dt.date,
                  rulebook: Rulebook) -> pd.DataFrame:
    """One agency's twelve monthly reports of `year` as the watch sees them on `as_of` (REPORT_MONTH_COLUMNS).

    status: on_time (first report by the due day), late (after it), missing (due day passed, none yet), open (not
    yet due, none yet), not_required (before the month of its filing or first visit, as late_report counts).
    """
    rules = _watch_rules(rulebook)
    window = _Window(year, as_of)
    months = pd.DataFrame({"month": pd.date_range(window.first, periods=12, freq="MS")})
    months["due"] = report_due_dates(months["month"], rules.report_due_day)
    first = _first_reports(records, window)
    first = first[first["credit_code"] == credit_code].set_index("month")["submitted_on"]
    months["submitted_on"] = months["month"].map(first)
    start = _report_starts(records, window).get(credit_code)
    submitted, due = months["submitted_on"], months["due"]
    months["status"] = np.select(
        [submitted.notna() & (submitted <= due), submitted.notna(), window.as_of > due],
        ["on_time", "late", "missing"], "open")
    # No filing and no visit yet: the watch counts no month of this agency, so none is required.
    required = (months["month"] >= start) if start is not None and not pd.isna(start) else months["month"].isna()
    months.loc[~required & submitted.isna(), "status"] = "not_required"
    return months[list(REPORT_MONTH_COLUMNS)]


def _due_reports(records: ServiceRecords, window: _Window, due_day: int) -> pd.DataFrame:
    """Each agency's months from the earlier of filing and first visit to December whose report was due (the
    `due_day` of the next month) before the as-of date: credit_code, month, date (the due day) and the first
    submission by the as-of date (submitted_on, kind, row; NaT/NaN when none)."""
    start = _report_starts(records, window)
    first_month = (start.dt.year * 12 + start.dt.month - 1).to_numpy()  # months since year 0: plain integers
    counts = 12 - start.dt.month.to_numpy() + 1
    index = np.repeat(first_month, counts) + _offsets(counts)
    months = pd.DataFrame({"credit_code": np.repeat(start.index.to_numpy(), counts), "month": _month_start(index)})
    months["date"] = report_due_dates(months["month"], due_day)
    months = months[window.as_of > months["date"]]  # not yet due: nothing to say
    return months.merge(_first_reports(records, window), how="left", on=["credit_code", "month"])


def due_reports(records: ServiceRecords, *, year: int, as_of: dt.date, due_day: int) -> pd.DataFrame:
    """The monthly reports of `year` due before `as_of`, each with its due date and first submission (第十条; the
    rule late_report applies, and the on-time share of the service facts counts)."""
    return _due_reports(records, _Window(year, as_of), due_day)


def late_report(records: ServiceRecords, window: _Window, rules: WatchRules) -> pd.DataFrame:
    """Each month from the earlier of filing and first visit to December whose report came after the due day of
    the next month, or had not come by the as-of date once that day had passed."""
    months = _due_reports(records, window, rules.report_due_day)
    found = months[months["submitted_on"].isna() | (months["submitted_on"] > months["date"])].copy()
    label = found["month"].dt.strftime("%Y-%m") + "月报：截止" + found["date"].dt.strftime("%Y-%m-%d")
    source = found["kind"].map(KIND_LABELS).fillna("") + "第" + found["row"].astype("Int64").astype(str) + "行"
    found["evidence"] = np.where(found["submitted_on"].isna(), label + f"，截至{_day(window.as_of)}未报送",
                                 label + "，最早报送" + found["submitted_on"].dt.strftime("%Y-%m-%d").fillna("")
                                 + "（" + source + "）")
    found["facts"] = found["month"].dt.strftime("%Y-%m")
    return _result(found, "late_report", BUREAU)


# --- 第十一条 and Annex 3: contracts and visits -----------------------------------------------------------------


_DAY_BITS = 17  # a day as an integer (days since 1970) fits in 17 bits up to the year 2328


def _day_numbers(days: pd.Series) -> np.ndarray:
    return days.to_numpy().astype("datetime64[D]").astype(np.int64)


class _VisitDays:
    """One row per agency, client and day visited in the year (the same visit in two reports is one visit), computed
    once per watch for the two rules that need it. Agency and client are one integer `pair`, shared with
    `contracts` (the contracts table with its `pair`), so the rules join and count on integers, not two text columns.
    """

    def __init__(self, records: ServiceRecords, window: _Window):
        visits = records["visits"][["credit_code", "client_code", "visit_date"]]
        visits = visits[window.holds(visits["visit_date"])]
        contracts = records["contracts"]
        both = pd.concat([visits[["credit_code", "client_code"]], contracts[["credit_code", "client_code"]]])
        agency, _ = pd.factorize(both["credit_code"])
        client, clients = pd.factorize(both["client_code"])
        pair, _ = pd.factorize(agency.astype(np.int64) * max(len(clients), 1) + client)
        self.contracts = contracts.assign(pair=pair[len(visits):])
        key = pair[:len(visits)].astype(np.int64) << _DAY_BITS | _day_numbers(visits["visit_date"])
        first = ~pd.Series(key).duplicated().to_numpy()
        self.days = visits[first].assign(pair=pair[:len(visits)][first])
        self.keys = np.sort(key[first])  # pair and day, for counting a contract's visit days by binary search

    def between(self, pair: np.ndarray, first: pd.Series, last: pd.Series) -> np.ndarray:
        """How many days the pair was visited from `first` to `last`, both included."""
        pair = pair.astype(np.int64) << _DAY_BITS
        return (np.searchsorted(self.keys, pair | _day_numbers(last), side="right")
                - np.searchsorted(self.keys, pair | _day_numbers(first), side="left"))


def visit_without_contract(records: ServiceRecords, window: _Window, visited: _VisitDays) -> pd.DataFrame:
    """A visit with no contract of that agency and client covering its day: once per client, at the first."""
    days = visited.days
    pairs = days[["pair", "visit_date"]].assign(day=np.arange(len(days))).merge(
        visited.contracts[["pair", "start", "end"]], how="left", on="pair")
    covered = np.zeros(len(days), dtype=bool)
    covered[pairs.loc[(pairs["start"] <= pairs["visit_date"]) & (pairs["visit_date"] <= pairs["end"]), "day"]] = True
    bare = days.loc[~covered, ["credit_code", "client_code", "visit_date"]]
    visits = records["visits"]
    rows = visits.merge(bare, on=["credit_code", "client_code", "visit_date"])
    if rows.empty:
        return _result(rows.assign(date=[], evidence=[], facts=[]), "visit_without_contract", BUREAU)
    first = _first_of_groups(rows, ["credit_code", "client_code"], ["visit_date"], "visits")
    first["date"] = first["visit_date"]
    first["evidence"] = (first["rows"] + "：" + first["visit_date"].dt.strftime("%Y-%m-%d") + "起在" + first["client_name"]
                         + "（" + first["client_code"] + "）服务，没有该机构与该企业覆盖服务日期的服务合同")
    first["facts"] = first["client_code"] + f"|{window.year}"
    return _result(first, "visit_without_contract", first["town"])


def _in_year(contracts: pd.DataFrame, window: _Window) -> pd.DataFrame:
    """Contracts running some day of the year, with the part inside it (from, to)."""
    running = contracts[(contracts["start"] <= window.last) & (contracts["end"] >= window.first)].copy()
    running["from"] = running["start"].clip(lower=window.first)
    running["to"] = running["end"].clip(upper=window.last)
    return running


def too_few_visits(window: _Window, visited: _VisitDays) -> pd.DataFrame:
    """Fewer visit days than visits_per_year × (contract days in the year ÷ days of the year), rounded down."""
    contracts = _in_year(visited.contracts, window)
    contracts = contracts[window.as_of > contracts["to"]]  # the contract's part of the year is over
    contracts["required"] = (contracts["visits_per_year"] * ((contracts["to"] - contracts["from"]).dt.days + 1)
                             ) // window.days
    contracts["done"] = visited.between(contracts["pair"].to_numpy(), contracts["from"], contracts["to"])
    found = contracts[contracts["done"] < contracts["required"]].copy()
    found["date"] = found["to"]
    found["evidence"] = (KIND_LABELS["contracts"] + "第" + found["row"].astype(str) + "行（合同编号" + found["contract_no"]
                         + "，" + found["client_name"] + "）：" + found["from"].dt.strftime("%Y-%m-%d") + "至"
                         + found["to"].dt.strftime("%Y-%m-%d") + "应至少服务" + found["required"].astype(str)
                         + "次（年约定" + found["visits_per_year"].astype(str) + "次按天数折算，向下取整），服务记录中实际"
                         + found["done"].astype(str) + "次")
    found["facts"] = found["contract_no"] + "|" + found["client_code"] + f"|{window.year}"
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
    """One ID number employed by two or more agencies on the same day of the year (up to the as-of date): for each
    agency, at the first shared day. Employment includes the day of leaving."""
    people = records["practitioners"]
    end_of_watch = min(window.last, window.as_of)
    spans = people.assign(
        since=people["joined_on"].clip(lower=window.first),
        until=people["left_on"].fillna(end_of_watch).clip(upper=end_of_watch),
    )
    spans = spans[spans["since"] <= spans["until"]]
    several = spans.groupby("id_number")["credit_code"].transform("nunique") > 1
    spans = spans.loc[several, ["id_number", "credit_code", "name", "row", "since", "until"]]
    pairs = spans.merge(spans, on="id_number", suffixes=("", "_other"))
    pairs = pairs[pairs["credit_code"] != pairs["credit_code_other"]]
    # since and until are never missing: the elementwise max and min of the two columns, without a frame's max(axis=1)
    pairs = pairs.assign(shared=np.maximum(pairs["since"].to_numpy(), pairs["since_other"].to_numpy()))
    pairs = pairs[pairs["shared"].to_numpy() <= np.minimum(pairs["until"].to_numpy(), pairs["until_other"].to_numpy())]
    if pairs.empty:
        return _result(pairs.assign(date=[], evidence=[], facts=[]), "shared_practitioner", BUREAU)
    keys = ["id_number", "credit_code"]
    first = pairs.sort_values(["shared", "row"], kind="stable").drop_duplicates(keys)
    first = first.merge(_per_group(pairs, keys, {
        "others": ("credit_code_other", lambda codes: "、".join(sorted(set(codes)))),
        "other_rows": ("row_other", lambda rows: row_list("practitioners", rows)),
    }), on=keys)
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


def watch(records: ServiceRecords, *, year: int, as_of: dt.date, rulebook: Rulebook,
          calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Every suggested finding of `year` as known on `as_of` (SUGGESTION_COLUMNS); nothing is deducted by it."""
    rules = _watch_rules(rulebook)
    records = one_registry_row(records)
    window = _Window(year, as_of)
    visited = _VisitDays(records, window)
    found = _concat([
        served_before_filing(records, window),
        no_commitment(records, window),
        visit_without_contract(records, window, visited),
        late_report(records, window, rules),
        late_change(records, window, rules, calendar or WorkCalendar.default()),
        too_few_visits(window, visited),
        shared_practitioner(records, window),
        no_written_advice(records, window),
    ])
    found["clause"] = found["rule"].map(rules.clauses)
    return _finish(found, records, SUGGESTION_COLUMNS)


def watch_notes(records: ServiceRecords, *, year: int, as_of: dt.date, rulebook: Rulebook) -> pd.DataFrame:
    """Contracts of the year shorter than the rulebook's months or with fewer visits a year (原则上: notes, not
    findings), dated at their start (NOTE_COLUMNS)."""
    rules = _watch_rules(rulebook)
    records = one_registry_row(records)
    contracts = _in_year(records["contracts"], _Window(year, as_of))
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
