"""The towns' bucket read `pooled` (one set of periods for every town) or `per_town` (each town's own score, averaged)."""

from __future__ import annotations

import copy
import tomllib

import pandas as pd
import pytest

from core.errors import RulebookError
from core.rating import rate
from core.rulebook import RULEBOOK_DIR, load_rulebook, parse_rulebook
from core.town_scores import towns_served
from tests.builders import credit_code, finding, findings_table, roster_table
from tests.core.pooled_golden import fingerprint
from tests.core.test_rating import SINGLE_BUCKET, one_point_rulebook

A, B, C = "澄江街道", "华士镇", "周庄镇"
POOLED = load_rulebook()
EQUAL = POOLED.with_town_reading("per_town", "equal")
BY_CONTRACTS = POOLED.with_town_reading("per_town", "contracts")


def served(rows: list[tuple[int, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"credit_code": credit_code(a), "town": t, "contracts": n} for a, t, n in rows])


def town_score(rating, agency: int = 1) -> int:
    return int(rating.table.set_index("credit_code").loc[credit_code(agency), "town_score"])


# --- the rulebook option ---------------------------------------------------------------------------------------

def raw_rulebook() -> dict:
    return copy.deepcopy(tomllib.loads((RULEBOOK_DIR / "jiangyin-2020.toml").read_text(encoding="utf-8")))


def test_a_rulebook_file_can_choose_per_town_with_contract_weights():
    raw = raw_rulebook()
    raw["buckets"][0].update(towns="per_town", weights="contracts")
    book = parse_rulebook(raw, origin="another-city")
    assert book.town_reading == ("per_town", "contracts")
    assert book.reference == "jiangyin-2020#per_town/contracts"


def test_the_default_is_pooled_and_its_reference_is_the_bare_name():
    assert POOLED.town_reading == ("pooled", "equal") and POOLED.reference == "jiangyin-2020"


def test_a_reference_loads_the_rulebook_with_its_reading():
    assert load_rulebook(BY_CONTRACTS.reference) == BY_CONTRACTS
    assert load_rulebook(EQUAL.reference).town_reading == ("per_town", "equal")


@pytest.mark.parametrize(("towns", "weights", "says"), [
    ("by_town", "equal", "`towns` must be one of pooled, per_town"),
    ("per_town", "people", "`weights` must be one of equal, contracts"),
])
def test_an_unknown_reading_or_weight_is_refused_by_name(towns, weights, says):
    raw = raw_rulebook()
    raw["buckets"][0].update(towns=towns, weights=weights)
    with pytest.raises(RulebookError, match=says):
        parse_rulebook(raw)


def test_only_a_bucket_assessed_by_towns_alone_can_be_read_per_town():
    raw = raw_rulebook()
    raw["buckets"][1]["towns"] = "per_town"  # the bureau's bucket
    with pytest.raises(RulebookError, match="assessed by towns alone"):
        parse_rulebook(raw)
    with pytest.raises(RulebookError, match="assessed by towns alone"):
        load_rulebook(SINGLE_BUCKET).with_town_reading("per_town")


# --- the engine ------------------------------------------------------------------------------------------------

def test_an_agency_in_one_town_scores_the_same_under_both_readings():
    findings = findings_table([
        finding(1, "2.5", assessor=A, date="2025-01-10"), finding(1, "2.1", assessor=A, date="2025-02-10"),
        finding(1, "3.3", assessor=A, date="2025-05-10"), finding(1, "2.5", assessor=A, period="YE", date="2025-12-20"),
        finding(1, "2.5", assessor="bureau", date="2025-06-01"),
    ])
    where = served([(1, A, 3)])
    ratings = [rate(findings, year=2025, rulebook=book, towns_served=where) for book in (POOLED, EQUAL, BY_CONTRACTS)]
    tables = [r.table for r in ratings]
    assert town_score(ratings[0]) == 50 - 10 - 5 - 10
    for other in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], other)
    assert ratings[1].town_rows(credit_code(1))[["town", "score"]].values.tolist() == [[A, 25]]


@pytest.fixture
def three_towns():
    """An agency serving three towns (1, 2 and 7 contracts); town A alone found faults: 10 in Q1, 10 in Q2, 5 in Q3."""
    findings = findings_table([
        finding(1, "2.5", assessor=A, date="2025-01-10"), finding(1, "2.5", assessor=A, date="2025-04-10"),
        finding(1, "3.3", assessor=A, date="2025-07-10"),
    ])
    return findings, served([(1, A, 1), (1, B, 2), (1, C, 7)])


def test_three_towns_with_faults_in_one_pooled_charge_the_whole_bucket(three_towns):
    findings, where = three_towns
    assert town_score(rate(findings, year=2025, rulebook=POOLED, towns_served=where)) == 25


def test_three_towns_with_faults_in_one_equal_weights_average_the_towns(three_towns):
    findings, where = three_towns
    rating = rate(findings, year=2025, rulebook=EQUAL, towns_served=where)
    # (25 + 50 + 50) / 3 = 41.67 → 42
    assert town_score(rating) == 42
    rows = rating.town_rows(credit_code(1))
    assert set(rows["weight"]) == {1} and dict(zip(rows["town"], rows["contracts"], strict=True)) == {A: 1, B: 2, C: 7}
    assert dict(zip(rows["town"], rows["score"], strict=True)) == {A: 25, B: 50, C: 50}
    assert rating.table.loc[0, "total"] == 92


def test_three_towns_with_faults_in_one_contract_weights_follow_the_contracts(three_towns):
    findings, where = three_towns
    rating = rate(findings, year=2025, rulebook=BY_CONTRACTS, towns_served=where)
    # (1·25 + 2·50 + 7·50) / 10 = 47.5 → 48 (half up)
    assert town_score(rating) == 48
    rows = rating.town_rows(credit_code(1))
    assert dict(zip(rows["town"], rows["weight"], strict=True)) == {A: 1, B: 2, C: 7}


def test_contract_weights_move_with_the_faulted_towns_share(three_towns):
    findings, _ = three_towns
    heavy = rate(findings, year=2025, rulebook=BY_CONTRACTS, towns_served=served([(1, A, 8), (1, B, 1), (1, C, 1)]))
    # (8·25 + 50 + 50) / 10 = 30
    assert town_score(heavy) == 30


def test_a_town_that_recorded_a_finding_counts_without_a_contract_weighing_one():
    findings = findings_table([finding(1, "2.5", assessor=A, date="2025-01-10")])
    rating = rate(findings, year=2025, rulebook=BY_CONTRACTS, towns_served=served([(1, B, 3)]))
    # (1·40 + 3·50) / 4 = 47.5 → 48
    assert town_score(rating) == 48
    rows = rating.town_rows(credit_code(1))
    assert dict(zip(rows["town"], zip(rows["contracts"], rows["weight"], strict=True), strict=True)) == {
        A: (0, 1), B: (3, 3)}


def test_without_towns_served_only_the_towns_with_findings_count():
    findings = findings_table([finding(1, "2.5", assessor=A, date="2025-01-10"),
                               finding(1, "3.3", assessor=B, date="2025-01-10")])
    assert town_score(rate(findings, year=2025, rulebook=EQUAL)) == 43  # (40 + 45) / 2 = 42.5 → 43


def test_floors_apply_per_period_per_town():
    findings = findings_table([
        # Town A: three 10-point findings in Q1 cost its Q1 10, not 30; its Q2 is its own.
        finding(1, "2.5", assessor=A, date="2025-01-10"), finding(1, "2.1", assessor=A, date="2025-02-10"),
        finding(1, "2.3", assessor=A, date="2025-03-10"), finding(1, "3.3", assessor=A, date="2025-04-10"),
        # Town B: a 10-point finding in Q1 too; pooled, A's Q1 already stood at 0.
        finding(1, "2.5", assessor=B, date="2025-01-20"),
    ])
    rating = rate(findings, year=2025, rulebook=EQUAL)
    scores = dict(zip(rating.towns["town"], rating.towns["score"], strict=True))
    assert scores == {A: 50 - 10 - 5, B: 50 - 10}
    explained = rating.explain(credit_code(1))
    assert explained[explained["assessor"] == A]["points_charged"].tolist() == [10, 0, 0, 5]
    assert explained[explained["assessor"] == B]["points_charged"].tolist() == [10]
    pooled = rate(findings, year=2025, rulebook=POOLED)
    assert town_score(pooled) == 50 - 10 - 5
    assert pooled.explain(credit_code(1))["points_charged"].tolist() == [10, 0, 0, 0, 5]


def test_agencies_without_town_findings_keep_the_full_bucket_under_per_town():
    findings = findings_table([finding(1, "2.5", assessor="bureau", date="2025-06-01")])
    rating = rate(findings, roster=roster_table([1, 2]), year=2025, rulebook=BY_CONTRACTS,
                  towns_served=served([(1, A, 2), (2, B, 1), (9, C, 4)]))
    assert rating.table["town_score"].tolist() == [50, 50]
    assert set(rating.towns["credit_code"]) == {credit_code(1), credit_code(2)}  # agency 9 is not rated


def test_towns_served_counts_the_contracts_running_some_day_of_the_year():
    contracts = pd.DataFrame({
        "credit_code": [credit_code(1)] * 4, "town": [A, A, B, C],
        "start": pd.to_datetime(["2024-03-01", "2025-12-31", "2023-01-01", "2026-01-01"]),
        "end": pd.to_datetime(["2025-01-01", "2026-06-30", "2024-12-31", "2026-12-31"]),
    })
    assert towns_served(contracts, 2025).values.tolist() == [[credit_code(1), A, 2]]


# --- the rulebooks of the tests rate exactly as before under pooled ---------------------------------------------

# Computed with tests/core/pooled_golden.py on the engine before the per-town reading was added (commit dba6576).
BEFORE = {
    "jiangyin-2020": "eecfc0ef99b3354cc2f74693fd501b61fc8a8c87290dec47d6a47c0d4fad6ae9",
    "one-point": "9d262039e941b30532ff246b47afe06d6e1a4815a2ac6dbad61ad37fea77d23d",
    "single-bucket": "b07a4f63fa62179edb60b87b56b4d1d42d34297684ab2385f1bb7ebc9ab91e04",
}


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_the_rulebooks_of_the_tests_rate_exactly_as_before_under_pooled(name):
    book = {"jiangyin-2020": POOLED, "one-point": one_point_rulebook(),
            "single-bucket": load_rulebook(SINGLE_BUCKET)}[name]
    assert fingerprint(book) == BEFORE[name]
    assert fingerprint(book, towns_served=served([(1, A, 3), (2, B, 1)])) == BEFORE[name]  # ignored when pooled
    if name != "single-bucket":
        assert fingerprint(book.with_town_reading("pooled")) == BEFORE[name]
        assert fingerprint(book.with_town_reading("per_town")) != BEFORE[name]


def test_a_bare_name_stored_by_a_publication_reads_pooled_even_when_the_file_chose_per_town(tmp_path):
    from core.rulebook import published_rulebook

    raw = (RULEBOOK_DIR / "jiangyin-2020.toml").read_text(encoding="utf-8")
    path = tmp_path / "city.toml"
    path.write_text(raw.replace('points = 50\n', 'points = 50\ntowns = "per_town"\nweights = "contracts"\n', 1),
                    encoding="utf-8")
    assert load_rulebook(str(path)).town_reading == ("per_town", "contracts")
    assert load_rulebook(str(path)).reference == "jiangyin-2020#per_town/contracts"  # what a version would store
    assert published_rulebook(str(path)).town_reading == ("pooled", "equal")
    assert published_rulebook(f"{path}#per_town/equal").town_reading == ("per_town", "equal")
