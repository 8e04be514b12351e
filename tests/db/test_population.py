"""A year's population (db/publishing/population.py): who served in Jiangyin in a year, from which records, the rule's
boundaries, every draft rating the same set, the shrink against last year's publication, and versions keeping theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from db.accounts.actor import Actor
from db.findings.withdraw import withdraw_finding
from db.publishing.notice import NoticeError, check_publishable, draft_change, notice_ratings, open_notice
from db.publishing.population import SOURCES, population, year_population
from db.publishing.publish import PublishError, publish_year
from db.publishing.rating import rate_year
from db.store.models import ContractRecord, Finding, PublishedRating, RegistryRecord, Upload, VisitRecord
from tests.builders import credit_code, finding, make_staff
from tests.db.publishing import YEAR, load, load_roster
from tests.notices import ended_notice, publish_after_notice

pytestmark = pytest.mark.usefixtures("fast_argon2")
D = dt.date
_files = iter(range(1, 10**9))


def _upload(session: Session, kind: str) -> int:
    upload = Upload(file_name=f"{kind}.csv", sha256=f"{next(_files):064x}", kind=kind, uploaded_by="staff.li")
    session.add(upload)
    session.flush()
    return int(upload.id)


def filing(engine, agency: int, filed_on: dt.date, name: str | None = None) -> None:
    with Session(engine) as session:
        session.add(RegistryRecord(upload_id=_upload(session, "registry"), row=2, credit_code=credit_code(agency),
                                   agency_name=name or f"备案机构{agency}", address="", office_address="澄江街道人民路1号",
                                   legal_rep="", phone="", filed_on=filed_on))
        session.commit()


def contract(engine, agency: int, start: dt.date, end: dt.date) -> None:
    with Session(engine) as session:
        session.add(ContractRecord(upload_id=_upload(session, "contracts"), row=2, credit_code=credit_code(agency),
                                   client_code=credit_code(900), client_name="委托企业", town="澄江街道",
                                   contract_no=f"HT-{agency}-{start}", signed_on=start, start=start, end=end,
                                   visits_per_year=6))
        session.commit()


def visit(engine, agency: int, day: dt.date) -> None:
    with Session(engine) as session:
        session.add(VisitRecord(upload_id=_upload(session, "visits"), row=2, credit_code=credit_code(agency),
                                month=day.replace(day=1), submitted_on=day, client_code=credit_code(900),
                                client_name="委托企业", town="澄江街道", contract_no="", visit_date=day,
                                practitioner="张三", hazards=0, written_advice=True))
        session.commit()


def sources(engine, year: int = YEAR) -> dict[str, str]:
    with engine.connect() as connection:
        frame = population(connection, year)
    return dict(zip(frame["credit_code"], frame["sources"], strict=True))


def test_each_kind_of_record_puts_an_agency_in_the_year_and_says_so(engine):
    filing(engine, 1, D(YEAR, 3, 1))
    contract(engine, 2, D(YEAR - 1, 7, 1), D(YEAR, 6, 30))
    visit(engine, 3, D(YEAR, 5, 5))
    load_roster(engine, [4])
    load(engine, [finding(5, "3.4")])
    filing(engine, 6, D(YEAR - 2, 1, 1))
    contract(engine, 6, D(YEAR, 1, 1), D(YEAR, 12, 31))
    visit(engine, 6, D(YEAR, 2, 2))
    load_roster(engine, [6])
    load(engine, [finding(6, "3.3")])
    assert sources(engine) == {credit_code(1): "registry", credit_code(2): "contract", credit_code(3): "visit",
                               credit_code(4): "roster", credit_code(5): "finding",
                               credit_code(6): ";".join(SOURCES)}


@pytest.mark.parametrize(("filed_on", "inside"), [
    (D(YEAR, 12, 31), True), (D(YEAR - 5, 1, 1), True), (D(YEAR + 1, 1, 1), False)])
def test_a_filing_counts_from_its_day_on_and_not_before(engine, filed_on, inside):
    filing(engine, 1, filed_on)
    assert (credit_code(1) in sources(engine)) is inside


@pytest.mark.parametrize(("start", "end", "inside"), [
    (D(YEAR - 1, 1, 1), D(YEAR, 1, 1), True),  # ends on the year's first day: it ran one day of it
    (D(YEAR, 12, 31), D(YEAR + 1, 12, 30), True),  # starts on the last day
    (D(YEAR - 1, 1, 1), D(YEAR - 1, 12, 31), False),
    (D(YEAR + 1, 1, 1), D(YEAR + 1, 12, 31), False)])
def test_a_contract_counts_when_it_runs_some_day_of_the_year(engine, start, end, inside):
    contract(engine, 1, start, end)
    assert (credit_code(1) in sources(engine)) is inside


@pytest.mark.parametrize(("day", "inside"), [
    (D(YEAR, 1, 1), True), (D(YEAR, 12, 31), True), (D(YEAR - 1, 12, 31), False), (D(YEAR + 1, 1, 1), False)])
def test_a_visit_counts_in_the_year_of_its_date(engine, day, inside):
    visit(engine, 1, day)
    assert (credit_code(1) in sources(engine)) is inside


def test_a_roster_or_finding_of_another_year_and_a_withdrawn_finding_do_not_count(engine):
    staff = make_staff(engine)
    load_roster(engine, [1], year=YEAR - 1)
    load(engine, [finding(2, "3.4", year=YEAR + 1), finding(3, "3.4")])
    with Session(engine) as session:
        fid = session.exec(select(Finding.id).where(Finding.year == YEAR)).one()
    assert sources(engine) == {credit_code(3): "finding"}
    withdraw_finding(engine=engine, user=staff["admin"], finding_id=fid, reason="误录")
    assert sources(engine) == {}


def test_names_come_from_the_agency_table_then_the_filing_else_blank(engine):
    load(engine, [finding(1, "3.4", name="表中名称")])
    filing(engine, 1, D(YEAR, 1, 5), name="备案名称")
    filing(engine, 2, D(YEAR, 1, 5), name="旧名称")
    filing(engine, 2, D(YEAR, 6, 5), name="新名称")
    filing(engine, 2, D(YEAR + 1, 6, 5), name="明年名称")  # filed after the year: not the year's name
    visit(engine, 3, D(YEAR, 5, 5))
    with engine.connect() as connection:
        names = population(connection, YEAR).set_index("credit_code")["agency_name"].to_dict()
    assert names == {credit_code(1): "表中名称", credit_code(2): "新名称", credit_code(3): ""}


def test_every_draft_rates_the_whole_population_and_an_agency_without_findings_scores_100_a(engine):
    filing(engine, 1, D(YEAR, 2, 1))
    contract(engine, 2, D(YEAR, 1, 1), D(YEAR, 12, 31))
    visit(engine, 3, D(YEAR, 9, 9))
    load(engine, [finding(4, "2.1")])
    table = rate_year(engine=engine, year=YEAR).table.set_index("credit_code")
    assert sorted(table.index) == [credit_code(n) for n in (1, 2, 3, 4)]
    assert [(int(table.loc[credit_code(n), "total"]), table.loc[credit_code(n), "grade"]) for n in (1, 2, 3, 4)] == [
        (100, "A"), (100, "A"), (100, "A"), (90, "A")]
    assert int(table.loc[credit_code(4), "town_score"]) == 40
    # The public 公示中 view rates the same set (once the roster names the agencies only a contract or visit showed).
    load_roster(engine, [2, 3])
    ended_notice(engine, YEAR)
    assert sorted(notice_ratings(engine=engine, year=YEAR)["credit_code"]) == sorted(table.index)


def test_a_year_served_only_by_service_records_can_be_put_under_notice_and_published(engine):
    with pytest.raises(NoticeError, match="no agency served"):
        open_notice(engine=engine, by=Actor.operator("admin.zhou"), year=YEAR, ends_on=D(2100, 1, 1))
    contract(engine, 1, D(YEAR, 1, 1), D(YEAR, 12, 31))
    filing(engine, 1, D(YEAR, 1, 1), name="合同机构")
    publication = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert publication.agency_count == 1


def test_an_agency_no_record_names_stops_the_notice_and_publishing_until_staff_name_it(engine):
    """A contract or visit alone names no agency: its published row would be blank, so both gates refuse by code."""
    contract(engine, 1, D(YEAR, 1, 1), D(YEAR, 12, 31))
    with pytest.raises(NoticeError, match=f"1 agency rated in {YEAR} has no name on file \\({credit_code(1)}\\)"):
        open_notice(engine=engine, by=Actor.operator("admin.zhou"), year=YEAR, ends_on=D(2100, 1, 1))
    load_roster(engine, [1])  # the roster names it
    ended_notice(engine, YEAR)
    visit(engine, 2, D(YEAR, 5, 5))  # a visits file of another, unnamed agency arrives after the notice opened
    with pytest.raises(PublishError, match=f"no name on file \\({credit_code(2)}\\)") as refused:
        publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    assert "没有名称" in refused.value.message_zh
    with Session(engine) as session:
        assert session.exec(select(PublishedRating)).first() is None  # nothing written
    load_roster(engine, [1, 2])
    assert publish_year(engine=engine, year=YEAR, by=Actor.operator("admin.zhou")).agency_count == 2


def published_codes(engine, publication_id: int) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(PublishedRating.credit_code)
                      .where(PublishedRating.publication_id == publication_id)).all())


def test_a_version_keeps_its_agencies_and_a_correction_rates_the_population_of_its_day(engine):
    load(engine, [finding(1, "2.1")])
    first = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    visit(engine, 2, D(YEAR, 10, 1))  # a visits file arrives after the year was published
    filing(engine, 2, D(YEAR, 9, 1))
    assert published_codes(engine, first.id) == [credit_code(1)]
    second = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补充服务记录中的机构")
    assert published_codes(engine, first.id) == [credit_code(1)]
    assert published_codes(engine, second.id) == [credit_code(1), credit_code(2)]


def test_the_population_shrinking_against_last_years_publication_names_who_dropped_out(engine):
    load_roster(engine, [1, 2, 3], year=YEAR - 1)
    publish_after_notice(engine=engine, year=YEAR - 1, by=Actor.operator("admin.zhou"))
    load_roster(engine, [1, 2, 3, 4], year=YEAR - 1)
    publish_after_notice(engine=engine, year=YEAR - 1, by=Actor.operator("admin.zhou"),
                         reason="补充名录")  # the latest counts: 4
    load(engine, [finding(2, "3.4")])
    visit(engine, 5, D(YEAR, 3, 3))
    report = year_population(engine=engine, year=YEAR)
    assert (report.previous_version, report.previous_count, len(report.agencies), report.shrank) == (2, 4, 2, True)
    assert report.dropped["credit_code"].tolist() == [credit_code(1), credit_code(3), credit_code(4)]


def test_no_shrink_when_the_year_holds_as_many_and_none_without_a_previous_publication(engine):
    assert year_population(engine=engine, year=YEAR).previous_version is None
    load_roster(engine, [1, 2], year=YEAR - 1)
    publish_after_notice(engine=engine, year=YEAR - 1, by=Actor.operator("admin.zhou"))
    load_roster(engine, [2, 3])
    report = year_population(engine=engine, year=YEAR)
    assert (report.shrank, report.dropped["credit_code"].tolist()) == (False, [credit_code(1)])


def test_a_finding_recorded_under_notice_needs_a_new_notice_and_a_withdrawal_does_not_as_the_gate_says(
        engine):
    staff = make_staff(engine)
    load(engine, [finding(1, "2.1")])
    assert draft_change(engine=engine, year=YEAR) is None  # no notice: the draft changes freely
    ended_notice(engine, YEAR)
    added, withdrawn = draft_change(engine=engine, year=YEAR), draft_change(engine=engine, year=YEAR, withdrawal=True)
    assert (added.new_notice, withdrawn.new_notice) == (True, False)
    assert added.ends_on == withdrawn.ends_on < dt.date.today() + dt.timedelta(days=1)
    check_publishable(engine=engine, year=YEAR, version=1)  # the gate lets it through before the writes
    load(engine, [finding(2, "3.4")])
    with pytest.raises(NoticeError, match="recorded after the notice opened"):
        check_publishable(engine=engine, year=YEAR, version=1)
    with Session(engine) as session:
        ids = sorted(session.exec(select(Finding.id)).all())
    withdraw_finding(engine=engine, user=staff["admin"], finding_id=ids[0], reason="复核不成立")  # an old one
    with pytest.raises(NoticeError, match="recorded after the notice opened"):
        check_publishable(engine=engine, year=YEAR, version=1)
    withdraw_finding(engine=engine, user=staff["admin"], finding_id=ids[1], reason="误录")  # the late one
    check_publishable(engine=engine, year=YEAR, version=1)


def test_a_withdrawn_confirmation_leaves_the_agencys_confirmed_issues_and_is_marked_in_the_staff_list(engine):
    from db.agency.overview import confirmed_suggestions
    from db.findings.suggestions import confirm_suggestion, decided_suggestions
    from tests.builders import make_agency_user

    staff = make_staff(engine)
    load_roster(engine, [1])
    agency = make_agency_user(engine, "agency.one", credit_code(1))
    made = []
    for clause, key in (("3.4", "k-withdrawn"), ("3.7", "k-kept")):
        made.append(confirm_suggestion(engine=engine, user=staff["admin"], year=YEAR, suggestion={
            "key": key, "credit_code": credit_code(1), "agency_name": "机构一", "clause": clause,
            "date": f"{YEAR}-07-07", "assessor": "市应急管理局", "rule": "late_report", "evidence": f"依据{clause}"}))
    withdraw_finding(engine=engine, user=staff["admin"], finding_id=made[0]["finding_id"], reason="复核不成立")
    assert confirmed_suggestions(engine=engine, user=agency)["clause"].tolist() == ["3.7"]
    decided = decided_suggestions(engine=engine, user=staff["admin"], year=YEAR).set_index("key")
    assert decided["finding_withdrawn"].to_dict() == {"k-withdrawn": True, "k-kept": False}
