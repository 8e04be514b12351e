"""Published bucket scores: stored one row per bucket (publishedscore), read back as `<bucket>_score` columns."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from db.store.models import PublishedScore

SUFFIX = "_score"


def score_field(bucket: str) -> str:
    """The public/export column of a bucket's score (core.schema.rating_columns spells it the same)."""
    return f"{bucket}{SUFFIX}"


def score_rows(ratings: pd.DataFrame | Sequence[dict], buckets: Sequence[str]) -> dict[str, list]:
    """The publishedscore rows of published rating rows, column by column (for db.store.inserts.bulk_insert)."""
    fields = ["credit_code", *map(score_field, buckets)]
    frame = ratings if isinstance(ratings, pd.DataFrame) else pd.DataFrame(list(ratings), columns=fields)
    codes = frame["credit_code"].tolist()
    columns: dict[str, list] = {"credit_code": [], "bucket": [], "bucket_order": [], "score": []}
    for order, bucket in enumerate(buckets):
        columns["credit_code"] += codes
        columns["bucket"] += [bucket] * len(codes)
        columns["bucket_order"] += [order] * len(codes)
        columns["score"] += frame[score_field(bucket)].tolist()
    return columns


def split_scores(ratings: Sequence[dict], buckets: Sequence[str],
                 publication_id: int) -> tuple[list[dict], list[dict]]:
    """Rating rows with `<bucket>_score` fields as (publishedrating rows, publishedscore rows) of one publication."""
    fields = {score_field(b) for b in buckets}
    plain = [{k: v for k, v in r.items() if k not in fields} for r in ratings]
    columns = score_rows(ratings, buckets)
    scores = [dict(zip(columns, values, strict=True), publication_id=publication_id)
              for values in zip(*columns.values(), strict=True)]
    return plain, scores


def with_scores(connection: Connection, ratings: pd.DataFrame,
                credit_codes: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """`ratings` (with publication_id and credit_code) plus a `<bucket>_score` column per stored bucket.

    Returns the frame (row order kept) and the buckets in their rulebook's order. One query for every
    publication the rows come from (only `credit_codes` when given: a profile needs a few agencies of whole
    years); a bucket a row's publication does not have is left empty (<NA>).
    """
    ids = sorted({int(i) for i in ratings["publication_id"]})
    stmt = (select(PublishedScore.publication_id, PublishedScore.credit_code, PublishedScore.bucket,
                   PublishedScore.bucket_order, PublishedScore.score)
            .where(PublishedScore.publication_id.in_(ids)))
    if credit_codes is not None:
        stmt = stmt.where(PublishedScore.credit_code.in_(list(credit_codes)))
    long = pd.DataFrame(connection.execute(stmt).all(),
                        columns=["publication_id", "credit_code", "bucket", "bucket_order", "score"])
    if long.empty:
        return ratings.copy(), []
    buckets = long.sort_values(["bucket_order", "bucket"]).drop_duplicates("bucket")["bucket"].tolist()
    wide = long.pivot(index=["publication_id", "credit_code"], columns="bucket", values="score")
    wide = wide.reindex(columns=buckets).rename(columns=score_field).reset_index()
    out = ratings.merge(wide, on=["publication_id", "credit_code"], how="left")
    for bucket in buckets:
        column = out[score_field(bucket)]
        out[score_field(bucket)] = column.astype("int64") if column.notna().all() else column.astype("Int64")
    out.index = ratings.index
    return out, buckets


def score_columns(frame: pd.DataFrame) -> list[str]:
    """The `<bucket>_score` columns of a ratings frame, in its order."""
    return [c for c in frame.columns if str(c).endswith(SUFFIX)]
