"""benchmarks/bench_load.py's bare app shows the very tables our pages show: its dump is made from the pages' own
read and table functions, and holds every agency and every blacklist table with our labels and options."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from dashboard import data, plain, tables

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_load  # noqa: E402


def test_the_bare_app_is_given_our_tables_with_their_labels_and_options(app_db, tmp_path):
    bench_load.dump_tables(tmp_path)
    described = {t["key"]: t for t in json.loads((tmp_path / "tables.json").read_text(encoding="utf-8"))}
    pub = data.current_publication(data.published_years()[0])
    ratings = pd.read_parquet(tmp_path / described["ratings_table"]["file"])
    ours = tables.ratings_table(data.ratings(int(pub["id"])), pub)
    assert len(ratings) == len(data.ratings(int(pub["id"]))) == described["ratings_table"]["rows"]
    assert list(ratings.columns) == ours.column_names  # the columns we send, in our order
    labels = {k: v["label"] for k, v in described["ratings_table"]["config"].items()}
    assert labels["agency_name"] == tables.ratings_columns(data.rulebook(pub["rulebook"]))["agency_name"]["label"]
    assert described["ratings_table"]["order"] == tables.RATINGS_COMPACT
    view = tables.blacklist_view(pub)
    for part in ("agencies", "practitioners", "history"):
        if view[part] is not None:
            shown = pd.read_parquet(tmp_path / described[f"blacklist_{part}"]["file"])
            assert shown.equals(view[part][0].to_pandas())  # the same rows and values
            assert described[f"blacklist_{part}"]["row_height"] == view[part][2]
    assert {t["page"] for t in described.values()} == {"ratings", "blacklist"}
    bare = bench_load.BARE_APP.replace("TABLES_DIR", repr(str(tmp_path)))
    compile(bare, "bare_app.py", "exec")  # the app the bench writes is valid Python
    assert plain.frame(ratings) is ratings  # nothing in it still needs escaping: it was escaped as ours is
