"""db.public.reads: the public site's read side returns published data only, as DataFrames and plain dicts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text
from stdnum.cn import uscc

from core.rulebook import load_rulebook
from db.accounts.actor import Actor
from db.documents import versions
from db.public import reads as public
from tests.db import published_rows
from tests.db.published_rows import AGENCIES, PRIVATE_DESCRIPTIONS, PRIVATE_ID_NUMBERS, PRIVATE_PHONES
from tests.db.publishing import YEAR, finding, load, load_roster
from tests.notices import publish_after_notice

A, B, C, D = (code for code, _ in AGENCIES)


@pytest.fixture
def published(engine):
    published_rows.build(engine)
    return engine


def _current_id(engine, year: int) -> int:
    return int(versions.current_publication(engine, year)["id"])


def test_published_years_are_newest_first_and_leave_out_years_with_only_findings(published):
    assert public.published_years(published) == [2025, 2024, 2023]


def test_current_publication_is_the_latest_version_and_names_no_staff_account(published):
    pub = versions.current_publication(published, 2024)
    assert pub["version"] == 2
    assert pub["previous_digest"] == versions.publication_history(published, 2024).iloc[1]["digest"]
    assert pub["demo"] is True or pub["demo"] == True  # noqa: E712 (numpy bool)
    assert "published_by" not in pub
    assert "admin-secret" not in str(pub)
    when = pub["published_at"]  # the stored instant (published_rows: 2025-02-21 02:00 UTC), zone-aware
    assert when.tzinfo is not None and when == dt.datetime(2025, 2, 21, 2, tzinfo=dt.UTC)


def test_an_unpublished_year_has_no_current_publication(published):
    assert versions.current_publication(published, 2026) is None
    assert versions.publication_history(published, 2026).empty


def test_history_lists_every_version_with_the_reason_of_the_correction(published):
    history = versions.publication_history(published, 2024)
    assert history["version"].tolist() == [2, 1]
    assert history.iloc[0]["reason"] == "璜土镇第四季度扣分漏报，补录后更正"
    assert "published_by" not in history.columns


def test_ratings_hold_every_agency_of_the_version_best_first_with_the_towns_served(published):
    frame = public.ratings(published, _current_id(published, 2024))
    assert frame["credit_code"].tolist() == [C, A, B, D]  # 100, 90, 90, 50; ties by code
    assert frame.set_index("credit_code").loc[A, "total"] == 90  # the corrected total, not version 1's 100
    assert frame.set_index("credit_code").loc[C, "blacklist_clauses"] == "1.3"
    assert frame.set_index("credit_code").loc[B, "towns"] == "华士镇"


def test_charges_carry_the_clause_text_from_the_rulebook_and_never_a_description(published):
    frame = public.charges(published, _current_id(published, 2025), B)
    assert frame["clause"].tolist() == ["2.2", "3.4", "3.3"]  # by date
    assert frame.iloc[0]["clause_text"] == load_rulebook().clause("2.2").text_zh
    assert set(frame["group"]) == {"2", "3"}
    assert "description" not in frame.columns


def test_grade_counts_follow_the_rulebook_with_zero_grades_included(published):
    counts = public.grade_counts(published, _current_id(published, 2024))
    assert counts[["grade", "count"]].values.tolist() == [["A", 2], ["B", 0], ["C", 0], ["BLACKLIST", 2]]


def test_blacklist_names_grounds_department_and_date_by_clause_and_by_score(published):
    listed = public.blacklist(published, 2024)
    agencies = listed["agencies"].set_index("credit_code")
    assert agencies.loc[C, "listed_by"] == "clause"
    assert agencies.loc[C, "clause"] == "1.3"
    assert agencies.loc[C, "clause_text"].startswith("弄虚作假")
    assert agencies.loc[C, "department"] == "周庄镇"
    assert agencies.loc[D, "listed_by"] == "score"
    assert agencies.loc[D, "department"] == "市应急管理局"
    people = listed["practitioners"]
    assert people[["practitioner", "credit_code", "clause", "department"]].values.tolist() == [
        ["王芳", C, "1.3", "周庄镇"]
    ]


def test_blacklist_listed_on_is_the_publication_date_and_the_act_has_its_own_date(published):
    # 列入日期 is the day (China time) of the first version of the year that listed the subject — for a listing by
    # clause too, whose finding is dated 2024-08-08 — and the act's date is 行为日期 (none for a listing by score).
    listed = public.blacklist(published, 2024)
    agencies = listed["agencies"].set_index("credit_code")
    assert (agencies.loc[C, "listed_on"], agencies.loc[C, "act_on"]) == (dt.date(2025, 1, 17), dt.date(2024, 8, 8))
    assert (agencies.loc[D, "listed_on"], agencies.loc[D, "act_on"]) == (dt.date(2025, 1, 17), None)
    person = listed["practitioners"].iloc[0]
    assert (person["listed_on"], person["act_on"]) == (dt.date(2025, 1, 17), dt.date(2024, 8, 8))


def test_an_agency_listed_under_several_clauses_shows_them_in_the_rulebooks_order(engine):
    """"1.10" after "1.9" (core.rulebook.clause_order), as the clause legend beneath the table lists them; text order
    would put it between "1.1" and "1.2"."""
    load_roster(engine, [0])
    load(engine, [finding(0, code, assessor="市应急管理局") for code in ("1.10", "1.2", "1.9")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("test"))
    assert public.blacklist(engine, YEAR)["agencies"]["clause"].tolist() == ["1.2", "1.9", "1.10"]


def test_a_year_without_blacklistings_gives_empty_tables(published):
    listed = public.blacklist(published, 2025)
    assert listed["agencies"].empty and listed["practitioners"].empty
    assert list(listed["agencies"].columns) == list(public.BLACKLIST_AGENCY_COLUMNS)


def test_profile_has_every_published_year_current_version_and_its_explanation(published):
    profile = public.agency_profile(published, A)
    years = profile["years"]
    assert years["year"].tolist() == [2023, 2024, 2025]
    assert years["total"].tolist() == [100, 90, 95]
    assert years["version"].tolist() == [1, 2, 1]
    assert profile["charges"][["year", "clause", "points_charged"]].values.tolist() == [[2024, "2.6", 10],
                                                                                         [2025, "3.1", 5]]
    assert profile["towns"] == ["璜土镇", "华士镇"]


def test_profile_of_an_unknown_agency_is_none(published):
    assert public.agency_profile(published, "91320281MA1X99999Z") is None


def test_compare_sums_points_lost_per_clause_group_and_lists_blacklistings(published):
    found = public.compare(published, [C, B])
    assert found["years"]["credit_code"].drop_duplicates().tolist() == [C, B]
    lost = found["points_lost"].set_index(["credit_code", "year", "group"])
    assert lost.loc[(C, 2023, "2"), "points"] == 20 and lost.loc[(C, 2023, "2"), "findings"] == 3
    assert lost.loc[(C, 2024, "1"), "findings"] == 1
    assert lost.loc[(B, 2025, "3"), "points"] == 10
    assert found["blacklist"][["credit_code", "year", "listed_by"]].values.tolist() == [[C, 2024, "clause"]]


def test_search_matches_any_part_of_the_name_or_code_in_any_width_or_case(published):
    frame = public.ratings(published, _current_id(published, 2024))
    assert public.search(frame, "华信")["credit_code"].tolist() == [B]
    assert public.search(frame, "ma1x000032")["credit_code"].tolist() == [C]
    assert public.search(frame, "ＭＡ１Ｘ００００４")["credit_code"].tolist() == [D]  # full-width
    assert len(public.search(frame, "  ")) == len(frame)


def test_search_with_kept_keys_finds_what_search_alone_finds_and_never_spans_name_and_code(published):
    frame = public.ratings(published, _current_id(published, 2024))
    keys = public.search_keys(frame)
    for query in ("华信", "ma1x000032", "ＭＡ１Ｘ００００４", "江阴", "  ", "公司"):
        assert public.search(frame, query, keys).equals(public.search(frame, query))
    name, code = frame.iloc[0][["agency_name", "credit_code"]]
    assert public.search(frame, name[-2:] + code[:3].lower(), keys).empty  # the end of a name + a code's start


def test_filters_combine_search_grade_and_the_agencies_serving_a_town(published):
    frame = public.ratings(published, _current_id(published, 2024))
    assert public.filter_ratings(frame, grades=["BLACKLIST"])["credit_code"].tolist() == [C, D]
    # The town filter takes the agencies serving the town (from contracts), not the towns that assessed them:
    # 月城镇 assessed D only, yet an agency with a contract there and no deduction is what an enterprise wants.
    assert public.filter_ratings(frame, serving={A, D})["credit_code"].tolist() == [A, D]
    assert public.filter_ratings(frame, serving=set()).empty
    assert public.filter_ratings(frame, grades=["BLACKLIST"], serving={A, D})["credit_code"].tolist() == [D]
    assert public.filter_ratings(frame, query="江阴", grades=["A"])["credit_code"].tolist() == [A, B]
    assert public.towns_in(frame) == ["璜土镇", "月城镇", "华士镇", "周庄镇"]  # the official order


def test_agency_index_takes_each_agencys_latest_name(published):
    index = public.agency_index(published)
    assert sorted(index["credit_code"]) == sorted(code for code, _ in AGENCIES)
    assert index.set_index("credit_code").loc[C, "latest_year"] == 2024


def test_the_fixture_holds_the_private_values_the_next_test_looks_for(published):
    with published.connect() as conn:
        stored = "\n".join(str(v) for row in conn.execute(text(
            "SELECT id_number, phone FROM practitioner UNION ALL SELECT description, recorded_by FROM finding "
            "UNION ALL SELECT published_by, reason FROM publication")) for v in row)
    for secret in [*PRIVATE_ID_NUMBERS, *PRIVATE_PHONES, *PRIVATE_DESCRIPTIONS, "admin-secret"]:
        assert secret in stored


def test_every_agency_of_the_fixture_has_a_valid_credit_code():
    assert all(uscc.is_valid(code) for code, _ in AGENCIES)


def test_nothing_returned_holds_a_private_value(published):
    pub_ids = [int(i) for i in versions.publications(published)["id"]]
    frames: list[pd.DataFrame] = [versions.publications(published), public.agency_index(published)]
    for pub_id in pub_ids:
        frames += [public.ratings(published, pub_id), public.charges(published, pub_id)]
    for year in public.published_years(published):
        frames += list(public.blacklist(published, year).values())
    for code, _ in AGENCIES:
        profile = public.agency_profile(published, code)
        frames += [profile["years"], profile["charges"]]
    text = "\n".join(f.to_csv() for f in frames)
    for secret in [*PRIVATE_ID_NUMBERS, *PRIVATE_PHONES, *PRIVATE_DESCRIPTIONS, "admin-secret"]:
        assert secret not in text
