"""The site's one text catalogue: every label in Chinese and English under a namespaced key (`public.year`).

Each namespace is one data module (key → (中文, English)); dashboard.i18n.t is the one lookup. `common.*` holds the
words the public pages, the staff workspace and the agency portal share, so each pair is written once; `role.*` are
the account roles' names (db.accounts.roles, which the command line prints too); `clause.*` the names of the watch's
rules, each the clause a suggestion is drawn for; `audit_field.*` and `audit_term.*` the audit log's words.
"""

from __future__ import annotations

from dashboard.text import agency, common, public, staff
from db.accounts.roles import ROLES

NAMESPACES: dict[str, dict[str, tuple[str, str]]] = {
    "common": common.LABELS,
    "public": public.LABELS,
    "staff": staff.LABELS,
    "agency": agency.LABELS,
    "role": ROLES,
    "clause": staff.CLAUSE_RULES,
    "audit_field": staff.AUDIT_FIELDS,
    "audit_term": staff.AUDIT_TERMS,
}

CATALOGUE: dict[str, tuple[str, str]] = {
    f"{namespace}.{key}": pair for namespace, labels in NAMESPACES.items() for key, pair in labels.items()
}
