"""The demo's spot-checks: a completed plan of 2025 (drawn, every drawn agency checked, one finding recorded through
the finding path before the year is published) and a plan announced and not yet drawn. Cheap: a few rows.

The demo fixes its secrets (a real plan's is random) so that every install shows the same demo draw, and a test
can re-run it from docs/spot-checks.md alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from db.accounts.actor import Actor
from db.spotcheck import plans, pool

if TYPE_CHECKING:
    from db.demo.seed import DemoAgency

PAST_PLAN = "2025-1"
PAST_YEAR, PAST_DRAW_DAY, PAST_ANNOUNCED = 2025, dt.date(2025, 6, 2), dt.date(2025, 5, 20)
PUBLIC_VALUE = "2025062 03 08 14 21 27 30 + 11（演示：福彩双色球第2025062期开奖号码）"
FIELDS = ("化工", "机械", "电气", "消防")
EXPERTS = 10


def demo_secret(plan_id: str) -> str:
    """A fixed, clearly demo secret (64 hex digits) per plan."""
    return hashlib.sha256(f"demo spot-check secret {plan_id}".encode()).hexdigest()


def seed_pool(engine: Engine, agencies: list[DemoAgency], by: Actor, rng: random.Random) -> None:
    """Ten experts, each with a conflict with one or two agencies (a former employer, a relative's firm)."""
    for i in range(1, EXPERTS + 1):
        conflicts = [a.credit_code for a in rng.sample(agencies, rng.choice((1, 2)))]
        pool.add_expert(engine=engine, user=by, code=f"E{i:02d}", name=f"演示专家{i:02d}",
                        field=FIELDS[i % len(FIELDS)], employer=f"演示安全技术研究院{i % 3 + 1}", conflicts=conflicts)


def seed_past_plan(engine: Engine, agencies: list[DemoAgency], by: Actor) -> None:
    """2025's plan: six of the year's agencies, teams of two; drawn on its day; each drawn agency checked, the
    first found at fault (clause 3.7, recorded as a finding of the bureau), the others clear."""
    population = [(a.credit_code, a.towns[0]) for a in agencies if a.since <= PAST_YEAR]
    plans.announce_plan(engine=engine, user=by, plan_id=PAST_PLAN, year=PAST_YEAR,
                        population_rule="2025年名录中的全部机构（演示） · all agencies on the 2025 roster (demo)", population=population,
                        quotas={"*": 6}, team_size=2, draw_day=PAST_DRAW_DAY, show_expert_names=True,
                        today=PAST_ANNOUNCED, demo=True, demo_secret=demo_secret(PAST_PLAN))
    drawn = plans.make_draw(engine=engine, user=by, plan_id=PAST_PLAN, public_value=PUBLIC_VALUE,
                            today=PAST_DRAW_DAY)["drawn"]
    for i, agency in enumerate(drawn):
        day = PAST_DRAW_DAY + dt.timedelta(days=7 + 2 * i)
        findings = [{"clause": "3.7", "date": day, "agency_name": None,
                     "description": "监督抽查发现：隐患未出具书面整改建议（演示数据）"}] if i == 0 else []
        plans.record_result(engine=engine, user=by, plan_id=PAST_PLAN, credit_code=agency["credit_code"],
                            checked_on=day, outcome="found" if findings else "clear", findings=findings)


def seed_pending_plan(engine: Engine, agencies: list[DemoAgency], by: Actor, today: dt.date) -> None:
    """A plan announced today and drawn in a month (of the year of its draw day): per-town quotas in the two towns with most agencies."""
    population = [(a.credit_code, a.towns[0]) for a in agencies]
    counts: dict[str, int] = {}
    for _, town in population:
        counts[town] = counts.get(town, 0) + 1
    busiest = sorted(counts, key=lambda t: (-counts[t], t))[:2]
    draw_day = today + dt.timedelta(days=30)
    plan_id = f"{draw_day.year}-{2 if draw_day.year == PAST_YEAR else 1}"
    plans.announce_plan(engine=engine, user=by, plan_id=plan_id, year=draw_day.year,
                        population_rule="名录中的全部机构，按主要服务镇街园分配名额（演示） · all agencies on the roster, quotas by main town (demo)", population=population,
                        quotas={town: min(2, counts[town]) for town in busiest}, team_size=2,
                        draw_day=draw_day, today=today, demo=True, demo_secret=demo_secret(plan_id))
