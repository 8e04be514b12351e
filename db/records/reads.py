"""Reading the stored service records back as typed frames, the way core.service_records types a file."""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd
from sqlalchemy import String, cast, select
from sqlalchemy.engine import Connection, Engine

from core.service_records import DATE_KEYS
from db.store.models import (
    ChangeRecord,
    ContractRecord,
    PractitionerRecord,
    RegistryRecord,
    ReportRecord,
    VisitRecord,
)

RECORD_MODELS = {
    "registry": RegistryRecord, "practitioners": PractitionerRecord, "changes": ChangeRecord,
    "contracts": ContractRecord, "visits": VisitRecord, "reports": ReportRecord,
}


DAY_KEYS = (*DATE_KEYS, "month")


def connection_for(bind: Engine | Connection):
    """`with connection_for(bind) as conn`: a new connection for an Engine, the caller's own for a Connection."""
    return bind.connect() if isinstance(bind, Engine) else nullcontext(bind)


def load_records(bind: Engine | Connection, kind: str, credit_code: str | None = None,
                 ids: tuple[int, int] | None = None) -> pd.DataFrame:
    """Every stored row of `kind` (only `credit_code`'s when given; only ids in (low, high] when `ids`), typed as
    read_records types a file (dates datetime64[ns], NaT for blank), with upload_id and row; practitioners carry
    id_hash and id_last4 where a file has id_number."""
    table = RECORD_MODELS[kind].__table__
    names = [c.name for c in table.columns if c.name != "id"]
    # Days come back as ISO text, parsed by pandas in one pass: a date object per value costs seconds at 1.2 million
    # visits (SQLite's driver makes them one by one in Python).
    columns = [cast(table.c[n], String).label(n) if n in DAY_KEYS else table.c[n] for n in names]
    query = select(*columns).order_by(table.c.id)
    if credit_code is not None:
        query = query.where(table.c.credit_code == credit_code)
    if ids is not None:
        query = query.where(table.c.id > ids[0], table.c.id <= ids[1])
    with connection_for(bind) as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=names)
    for name in names:
        if name in DAY_KEYS:
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d").astype("datetime64[ns]")
        elif name in ("upload_id", "row", "hazards", "visits_per_year"):
            frame[name] = frame[name].astype("int64")
        elif name == "written_advice":
            frame[name] = frame[name].astype(bool)
    return frame
