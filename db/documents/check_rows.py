"""Naming the stored rows a version cannot be rebuilt from: a rating without its scores, scores without a rating,
a number that is no whole point, a date that is no date (rows added or changed behind a dropped trigger)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from db.documents.canonical import SAFE_INT
from db.documents.export import DATE_FIELDS, INT_FIELDS
from db.documents.scores import SUFFIX, score_columns
from db.store.models import PublishedScore

SHOWN = 5  # agencies named per finding; the rest are counted


def _named(codes: Iterable[str]) -> str:
    codes = sorted(set(codes))
    more = f" (+{len(codes) - SHOWN})" if len(codes) > SHOWN else ""
    return ", ".join(codes[:SHOWN]) + more


def _bad_values(frame: pd.DataFrame, field: str) -> pd.Series:
    """True for the rows whose `field` no published row could hold (empty, not a number, not whole, too large)."""
    column = frame[field]
    if field in INT_FIELDS or field.endswith(SUFFIX):
        numbers = pd.to_numeric(column, errors="coerce").astype("float64")
        return numbers.isna() | (numbers != numbers.round()) | (numbers.abs() >= SAFE_INT)
    if field in DATE_FIELDS:
        return pd.to_datetime(column, errors="coerce", format="mixed").isna()
    return pd.Series(False, index=frame.index)


def row_faults(session: Session, publication_id: int, ratings: pd.DataFrame, buckets: list[str],
               tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(zh, en) for every kind of row the document cannot be rebuilt from, naming the agencies; [] when none.

    `ratings` is the rating frame with its `<bucket>_score` columns (db.documents.export.stored_ratings);
    `tables` the other row frames by name (charges, practitioners), each with its credit_code.
    """
    found: list[tuple[str, str]] = []
    scores = score_columns(ratings)
    lacking = ratings["credit_code"][ratings[scores].isna().any(axis=1)] if buckets else \
        ratings["credit_code"]  # no score rows at all (no bucket): every rating lacks its scores
    if len(lacking):
        found.append((f"评定行缺少分项得分：{_named(lacking)}（行在发布后被添加，或其得分被删除）",
                      f"rating rows lack their bucket scores: {_named(lacking)} (added after publishing, or their "
                      "scores removed)"))
    scored = session.execute(select(PublishedScore.credit_code)
                             .where(PublishedScore.publication_id == publication_id).distinct()).scalars()
    orphans = set(scored) - set(ratings["credit_code"])
    if orphans:
        found.append((f"分项得分没有对应的评定行：{_named(orphans)}", f"bucket scores without a rating row: {_named(orphans)}"))
    for name, frame in {"ratings": ratings, **tables}.items():
        for field in frame.columns:
            wrong = _bad_values(frame, field)
            if field in scores:  # a missing score is named above
                wrong &= frame[field].notna()
            bad = frame["credit_code"][wrong]
            if len(bad):
                found.append((f"{name} 中 {field} 的值无法发布（空、非整数或超出范围）：{_named(bad)}",
                              f"{name}: {field} holds a value no published row can (empty, not whole, out of "
                              f"range): {_named(bad)}"))
    return found
