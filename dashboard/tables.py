"""Tables as the public reads them: published frames relabelled for display, with st.column_config labels."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from core.rulebook import Rulebook
from dashboard import data, plain, ui, wrap
from dashboard.i18n import current, t
from dashboard.labels import (
    assessor_label,
    blacklist_grounds,
    bucket_score_labels,
    clause_codes_text,
    clause_legend,
    grade_label,
    listed_by_label,
    local_date,
    period_labels,
    score_basis,
    towns_text,
)
from db.documents.scores import score_columns

# Tables longer than this are sent to the browser in chunks (st.dataframe lazy=True), without row selection.
LAZY_FROM = 2000
# Rows tall enough for Streamlit to wrap a cell's text (it wraps only above 4rem): for tables whose grounds are a
# clause's whole sentence.
WRAP_ROW_HEIGHT = 68
# Column widths in px of what a phone must show: the pinned name, grade, total and link, with the row checkboxes
# (34 px), in the 358 px a 390 px screen leaves a table.
NAME_WIDTH, GRADE_WIDTH, TOTAL_WIDTH, LINK_WIDTH = 136, 76, 50, 60


def show(table: pd.DataFrame | pa.Table, config: dict[str, Any], *, key: str, compact: list[str], full: list[str],
         **kwargs: Any) -> Any:
    """A table with the columns that matter first and, under it, a switch to every column.

    Which columns fit is not known on the server (no width detection), so every table shows by default only
    `compact`: what a phone must see beside the pinned name, and what fits a 1366 px screen without a sideways
    scroll. `full` adds the rest, in reading order.
    """
    every = st.session_state.get(f"{key}_all_columns", False)  # the switch below, as last set
    event = plain.dataframe(table, hide_index=True, column_config=config, key=key,
                            column_order=full if every else compact, **kwargs)
    st.toggle(t("public.all_columns"), key=f"{key}_all_columns")
    return event


def sorted_ratings(shown: pd.DataFrame, pub: dict[str, Any], by: list[str], ascending: list[bool]) -> pd.DataFrame:
    """`shown` (rows of data.ratings) sorted by `by`; every agency (no search, no filter, the first visit) in a
    sorted copy kept once per publication and order, not sorted again on every run (a 10,000-row two-key sort)."""
    if len(shown) == len(data.ratings(int(pub["id"]))):  # a subset as long as the whole is the whole
        return _sorted_ratings(int(pub["id"]), tuple(by), tuple(ascending))
    return shown.sort_values(by, ascending=ascending, kind="stable")


@st.cache_resource(show_spinner=False, max_entries=16)
def _sorted_ratings(publication_id: int, by: tuple[str, ...], ascending: tuple[bool, ...]) -> pd.DataFrame:
    # One shared frame (st.cache_resource): the page only reads rows out of it.
    return data.ratings(publication_id).sort_values(list(by), ascending=list(ascending), kind="stable")


def ratings_table(shown: pd.DataFrame, pub: dict[str, Any]) -> pd.DataFrame | pa.Table:
    """The displayed rows of a publication's ratings (`shown` is a filtered, sorted slice of data.ratings).

    Every agency in one order (the first visit, a sort without a search) is the same table for every visitor: an
    Arrow table built once per publication, language and order (plain.arrow), sent as it is. A search's or a
    filter's rows are taken, in their order, out of the Arrow table of every agency in the frame's own order: made
    plain once, not relabelled, escaped and converted to Arrow again on every search.
    """
    lang = current()
    full = _ratings_display(int(pub["id"]), lang)
    if len(shown) == len(full):
        return _ratings_arrow(int(pub["id"]), lang, shown.index.to_numpy(dtype="int64").tobytes())
    positions = full.index.get_indexer(shown.index)  # `shown` is a slice of data.ratings: every row is found
    every = _ratings_arrow(int(pub["id"]), lang, full.index.to_numpy(dtype="int64").tobytes())
    return every.take(pa.array(positions, type=pa.int64()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _ratings_arrow(publication_id: int, lang: str, order: bytes) -> pa.Table:
    # `order`: the rows' index labels in display order (int64 bytes), part of the key; a handful of orders (the
    # page's sorts) per publication and language.
    return plain.arrow(_ratings_display(publication_id, lang).loc[np.frombuffer(order, dtype="int64")])


@st.cache_resource(show_spinner=False, max_entries=16)
def _ratings_display(publication_id: int, lang: str) -> pd.DataFrame:
    # Built once per publication and language: relabelling 10,000 rows on every rerun would cost more than
    # the rest of the page. `lang` is part of the cache key; t() reads the same language. One shared frame
    # (st.cache_resource), not a copy unpickled on every run: ratings_table only reads rows out of it.
    frame = data.ratings(publication_id)
    pub_history = data.publications()
    pub = pub_history[pub_history["id"] == publication_id].iloc[0]
    rulebook = data.rulebook(pub["rulebook"])
    labels = {g.key: grade_label(g.key, rulebook) for g in rulebook.grades}
    # Name, grade and total first: on a phone the pinned name and the grade fit the screen side by side.
    # Repeated texts as categories and scores as small ints: Arrow then sends each distinct value once,
    # which more than halves what a 10,000-row table costs to send and to draw.
    out = pd.DataFrame(index=frame.index)
    out["agency_name"] = frame["agency_name"]
    out["grade"] = frame["grade"].map(labels).fillna(frame["grade"]).astype("category")
    out["total"] = frame["total"].astype("int16")
    out["credit_code"] = frame["credit_code"]
    for column in score_columns(frame):  # one per bucket of the publication's rulebook
        out[column] = frame[column].astype("int16")
    out["blacklist_clauses"] = frame["blacklist_clauses"].map(clause_codes_text).astype("category")
    out["towns"] = frame["towns"].map(towns_text).astype("category")
    out["rating_date"] = frame["credit_code"].map(data.rating_dates(publication_id)).map(local_date).astype("category")
    out["profile"] = frame["credit_code"].map(ui.profile_url)
    return out


def ratings_columns(rulebook: Rulebook) -> dict[str, Any]:
    """Column labels of the ratings table in the visitor's language."""
    scores = bucket_score_labels(rulebook)
    cc = st.column_config
    return {
        "agency_name": cc.TextColumn(t("common.agency_name"), pinned=True, width=NAME_WIDTH),
        "grade": cc.TextColumn(t("public.grade"), width=GRADE_WIDTH),
        "total": cc.NumberColumn(t("common.total"), format="%d", width=TOTAL_WIDTH),
        "credit_code": cc.TextColumn(t("public.credit_code")),
        **{column: cc.NumberColumn(label, format="%d") for column, label in scores.items()},
        "blacklist_clauses": cc.TextColumn(t("public.blacklist_clauses")),
        "towns": cc.TextColumn(t("public.towns_served")),
        "rating_date": cc.TextColumn(t("public.rating_date")),
        "profile": cc.LinkColumn(t("public.profile_link"), display_text=t("public.profile_link"), width=LINK_WIDTH),
    }


# A phone shows the pinned name, the grade, the total and the link; 1366 px adds the code and the clauses.
RATINGS_COMPACT = ["agency_name", "grade", "total", "profile", "credit_code", "blacklist_clauses"]


def ratings_order(rulebook: Rulebook) -> tuple[list[str], list[str]]:
    """The ratings table's compact and full column orders."""
    full = [*RATINGS_COMPACT[:5], *bucket_score_labels(rulebook), "blacklist_clauses", "towns", "rating_date"]
    return RATINGS_COMPACT, full


def explanation_table(charges: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An agency's charged findings of one year: clause, its text, assessor, period, points (no description)."""
    periods = period_labels(rulebook)
    en = current() == "en"
    # The clause and what it cost first (they fit a phone's screen); the clause's text last, wide.
    out = pd.DataFrame(
        {
            "clause": charges["clause"],
            "points_charged": charges["points_charged"],
            "points_nominal": charges["points_nominal"],
            "assessor": charges["assessor"].map(assessor_label),
            "period": charges["period"].map(lambda p: periods.get(p, p)),
            "date": charges["date"].map(local_date),  # the finding's: the date of the act (行为日期)
            "clause_text": charges["clause_gloss"] if en else charges["clause_text"],
        }
    )
    if en:
        out["clause_original"] = charges["clause_text"]
    cc = st.column_config
    config = {
        "clause": cc.TextColumn(t("common.clause"), pinned=True),
        "points_charged": cc.NumberColumn(t("public.points_charged"), format="%d"),
        "points_nominal": cc.NumberColumn(t("public.points_nominal"), format="%d"),
        "assessor": cc.TextColumn(t("common.assessor")),
        "period": cc.TextColumn(t("common.period")),
        "date": cc.TextColumn(t("common.act_on")),
        "clause_text": cc.TextColumn(t("public.clause_gloss") if en else t("public.clause_text"), width=CLAUSE_TEXT_WIDTH),
        "clause_original": cc.TextColumn(t("public.clause_text"), width=CLAUSE_TEXT_WIDTH),
    }
    return out, config


CLAUSE_TEXT_WIDTH = 260  # wrapped (WRAP_ROW_HEIGHT): the clause's text beside six short columns in an expander


def explanation_order(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The explanation's compact and full column orders: in English the Chinese original only with every column."""
    full = list(table.columns)
    return [c for c in full if c != "clause_original"], full


def blacklist_agencies_table(agencies: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Blacklisted agencies: code, 认定依据 (clause + full text, or the total under the threshold), 认定部门, 列入日期
    (the listing's publication date) and 行为日期 (the date of the act; none for a listing by score)."""
    basis = [
        _grounds(clause, total, rulebook) if by == "clause" else score_basis(total, rulebook)
        for by, clause, total in zip(agencies["listed_by"], agencies["clause"], agencies["total"], strict=True)
    ]
    # Who, then why (how and on what grounds): on a phone the pinned name leaves room for one column, and "why"
    # is what a visitor came for. By whom, when and the code follow (the page lists each clause in full below).
    out = pd.DataFrame(
        {
            "agency_name": agencies["agency_name"],
            "listed_by": agencies["listed_by"].map(lambda b: listed_by_label(b, rulebook)),
            "basis": basis,
            "department": agencies["department"].map(_department_label),
            "listed_on": agencies["listed_on"].map(local_date),
            "act_on": agencies["act_on"].map(local_date),
            "year": agencies["year"].astype(int),
            "credit_code": agencies["credit_code"],
        }
    )
    cc = st.column_config
    config = {
        "agency_name": cc.TextColumn(t("common.agency_name"), pinned=True, width=NAME_WIDTH),
        "credit_code": cc.TextColumn(t("public.credit_code")),
        "year": cc.NumberColumn(t("common.year"), format="%d"),
        "listed_by": cc.TextColumn(t("public.listed_by")),
        "basis": cc.TextColumn(t("common.grounds"), width=BASIS_WIDTH),
        "department": cc.TextColumn(t("common.department")),
        "listed_on": cc.TextColumn(t("common.listed_on")),
        "act_on": cc.TextColumn(t("common.act_on")),
    }
    return out, config


# The grounds beside the pinned name fit a 390 px phone's 358 px table, so the whole of "why" shows without a
# sideways scroll, in rows as tall as its lines (grounds_row_height).
BASIS_WIDTH = 216


def _grounds(clauses: str | None, total: Any, rulebook: Rulebook) -> str:
    """A listing's grounds in a table cell: in Chinese each clause with its text (the table wraps Chinese); in
    English the clauses' numbers, as the table leaves a long English line unwrapped (dashboard/wrap.py says why)
    and the page lists each clause in full, with its English gloss, below the table."""
    codes = [c for c in str(clauses or "").split(";") if c]
    if codes and current() == "en":
        return t("public.grounds_clauses", codes="; ".join(codes))
    return blacklist_grounds(clauses, total, rulebook)


def grounds_row_height(table: pd.DataFrame) -> int:
    """The row height that shows every line of a blacklist or listings table's grounds.

    Measured once per set of grounds (they are the same for every visitor of a publication in one language): the
    estimate walks every character of every cell, and re-measuring on every run was a quarter of the server's time
    under many visitors of the blacklist.
    """
    return _grounds_row_height(tuple(table["basis"]))


@functools.lru_cache(maxsize=256)
def _grounds_row_height(texts: tuple[str, ...]) -> int:
    return wrap.row_height(list(texts), BASIS_WIDTH, least=WRAP_ROW_HEIGHT)


# A table ready to show: the display table (plain.arrow), its column labels and its row height.
Shown = tuple[pa.Table, dict[str, Any], int]


def blacklist_view(pub: dict[str, Any]) -> dict[str, Any]:
    """A year's blacklist page, labelled in the visitor's language: "agencies", "practitioners" and "history" (the
    earlier years' agencies) as `Shown` or None when empty, and "clauses" (every clause they name, as Markdown).

    Built once per publication and language (st.cache_resource: one copy for every visitor, never changed by the
    page), not relabelled and re-measured on every run.
    """
    year = int(pub["year"])
    earlier = tuple((y, int(data.current_publication(y)["id"])) for y in data.published_years() if y < year)
    return _blacklist_view(int(pub["id"]), year, pub["rulebook"], earlier, current())


@st.cache_resource(show_spinner=False, max_entries=16)
def _blacklist_view(publication_id: int, year: int, rulebook_name: str | None, earlier: tuple[tuple[int, int], ...],
                    lang: str) -> dict[str, Any]:
    # `lang` is part of the key; t() inside reads the same language.
    rulebook = data.rulebook(rulebook_name)
    listed = data.blacklist(publication_id, year)
    parts = [data.blacklist(pub_id, y)["agencies"] for y, pub_id in earlier]
    history = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def shown(frame: pd.DataFrame, build: Any) -> Shown | None:
        if frame.empty:
            return None
        table, config = build(frame, rulebook)
        return plain.arrow(table), config, grounds_row_height(table)  # sent as it is on every run

    # Every clause the year's tables and the earlier years' name: in English the tables give only its number.
    codes = [c for c in [*listed["agencies"]["clause"], *listed["practitioners"]["clause"],
                         *(history["clause"] if not history.empty else [])] if isinstance(c, str) and c]
    return {"agencies": shown(listed["agencies"], blacklist_agencies_table),
            "practitioners": shown(listed["practitioners"], blacklist_practitioners_table),
            "history": shown(history, blacklist_agencies_table),
            "clauses": clause_legend(codes, rulebook) if codes else ""}


BLACKLIST_AGENCIES_COMPACT = ["agency_name", "basis", "listed_on", "year", "credit_code"]
BLACKLIST_AGENCIES_FULL = ["agency_name", "listed_by", "basis", "department", "listed_on", "act_on", "year",
                           "credit_code"]


def blacklist_practitioners_table(people: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Blacklisted practitioners: name, agency, 认定依据, 认定部门, year, 列入日期, 行为日期 (never an ID number)."""
    out = pd.DataFrame(
        {
            "practitioner": people["practitioner"],
            "agency_name": people["agency_name"],
            "basis": [_grounds(c, None, rulebook) for c in people["clause"]],
            "department": people["department"].map(_department_label),
            "listed_on": people["listed_on"].map(local_date),
            "act_on": people["act_on"].map(local_date),
            "year": people["year"].astype(int),
            "credit_code": people["credit_code"],
        }
    )
    cc = st.column_config
    config = {
        "practitioner": cc.TextColumn(t("common.practitioner"), pinned=True, width=GRADE_WIDTH + TOTAL_WIDTH),
        "agency_name": cc.TextColumn(t("common.agency_name"), width=NAME_WIDTH),
        "credit_code": cc.TextColumn(t("public.credit_code")),
        "year": cc.NumberColumn(t("common.year"), format="%d"),
        "basis": cc.TextColumn(t("common.grounds"), width=BASIS_WIDTH),
        "department": cc.TextColumn(t("common.department")),
        "listed_on": cc.TextColumn(t("common.listed_on")),
        "act_on": cc.TextColumn(t("common.act_on")),
    }
    return out, config


BLACKLIST_PRACTITIONERS_COMPACT = ["practitioner", "basis", "agency_name", "listed_on", "year"]
BLACKLIST_PRACTITIONERS_FULL = ["practitioner", "agency_name", "basis", "department", "listed_on", "act_on", "year",
                                "credit_code"]


def _department_label(department: str) -> str:
    # 认定部门 may join several departments with 、; the bureau reads in the visitor's language.
    return "、".join(assessor_label(part) for part in str(department).split("、"))


def _subject(frame: pd.DataFrame) -> list[str]:
    """Who is listed: the agency, or the practitioner with the agency they worked for."""
    return [
        f"{person}（{agency}）" if kind == "practitioner" else agency
        for kind, person, agency in zip(frame["subject_kind"], frame["practitioner"], frame["agency_name"], strict=True)
    ]


def listings_table(listings: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Blacklist listings: who, 认定依据, 认定部门, 列入日期, 移出日期 (planned or actual), 状态, year, code."""
    out = pd.DataFrame(
        {
            "subject": _subject(listings),
            "subject_kind": listings["subject_kind"].map(lambda k: t(f"common.{k}")),  # agency, practitioner
            "basis": [_grounds(c, total, rulebook) for c, total in
                      zip(listings["basis_clauses"], listings["basis_total"], strict=True)],
            "department": listings["department"].map(_department_label),
            "listed_on": listings["listed_on"].map(local_date),
            "removal_on": [local_date(r if r is not None else p) for r, p in
                           zip(listings["removed_on"], listings["planned_removal_on"], strict=True)],
            "status": listings["status"].map(lambda s: t(f"public.listing_{s}")),
            "year": listings["year"].astype(int),
            "credit_code": listings["credit_code"],
        }
    )
    cc = st.column_config
    config = {
        "subject": cc.TextColumn(t("public.listing_subject"), pinned=True, width=NAME_WIDTH),
        "subject_kind": cc.TextColumn(t("common.kind")),
        "basis": cc.TextColumn(t("common.grounds"), width=BASIS_WIDTH),
        "department": cc.TextColumn(t("common.department")),
        "listed_on": cc.TextColumn(t("common.listed_on")),
        "removal_on": cc.TextColumn(t("common.removed_on")),
        "status": cc.TextColumn(t("common.status")),
        "year": cc.NumberColumn(t("common.year"), format="%d"),
        "credit_code": cc.TextColumn(t("public.credit_code")),
    }
    return out, config


LISTINGS_COMPACT = ["subject", "basis", "listed_on", "removal_on", "status", "year"]
LISTINGS_FULL = ["subject", "subject_kind", "basis", "department", "listed_on", "removal_on", "status", "year",
                 "credit_code"]


def listing_history_table(history: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The public history: date, what happened, to whom, by which office (never an account or a reason)."""
    out = pd.DataFrame(
        {
            "on": history["on"].map(local_date),
            "action": history["action"].map(lambda a: t(f"public.listing_event_{a}")),
            "subject": _subject(history),
            "year": history["year"].astype(int),
            "office": history["office"].map(_department_label),
            "credit_code": history["credit_code"],
        }
    )
    cc = st.column_config
    config = {
        "on": cc.TextColumn(t("common.date")),
        "action": cc.TextColumn(t("public.event_action")),
        "subject": cc.TextColumn(t("public.listing_subject")),
        "year": cc.NumberColumn(t("common.year"), format="%d"),
        "office": cc.TextColumn(t("public.event_office")),
        "credit_code": cc.TextColumn(t("public.credit_code")),
    }
    return out, config


def changes_table(changes: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """What a correction changed, per agency: old → new total and grade, findings added and withdrawn."""

    def arrow(old: Any, new: Any) -> str:
        return f"{'—' if old in ('', None) or pd.isna(old) else old} → {'—' if new in ('', None) or pd.isna(new) else new}"

    grade = lambda g: grade_label(g, rulebook) if g else ""  # noqa: E731
    out = pd.DataFrame({
        "agency_name": changes["agency_name"],
        "total": [arrow(o, n) for o, n in zip(changes["old_total"], changes["new_total"], strict=True)],
        "grade": [arrow(grade(o), grade(n)) for o, n in zip(changes["old_grade"], changes["new_grade"], strict=True)],
        "added": changes["findings_added"],
        "withdrawn": changes["findings_withdrawn"],
    })
    cc = st.column_config
    config = {
        "agency_name": cc.TextColumn(t("common.agency_name"), pinned=True),
        "total": cc.TextColumn(t("common.total")),
        "grade": cc.TextColumn(t("public.grade")),
        "added": cc.TextColumn(t("public.findings_added"), width="large"),
        "withdrawn": cc.TextColumn(t("public.findings_withdrawn"), width="large"),
    }
    return out, config
