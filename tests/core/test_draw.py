"""The spot-check draw (core/draw.py): properties that hold for any plan, secret and public value, and the CLI."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core import cli, draw
from core.draw import DrawError, check_plan, commitment_of, run_draw, verify_draw
from tests.builders import credit_code

TOWNS = ["璜土镇", "青阳镇", "澄江街道", "周庄镇"]
FIELDS = ["化工", "机械", "冶金"]
SECRETS = st.binary(min_size=16, max_size=40).map(bytes.hex)
PUBLIC = st.text(min_size=1, max_size=30).filter(lambda v: v.strip())
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plans(draw_, quotas_kind: str | None = None) -> tuple[dict, str]:
    """A valid plan and its secret: a population over a few towns, quotas within them, experts with some conflicts."""
    size = draw_(st.integers(1, 14))
    population = [{"credit_code": credit_code(i), "town": draw_(st.sampled_from(TOWNS))} for i in range(1, size + 1)]
    team_size = draw_(st.integers(1, 3))
    experts = []
    for i in range(draw_(st.integers(team_size + 2, 9))):
        conflicts = draw_(st.lists(st.sampled_from([p["credit_code"] for p in population]), max_size=2, unique=True))
        experts.append({"id": f"E{i:02d}", "field": draw_(st.sampled_from(FIELDS)), "conflicts": conflicts})
    # every agency must keep team_size experts free of conflict (else the plan is refused, tested below)
    for p in population:
        conflicted = [e for e in experts if p["credit_code"] in e["conflicts"]]
        for e in conflicted[: max(0, team_size - (len(experts) - len(conflicted)))]:
            e["conflicts"].remove(p["credit_code"])
    kind = quotas_kind or draw_(st.sampled_from(["*", "town"]))
    towns = {p["town"] for p in population}
    if kind == "*":
        quotas = {"*": draw_(st.integers(0, size))}
    else:
        quotas = {t: draw_(st.integers(0, sum(p["town"] == t for p in population))) for t in sorted(towns)}
    secret = draw_(SECRETS)
    plan = {"plan_id": f"2025-{draw_(st.integers(1, 9))}", "year": 2025, "draw_day": "2025-06-02",
            "population": population, "quotas": quotas, "team_size": team_size, "experts": experts,
            "commitment": commitment_of(secret)}
    return plan, secret


@PROPERTY
@given(plans(), PUBLIC)
def test_the_draw_is_a_pure_function_of_its_inputs(planned, public):
    plan, secret = planned
    first = run_draw(check_plan(plan), secret, public)
    again = run_draw(check_plan(json.loads(json.dumps(plan))), secret, public)  # a copy read back from its JSON
    assert first == again
    # the plan's key order in the file does not matter: JCS sorts the keys
    reordered = dict(reversed(list(plan.items())))
    assert run_draw(check_plan(reordered), secret, public) == first


@PROPERTY
@given(plans(), PUBLIC, st.data())
def test_any_change_to_plan_secret_or_public_value_changes_the_seed(planned, public, data):
    plan, secret = planned
    seed = draw.seed_of(plan, secret, public)
    other_secret = data.draw(SECRETS.filter(lambda s: s != secret))
    assert draw.seed_of(plan, other_secret, public) != seed
    other_public = data.draw(PUBLIC.filter(lambda v: v != public))
    assert draw.seed_of(plan, secret, other_public) != seed
    changed = copy.deepcopy(plan)
    what = data.draw(st.sampled_from(["team_size", "draw_day", "population", "experts", "extra"]))
    if what == "team_size":
        changed["team_size"] += 1
    elif what == "draw_day":
        changed["draw_day"] = "2025-06-03"
    elif what == "population":
        changed["population"] = changed["population"][::-1] + [{"credit_code": credit_code(99), "town": TOWNS[0]}]
    elif what == "experts":
        changed["experts"][0]["field"] += "安全"
    else:
        changed["note"] = "一个附加键也是计划的一部分"
    assert draw.seed_of(changed, secret, public) != seed


@PROPERTY
@given(plans(), PUBLIC)
def test_a_conflicted_expert_is_never_drawn_for_that_agency(planned, public):
    plan, secret = planned
    outcome = run_draw(check_plan(plan), secret, public)
    conflicts = {e["id"]: set(e["conflicts"]) for e in plan["experts"]}
    for drawn in outcome.drawn:
        assert len(drawn.team) == plan["team_size"] == len(set(drawn.team))
        assert not [e for e in drawn.team if drawn.credit_code in conflicts[e]]


@PROPERTY
@given(plans(), PUBLIC)
def test_quotas_are_met_exactly_and_the_list_is_by_rank_key(planned, public):
    plan, secret = planned
    outcome = run_draw(check_plan(plan), secret, public)
    codes = [d.credit_code for d in outcome.drawn]
    assert len(codes) == len(set(codes))
    keys = [draw.rank_key(outcome.seed, c) for c in codes]
    assert keys == sorted(keys)
    if "*" in plan["quotas"]:
        assert len(codes) == plan["quotas"]["*"]
        everyone = sorted(draw.rank_key(outcome.seed, p["credit_code"]) for p in plan["population"])
        assert keys == everyone[: len(keys)]  # the first n of the whole population
    else:
        for town, n in plan["quotas"].items():
            assert sum(d.town == town for d in outcome.drawn) == n
        assert len(codes) == sum(plan["quotas"].values())


@PROPERTY
@given(plans(), st.integers(1, 3), st.data())
def test_an_oversize_quota_is_refused_before_the_draw(planned, extra, data):
    plan, _ = planned
    if "*" in plan["quotas"]:
        plan["quotas"]["*"] = len(plan["population"]) + extra
        key = "quotas.*"
    else:
        town = data.draw(st.sampled_from(sorted(plan["quotas"])))
        plan["quotas"][town] = sum(p["town"] == town for p in plan["population"]) + extra
        key = f"quotas.{town}"
    with pytest.raises(DrawError) as refused:
        check_plan(plan)
    assert key in [p.column for p in refused.value.problems]


@PROPERTY
@given(plans(), PUBLIC)
def test_a_published_draw_verifies_and_any_altered_one_does_not(planned, public):
    plan, secret = planned
    checked = check_plan(plan)
    document = draw.draw_document(checked, secret, public, run_draw(checked, secret, public))
    assert verify_draw(json.loads(json.dumps(document))).same
    assume(document["drawn"])
    altered = copy.deepcopy(document)
    altered["drawn"] = altered["drawn"][::-1] if len(altered["drawn"]) > 1 else []
    assert not verify_draw(altered).same
    reseeded = {**document, "seed": "0" * 64}
    assert not verify_draw(reseeded).same


# --- refusals ------------------------------------------------------------------------------------------------------


def simple_plan() -> tuple[dict, str]:
    secret = "2a" * 32
    plan = {"plan_id": "2025-1", "year": 2025, "draw_day": "2025-06-02",
            "population": [{"credit_code": credit_code(i), "town": TOWNS[i % 2]} for i in range(1, 6)],
            "quotas": {"*": 2}, "team_size": 2,
            "experts": [{"id": f"E0{i}", "field": FIELDS[i % 3], "conflicts": [credit_code(i)]} for i in range(1, 5)],
            "commitment": hashlib.sha256(bytes.fromhex(secret)).hexdigest()}
    return plan, secret


def test_a_secret_that_is_not_the_committed_one_is_refused():
    plan, secret = simple_plan()
    with pytest.raises(DrawError, match="commitment"):
        run_draw(check_plan(plan), "2b" * 32, "x")
    with pytest.raises(DrawError, match="hex"):
        run_draw(check_plan(plan), secret.upper(), "x")  # the same bytes, other digits: one spelling only
    with pytest.raises(DrawError, match="blank"):
        run_draw(check_plan(plan), secret, "  ")


@pytest.mark.parametrize(("change", "column"), [
    (lambda p: p.pop("experts"), "experts"),
    (lambda p: p.update(year=True), "year"),
    (lambda p: p.update(draw_day="2025-02-30"), "draw_day"),
    (lambda p: p.update(quotas={"*": 1, "璜土镇": 1}), "quotas"),
    (lambda p: p.update(quotas={"璜土镇": -1}), "quotas.璜土镇"),
    (lambda p: p.update(team_size=0), "team_size"),
    (lambda p: p.update(commitment="AB" * 32), "commitment"),
    (lambda p: p["population"].append(dict(p["population"][0])), "population[5].credit_code"),
    (lambda p: p["population"][0].update(credit_code=p["population"][0]["credit_code"].lower() + "x"),
     "population[0].credit_code"),
    (lambda p: p["experts"][1].update(id="E01"), "experts[1].id"),
    (lambda p: p["experts"][1].update(id="E|1"), "experts[1].id"),
    (lambda p: p.update(team_size=4), "experts"),  # an agency with a conflicted expert has only 3 free of 4
])
def test_a_bad_plan_is_refused_by_key(change, column):
    plan, _ = simple_plan()
    change(plan)
    with pytest.raises(DrawError) as refused:
        check_plan(plan)
    assert column in [p.column for p in refused.value.problems]


def test_duplicated_keys_and_nan_are_refused_in_a_file():
    with pytest.raises(DrawError, match="duplicated"):
        draw.read_json_file(b'{"year": 2025, "year": 2026}', "plan")
    with pytest.raises(DrawError, match="NaN"):
        draw.read_json_file(b'{"year": NaN}', "plan")


# --- the command line ------------------------------------------------------------------------------------------


def write(tmp_path, name: str, value: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_cli_draw_prints_the_list_and_verify_says_same_or_different(tmp_path, capsys):
    plan, secret = simple_plan()
    path = write(tmp_path, "plan.json", plan)
    assert cli.main(["draw", "--plan", path, "--secret", secret, "--public-value", "07 12 19", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = run_draw(check_plan(plan), secret, "07 12 19").as_dict()
    assert printed == expected and len(printed["drawn"]) == 2
    document = {"plan": plan, "secret": secret, "public_value": "07 12 19", **printed, "digest": "x", "signature": "y"}
    assert cli.main(["draw", "--verify", write(tmp_path, "draw.json", document)]) == 0
    assert "same / 一致" in capsys.readouterr().out
    document["drawn"][0]["team"].reverse()
    assert cli.main(["draw", "--verify", write(tmp_path, "bad.json", document)]) == 1
    assert "different" in capsys.readouterr().out


def test_cli_draw_refuses_bad_input_with_exit_2(tmp_path, capsys):
    plan, secret = simple_plan()
    path = write(tmp_path, "plan.json", plan)
    assert cli.main(["draw", "--plan", path, "--secret", "2b" * 32, "--public-value", "x"]) == 2
    assert "commitment" in capsys.readouterr().err
    assert cli.main(["draw", "--plan", path]) == 2
    assert "--secret --public-value" in capsys.readouterr().err
    assert cli.main(["draw", "--verify", write(tmp_path, "d.json", {"seed": "x"})]) == 2
    assert cli.main(["draw", "--verify", str(tmp_path / "none.json")]) == 2
    (tmp_path / "broken.json").write_bytes(b"{")
    assert cli.main(["draw", "--verify", str(tmp_path / "broken.json")]) == 2
    capsys.readouterr()
