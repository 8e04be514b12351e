"""The demo data set: deterministic, realistic, every grade, published through the real paths, seeded once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session
from stdnum.cn import ric, uscc

from core.service_records import RECORD_KINDS
from core.towns import default_towns
from db.accounts.actor import Actor
from db.demo.seed import CORRECTION_REASON, seed_demo
from db.store.engine import make_engine
from db.store.migrate import upgrade
from db.store.models import (
    Agency,
    Finding,
    InspectionCheck,
    Interview,
    Practitioner,
    Publication,
    PublishedPractitioner,
    PublishedRating,
    Referral,
    SpotCheckResult,
    Upload,
)
from tests.db.publishing import count


def versions(engine) -> list[tuple]:
    with Session(engine) as session:
        return [tuple(r) for r in session.execute(
            select(Publication.year, Publication.version, Publication.digest, Publication.previous_digest,
                   Publication.demo, Publication.reason).order_by(Publication.year, Publication.version))]


def test_seed_demo_gives_identical_digests_on_two_fresh_databases(engine, tmp_path):
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    published = seed_demo(engine=engine)
    seed_demo(engine=other)
    assert versions(engine) == versions(other)
    assert [(p.year, p.version) for p in published] == [(2023, 1), (2024, 1), (2024, 2), (2025, 1)]
    other.dispose()


def test_seed_demo_publishes_every_grade_each_year_marked_demo_with_a_2024_correction(engine):
    seed_demo(engine=engine)
    rows = versions(engine)
    assert all(demo for *_, demo, _ in rows)
    (y23, *_), v2024_1, v2024_2, _v2025 = rows
    assert v2024_2[1] == 2 and v2024_2[3] == v2024_1[2] and v2024_2[5] == CORRECTION_REASON
    with Session(engine) as session:
        latest = {y: session.execute(select(func.max(Publication.id)).where(Publication.year == y)).scalar_one()
                  for y in (2023, 2024, 2025)}
        for year, pid in latest.items():
            ratings = session.execute(select(PublishedRating).where(PublishedRating.publication_id == pid)).scalars().all()
            assert {r.grade for r in ratings} == {"A", "B", "C", "BLACKLIST"}, year
            black = [r for r in ratings if r.grade == "BLACKLIST"]
            assert any(r.blacklist_clauses for r in black) and any(not r.blacklist_clauses for r in black), year
            assert {r.total for r in ratings} >= {90, 80}, year  # the lower bounds are inclusive and shown
        grades = {v: dict(session.execute(select(PublishedRating.credit_code, PublishedRating.grade)
                                          .join(Publication).where(Publication.year == 2024, Publication.version == v)
                                          ).all()) for v in (1, 2)}
        listed = session.execute(select(PublishedPractitioner)).scalars().all()
        codes = session.execute(select(Agency.credit_code, Agency.name)).all()
        people = session.execute(select(Practitioner)).scalars().all()
        towns = {a for (a,) in session.execute(select(Finding.assessor).distinct())}
        interviews = session.execute(select(Interview)).scalars().all()
    assert [(c, g, grades[2][c]) for c, g in grades[1].items() if grades[2][c] != g][0][1:] == ("A", "B")
    assert listed and all(p.clause.startswith("1.") for p in listed)  # a practitioner named in a 1.x finding
    assert 38 <= len(codes) <= 42 and all(uscc.is_valid(c) for c, _ in codes)
    assert all(c[2:8] in ("320281", "320211", "320213", "320214") for c, _ in codes)
    assert all(n.endswith("有限公司") and (n.startswith("江阴") or n.startswith("无锡") or n.startswith("江苏"))
               for _, n in codes)
    assert {p.specialty for p in people} == {"机械", "电气", "化工", "消防"}
    assert all(ric.is_valid(p.id_number) and p.certificate_no.startswith("DEMO-") for p in people)
    assert towns - {"bureau"} <= set(default_towns().names) and len(towns) > 8
    assert len(interviews) >= 3


def test_seed_demo_goes_through_the_import_path(engine):
    seed_demo(engine=engine)
    with Session(engine) as session:
        uploads = session.execute(select(Upload.kind, Upload.uploaded_by)).all()
        # Findings outside an upload: the demo spot-check's, a town's from an inspection and the bureau's from a confirmed
        # referral (一企双查), each made through the staff finding path as a clerk would.
        orphan = set(session.execute(select(Finding.id).where(Finding.upload_id.is_(None))).scalars())
        spot_checked = {int(i) for ids in session.execute(select(SpotCheckResult.finding_ids)).scalars()
                        for i in ids.split(";") if i}
        made = {*session.execute(select(InspectionCheck.finding_id)).scalars(),
                *session.execute(select(Referral.finding_id)).scalars()} - {None}
        assert len(spot_checked) == 1 and len(made) == 3 and orphan == made | spot_checked
        states = set(session.execute(select(Referral.state)).scalars())
        assert states == {"referred", "confirmed", "dismissed"}
    # Findings and rosters for the ratings, then one file of each kind of service record; all by "demo".
    assert sorted(k for k, _ in uploads) == sorted(["findings"] * 4 + ["roster"] * 3 + list(RECORD_KINDS))
    assert {by for _, by in uploads} == {"demo"}


def test_seed_demo_does_nothing_when_agencies_exist(engine):
    seed_demo(engine=engine)
    before = [count(engine, m) for m in (Agency, Finding, Practitioner, Publication, Upload)]
    assert seed_demo(engine=engine) == []
    assert [count(engine, m) for m in (Agency, Finding, Practitioner, Publication, Upload)] == before


def _readme_demo_accounts() -> list[tuple[str, str]]:
    """The agency accounts docs/operations.md tells an operator to make on the demo: (username, credit code)."""
    import re
    from pathlib import Path

    operations = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    return re.findall(r"python -m db create-user (\S+) --role agency --credit-code (\w{18})", operations)


def test_the_demo_makes_no_account_and_the_readme_s_demo_agency_accounts_can_be_made(engine):
    from db.accounts.users import authenticate, create_user
    from db.store.models import RegistryRecord, User

    seed_demo(engine=engine)
    assert count(engine, User) == 0  # no demo password anywhere: accounts are made on the server
    accounts = [a for a in _readme_demo_accounts() if a[0].startswith("demo-")]
    assert len(accounts) >= 3
    with Session(engine) as session:
        filed = set(session.execute(select(RegistryRecord.credit_code)).scalars())
    for username, code in accounts:
        assert code in filed  # a demo agency with service records to see on its portal
        create_user(engine=engine, username=username, password="a demo password 123", role="agency",
                    credit_code=code, by=Actor.operator("cli"))
        assert authenticate(engine=engine, username=username, password="a demo password 123")
