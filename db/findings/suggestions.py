"""The suggestions queue: the compliance watch run over the stored service records, and people deciding each one.

A suggestion (core.watch) is never a deduction by itself. A person confirms it — it becomes a finding through the
same checks and placement as the staff form (db.findings.recording.add_finding), in the transaction that stores the
decided Suggestion row — or dismisses it with a reason. Only decided suggestions are stored; open ones are
recomputed from the records (a late report filed meanwhile makes one vanish), and a decided key is never offered
again. town_staff see and decide the suggestions assessed by their own town; bureau roles see all of them and decide
the bureau's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import CreditBoardError
from core.rulebook import Rulebook, load_rulebook
from core.service_records import KIND_LABELS, RECORD_KINDS, ServiceRecords
from core.watch import WATCH_COLUMNS, judge, source_refs
from db.accounts import audit
from db.accounts.actor import Actor, acting_user, require_actor
from db.accounts.roles import AccessDenied, own_town
from db.findings.live import is_live
from db.findings.recording import RecordError, add_finding, own_unit, period_for
from db.records.cache import record_tables
from db.records.reads import RECORD_MODELS, load_records
from db.store.engine import transaction, write_lock
from db.store.models import Finding, Suggestion, Upload
from db.store.text import TEXT_LIMIT, checked_text

ACTION = "work_suggestions"
# What the queue adds to each watch row: the period and rating year a confirmed finding would get (by the one
# placement rule), or why it cannot be placed (then it cannot be confirmed).
QUEUE_COLUMNS = (*WATCH_COLUMNS, "period", "rating_year", "refusal_zh", "refusal_en")
# A stored run holds the suggestions and, marked by `missing_year` (blank on a suggestion), what waits for a working-
# day calendar year nobody added yet: never offered for a decision, counted in the queue's banner.
RUN_COLUMNS = (*QUEUE_COLUMNS, "missing_year")
DECIDED_COLUMNS = ("key", "year", "credit_code", "agency_name", "clause", "date", "assessor", "rule", "evidence",
                   "status", "reason", "finding_id", "decided_by", "decided_at")
DECIDED_LIST_COLUMNS = (*DECIDED_COLUMNS, "finding_withdrawn")
# The files each rule reads, for the evidence rows shown beside a suggestion (core.watch's rules): each kind is shown,
# with the rows of it the suggestion names (none when it names none).
RULE_KINDS: dict[str, tuple[str, ...]] = {
    "served_before_filing": ("visits", "registry"), "no_commitment": ("registry",),
    "visit_without_contract": ("visits", "contracts"), "late_report": ("reports", "visits"),
    "late_change": ("changes", "practitioners"), "too_few_visits": ("contracts", "visits"),
    "shared_practitioner": ("practitioners",), "no_written_advice": ("visits",),
}
AUDIT_ACTIONS = {"confirmed": "suggestion_confirm", "dismissed": "suggestion_dismiss"}
EVIDENCE_ROWS_LIMIT = 200  # rows of one kind shown for one suggestion


class SuggestionError(CreditBoardError):
    """A decision refused (already decided, no reason, cannot be placed); bilingual and safe to show."""


ALREADY_DECIDED = ("该建议已由他人处理（确认或驳回），请刷新页面", "this suggestion has already been decided (confirmed or "
                   "dismissed) by someone: reload the page")


# --- the watch over the stored records ------------------------------------------------------------------------


def records_fingerprint(bind: Engine | Connection) -> tuple[int, ...]:
    """Changes whenever stored service records change: the highest id of each of the six tables (RECORD_KINDS
    order), then the newest upload's id and the number of uploads. Rows are only ever added, by an upload, so these
    say it; each is one primary-key lookup, cheap at a million rows (a row count is not: it reads the table)."""
    with _connect(bind) as conn:
        out = [int(conn.execute(select(func.max(RECORD_MODELS[kind].__table__.c.id))).scalar() or 0)
               for kind in RECORD_KINDS]
        uploads = Upload.__table__
        top, count = conn.execute(select(func.max(uploads.c.id), func.count())).one()
    return (*out, int(top or 0), int(count))


def stored_records(bind: Engine | Connection, tables: Mapping[str, pd.DataFrame] | None = None) -> ServiceRecords:
    """The six stored kinds as the watch reads files (`tables` as load_records gives them, if already loaded). A
    stored practitioner has no ID number, only its keyed hash and last four: `id_number` = hash + last four, so equal
    people stay equal and the evidence's 尾号 is the real one."""
    tables = dict(tables) if tables is not None else {kind: load_records(bind, kind) for kind in RECORD_KINDS}
    people = tables["practitioners"]
    tables["practitioners"] = people.assign(id_number=people["id_hash"] + people["id_last4"])
    return ServiceRecords(tables)


def run_watch(*, engine: Engine, year: int, as_of: dt.date, rulebook: Rulebook | None = None) -> pd.DataFrame:
    """Every suggestion of `year` as known on `as_of` over the stored records, decided or not, then what waits for a
    missing calendar year (RUN_COLUMNS; split_waiting parts them); the expensive part of the queue, so it runs after
    imports and is stored (db.findings.watch_runs), never while a clerk waits. The record tables stay loaded in this
    process (db.records.cache): a rerun after a filing reads only the new rows. The watch reads only what was
    filed and happened by `as_of` (core.watch.known_records), as on the command line."""
    rulebook = rulebook or load_rulebook()
    records = stored_records(engine, record_tables(engine))
    result = judge(records, year=year, as_of=as_of, rulebook=rulebook)
    found = with_placement(result.suggestions, year=year, rulebook=rulebook)
    waiting = with_placement(result.waiting[list(WATCH_COLUMNS)], year=year, rulebook=rulebook)
    found["missing_year"] = pd.Series(pd.NA, index=found.index, dtype="Int64")
    waiting["missing_year"] = result.waiting["missing_year"].astype("Int64").to_numpy()
    return _concat_nonempty(found, waiting)[list(RUN_COLUMNS)]


def _concat_nonempty(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    # An empty frame left out, so it never decides the dtypes of the other's columns.
    return first if second.empty else second if first.empty else pd.concat([first, second], ignore_index=True)


def split_waiting(run: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stored run's rows as (suggestions, what waits for a missing calendar year); a run stored before runs kept
    what waits has none."""
    if "missing_year" not in run:
        return run, run.iloc[:0].assign(missing_year=pd.Series(dtype="Int64"))
    waits = run["missing_year"].notna().to_numpy()
    return run[~waits].drop(columns="missing_year").reset_index(drop=True), run[waits].reset_index(drop=True)


def with_placement(found: pd.DataFrame, *, year: int, rulebook: Rulebook) -> pd.DataFrame:
    """The watch rows with the period and rating year each would be confirmed into, or the placement's refusal;
    one placement per distinct (assessor, date), not per row."""
    placed: dict[tuple[str, str], tuple[str, int | None, str, str]] = {}
    for assessor, day in set(zip(found["assessor"], found["date"], strict=True)):
        try:
            period, rating_year = period_for(assessor=assessor, date=dt.date.fromisoformat(day), year=year,
                                             rulebook=rulebook)
            placed[(assessor, day)] = (period, rating_year, "", "")
        except RecordError as exc:
            placed[(assessor, day)] = ("", None, exc.message_zh, exc.message_en)
    parts = [placed[pair] for pair in zip(found["assessor"], found["date"], strict=True)]
    out = found.copy()
    for i, name in enumerate(("period", "rating_year", "refusal_zh", "refusal_en")):
        out[name] = pd.Series([p[i] for p in parts], index=found.index, dtype="Int64" if i == 1 else object)
    return out[list(QUEUE_COLUMNS)]


# --- what a user sees ------------------------------------------------------------------------------------------


def decided_keys(*, engine: Engine, year: int) -> set[str]:
    """The keys of `year`'s decided suggestions (one indexed query)."""
    with engine.connect() as conn:
        return set(conn.execute(select(Suggestion.__table__.c.key).where(Suggestion.__table__.c.year == year))
                   .scalars())


def open_suggestions(*, engine: Engine, user: Actor, suggestions: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of run_watch's `suggestions` for `year` that nobody decided yet and that `user` may see (a town's
    own for town_staff, re-read from the database): QUEUE_COLUMNS. Staff with the queue's right only. What waits for a
    missing calendar year is never open (waiting_counts counts it)."""
    with Session(engine) as session:
        town = own_town(acting_user(session, user, ACTION))
    decided = decided_keys(engine=engine, year=year)
    suggestions = split_waiting(suggestions)[0]
    shown = suggestions[~suggestions["key"].isin(decided)]
    if town:
        shown = shown[shown["assessor"] == town]
    return shown.reset_index(drop=True)


def waiting_counts(*, engine: Engine, user: Actor, suggestions: pd.DataFrame) -> dict[int, int]:
    """Each calendar year missing → how many of the items `user` may see wait for it (a town's own for
    town_staff), from a stored run's rows."""
    with Session(engine) as session:
        town = own_town(acting_user(session, user, ACTION))
    waiting = split_waiting(suggestions)[1]
    if town:
        waiting = waiting[waiting["assessor"] == town]
    return {int(y): int(n) for y, n in waiting["missing_year"].value_counts().sort_index().items()}


def decided_suggestions(*, engine: Engine, user: Actor, year: int) -> pd.DataFrame:
    """`year`'s decided suggestions `user` may see, newest first: DECIDED_LIST_COLUMNS (`finding_withdrawn`: the
    finding a confirmation made was withdrawn since, so it no longer counts)."""
    table = Suggestion.__table__
    with Session(engine) as session:
        town = own_town(acting_user(session, user, ACTION))
        withdrawn = and_(Finding.id.is_not(None), not_(is_live())).label("finding_withdrawn")
        query = (select(*(table.c[c] for c in DECIDED_COLUMNS), withdrawn)
                 .outerjoin(Finding, Finding.id == table.c.finding_id).where(table.c.year == year))
        if town:
            query = query.where(table.c.assessor == town)
        rows = session.execute(query.order_by(table.c.decided_at.desc(), table.c.id.desc())).all()
    frame = pd.DataFrame(rows, columns=list(DECIDED_LIST_COLUMNS))
    frame["finding_withdrawn"] = frame["finding_withdrawn"].fillna(False).astype(bool)
    return frame


def evidence_rows(*, engine: Engine, user: Actor, suggestion: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The stored rows a suggestion rests on, kind by kind (RULE_KINDS of its rule, then any other kind it names),
    with the file each came from: exactly the rows of its `sources` (core.watch: upload and row of each), never the
    agency's other rows — a late month shows that month's first report only, none when it was never filed. A run
    stored before suggestions carried `sources` falls back to the rows its evidence text names, in the agency's
    files. At most EVIDENCE_ROWS_LIMIT a kind. ID numbers stay hidden (last four only)."""
    with Session(engine) as session:
        town = own_town(acting_user(session, user, ACTION))
    if town and suggestion["assessor"] != town:
        raise _not_yours(town)
    sources = suggestion.get("sources")
    named = source_refs(sources) if isinstance(sources, str) else None
    kinds = list(dict.fromkeys([*RULE_KINDS.get(suggestion["rule"], ()), *(named or {})]))
    out: dict[str, pd.DataFrame] = {}
    uploads = Upload.__table__
    for kind in kinds:
        table = RECORD_MODELS[kind].__table__
        columns = [c for c in table.columns if c.name not in ("id", "upload_id", "row", "id_hash", "credit_code")]
        query = select(uploads.c.file_name, table.c.row, *columns).join(uploads, uploads.c.id == table.c.upload_id)
        where = _named_where(table, kind, named, suggestion)
        found = []
        if where is not None:
            with engine.connect() as conn:
                found = conn.execute(query.where(where).order_by(table.c.upload_id, table.c.row)
                                     .limit(EVIDENCE_ROWS_LIMIT)).all()
        out[kind] = pd.DataFrame(found, columns=["file_name", "row", *(c.name for c in columns)])
    return out


def _named_where(table: Any, kind: str, named: dict[str, list[tuple[int, int]]] | None,
                 suggestion: Mapping[str, Any]) -> Any:
    """The condition picking the rows of `kind` a suggestion names (None: it names none)."""
    if named is None:
        rows = _named_rows(str(suggestion["evidence"]), kind)
        return and_(table.c.credit_code == suggestion["credit_code"], table.c.row.in_(rows)) if rows else None
    by_upload: dict[int, list[int]] = {}
    for upload_id, row in named.get(kind, []):
        by_upload.setdefault(upload_id, []).append(row)
    if not by_upload:
        return None
    return or_(*(and_(table.c.upload_id == u, table.c.row.in_(rows)) for u, rows in by_upload.items()))


def _named_rows(evidence: str, kind: str) -> list[int]:
    """The row numbers the evidence names for `kind` (core.watch.row_list writes `服务合同第3、7行`)."""
    numbers: list[int] = []
    for match in re.finditer(re.escape(KIND_LABELS[kind]) + r"第([\d、]+)", evidence):
        numbers += [int(n) for n in match.group(1).split("、") if n]
    return sorted(set(numbers))


# --- deciding ----------------------------------------------------------------------------------------------------


def confirm_suggestion(*, engine: Engine, user: Actor, suggestion: Mapping[str, Any], year: int,
                       rulebook: Rulebook | None = None) -> dict[str, Any]:
    """Make a suggestion a finding: clause, date and assessor from it, period and rating year by the placement rule
    (year = the watched year), in one transaction with its Suggestion row (status confirmed, finding_id) and both
    audit entries. `suggestion` is a row of run_watch computed on the server, never fields sent by a browser.

    Refused (SuggestionError / RecordError / AccessDenied, nothing written) when it was decided already — also by a
    second clerk at the same moment: the unique key lets exactly one through — when it cannot be placed, or when
    the user may not record for its assessor."""
    require_actor(user, ACTION)
    try:
        with transaction(engine) as session:
            write_lock(session)
            row_user = acting_user(session, user, ACTION)
            _check_open(session, suggestion["key"])
            finding = add_finding(
                session, row_user, credit_code=suggestion["credit_code"], agency_name=suggestion["agency_name"],
                clause=suggestion["clause"], date=dt.date.fromisoformat(str(suggestion["date"])),
                assessor=suggestion["assessor"], year=year, rulebook=rulebook,
                description=_fitted(f"合规监测建议（{suggestion['key']}）：{suggestion['evidence']}"),
            )
            return _decide(session, row_user.username, suggestion, year, "confirmed", "", finding["id"])
    except IntegrityError:
        raise SuggestionError(*ALREADY_DECIDED) from None


def dismiss_suggestion(*, engine: Engine, user: Actor, suggestion: Mapping[str, Any], year: int,
                       reason: str) -> dict[str, Any]:
    """Dismiss a suggestion with a required reason (db.store.text.checked_text), audited; a rerun
    never offers it again. Who may dismiss it is who may confirm it (the unit that assesses it)."""
    require_actor(user, ACTION)
    reason = checked_text(reason, field=("驳回理由", "reason for the dismissal"), error=SuggestionError)
    try:
        with transaction(engine) as session:
            write_lock(session)
            row_user = acting_user(session, user, ACTION)
            own_unit(session, row_user, suggestion["assessor"])
            _check_open(session, suggestion["key"])
            return _decide(session, row_user.username, suggestion, year, "dismissed", reason, None)
    except IntegrityError:
        raise SuggestionError(*ALREADY_DECIDED) from None


def _check_open(session: Session, key: str) -> None:
    # The common case of a second click, answered before any write; the unique key still decides a true race.
    if session.execute(select(Suggestion.__table__.c.id).where(Suggestion.__table__.c.key == key)).first():
        raise SuggestionError(*ALREADY_DECIDED)


def _decide(session: Session, by: str, suggestion: Mapping[str, Any], year: int, status: str, reason: str,
            finding_id: int | None) -> dict[str, Any]:
    """Store the decided Suggestion row and its audit entry; flushed, so a duplicate key fails here."""
    row = Suggestion(
        key=suggestion["key"], year=year, credit_code=suggestion["credit_code"],
        agency_name=str(suggestion["agency_name"])[:200], clause=suggestion["clause"],
        date=dt.date.fromisoformat(str(suggestion["date"])), assessor=suggestion["assessor"], rule=suggestion["rule"],
        evidence=_fitted(str(suggestion["evidence"])), status=status, reason=reason, finding_id=finding_id,
        decided_by=by,
    )
    session.add(row)
    session.flush()
    stored = {c: getattr(row, c) for c in DECIDED_COLUMNS}
    audit.record(session, actor=by, action=AUDIT_ACTIONS[status],
                 entity="suggestion", entity_id=row.id, before={"key": row.key, "status": "open"}, after=stored)
    return stored


def _not_yours(town: str) -> AccessDenied:
    return AccessDenied(f"只能查看本镇街园（{town}）的建议", f"you may see only the suggestions of {town}")


def _fitted(value: str) -> str:
    """Machine-written text (evidence, a finding's description) cut to its column, marked where it was cut."""
    return value if len(value) <= TEXT_LIMIT else value[:TEXT_LIMIT - 1] + "…"


def _connect(bind: Engine | Connection):
    return bind.connect() if isinstance(bind, Engine) else nullcontext(bind)


def has_records(fingerprint: tuple[int, ...]) -> bool:
    """True when a records_fingerprint says any service record is stored (a table's highest id is not 0)."""
    return any(fingerprint[:len(RECORD_KINDS)])


def matching(suggestions: pd.DataFrame, *, clause: str | None = None, search: str = "") -> pd.DataFrame:
    """The suggestions under `clause` (all when None) whose agency name or credit code contains `search`."""
    shown = suggestions if not clause else suggestions[suggestions["clause"] == clause]
    words = search.strip()
    if words:
        hit = (shown["agency_name"].str.contains(words, case=False, regex=False)
               | shown["credit_code"].str.contains(words.upper(), regex=False))
        shown = shown[hit]
    return shown
