"""The towns as the database holds them (bureau admins edit them), in core's Towns shape for the reader."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.towns import Towns
from db.models import Town


def towns_from_db(conn: Connection) -> Towns | None:
    """The active towns with their aliases; None while the table is empty (then core's default list applies)."""
    rows = conn.execute(select(Town.name, Town.aliases).where(Town.active).order_by(Town.id)).all()
    if not rows:
        return None
    return Towns(
        names=tuple(name for name, _ in rows),
        aliases={name: tuple(a for a in aliases.split(";") if a) for name, aliases in rows},
    )
