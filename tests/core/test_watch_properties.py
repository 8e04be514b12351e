"""The watch over random records (hypothesis, bounded to run in seconds): nothing dated after the as-of day, what was
filed or happened after it changes nothing, a later day drops no suggestion unless a filing between cured it, and
row order changes nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.rulebook import load_rulebook
from core.service_records import ServiceRecords, read_records
from core.watch import judge
from core.workdays import WorkCalendar
from tests.builders import credit_code, id_number, records_csv

RULEBOOK = load_rulebook()
CALENDAR = WorkCalendar.default()  # 2024–2026: every deadline below is decidable
AGENCIES, CLIENTS, NUMBERS = [credit_code(1), credit_code(2)], [credit_code(501), credit_code(502)], ["", "HT-1", "HT-2"]
DAYS = st.dates(dt.date(2024, 12, 1), dt.date(2025, 12, 31))
AS_OF = st.dates(dt.date(2025, 1, 15), dt.date(2026, 2, 28))
LAG = st.integers(0, 45)  # days from an event to its filing
ROW_FILED = {"registry": "filed_on", "visits": "submitted_on", "reports": "submitted_on"}  # the row is the filing
DATE_FILED = {"registry": ("commitment_on",), "changes": ("reported_on",)}  # a date filed later on a row
HAPPENED = {"changes": "changed_on", "practitioners": "joined_on", "contracts": "signed_on"}  # rows filed with no date


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@st.composite
def random_records(draw) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    rows["registry"] = []
    for code in draw(st.lists(st.sampled_from(AGENCIES), max_size=3)):  # an update is a second row
        filed = draw(DAYS)
        commitment = draw(st.none() | st.integers(0, 60).map(lambda d, f=filed: f + dt.timedelta(days=d)))
        rows["registry"].append({"credit_code": code, "agency_name": f"机构{code[-2:]}", "office_address": "澄江街道",
                                 "filed_on": _iso(filed), "commitment_on": _iso(commitment)})
    rows["practitioners"] = []
    for code, who, joined, stay in draw(st.lists(st.tuples(st.sampled_from(AGENCIES), st.integers(0, 1), DAYS,
                                                           st.none() | st.integers(0, 90)), max_size=4)):
        rows["practitioners"].append({"credit_code": code, "name": f"人{who}", "id_number": id_number(who),
                                      "specialty": "化工", "joined_on": _iso(joined),
                                      "left_on": _iso(None if stay is None else joined + dt.timedelta(days=stay))})
    rows["changes"] = []
    for code, day, lag, told in draw(st.lists(st.tuples(st.sampled_from(AGENCIES), DAYS, LAG, st.booleans()),
                                              max_size=3)):
        rows["changes"].append({"credit_code": code, "item": "办公地址", "changed_on": _iso(day),
                                "reported_on": _iso(day + dt.timedelta(days=lag)) if told else None})
    rows["contracts"] = []
    for code, client, number, start, days, signed, per_year in draw(st.lists(st.tuples(
            st.sampled_from(AGENCIES), st.sampled_from(CLIENTS), st.sampled_from(NUMBERS[1:]), DAYS,
            st.integers(20, 400), st.integers(-20, 20), st.integers(1, 12)), max_size=3)):
        rows["contracts"].append({
            "credit_code": code, "client_code": client, "client_name": "企业", "town": "华士镇", "contract_no": number,
            "signed_on": _iso(start + dt.timedelta(days=signed)), "start": _iso(start),
            "end": _iso(start + dt.timedelta(days=days)), "visits_per_year": per_year})
    rows["visits"] = []
    for code, client, number, day, lag, hazards, advice in draw(st.lists(st.tuples(
            st.sampled_from(AGENCIES), st.sampled_from(CLIENTS), st.sampled_from(NUMBERS), DAYS, LAG,
            st.integers(0, 2), st.booleans()), max_size=8)):
        rows["visits"].append({
            "credit_code": code, "month": f"{day:%Y-%m}", "submitted_on": _iso(day + dt.timedelta(days=lag)),
            "client_code": client, "client_name": "企业", "town": "华士", "contract_no": number, "visit_date": _iso(day),
            "practitioner": "张三", "hazards": hazards, "written_advice": "是" if advice else "否"})
    rows["reports"] = []
    for code, month, lag in draw(st.lists(st.tuples(st.sampled_from(AGENCIES), st.integers(1, 12), LAG),
                                          max_size=10)):
        due = dt.date(2025 + (month == 12), month % 12 + 1, 1)
        rows["reports"].append({"credit_code": code, "month": f"2025-{month:02d}",
                                "submitted_on": _iso(due + dt.timedelta(days=lag))})
    return rows


def _read(rows: dict[str, list[dict]]) -> ServiceRecords:
    """The tables as read from files; each 附件1 row in a file of its own (an update is filed as a new row)."""
    tables = {kind: read_records(kind, records_csv(kind, r), name=f"{kind}.csv") for kind, r in rows.items()
              if kind != "registry"}
    parts = [read_records("registry", records_csv("registry", [r]), name="registry.csv") for r in rows["registry"]]
    if parts:
        tables["registry"] = pd.concat(parts, ignore_index=True)
    return ServiceRecords(tables)


def _without_filings_between(records: ServiceRecords, after: dt.date, until: dt.date, *,
                             events: bool = False) -> ServiceRecords:
    """The records with every filing made after `after` and by `until` undone (rows keep their file row numbers): a
    row filed then left out, a date filed then (a commitment letter, a change's report) blank, so nothing can be cured
    in between; with `events`, also what happened then (a change, a joining or leaving, a signing)."""
    first, last = pd.Timestamp(after), pd.Timestamp(until)
    out = {}
    for kind, table in records.tables.items():
        gone = [ROW_FILED.get(kind), HAPPENED.get(kind) if events else None]
        for column in filter(None, gone):
            table = table[~table[column].between(first, last, inclusive="right")]
        blank = (*DATE_FILED.get(kind, ()), *(("left_on",) if events and kind == "practitioners" else ()))
        out[kind] = table.assign(**{c: table[c].mask(table[c].between(first, last, inclusive="right")) for c in blank})
    return ServiceRecords(out)


def _run(records: ServiceRecords, as_of: dt.date) -> pd.DataFrame:
    return judge(records, year=2025, as_of=as_of, rulebook=RULEBOOK, calendar=CALENDAR).suggestions


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_records(), AS_OF, st.integers(1, 200), st.randoms(use_true_random=False))
def test_the_watch_over_random_records_keeps_its_invariants(rows, as_of, later_by, random):
    # Three runs an example (about half a second on a shared machine): 20 examples keep the test to seconds.
    records = _read(rows)
    found = _run(records, as_of)
    # Nothing dated after the as-of day; one key, one suggestion.
    assert (found["date"] <= as_of.isoformat()).all() and found["key"].is_unique, found
    # What was filed or happened after the as-of day changes nothing, and neither does row order: the records cut at
    # the as-of day, shuffled, give the very same result.
    cut = _without_filings_between(records, as_of, dt.date(2100, 1, 1), events=True)
    shuffled = ServiceRecords({kind: table.sample(frac=1, random_state=random.randint(0, 2**31))
                               for kind, table in cut.tables.items()})
    pd.testing.assert_frame_equal(_run(shuffled, as_of), found)
    # A later day drops no suggestion when nothing was filed in between to cure it.
    later = as_of + dt.timedelta(days=later_by)
    assert set(found["key"]) <= set(_run(_without_filings_between(records, as_of, later), later)["key"])


def test_a_contract_number_used_again_from_the_same_start_gives_one_suggestion_per_key():
    # Hypothesis found it: the same contract in two rows and a third row of its number from the same start. The two
    # later rows share the key of a number used again (its start): one suggestion naming both rows, never two.
    same = {"credit_code": AGENCIES[0], "client_code": CLIENTS[0], "client_name": "企业", "town": "华士镇",
            "contract_no": "HT-1", "signed_on": "2024-12-01", "start": "2024-12-01", "end": "2025-07-02",
            "visits_per_year": 2}
    rows = {"registry": [], "practitioners": [], "changes": [], "visits": [], "reports": [],
            "contracts": [same, same, {**same, "end": "2025-06-30", "visits_per_year": 4}]}
    records = _read(rows)
    found = _run(records, dt.date(2026, 1, 1))
    assert found["key"].is_unique, found
    backwards = ServiceRecords({kind: table.iloc[::-1] for kind, table in records.tables.items()})
    pd.testing.assert_frame_equal(_run(backwards, dt.date(2026, 1, 1)), found)
    few = found[found["rule"] == "too_few_visits"]
    assert sorted(few["sources"]) == ["contracts:0:2", "contracts:0:3 contracts:0:4"], few
