"""docs/spot-checks.md's worked example is true: every value on the page is computed here, by the product's code and
once more by following only the page's steps with hashlib and json (a second implementation, as a reader would)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from core import draw

DOC = (Path(__file__).resolve().parents[2] / "docs" / "spot-checks.md").read_text(encoding="utf-8")
EXAMPLE = DOC.split("## A worked example", 1)[1]


def example_inputs() -> tuple[dict, str, str]:
    plan = json.loads(re.search(r"```json\n(.*?)\n```", EXAMPLE, re.S).group(1))
    secret = re.search(r"- secret: `([0-9a-f]+)`", EXAMPLE).group(1)
    public_value = re.search(r"- public value: `([^`]+)`", EXAMPLE).group(1)
    return plan, secret, public_value


def by_the_page(plan: dict, secret: str, public_value: str) -> dict:
    """The draw written from the page's five steps alone (no import of core.draw)."""

    def h(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    assert h(bytes.fromhex(secret)) == plan["commitment"]  # step 1
    jcs = json.dumps(plan, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")  # step 2
    seed = h(jcs + b"|" + secret.encode("ascii") + b"|" + public_value.encode("utf-8"))  # step 3
    ranked = sorted(plan["population"], key=lambda a: h(f"{seed}|{a['credit_code']}".encode()))  # step 4
    quotas, taken, drawn = plan["quotas"], {}, []
    for agency in ranked:
        town = agency["town"]
        if "*" in quotas:
            if len(drawn) < quotas["*"]:
                drawn.append(agency)
        elif taken.get(town, 0) < quotas.get(town, 0):
            taken[town] = taken.get(town, 0) + 1
            drawn.append(agency)
    teams = []
    for agency in drawn:  # step 5
        code = agency["credit_code"]
        experts = sorted(plan["experts"], key=lambda e: h(f"{seed}|{code}|{e['id']}".encode()))
        team = [e["id"] for e in experts if code not in e["conflicts"]][: plan["team_size"]]
        teams.append({"credit_code": code, "town": agency["town"], "team": team})
    return {"jcs": jcs, "seed": seed, "drawn": teams}


def test_the_worked_example_follows_from_the_steps_alone():
    plan, secret, public_value = example_inputs()
    result = by_the_page(plan, secret, public_value)
    assert f"is {len(result['jcs'])} bytes" in EXAMPLE
    assert hashlib.sha256(result["jcs"]).hexdigest() in EXAMPLE
    assert f"seed: `{result['seed']}`" in EXAMPLE
    for agency in plan["population"]:
        assert hashlib.sha256(f"{result['seed']}|{agency['credit_code']}".encode()).hexdigest() in EXAMPLE
    for row in result["drawn"]:
        line = next(t for t in EXAMPLE.splitlines() if t.startswith(f"| {row['credit_code']} | E"))
        assert line.endswith(f"| {', '.join(row['team'])} |")
        for e in plan["experts"]:
            key = hashlib.sha256(f"{result['seed']}|{row['credit_code']}|{e['id']}".encode()).hexdigest()
            assert f"{e['id']} `{key[:8]}…`" in line


def test_the_product_and_the_page_agree_on_the_example():
    plan, secret, public_value = example_inputs()
    by_hand = by_the_page(plan, secret, public_value)
    assert draw.plan_bytes(plan) == by_hand["jcs"]
    outcome = draw.run_draw(draw.check_plan(plan), secret, public_value)
    assert outcome.as_dict() == {"seed": by_hand["seed"], "drawn": by_hand["drawn"]}
    assert [row["credit_code"] for row in by_hand["drawn"]] == ["91320281000000001P", "91320281000000003X"]
