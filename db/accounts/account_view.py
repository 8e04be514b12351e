"""What the app may hold of an account: the plain dict pages and sessions carry, never the password hash."""

from __future__ import annotations

from typing import Any

from db.store.models import User


def public(row: User) -> dict[str, Any]:
    """The account as a plain dict for the session and pages: never the hash."""
    return {
        "id": row.id, "username": row.username, "display_name": row.display_name or row.username,
        "role": row.role, "town": row.town, "credit_code": row.credit_code, "active": row.active,
    }
