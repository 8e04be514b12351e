"""Announcing a spot-check plan, drawing it on its day (once), and recording each drawn agency's check.

The plan's secret is made here with `secrets` and kept in the plan row, sealed: no read of this package returns it
before the draw, which stores and publishes it. The rule of the draw itself is core/draw.py (docs/spot-checks.md).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import draw as core_draw
from db.accounts import audit
from db.accounts.actor import Actor, acting_account, actor_name, check_actor
from db.accounts.roles import BUREAU_ADMIN
from db.findings.recording import add_finding
from db.spotcheck.pool import ACTION, SpotCheckError
from db.store.engine import transaction, write_lock
from db.store.models import ContractRecord, Expert, SpotCheckDraw, SpotCheckPlan, SpotCheckResult
from db.store.text import checked_text, column_length

SECRET_BYTES = 32
OUTCOMES = {"clear": ("未发现问题", "no problem found"), "found": ("发现问题", "problems found")}


def population_on(engine: Engine, day: dt.date) -> list[tuple[str, str]]:
    """Every agency with a service contract running on `day`, with its town: the town of most of its contracts
    running that day (ties: the first name), since a per-town draw needs one town per agency."""
    with Session(engine) as session:
        rows = session.exec(
            select(ContractRecord.credit_code, ContractRecord.town, func.count())
            .where(ContractRecord.start <= day, ContractRecord.end >= day)
            .group_by(ContractRecord.credit_code, ContractRecord.town)
        ).all()
    best: dict[str, tuple[int, str]] = {}
    for code, town, count in rows:
        if code not in best or (-count, town) < (-best[code][0], best[code][1]):
            best[code] = (count, town)
    return sorted((code, town) for code, (_, town) in best.items())


def announce_plan(
    *, engine: Engine, user: Actor, plan_id: str, year: int, population_rule: str,
    population: Iterable[tuple[str, str]], quotas: dict[str, int], team_size: int, draw_day: dt.date,
    expert_codes: Sequence[str] | None = None, show_expert_names: bool = False, today: dt.date, demo: bool = False,
    demo_secret: str | None = None,
) -> dict[str, Any]:
    """Store a plan with a fresh sealed secret and its commitment, in one audited transaction; returns the public
    plan (never the secret). The plan is checked whole by core.draw.check_plan first: a quota larger than its town's
    agencies, or an agency left with too few experts free of conflict, is refused now, not on the draw day."""
    check_actor(engine, user, ACTION)
    if draw_day <= today:
        raise SpotCheckError("抽取日期须晚于公布之日（公开随机值须在计划公布之后产生）",
                             "the draw day must come after the day the plan is announced (its public value must "
                             "be fixed after the plan)")
    rule = checked_text(population_rule, field=("抽取范围", "population rule"),
                        limit=column_length(SpotCheckPlan.population_rule), error=SpotCheckError)
    if demo_secret is not None and not demo:
        raise SpotCheckError("只有演示数据可以指定密钥", "only demo data may fix its secret")
    # The demo fixes its secret so that every install shows the same demo draw; a real plan's is random.
    secret = demo_secret or secrets.token_hex(SECRET_BYTES)
    with transaction(engine) as session:
        write_lock(session)
        by = actor_name(session, user, ACTION)
        pool = session.exec(select(Expert).where(Expert.active).order_by(Expert.code)).all()
        if expert_codes is not None:
            wanted = set(expert_codes)
            unknown = wanted - {e.code for e in pool}
            if unknown:
                raise SpotCheckError(f"专家库中没有这些专家：{'、'.join(sorted(unknown))}",
                                     f"not in the pool (or inactive): {', '.join(sorted(unknown))}")
            pool = [e for e in pool if e.code in wanted]
        document = {
            "plan_id": plan_id, "year": year, "draw_day": draw_day.isoformat(),
            "population": [{"credit_code": code, "town": town} for code, town in population],
            "quotas": dict(quotas), "team_size": team_size,
            "experts": [{"id": e.code, "field": e.field, "conflicts": e.conflicts.split(";") if e.conflicts else []}
                        for e in pool],
            "commitment": core_draw.commitment_of(secret),
            # More keys are part of the plan's bytes (and so of the seed): what was promised is committed too.
            "population_rule": rule, "show_expert_names": bool(show_expert_names),
        }
        core_draw.check_plan(document)
        if session.exec(select(SpotCheckPlan).where(SpotCheckPlan.plan_id == plan_id)).first() is not None:
            raise SpotCheckError(f"计划编号已存在（{plan_id}）", f"the plan id exists ({plan_id})")
        row = SpotCheckPlan(plan_id=plan_id, year=year, population_rule=rule, draw_day=draw_day,
                            commitment=document["commitment"], secret=secret, show_expert_names=bool(show_expert_names),
                            document=json.dumps(document, ensure_ascii=False), announced_by=by, demo=demo)
        session.add(row)
        session.flush()
        audit.record(session, actor=by, action="spot_check_plan", entity="spotcheckplan", entity_id=plan_id,
                     after={k: v for k, v in document.items() if k not in ("population", "experts")})
        return document


def make_draw(*, engine: Engine, user: Actor, plan_id: str, public_value: str, today: dt.date) -> dict[str, Any]:
    """Draw the plan: refused before its draw day and when it was already drawn; one audited transaction that
    reveals the secret and stores the published draw document (immutable from then on)."""
    check_actor(engine, user, ACTION)
    try:
        with transaction(engine) as session:
            write_lock(session)
            by = actor_name(session, user, ACTION)
            plan_row = _plan(session, plan_id)
            if today < plan_row.draw_day:
                raise SpotCheckError(f"未到抽取日期（{plan_row.draw_day}）", f"not before the draw day ({plan_row.draw_day})")
            if session.exec(select(SpotCheckDraw).where(SpotCheckDraw.plan_id == plan_row.id)).first() is not None:
                raise SpotCheckError("该计划已抽取，不能再次抽取", "this plan has been drawn already; it is drawn once")
            plan = core_draw.check_plan(json.loads(plan_row.document))
            outcome = core_draw.run_draw(plan, plan_row.secret, public_value)
            document = core_draw.draw_document(plan, plan_row.secret, public_value, outcome)
            row = SpotCheckDraw(plan_id=plan_row.id, public_value=public_value, seed=outcome.seed,
                                document=json.dumps(document, ensure_ascii=False), drawn_by=by)
            session.add(row)
            session.flush()
            audit.record(session, actor=by, action="spot_check_draw", entity="spotcheckdraw", entity_id=plan_id,
                         after={"public_value": public_value, "seed": outcome.seed,
                                "drawn": [d.credit_code for d in outcome.drawn]})
            return document
    except IntegrityError:  # another draw of the same plan committed first (unique plan_id)
        raise SpotCheckError("该计划已抽取，不能再次抽取", "this plan has been drawn already; it is drawn once") from None


def record_result(
    *, engine: Engine, user: Actor, plan_id: str, credit_code: str, checked_on: dt.date, outcome: str,
    findings: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Record the check of one drawn agency: its date, the drawn team, clear or found; a "found" check records its
    findings through the one finding path (db/findings/recording.add_finding, in this transaction), so they are
    placed, rated and open to objection like any other finding of the bureau."""
    check_actor(engine, user, ACTION)
    if outcome not in OUTCOMES:
        raise SpotCheckError("结果应为“未发现问题”或“发现问题”", "the outcome is clear or found")
    if (outcome == "found") != bool(findings):
        raise SpotCheckError("“发现问题”须至少录入一条扣分记录，“未发现问题”不能带扣分记录",
                             "a check that found problems records at least one finding; a clear one records none")
    with transaction(engine) as session:
        plan_row = _plan(session, plan_id)
        draw_row = session.exec(select(SpotCheckDraw).where(SpotCheckDraw.plan_id == plan_row.id)).first()
        if draw_row is None:
            raise SpotCheckError("该计划尚未抽取", "this plan has not been drawn yet")
        if checked_on < plan_row.draw_day:
            raise SpotCheckError("检查日期不能早于抽取日期", "the check cannot come before the draw")
        drawn = {d["credit_code"]: d for d in json.loads(draw_row.document)["drawn"]}
        if credit_code not in drawn:
            raise SpotCheckError(f"该机构未被抽中（{credit_code}）", f"this agency was not drawn ({credit_code})")
        if findings:
            # The operator (the demo seed) records for the bureau as the bureau admin would.
            row_user = acting_account(session, user, ACTION, operator_role=BUREAU_ADMIN)
            by = row_user.username
            ids = [add_finding(session, row_user, credit_code=credit_code, **f)["id"] for f in findings]
        else:
            by, ids = actor_name(session, user, ACTION), []
        if session.exec(select(SpotCheckResult).where(SpotCheckResult.draw_id == draw_row.id,
                                                      SpotCheckResult.credit_code == credit_code)).first():
            raise SpotCheckError("该机构的检查结果已录入", "this agency's check is recorded already")
        row = SpotCheckResult(draw_id=draw_row.id, credit_code=credit_code, checked_on=checked_on,
                              team=";".join(drawn[credit_code]["team"]), outcome=outcome,
                              finding_ids=";".join(map(str, ids)), recorded_by=by)
        session.add(row)
        session.flush()
        stored = {"plan_id": plan_id, "credit_code": credit_code, "checked_on": checked_on.isoformat(),
                  "team": drawn[credit_code]["team"], "outcome": outcome, "finding_ids": ids}
        audit.record(session, actor=by, action="spot_check_result", entity="spotcheckresult", entity_id=row.id,
                     after=stored)
        return stored


def _plan(session: Session, plan_id: str) -> SpotCheckPlan:
    row = session.exec(select(SpotCheckPlan).where(SpotCheckPlan.plan_id == plan_id)).first()
    if row is None:
        raise SpotCheckError(f"没有该抽查计划（{plan_id}）", f"no such plan ({plan_id})")
    return row
