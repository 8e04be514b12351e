"""The bureau's expert pool for spot-checks: who may be drawn into a team, and the agencies each may not check.

Name and employer are staff-only; the code (E01…), the field and the conflicts go into every plan that lists the
expert (the draw needs them and anyone re-running it must see them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.errors import CreditBoardError
from core.values import is_valid_credit_code, normalize_credit_code
from db.accounts import audit
from db.accounts.actor import Actor, actor_name
from db.store.engine import transaction
from db.store.models import Expert
from db.store.text import checked_text, column_length

ACTION = "spot_check"  # db/accounts/roles.py PERMISSIONS: bureau admins
EXPERT_COLUMNS = ("code", "name", "field", "employer", "conflicts", "active")


class SpotCheckError(CreditBoardError):
    """A spot-check plan, draw, expert or result refused for its content; bilingual and safe to show."""


def parse_conflicts(text: str | list[str]) -> list[str]:
    """Credit codes from a list or text separated by ; , spaces or new lines; each must be a valid code."""
    parts = text if isinstance(text, list) else text.replace(",", ";").replace("，", ";").replace("；", ";").split()
    codes = []
    for part in (p for chunk in parts for p in chunk.split(";")):
        code = normalize_credit_code(part)
        if not code:
            continue
        if not is_valid_credit_code(code):
            raise SpotCheckError(f"利害关系机构的统一社会信用代码无效（{part}）", f"invalid credit code in the conflicts ({part})")
        if code not in codes:
            codes.append(code)
    return sorted(codes)


def add_expert(*, engine: Engine, user: Actor, code: str, name: str, field: str, employer: str = "",
               conflicts: str | list[str] = "") -> dict[str, Any]:
    """Add one expert to the pool (one transaction, audited); the code must be new and carry no `|`."""
    code = checked_text(code, field=("专家编号", "expert code"), limit=column_length(Expert.code), error=SpotCheckError)
    if "|" in code or any(not ch.isprintable() for ch in code):
        raise SpotCheckError("专家编号不能含“|”或控制字符", "the expert code may not hold '|' or control characters")
    row = Expert(
        code=code,
        name=checked_text(name, field=("姓名", "name"), limit=column_length(Expert.name), error=SpotCheckError),
        field=checked_text(field, field=("专业领域", "field"), limit=column_length(Expert.field), error=SpotCheckError),
        employer=checked_text(employer, field=("工作单位", "employer"), required=False,
                              limit=column_length(Expert.employer), error=SpotCheckError),
        conflicts=";".join(parse_conflicts(conflicts)), created_by="",
    )
    if "|" in row.field:
        raise SpotCheckError("专业领域不能含“|”", "the field may not hold '|'")
    with transaction(engine) as session:
        row.created_by = actor_name(session, user, ACTION)
        if session.exec(select(Expert).where(Expert.code == code)).first() is not None:
            raise SpotCheckError(f"专家编号已存在（{code}）", f"the expert code exists ({code})")
        session.add(row)
        session.flush()
        stored = _as_dict(row)
        # The audit log is admin-only, like the pool: the expert's name may be in it.
        audit.record(session, actor=row.created_by, action="expert", entity="expert", entity_id=row.id, after=stored)
        return stored


def experts(engine: Engine, *, active_only: bool = False) -> list[dict[str, Any]]:
    """The pool as staff see it (names and employers included: staff pages only), by code."""
    with Session(engine) as session:
        query = select(Expert).order_by(Expert.code)
        if active_only:
            query = query.where(Expert.active)
        return [_as_dict(e) for e in session.exec(query)]


def _as_dict(row: Expert) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "field": row.field, "employer": row.employer,
            "conflicts": row.conflicts.split(";") if row.conflicts else [], "active": row.active}
