"""The read side of the public site: published data only, as pandas DataFrames and plain dicts.

Nothing here reads the finding, practitioner-identity, interview or user tables' private columns: every
function starts from Publication and the Published* rows. "Current" means the latest
version of a year; corrections are earlier versions plus their reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from core.rulebook import Rulebook, clause_order, load_rulebook, published_rulebook
from core.text import fold, fold_all
from core.town_scores import town_scores, towns_served
from core.towns import assessor_kind, default_towns
from db.documents import rating_dates as dates
from db.documents.export import STORED_RATING_FIELDS, rating_fields
from db.documents.scores import with_scores
from db.documents.versions import (
    as_utc,
    current_publication,
    current_publications_stmt,
    current_versions,
    frame_of,
)
from db.publishing.listings import BY_CLAUSE, BY_SCORE, PRACTITIONER, WITHDRAWN, Ground, as_date, subjects_of
from db.records.reads import load_records
from db.store.models import (
    Listing,
    Publication,
    PublishedCharge,
    PublishedRating,
)

# A rating as the public sees it: rating_fields(buckets), a `<bucket>_score` for each bucket of the rulebook
# the publication was rated under (town_score, bureau_score for jiangyin-2020). These are the stored ones.
RATING_COLUMNS: tuple[str, ...] = STORED_RATING_FIELDS
CHARGE_COLUMNS: tuple[str, ...] = (
    "credit_code", "clause", "clause_text", "clause_gloss", "group", "assessor", "period", "date",
    "points_nominal", "points_charged", "blacklist",
)
# listed_on is 列入日期, the listing's date (the day the version that listed the subject was published);
# act_on is 行为日期, the date of the act (the earliest finding of that clause; none for a listing by score).
BLACKLIST_AGENCY_COLUMNS: tuple[str, ...] = (
    "credit_code", "agency_name", "year", "total", "listed_by", "clause", "clause_text", "clause_gloss",
    "department", "listed_on", "act_on",
)
BLACKLIST_PRACTITIONER_COLUMNS: tuple[str, ...] = (
    "practitioner", "credit_code", "agency_name", "year", "clause", "clause_text", "clause_gloss",
    "department", "listed_on", "act_on",
)


def published_years(engine: Engine) -> list[int]:
    """The years with at least one published version, newest first."""
    stmt = select(Publication.year).distinct().order_by(Publication.year.desc())
    with engine.connect() as conn:
        return [int(y) for y in conn.execute(stmt).scalars()]


def _rulebook_of(engine: Engine, publication_id: int) -> Rulebook:
    with engine.connect() as conn:
        name = conn.execute(select(Publication.rulebook).where(Publication.id == publication_id)).scalar_one()
    return load_rulebook(name)


def _with_scores(engine: Engine, frame: pd.DataFrame, head: Sequence[str] = (),
                 credit_codes: Sequence[str] | None = None) -> pd.DataFrame:
    """`frame` (with publication_id) as `head` + rating_fields: the bucket scores joined in, rulebook order."""
    with engine.connect() as conn:
        out, buckets = with_scores(conn, frame, credit_codes)
    return out[[*head, *rating_fields(buckets)]]


def ratings(engine: Engine, publication_id: int) -> pd.DataFrame:
    """One row per agency of a publication (rating_fields of its buckets), sorted by total descending then code."""
    cols = ("publication_id", *RATING_COLUMNS)
    stmt = (
        select(*[getattr(PublishedRating, c) for c in cols])
        .where(PublishedRating.publication_id == publication_id)
        .order_by(PublishedRating.total.desc(), PublishedRating.credit_code)
    )
    return _with_scores(engine, frame_of(engine, stmt, cols))


def rating_dates(engine: Engine, publication_id: int, credit_codes: Sequence[str] | None = None
                 ) -> dict[str, dt.date]:
    """credit_code → 评定日期: the day of the version that last changed the agency (db.documents.rating_dates)."""
    with engine.connect() as conn:
        return dates.rating_dates(conn, publication_id, credit_codes)


def _with_clause_text(frame: pd.DataFrame, rulebook: Rulebook) -> pd.DataFrame:
    """Add clause_text / clause_gloss / group from the rulebook (the one clause table)."""
    clauses = rulebook.clause_map
    frame["clause_text"] = frame["clause"].map(lambda c: clauses[c].text_zh if c in clauses else "")
    frame["clause_gloss"] = frame["clause"].map(lambda c: clauses[c].gloss_en if c in clauses else "")
    frame["group"] = frame["clause"].map(lambda c: clauses[c].group if c in clauses else "")
    return frame


def charges(engine: Engine, publication_id: int, credit_code: str | None = None) -> pd.DataFrame:
    """The public explanation of a publication (or one agency of it): what each finding cost. No descriptions."""
    base = ("credit_code", "clause", "assessor", "period", "date", "points_nominal", "points_charged", "blacklist")
    stmt = select(*[getattr(PublishedCharge, c) for c in base]).where(PublishedCharge.publication_id == publication_id)
    if credit_code is not None:
        stmt = stmt.where(PublishedCharge.credit_code == credit_code)
    stmt = stmt.order_by(PublishedCharge.credit_code, PublishedCharge.date, PublishedCharge.id)
    out = _with_clause_text(frame_of(engine, stmt, base), _rulebook_of(engine, publication_id))
    out["blacklist"] = out["blacklist"].astype(bool)
    return out[list(CHARGE_COLUMNS)]


def grade_counts(engine: Engine, publication_id: int) -> pd.DataFrame:
    """How many agencies got each grade of the publication's rulebook (zeros included), best grade first."""
    stmt = (
        select(PublishedRating.grade, func.count())
        .where(PublishedRating.publication_id == publication_id)
        .group_by(PublishedRating.grade)
    )
    with engine.connect() as conn:
        counts = dict(conn.execute(stmt).all())
    rulebook = _rulebook_of(engine, publication_id)
    return pd.DataFrame(
        [
            {"grade": g.key, "label_zh": g.label_zh, "label_en": g.label_en, "count": int(counts.get(g.key, 0))}
            for g in rulebook.grades
        ],
        columns=["grade", "label_zh", "label_en", "count"],
    )


def blacklist(engine: Engine, year: int) -> dict[str, pd.DataFrame]:
    """The blacklist of `year`'s current version: {"agencies": …, "practitioners": …}, as its listings say it
    (db.publishing.listings.subjects_of, the one derivation).

    Agencies listed by clause give one row per clause, with the departments that found it and 行为日期, the date
    of its earliest finding; agencies listed by score give one row, the bureau as department and no 行为日期.
    Practitioners give one row per finding that named them. Every row's 列入日期 is its listing's: the day the
    version that listed it was published — never the date of the act.
    """
    pub = current_publication(engine, year)
    if pub is None:
        return {"agencies": pd.DataFrame(columns=list(BLACKLIST_AGENCY_COLUMNS)),
                "practitioners": pd.DataFrame(columns=list(BLACKLIST_PRACTITIONER_COLUMNS))}
    rulebook = load_rulebook(pub["rulebook"])
    with engine.connect() as conn:
        subjects = list(subjects_of(conn, int(pub["id"]), rulebook).values())
    listed_on = _listing_dates(engine, year)
    by_score = Ground("", (), None)  # the one row of a listing by score: no clause, no 行为日期
    # A subject is an agency or a practitioner (compared with PRACTITIONER: AGENCY is also a role's name).
    agency_rows = [(s.credit_code, s.agency_name, s.total, s.basis_kind, g.clause,
                    s.department if s.basis_kind == BY_SCORE else g.department, listed_on.get(s.key), g.act_on)
                   for s in subjects if s.kind != PRACTITIONER for g in (s.grounds or (by_score,))]
    people_rows = [(s.practitioner, s.credit_code, s.agency_name, g.clause, g.department, listed_on.get(s.key),
                    g.act_on)
                   for s in subjects if s.kind == PRACTITIONER for g in s.grounds]
    agencies = pd.DataFrame.from_records(agency_rows, columns=[
        "credit_code", "agency_name", "total", "listed_by", "clause", "department", "listed_on", "act_on"])
    people = pd.DataFrame.from_records(people_rows, columns=[
        "practitioner", "credit_code", "agency_name", "clause", "department", "listed_on", "act_on"])
    for frame in (agencies, people):
        frame["act_on"] = frame["act_on"].astype(object)
        frame["year"] = year
    agencies = _with_clause_text(agencies, rulebook)
    # The page's own order: by score after by clause, then code, then clause in the rulebook's order ("1.10"
    # after "1.9", as the clause legend beneath the table lists them).
    agencies = agencies.sort_values(["listed_by", "credit_code", "clause"], kind="stable",
                                    key=lambda col: col.map(clause_order) if col.name == "clause" else col)
    agencies = agencies[list(BLACKLIST_AGENCY_COLUMNS)].reset_index(drop=True)
    people = _with_clause_text(people, rulebook)[list(BLACKLIST_PRACTITIONER_COLUMNS)]
    return {"agencies": agencies, "practitioners": people}


def _listing_dates(engine: Engine, year: int) -> dict[tuple[str, str, str], dt.date]:
    """列入日期 of each subject `year`'s current version lists: its listing's (one not withdrawn per subject)."""
    stmt = (select(Listing.subject_kind, Listing.credit_code, Listing.practitioner, Listing.listed_on)
            .where(Listing.year == year, Listing.status != WITHDRAWN))
    with engine.connect() as conn:
        return {(kind, code, name): as_date(on) for kind, code, name, on in conn.execute(stmt).all()}


def agency_index(engine: Engine) -> pd.DataFrame:
    """Every agency in any year's current version: credit_code, agency_name (latest year's), latest_year."""
    current = current_publications_stmt().subquery("current_ids")
    stmt = (
        select(PublishedRating.credit_code, PublishedRating.agency_name, PublishedRating.year)
        .where(PublishedRating.publication_id.in_(select(current.c.id)))
        .order_by(PublishedRating.credit_code, PublishedRating.year.desc())
    )
    rows = frame_of(engine, stmt, ("credit_code", "agency_name", "latest_year"))
    return rows.drop_duplicates("credit_code", keep="first").sort_values("agency_name", kind="stable").reset_index(drop=True)


def _profile_years(engine: Engine, credit_codes: Sequence[str]) -> pd.DataFrame:
    """The current-version rating rows of these agencies in every published year."""
    latest = current_versions()
    cols = ("publication_id", "version", "published_at", "demo", *RATING_COLUMNS)
    stmt = (
        select(PublishedRating.publication_id, Publication.version, Publication.published_at, Publication.demo,
               *[getattr(PublishedRating, c) for c in RATING_COLUMNS])
        .join(Publication, Publication.id == PublishedRating.publication_id)
        .join(latest, and_(Publication.year == latest.c.year, Publication.version == latest.c.version))
        .where(PublishedRating.credit_code.in_(list(credit_codes)))
        .order_by(PublishedRating.credit_code, PublishedRating.year)
    )
    out = _with_scores(engine, frame_of(engine, stmt, cols), cols[:4], credit_codes)
    out["published_at"] = as_utc(out["published_at"])
    out["demo"] = out["demo"].astype(bool)
    return out


def _charges_of(engine: Engine, years: pd.DataFrame, credit_codes: Sequence[str]) -> pd.DataFrame:
    """The charges of these agencies in the given current publications, with year and clause text."""
    cols = ("publication_id", "credit_code", "clause", "assessor", "period", "date", "points_nominal",
            "points_charged", "blacklist")
    if years.empty:
        return pd.DataFrame(columns=["year", *CHARGE_COLUMNS])
    stmt = (
        select(*[getattr(PublishedCharge, c) for c in cols])
        .where(PublishedCharge.publication_id.in_([int(i) for i in years["publication_id"].unique()]),
               PublishedCharge.credit_code.in_(list(credit_codes)))
        .order_by(PublishedCharge.credit_code, PublishedCharge.date, PublishedCharge.id)
    )
    out = frame_of(engine, stmt, cols)
    year_of = years.drop_duplicates("publication_id").set_index("publication_id")["year"]
    out["year"] = out["publication_id"].map(year_of)
    rulebook_of = _rulebook_names(engine, years["publication_id"].unique())
    parts = []
    for pub_id, part in out.groupby("publication_id", sort=False):
        parts.append(_with_clause_text(part.copy(), load_rulebook(rulebook_of[int(pub_id)])))
    out = pd.concat(parts, ignore_index=True) if parts else _with_clause_text(out, load_rulebook())
    out["blacklist"] = out["blacklist"].astype(bool)
    return out[["year", *CHARGE_COLUMNS]].sort_values(["credit_code", "year", "date"], kind="stable").reset_index(drop=True)


def _rulebook_names(engine: Engine, publication_ids: Iterable[int]) -> dict[int, str]:
    stmt = select(Publication.id, Publication.rulebook).where(Publication.id.in_([int(i) for i in publication_ids]))
    with engine.connect() as conn:
        return {int(i): name for i, name in conn.execute(stmt).all()}


def agency_profile(engine: Engine, credit_code: str) -> dict[str, Any] | None:
    """Everything the public may know of one agency, or None if no current publication lists it.

    {"credit_code", "agency_name" (as in its latest year), "years": one row per published year
    (current version: total, grade, parts, towns, version, published_at, rated_on, demo), "charges": the clause-level
    explanation of every year (clause, text, assessor, period, points charged; never descriptions),
    "towns": every town that assessed it}. Practitioners per specialty are the agency's service facts
    (core.service_facts.practitioners_by_specialty), read with its other facts (db.public.facts).
    """
    profile = agency_profiles(engine, [credit_code]).get(credit_code)
    if profile is not None:  # the town part under its reading: for the one profile page, not every edition page
        profile["town_parts"] = town_parts(engine, profile["years"], profile["charges"], credit_code)
    return profile


def agency_profiles(engine: Engine, credit_codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """`agency_profile` of each of these agencies (those a current publication lists), read in a few queries for
    all of them: the static edition writes a page per agency from this."""
    codes = list(dict.fromkeys(credit_codes))
    years = _profile_years(engine, codes)
    if years.empty:
        return {}
    # 评定日期 per year: a correction that did not change an agency leaves its date as it was.
    dates = {int(pid): rating_dates(engine, int(pid), codes) for pid in years["publication_id"].unique()}
    years["rated_on"] = [dates[int(pid)].get(code)
                         for pid, code in zip(years["publication_id"], years["credit_code"], strict=True)]
    charges = _charges_of(engine, years, codes)
    by_code = {code: part.reset_index(drop=True) for code, part in charges.groupby("credit_code", sort=False)}
    out = {}
    for code, part in years.groupby("credit_code", sort=False):
        part = part.reset_index(drop=True)
        out[str(code)] = {
            "credit_code": str(code),
            "agency_name": str(part.iloc[-1]["agency_name"]),
            "years": part,
            "charges": by_code.get(code, charges.iloc[0:0].reset_index(drop=True)),
            "towns": towns_in(part),
        }
    return out


def town_parts(engine: Engine, years: pd.DataFrame, charges: pd.DataFrame, credit_code: str) -> dict[int, dict[str, Any]]:
    """Per published year, the town part of the agency's score under the reading its version was rated with
    (docs/scoring.md, "An agency serving several towns"): {"reading", "weights", "label_zh", "label_en", "score",
    "towns": TOWN_SCORE_COLUMNS rows, [] when pooled}.

    Under `per_town` each town's own score comes from the published charges (a town's charges are what its own
    periods lost), and the towns served with their contracts from the stored contracts of the year — what the
    version was rated with, unless the agency's contracts of that year were changed since.
    """
    names = _rulebook_names(engine, years["publication_id"].unique())
    contracts = None
    out: dict[int, dict[str, Any]] = {}
    for row in years.itertuples():
        bucket = published_rulebook(names[int(row.publication_id)]).bucket_for("town")
        score = getattr(row, f"{bucket.key}_score", None)
        part = {"reading": bucket.towns, "weights": bucket.weights, "label_zh": bucket.label_zh,
                "label_en": bucket.label_en, "score": None if score is None else int(score), "towns": []}
        if bucket.per_town:
            if contracts is None:
                contracts = load_records(engine, "contracts", credit_code)
            mine = charges[(charges["year"] == row.year) & charges["assessor"].isin(_town_assessors(charges))]
            lost = (mine.groupby(["assessor", "period"], as_index=False)["points_charged"].sum()
                    .rename(columns={"assessor": "town", "points_charged": "lost"}).assign(credit_code=credit_code))
            rows, _ = town_scores(bucket, lost, towns_served(contracts, int(row.year)), pd.Index([credit_code]))
            part["towns"] = [{k: (int(v) if k in ("contracts", "weight", "score") else str(v)) for k, v in r.items()}
                             for r in rows.to_dict("records")]
        out[int(row.year)] = part
    return out


def _town_assessors(charges: pd.DataFrame) -> list[str]:
    """The towns among the assessors of `charges` (the bureau's findings are never in the towns' bucket)."""
    return [a for a in charges["assessor"].unique() if assessor_kind(a) == "town"]


def compare(engine: Engine, credit_codes: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Side-by-side data for 1–4 agencies (in the order given).

    {"years": current-version rating rows per agency and year; "points_lost": per agency and year and
    clause group, the findings counted and the points they actually cost; "blacklist": the years each was
    blacklisted, by clause or by score}.
    """
    codes = list(dict.fromkeys(credit_codes))
    years = _profile_years(engine, codes)
    order = {c: i for i, c in enumerate(codes)}
    years = years.sort_values(["credit_code", "year"], key=lambda s: s.map(order) if s.name == "credit_code" else s)
    charged = _charges_of(engine, years, codes)
    lost = (
        charged.groupby(["credit_code", "year", "group"], as_index=False)
        .agg(findings=("clause", "size"), points=("points_charged", "sum"))
    )
    blacklist_key = {
        pub_id: load_rulebook(name).blacklist_grade.key
        for pub_id, name in _rulebook_names(engine, years["publication_id"].unique()).items()
    }
    is_listed = [blacklist_key.get(int(p)) == g for p, g in zip(years["publication_id"], years["grade"], strict=True)]
    listed = years[is_listed][["credit_code", "agency_name", "year", "total", "blacklist_clauses"]].copy()
    listed["listed_by"] = listed["blacklist_clauses"].map(lambda c: BY_CLAUSE if c else BY_SCORE)
    return {"years": years.reset_index(drop=True), "points_lost": lost, "blacklist": listed.reset_index(drop=True)}


def search_keys(frame: pd.DataFrame) -> pd.Series:
    """What a search looks in, per row of `frame`: the folded name and the lower-case credit code, on two lines (a
    folded query holds no whitespace, so it never matches across them). Built once per table, not per search."""
    return fold_all(frame["agency_name"]) + "\n" + frame["credit_code"].astype(str).str.lower()


def search(frame: pd.DataFrame, query: str | None, keys: pd.Series | None = None) -> pd.DataFrame:
    """Rows of `frame` whose agency_name or credit_code contains `query` (full/half width, case folded).

    `keys`: `search_keys(frame)` when the caller keeps it (same index as `frame`)."""
    needle = fold(query or "")
    if not needle:
        return frame
    keys = search_keys(frame) if keys is None else keys
    return frame[keys.str.contains(needle, regex=False)]


def filter_ratings(
    frame: pd.DataFrame, *, query: str | None = None, grades: Sequence[str] = (),
    serving: Collection[str] | None = None, keys: pd.Series | None = None,
) -> pd.DataFrame:
    """The ratings a visitor asked for: search text, any of `grades`, and (when given) only the agencies `serving`
    a town — the credit codes of its contracts (db.public.facts), never the towns that assessed the agency.
    `keys`: the frame's `search_keys`, when the caller keeps them."""
    out = search(frame, query, keys)
    if grades:
        out = out[out["grade"].isin(list(grades))]
    if serving is not None:
        out = out[out["credit_code"].isin(list(serving))]
    return out


def towns_in(frame: pd.DataFrame) -> list[str]:
    """Every town that appears in a ratings frame's `towns` column, in the official order of the town list."""
    order = {name: i for i, name in enumerate(default_towns().names)}
    found = {t for cell in frame["towns"].unique() for t in str(cell).split(";") if t}
    return sorted(found, key=lambda name: (order.get(name, len(order)), name))
