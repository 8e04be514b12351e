"""The suggestions queue's service: the watch over stored records, confirm → one finding, dismiss → a reason, both
audited; towns decide only their own; a decided suggestion is never offered again."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pandas as pd
import pytest
from sqlmodel import Session, select

from core.errors import CreditBoardError
from core.rulebook import load_rulebook
from core.service_records import ServiceRecords, read_records
from core.watch import watch
from db.accounts.actor import Actor
from db.accounts.roles import AccessDenied
from db.accounts.users import deactivate
from db.findings import suggestions as queue
from db.findings.recording import RecordError
from db.findings.suggestions import (
    SuggestionError,
    confirm_suggestion,
    decided_suggestions,
    dismiss_suggestion,
    evidence_rows,
    matching,
    open_suggestions,
    records_fingerprint,
    run_watch,
    with_placement,
)
from db.records.imports import import_records
from db.store.models import AuditEntry, Finding, Suggestion
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, id_number, make_staff, records_csv
from tests.db.queue_factory import A_NAME, AS_OF, ROWS, YEAR, A, B, store_records

pytestmark = pytest.mark.usefixtures("fast_argon2")
RULEBOOK = load_rulebook()


@pytest.fixture
def staff(engine):
    store_records(engine)
    return make_staff(engine)


def _found(engine):
    return run_watch(engine=engine, year=YEAR, as_of=AS_OF, rulebook=RULEBOOK)


def _one(engine, rule: str, assessor: str) -> dict:
    found = _found(engine)
    rows = found[(found["rule"] == rule) & (found["assessor"] == assessor)].to_dict("records")
    assert len(rows) == 1, rows
    return rows[0]


def _rows(engine, table):
    with Session(engine) as s:
        return list(s.exec(select(table)).all())


def _actions(engine) -> list[str]:
    return [e.action for e in _rows(engine, AuditEntry) if e.action.startswith(("suggestion", "finding"))]


def test_the_watch_over_stored_records_matches_the_watch_over_the_files(engine):
    people = [{"credit_code": A, "name": "张三", "id_number": id_number(7), "specialty": "化工", "joined_on": "2024-01-01"},
              {"credit_code": B, "name": "张三", "id_number": id_number(7), "specialty": "化工", "joined_on": "2025-04-01"}]
    rows = {**ROWS, "practitioners": people}
    store_records(engine, rows)
    files = ServiceRecords({k: read_records(k, records_csv(k, r), name=f"{k}.csv") for k, r in rows.items()})
    expected = watch(files, year=YEAR, as_of=AS_OF, rulebook=RULEBOOK)
    stored = _found(engine)
    # the same suggestions naming the same rows; stored ones name their upload too (files read alone have none)
    assert stored[list(expected.columns)].drop(columns="sources").equals(expected.drop(columns="sources"))
    assert stored["sources"].str.replace(r":\d+:", ":0:", regex=True).tolist() == expected["sources"].tolist()
    assert stored["sources"].str.contains(r"^\w+:[1-9]").all()
    shared = stored[stored["rule"] == "shared_practitioner"]
    assert len(shared) == 2 and shared["evidence"].str.contains("尾号" + id_number(7)[-4:]).all()
    assert set(stored["rule"]) == {"no_commitment", "visit_without_contract", "shared_practitioner", "late_change"}
    assert (stored["refusal_zh"] == "").all() and set(stored["period"]) == {"Y", "Q1", "Q2"}


def test_confirming_makes_one_finding_placed_by_the_rule_linked_and_audited(engine, staff):
    suggestion = _one(engine, "no_commitment", "bureau")
    stored = confirm_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR)
    [finding] = _rows(engine, Finding)
    assert (finding.clause, finding.date, finding.assessor, finding.year, finding.period) == (
        "3.2", dt.date(2025, 1, 2), "bureau", 2025, "Y")
    assert finding.recorded_by == "staff" and suggestion["key"] in finding.description
    [row] = _rows(engine, Suggestion)
    assert (row.key, row.status, row.finding_id, row.decided_by) == (suggestion["key"], "confirmed", finding.id, "staff")
    assert stored["finding_id"] == finding.id
    assert _actions(engine) == ["finding", "suggestion_confirm"]
    entry = next(e for e in _rows(engine, AuditEntry) if e.action == "suggestion_confirm")
    assert json.loads(entry.before)["status"] == "open" and json.loads(entry.after)["finding_id"] == finding.id


def test_a_confirmed_or_dismissed_suggestion_is_never_offered_again(engine, staff):
    confirmed = _one(engine, "no_commitment", "bureau")
    dismissed = _one(engine, "visit_without_contract", ACCOUNT_TOWN)
    confirm_suggestion(engine=engine, user=staff["admin"], suggestion=confirmed, year=YEAR)
    dismiss_suggestion(engine=engine, user=staff["town"], suggestion=dismissed, year=YEAR, reason="合同已补交")
    rerun = _found(engine)  # the watch itself still finds both: only the queue leaves them out
    assert {confirmed["key"], dismissed["key"]} <= set(rerun["key"])
    left = open_suggestions(engine=engine, user=staff["admin"], suggestions=rerun, year=YEAR)
    assert set(left["rule"]) == {"visit_without_contract"} and set(left["assessor"]) == {OTHER_ACCOUNT_TOWN}
    decided = decided_suggestions(engine=engine, user=staff["admin"], year=YEAR)
    assert sorted(decided["status"]) == ["confirmed", "dismissed"]
    assert decided.loc[decided["status"] == "dismissed", "reason"].tolist() == ["合同已补交"]


def test_confirming_twice_or_confirming_a_dismissed_one_is_refused_and_makes_no_second_finding(engine, staff):
    bureau = _one(engine, "no_commitment", "bureau")
    confirm_suggestion(engine=engine, user=staff["staff"], suggestion=bureau, year=YEAR)
    with pytest.raises(SuggestionError) as second:
        confirm_suggestion(engine=engine, user=staff["admin"], suggestion=bureau, year=YEAR)
    assert "已由他人处理" in second.value.message_zh and "already been decided" in second.value.message_en
    town = _one(engine, "visit_without_contract", ACCOUNT_TOWN)
    dismiss_suggestion(engine=engine, user=staff["town"], suggestion=town, year=YEAR, reason="不属实")
    with pytest.raises(SuggestionError):
        confirm_suggestion(engine=engine, user=staff["town"], suggestion=town, year=YEAR)
    with pytest.raises(SuggestionError):
        dismiss_suggestion(engine=engine, user=staff["town"], suggestion=town, year=YEAR, reason="again")
    assert len(_rows(engine, Finding)) == 1 and len(_rows(engine, Suggestion)) == 2


def test_the_unique_key_alone_stops_a_second_clerk_who_passed_the_check(engine, staff, monkeypatch):
    suggestion = _one(engine, "no_commitment", "bureau")
    confirm_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR)
    monkeypatch.setattr(queue, "_check_open", lambda session, key: None)  # as if both read "open" at once
    with pytest.raises(SuggestionError) as refused:
        confirm_suggestion(engine=engine, user=staff["admin"], suggestion=suggestion, year=YEAR)
    assert "already been decided" in refused.value.message_en
    assert len(_rows(engine, Finding)) == 1  # the second finding was rolled back with its suggestion row
    assert _actions(engine) == ["finding", "suggestion_confirm"]


def test_two_clerks_confirming_at_the_same_moment_make_exactly_one_finding(engine, staff):
    suggestion = _one(engine, "no_commitment", "bureau")
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def clerk(user):
        start.wait()
        try:
            outcomes.append(confirm_suggestion(engine=engine, user=user, suggestion=suggestion, year=YEAR))
        except CreditBoardError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=clerk, args=(staff[who],)) for who in ("staff", "admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(type(o).__name__ for o in outcomes) == ["SuggestionError", "dict"]
    assert len(_rows(engine, Finding)) == 1 and len(_rows(engine, Suggestion)) == 1


@pytest.mark.parametrize("reason", ["", "   \n\t"])
def test_a_dismissal_needs_a_reason(engine, staff, reason):
    suggestion = _one(engine, "no_commitment", "bureau")
    with pytest.raises(SuggestionError) as refused:
        dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR, reason=reason)
    assert (refused.value.message_zh, refused.value.message_en) == ("请填写驳回理由",
                                                                    "the reason for the dismissal is required")
    assert _rows(engine, Suggestion) == [] and _actions(engine) == []


def test_a_dismissal_is_stored_with_its_reason_and_audited(engine, staff):
    suggestion = _one(engine, "no_commitment", "bureau")
    dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR, reason="  承诺书已纸质报送  ")
    [row] = _rows(engine, Suggestion)
    assert (row.status, row.reason, row.finding_id, row.decided_by) == ("dismissed", "承诺书已纸质报送", None, "staff")
    assert _rows(engine, Finding) == [] and _actions(engine) == ["suggestion_dismiss"]


def test_town_staff_see_and_decide_only_their_towns_suggestions(engine, staff):
    found = _found(engine)
    mine = open_suggestions(engine=engine, user=staff["town"], suggestions=found, year=YEAR)
    assert set(mine["assessor"]) == {ACCOUNT_TOWN} and len(mine) == 1
    assert set(open_suggestions(engine=engine, user=staff["staff"], suggestions=found, year=YEAR)["assessor"]) == {
        "bureau", ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN}
    for other in (_one(engine, "visit_without_contract", OTHER_ACCOUNT_TOWN), _one(engine, "no_commitment", "bureau")):
        with pytest.raises(AccessDenied):
            confirm_suggestion(engine=engine, user=staff["town"], suggestion=other, year=YEAR)
        with pytest.raises(AccessDenied):
            dismiss_suggestion(engine=engine, user=staff["town"], suggestion=other, year=YEAR, reason="不是我们的")
        with pytest.raises(AccessDenied):
            evidence_rows(engine=engine, user=staff["town"], suggestion=other)
    confirm_suggestion(engine=engine, user=staff["town"], suggestion=mine.iloc[0].to_dict(), year=YEAR)
    [finding] = _rows(engine, Finding)
    assert (finding.assessor, finding.period, finding.date) == (ACCOUNT_TOWN, "Q1", dt.date(2025, 3, 12))
    decided = decided_suggestions(engine=engine, user=staff["town"], year=YEAR)
    assert decided["assessor"].tolist() == [ACCOUNT_TOWN]


def test_bureau_staff_see_a_towns_suggestion_but_only_that_town_decides_it(engine, staff):
    town = _one(engine, "visit_without_contract", ACCOUNT_TOWN)
    with pytest.raises(AccessDenied):
        confirm_suggestion(engine=engine, user=staff["admin"], suggestion=town, year=YEAR)
    with pytest.raises(AccessDenied):
        dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=town, year=YEAR, reason="r")
    assert _rows(engine, Finding) == [] and _rows(engine, Suggestion) == []


def test_signed_out_other_roles_and_deactivated_accounts_decide_nothing(engine, staff):
    suggestion = _one(engine, "no_commitment", "bureau")
    agency = {"username": "agency", "role": "agency", "active": True, "credit_code": A}
    for user in (None, Actor.of({}), Actor.of(agency)):
        with pytest.raises(AccessDenied):
            confirm_suggestion(engine=engine, user=user, suggestion=suggestion, year=YEAR)
        with pytest.raises(AccessDenied):
            open_suggestions(engine=engine, user=user, suggestions=_found(engine), year=YEAR)
    deactivate(engine=engine, username="staff", by=Actor.operator("test"))
    with pytest.raises(AccessDenied):
        confirm_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR)
    with pytest.raises(AccessDenied):
        dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=suggestion, year=YEAR, reason="r")
    assert _rows(engine, Finding) == [] and _rows(engine, Suggestion) == []


def test_a_suggestion_that_places_in_no_window_is_shown_with_the_reason_and_cannot_be_confirmed(engine, staff):
    suggestion = _one(engine, "no_commitment", "bureau")
    late = with_placement(_found(engine).assign(date="2026-05-01").iloc[[0]], year=YEAR, rulebook=RULEBOOK)
    row = {**suggestion, **late.iloc[0].to_dict()}
    assert row["period"] == "" and pd.isna(row["rating_year"])
    assert "2026-05-01" in row["refusal_zh"] and "2026-05-01" in row["refusal_en"]
    with pytest.raises(RecordError):
        confirm_suggestion(engine=engine, user=staff["staff"], suggestion=row, year=YEAR)
    assert _rows(engine, Finding) == [] and _rows(engine, Suggestion) == []


def test_a_missing_report_is_suggested_until_the_report_arrives_and_the_fingerprint_moves(engine):
    without_july = {**ROWS, "reports": [r for r in ROWS["reports"] if (r["credit_code"], r["month"]) != (A, "2025-07")]}
    store_records(engine, without_july)
    late = _found(engine)
    assert late.loc[late["rule"] == "late_report", ["credit_code", "clause", "date"]].values.tolist() == [
        [A, "3.4", "2025-08-05"]]
    before = records_fingerprint(engine)
    assert records_fingerprint(engine) == before  # nothing stored: the same key, the cached run serves
    store_records(engine, {"reports": [{"credit_code": A, "month": "2025-07", "submitted_on": "2025-08-04"}]})
    assert records_fingerprint(engine) != before
    assert _found(engine)[lambda f: f["rule"] == "late_report"].empty


def test_evidence_rows_are_the_stored_rows_the_evidence_names_with_their_file(engine, staff):
    suggestion = _one(engine, "visit_without_contract", ACCOUNT_TOWN)
    rows = evidence_rows(engine=engine, user=staff["town"], suggestion=suggestion)
    assert list(rows) == ["visits", "contracts"]
    visits = rows["visits"]
    assert visits[["file_name", "row", "visit_date"]].values.tolist() == [["visits.csv", 2, dt.date(2025, 3, 12)]]
    assert rows["contracts"].empty
    registry = evidence_rows(engine=engine, user=staff["staff"], suggestion=_one(engine, "no_commitment", "bureau"))
    assert registry["registry"]["agency_name"].tolist() == [A_NAME]
    assert "id_hash" not in evidence_rows(engine=engine, user=staff["staff"], suggestion={
        **suggestion, "rule": "shared_practitioner", "assessor": "bureau"})["practitioners"].columns


def test_the_filters_narrow_by_clause_and_by_name_or_code(engine, staff):
    found = _found(engine)
    assert set(matching(found, clause="3.3")["rule"]) == {"visit_without_contract"}
    assert set(matching(found, search="甲安全")["credit_code"]) == {A}
    assert set(matching(found, search=B.lower()[-6:])["credit_code"]) == {B}
    assert len(matching(found)) == len(found)


def test_the_command_line_prints_the_open_suggestions_as_csv(engine, staff, monkeypatch, capsys):
    from db.cli.commands import main
    from tests.db.conftest import url_of

    dismiss_suggestion(engine=engine, user=staff["staff"], suggestion=_one(engine, "no_commitment", "bureau"),
                       year=YEAR, reason="已核实")
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    assert main(["suggestions", "--year", str(YEAR), "--as-of", AS_OF.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("credit_code,agency_name,clause,date,assessor,rule,evidence,key,period")
    assert len(lines) == 3 and all(",visit_without_contract," in line for line in lines[1:])
    with pytest.raises(SystemExit) as usage:  # argparse refuses a year out of range, bilingual, exit 2
        main(["suggestions", "--year", "1999"])
    assert usage.value.code == 2 and "2000" in capsys.readouterr().err


def test_a_late_month_shows_that_months_report_row_only_with_its_file_and_row(engine):
    """A late February shows the one report row that filed February, in the file and at the row a clerk opens —
    never the agency's visits of other months nor a same-numbered row of another file."""
    reports = [r for r in ROWS["reports"] if (r["credit_code"], r["month"]) != (A, "2025-02")]
    store_records(engine, {**ROWS, "reports": reports})
    staff = make_staff(engine)
    import_records(engine=engine, kind="reports", file_name="月报-补报.csv", by=Actor.operator("test"), content=records_csv("reports", [
        {"credit_code": A, "month": "2025-11", "submitted_on": "2025-12-04"},  # row 2 of this file: not the evidence
        {"credit_code": A, "month": "2025-02", "submitted_on": "2025-03-20"}]))  # row 3: the late February
    late = _one(engine, "late_report", "bureau")
    assert "2025-02" in late["evidence"]
    rows = evidence_rows(engine=engine, user=staff["staff"], suggestion=late)
    report = rows["reports"]
    assert report[["file_name", "row", "month", "submitted_on"]].values.tolist() == [
        ["月报-补报.csv", 3, dt.date(2025, 2, 1), dt.date(2025, 3, 20)]]
    assert rows["visits"].empty  # the agency's 2025 visits are not this month's evidence
    never = {**late, "sources": ""}  # a month never filed names no row at all
    assert all(frame.empty for frame in evidence_rows(engine=engine, user=staff["staff"], suggestion=never).values())
