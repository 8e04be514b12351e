"""The audit log as bureau admins read it: filters, the CSV download, and who may read it."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from db.accounts.audit_log import audit_csv, audit_entries, audit_facets
from db.accounts.roles import AccessDenied
from db.store.engine import transaction
from db.store.models import AuditEntry
from tests.builders import make_staff

pytestmark = pytest.mark.usefixtures("fast_argon2")


def _add(engine, at: dt.datetime, actor: str, action: str, detail: str = "") -> None:
    with transaction(engine) as s:
        s.add(AuditEntry(at=at, actor=actor, action=action, detail=detail))


@pytest.fixture
def staff(engine):
    accounts = make_staff(engine)
    # 2025-03-01 23:30 in Jiangyin is 15:30 UTC; 2025-03-02 00:30 in Jiangyin is 2025-03-01 16:30 UTC.
    _add(engine, dt.datetime(2025, 3, 1, 15, 30, tzinfo=dt.UTC), "staff", "upload", "=HYPERLINK(\"x\")")
    _add(engine, dt.datetime(2025, 3, 1, 16, 30, tzinfo=dt.UTC), "admin", "publish", "2025 v1")
    _add(engine, dt.datetime(2025, 3, 5, 1, 0, tzinfo=dt.UTC), "town", "finding")
    return accounts


def test_the_log_filters_by_actor_action_and_local_day(engine, staff):
    admin = staff["admin"]
    assert audit_entries(engine=engine, user=admin, actor="staff")["action"].tolist() == ["upload"]
    assert audit_entries(engine=engine, user=admin, action="publish")["actor"].tolist() == ["admin"]
    day = audit_entries(engine=engine, user=admin, since=dt.date(2025, 3, 2), until=dt.date(2025, 3, 2))
    assert day["action"].tolist() == ["publish"]
    span = audit_entries(engine=engine, user=admin, since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 5))
    assert span["action"].tolist() == ["finding", "publish", "upload"]  # newest first
    facets = audit_facets(engine=engine, user=admin)
    assert {"upload", "publish", "finding", "user_create"} <= set(facets["action"])


@pytest.mark.parametrize("who", ["staff", "town"])
def test_only_bureau_admins_read_the_log(engine, staff, who):
    with pytest.raises(AccessDenied):
        audit_entries(engine=engine, user=staff[who])
    with pytest.raises(AccessDenied):
        audit_facets(engine=engine, user=staff[who])


def test_the_csv_download_opens_in_excel_and_defuses_formulas(engine, staff):
    content = audit_csv(audit_entries(engine=engine, user=staff["admin"], actor="staff"))
    assert content.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str)
    assert back.loc[0, "detail"] == "'=HYPERLINK(\"x\")"
