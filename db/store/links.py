"""The published tables' links that PostgreSQL checks once per statement instead of per row (migration 0013).

A foreign key is checked row by row: for the 90,000 rows of a 10,000-agency publication that was about 1.1 s of a
3.3 s publish. On PostgreSQL these links are checked instead by a statement-level trigger over the inserted rows (one
anti-join per COPY). The guarantee is the same: a row names a publication (a score, a published rating) that exists,
and the referred rows can never be deleted or changed (their guard triggers; `python -m db check` reports a missing
one). SQLite keeps the foreign keys (its per-row check is cheap there) — the models declare them for both.
"""

from __future__ import annotations

from typing import Any

# Foreign key (by its conventional name) → the table it is on.
STATEMENT_CHECKED_LINKS: dict[str, str] = {
    "fk_publishedrating_publication_id_publication": "publishedrating",
    "fk_publishedcharge_publication_id_publication": "publishedcharge",
    "fk_publishedscore_publication_id_publishedrating": "publishedscore",
}


def include_object_for(dialect: str):
    """Alembic's `include_object` hook for comparing the models with a database of `dialect`: on PostgreSQL the
    statement-checked links are not foreign keys in the schema, by design, and are not reported as drift."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return not (dialect == "postgresql" and type_ == "foreign_key_constraint" and name in STATEMENT_CHECKED_LINKS)

    return include_object
