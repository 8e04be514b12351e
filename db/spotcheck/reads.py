"""The public side of spot-checks: each plan (never its secret before the draw), each draw, each check's result,
and the plan and draw files signed and digested like a publication (RFC 8785 + Ed25519, the publication key).

A file is the plan (or draw) object plus two top-level keys that seal it: `digest`, the SHA-256 of the RFC 8785
bytes of everything else, and `signature`, `{"algorithm": "Ed25519", "key_id", "value"}` over those same bytes.
core.draw leaves both keys out before it reads a plan or a draw, so the downloaded files re-run as they are.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db.documents.canonical import digest_and_bytes
from db.documents.signing import ALGORITHM, Signer
from db.spotcheck.plans import OUTCOMES
from db.store.models import Agency, Expert, Finding, Publication, SpotCheckDraw, SpotCheckPlan, SpotCheckResult

RERUN_COMMAND = "python -m core draw --verify {draw_file}"


def public_plans(engine: Engine) -> list[dict[str, Any]]:
    """Every plan, newest draw day first, as the public page shows it: the plan (commitment, no secret), its draw
    when made (public value, seed, revealed secret, list and teams) and each check's result (clauses only once the
    year's ratings are published). Expert names only where the plan promised them; never employers."""
    with Session(engine) as session:
        plans = session.exec(select(SpotCheckPlan).order_by(SpotCheckPlan.draw_day.desc(), SpotCheckPlan.id)).all()
        names = {a.credit_code: a.name for a in session.exec(select(Agency))}
        experts = {e.code: e.name for e in session.exec(select(Expert))}
        published = set(session.exec(select(Publication.year).distinct()))
        out = []
        for plan in plans:
            document = json.loads(plan.document)
            fields = {e["id"]: e["field"] for e in document["experts"]}
            draw = session.exec(select(SpotCheckDraw).where(SpotCheckDraw.plan_id == plan.id)).first()
            item: dict[str, Any] = {
                "plan_id": plan.plan_id, "year": plan.year, "draw_day": plan.draw_day,
                "population_rule": plan.population_rule, "population": len(document["population"]),
                "quotas": document["quotas"], "team_size": document["team_size"],
                "experts": len(document["experts"]), "commitment": plan.commitment, "demo": plan.demo,
                "drawn": None,
            }
            if draw is not None:
                results = {r.credit_code: r for r in session.exec(
                    select(SpotCheckResult).where(SpotCheckResult.draw_id == draw.id))}
                drawn_document = json.loads(draw.document)
                rows = []
                for rank, d in enumerate(drawn_document["drawn"], 1):
                    result = results.get(d["credit_code"])
                    clauses = _clauses(session, result) if result and plan.year in published else []
                    rows.append({
                        "rank": rank, "credit_code": d["credit_code"], "agency_name": names.get(d["credit_code"], ""),
                        "town": d["town"],
                        "team": [{"id": e, "field": fields[e],
                                  "name": experts.get(e, "") if plan.show_expert_names else ""} for e in d["team"]],
                        "checked_on": result.checked_on if result else None,
                        "outcome": result.outcome if result else None,
                        "clauses": clauses,
                    })
                item["drawn"] = {"public_value": draw.public_value, "seed": draw.seed,
                                 "secret": drawn_document["secret"], "drawn_at": draw.drawn_at, "rows": rows}
            out.append(item)
        return out


def _clauses(session: Session, result: SpotCheckResult) -> list[str]:
    ids = [int(i) for i in result.finding_ids.split(";") if i]
    if not ids:
        return []
    found = session.exec(select(Finding.clause).where(Finding.id.in_(ids), Finding.withdrawn_at.is_(None))).all()
    return sorted(set(found))


def plan_file(engine: Engine, plan_id: str, signer: Signer) -> bytes | None:
    """The announced plan as a sealed JSON file (None: no such plan). Holds the commitment, never the secret."""
    with Session(engine) as session:
        row = session.exec(select(SpotCheckPlan).where(SpotCheckPlan.plan_id == plan_id)).first()
        return None if row is None else sealed_file(json.loads(row.document), signer)


def draw_file(engine: Engine, plan_id: str, signer: Signer) -> bytes | None:
    """The draw as a sealed JSON file (None: not drawn): `python -m core draw --verify` re-derives it."""
    with Session(engine) as session:
        row = session.exec(select(SpotCheckDraw).join(SpotCheckPlan, SpotCheckPlan.id == SpotCheckDraw.plan_id)
                           .where(SpotCheckPlan.plan_id == plan_id)).first()
        return None if row is None else sealed_file(json.loads(row.document), signer)


def sealed_file(document: dict[str, Any], signer: Signer) -> bytes:
    """`document` with its digest and Ed25519 signature over its RFC 8785 bytes, as readable UTF-8 JSON."""
    digest, message = digest_and_bytes(document)
    sealed = {**document, "digest": digest,
              "signature": {"algorithm": ALGORITHM, "key_id": signer.key_id, "value": signer.sign(message)}}
    return (json.dumps(sealed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def outcome_label(outcome: str | None, lang: str) -> str:
    """未发现问题 / 发现问题 (or "" while the check is not recorded)."""
    if outcome is None:
        return ""
    zh, en = OUTCOMES[outcome]
    return zh if lang == "zh" else en
