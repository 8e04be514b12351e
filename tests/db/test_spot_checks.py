"""Spot-check services (db/spotcheck) on SQLite and PostgreSQL: announce, draw once on its day, record results;
the sealed secret stays sealed; plans and draws cannot be changed once stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from core import draw as core_draw
from db.accounts.roles import AccessDenied
from db.documents.canonical import digest_and_bytes
from db.documents.signing import keygen, load_public_keys, signature_valid
from db.spotcheck import plans, pool, reads
from db.spotcheck.pool import SpotCheckError
from db.store.models import AuditEntry, ContractRecord, Finding, Publication, SpotCheckPlan, Upload
from tests.builders import OPERATOR, credit_code, make_staff

ANNOUNCED, DRAW_DAY = dt.date(2025, 5, 20), dt.date(2025, 6, 2)
POPULATION = [(credit_code(i), "璜土镇" if i % 2 else "青阳镇") for i in range(1, 9)]


def a_pool(engine) -> None:
    for i, field in enumerate(["化工", "机械", "冶金", "化工", "机械"], 1):
        pool.add_expert(engine=engine, user=OPERATOR, code=f"E{i:02d}", name=f"专家{i}", field=field,
                        employer=f"某某研究院{i}", conflicts=[credit_code(i)])


def announce(engine, user=OPERATOR, **changes) -> dict:
    kwargs = {"plan_id": "2025-1", "year": 2025, "population_rule": "2025-05-01 有服务合同在履行的机构",
              "population": POPULATION, "quotas": {"璜土镇": 2, "青阳镇": 1}, "team_size": 2,
              "draw_day": DRAW_DAY, "show_expert_names": True, "today": ANNOUNCED}
    return plans.announce_plan(engine=engine, user=user, **{**kwargs, **changes})


def secret_of(engine) -> str:
    with Session(engine) as session:
        return session.exec(select(SpotCheckPlan.secret)).one()


def test_a_plan_is_announced_with_its_commitment_and_the_secret_stays_sealed(engine, tmp_path):
    a_pool(engine)
    document = announce(engine)
    secret = secret_of(engine)
    assert len(secret) == 64 and document["commitment"] == core_draw.commitment_of(secret)
    assert secret not in json.dumps(document)
    signer = keygen(tmp_path / "key.pem")
    public = reads.public_plans(engine)
    assert secret not in json.dumps(public, default=str)
    assert public[0]["drawn"] is None and public[0]["commitment"] == document["commitment"]
    plan_bytes = reads.plan_file(engine, "2025-1", signer)
    assert secret.encode() not in plan_bytes and "专家1".encode() not in plan_bytes and "研究院".encode() not in plan_bytes
    with Session(engine) as session:
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "spot_check_plan")).one()
    assert secret not in audit.after


def test_only_the_bureau_admin_may_plan_and_draw(engine):
    staff = make_staff(engine)
    a_pool(engine)
    for who in ("staff", "town"):
        with pytest.raises(AccessDenied):
            announce(engine, user=staff[who])
    announce(engine, user=staff["admin"])
    with pytest.raises(AccessDenied):
        plans.make_draw(engine=engine, user=staff["staff"], plan_id="2025-1", public_value="1 2 3", today=DRAW_DAY)


def test_an_oversize_quota_or_a_draw_day_not_after_today_is_refused(engine):
    a_pool(engine)
    with pytest.raises(core_draw.DrawError, match="larger"):
        announce(engine, quotas={"青阳镇": 5})
    with pytest.raises(SpotCheckError, match="draw day"):
        announce(engine, today=DRAW_DAY)
    assert reads.public_plans(engine) == []


def test_the_draw_waits_for_its_day_happens_once_and_re_runs_from_the_published_file(engine, tmp_path):
    a_pool(engine)
    announce(engine)
    with pytest.raises(SpotCheckError, match="draw day"):
        plans.make_draw(engine=engine, user=OPERATOR, plan_id="2025-1", public_value="1 2 3",
                        today=DRAW_DAY - dt.timedelta(days=1))
    document = plans.make_draw(engine=engine, user=OPERATOR, plan_id="2025-1", public_value="03 08 14 + 11",
                               today=DRAW_DAY)
    assert [d["town"] for d in document["drawn"]].count("璜土镇") == 2 and len(document["drawn"]) == 3
    with pytest.raises(SpotCheckError, match="once"):
        plans.make_draw(engine=engine, user=OPERATOR, plan_id="2025-1", public_value="other", today=DRAW_DAY)
    signer = keygen(tmp_path / "key.pem")
    sealed = json.loads(reads.draw_file(engine, "2025-1", signer))
    assert core_draw.verify_draw(sealed).same  # the downloaded file re-runs as it is
    digest, message = digest_and_bytes(sealed)
    assert digest == sealed["digest"]
    assert signature_valid(load_public_keys(signer.public_pem.encode())[0], message, sealed["signature"]["value"])
    public = reads.public_plans(engine)[0]["drawn"]
    assert public["secret"] == secret_of(engine) and public["seed"] == document["seed"]
    assert [r["credit_code"] for r in public["rows"]] == [d["credit_code"] for d in document["drawn"]]
    assert all(e["name"].startswith("专家") for r in public["rows"] for e in r["team"])  # the plan said so


def test_a_drawn_list_and_an_announced_plan_cannot_be_changed(engine):
    a_pool(engine)
    announce(engine)
    plans.make_draw(engine=engine, user=OPERATOR, plan_id="2025-1", public_value="1 2 3", today=DRAW_DAY)
    statements = [
        "UPDATE spotcheckdraw SET document = '{}'", "UPDATE spotcheckdraw SET seed = 'x'", "DELETE FROM spotcheckdraw",
        "UPDATE spotcheckplan SET secret = 'x'", "UPDATE spotcheckplan SET document = '{}'", "DELETE FROM spotcheckplan",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
            conn.execute(text(statement))
    assert core_draw.verify_draw(json.loads(reads.draw_file(engine, "2025-1", keygen_in_memory()))).same


def keygen_in_memory():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from db.documents.signing import Signer

    return Signer(Ed25519PrivateKey.generate(), demo=False)


def test_a_check_result_records_its_findings_through_the_finding_path_and_shows_clauses_once_published(engine):
    staff = make_staff(engine)
    a_pool(engine)
    announce(engine)
    document = plans.make_draw(engine=engine, user=staff["admin"], plan_id="2025-1", public_value="x",
                               today=DRAW_DAY)
    first, second = (d["credit_code"] for d in document["drawn"][:2])
    with pytest.raises(SpotCheckError, match="not drawn"):
        plans.record_result(engine=engine, user=staff["admin"], plan_id="2025-1", credit_code=credit_code(99),
                            checked_on=dt.date(2025, 6, 10), outcome="clear")
    with pytest.raises(SpotCheckError, match="at least one finding"):
        plans.record_result(engine=engine, user=staff["admin"], plan_id="2025-1", credit_code=first,
                            checked_on=dt.date(2025, 6, 10), outcome="found")
    plans.record_result(engine=engine, user=staff["admin"], plan_id="2025-1", credit_code=first,
                        checked_on=dt.date(2025, 6, 10), outcome="found",
                        findings=[{"clause": "2.1", "date": dt.date(2025, 6, 10), "agency_name": "某安全咨询公司",
                                   "description": "员工姓名不应公开"}])
    plans.record_result(engine=engine, user=staff["admin"], plan_id="2025-1", credit_code=second,
                        checked_on=dt.date(2025, 6, 11), outcome="clear")
    with pytest.raises(SpotCheckError, match="already"):
        plans.record_result(engine=engine, user=staff["admin"], plan_id="2025-1", credit_code=second,
                            checked_on=dt.date(2025, 6, 11), outcome="clear")
    with Session(engine) as session:
        stored = session.exec(select(Finding)).one()
    assert (stored.clause, stored.assessor, stored.recorded_by) == ("2.1", "bureau", "admin")
    rows = {r["credit_code"]: r for r in reads.public_plans(engine)[0]["drawn"]["rows"]}
    assert (rows[first]["outcome"], rows[first]["clauses"], rows[second]["outcome"]) == ("found", [], "clear")
    assert "员工姓名" not in json.dumps(reads.public_plans(engine), default=str)
    with Session(engine) as session:  # the year is published (a bare version row is enough for this read)
        session.add(Publication(year=2025, version=1, rulebook="jiangyin-2020", published_by="t", digest="0" * 64))
        session.commit()
    rows = {r["credit_code"]: r for r in reads.public_plans(engine)[0]["drawn"]["rows"]}
    assert rows[first]["clauses"] == ["2.1"]


def test_the_population_on_a_day_is_the_agencies_with_a_contract_running_then_in_their_main_town(engine):
    contracts = [  # (agency, town, start, end)
        (1, "青阳镇", "2025-01-01", "2025-12-31"), (1, "璜土镇", "2025-03-01", "2026-02-28"),
        (1, "璜土镇", "2024-06-01", "2025-05-31"),  # two of agency 1's three contracts on the day are in 璜土镇
        (2, "青阳镇", "2025-06-01", "2025-12-31"),  # starts after the day
        (3, "周庄镇", "2024-01-01", "2025-05-01"),  # ends on the day: still running
    ]
    with Session(engine) as session:
        upload = Upload(file_name="contracts.csv", sha256="a" * 64, kind="contracts", uploaded_by="t")
        session.add(upload)
        session.flush()
        for row, (agency, town, start, end) in enumerate(contracts, 2):
            session.add(ContractRecord(upload_id=upload.id, row=row, credit_code=credit_code(agency),
                                       client_code=credit_code(50 + row), client_name="某企业", town=town,
                                       contract_no=f"HT{row}", signed_on=dt.date(2024, 1, 1),
                                       start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
                                       visits_per_year=4))
        session.commit()
    assert plans.population_on(engine, dt.date(2025, 5, 1)) == [(credit_code(1), "璜土镇"), (credit_code(3), "周庄镇")]


def test_db_check_names_a_dropped_spot_check_guard(engine):
    from db.documents.check import check_store

    assert check_store(engine=engine) == []
    postgres = engine.dialect.name == "postgresql"
    name = "spotcheckdraw_immutable" if postgres else "spotcheckdraw_no_update"
    with engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER {name}" + (" ON spotcheckdraw" if postgres else "")))
    found = check_store(engine=engine)
    assert len(found) == 1 and name in found[0].message_en
