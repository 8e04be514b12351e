"""The bare app of benchmarks/bench_site.py mirrors our public menu: the same pages in the same order, each with the
kinds of widgets our page shows first, or a title only when asked (BARE_PAGES=titles)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_site  # noqa: E402

from dashboard.navigation import PUBLIC_MENU  # noqa: E402
from dashboard.ui import PAGES  # noqa: E402


def test_bare_menu_is_ours_in_our_order() -> None:
    ours = [PAGES[key][1] for key, _ in PUBLIC_MENU]
    assert ours[1:] == bench_site.BARE_MENU  # the first page of each is the site's root


@pytest.fixture
def bare_app(tmp_path: Path) -> Path:
    """The bare app over two small tables in the shape bench_load's dump_tables writes (ours are dumped at run time)."""
    tables = tmp_path / "tables"
    tables.mkdir()
    ratings = pd.DataFrame({"agency_name": ["甲", "乙"], "credit_code": ["913202810000000001", "913202810000000002"],
                            "total": [95, 80]})
    listed = pd.DataFrame({"agency_name": ["丙"], "basis": ["1.1"]})
    ratings.to_parquet(tables / "ratings_table.parquet")
    listed.to_parquet(tables / "blacklist_agencies.parquet")
    described = [{"page": "ratings", "key": "ratings_table", "file": "ratings_table.parquet", "config": {},
                  "order": ["agency_name", "total"], "row_height": 68, "options": {}, "rows": 2},
                 {"page": "blacklist", "key": "blacklist_agencies", "file": "blacklist_agencies.parquet", "config": {},
                  "order": ["agency_name", "basis"], "row_height": 89, "options": {}, "rows": 1}]
    (tables / "tables.json").write_text(json.dumps(described), encoding="utf-8")
    return bench_site.bare_app(tmp_path, rows=40, towns=19, listed=3, tables=tables) / "bare_app.py"


def open_page(app: AppTest, url_path: str) -> None:
    """Run the bare app's page at `url_path`. AppTest.switch_page takes only pages that are files, and the bare
    app's pages are functions: this sets the page hash a browser's click would send (AppTest's own field)."""
    hashes = [h for h, info in app._registered_pages.items() if info.get("url_pathname") == url_path]
    assert len(hashes) == 1, url_path
    app._page_hash = hashes[0]
    app.run()


@pytest.mark.parametrize("titles_only", [False, True])
def test_bare_pages_show_widgets_unless_titles_only(bare_app: Path, monkeypatch, titles_only: bool) -> None:
    if titles_only:
        monkeypatch.setenv("BARE_PAGES", "titles")
    else:
        monkeypatch.delenv("BARE_PAGES", raising=False)
    app = AppTest.from_file(str(bare_app), default_timeout=30).run()
    assert not app.exception
    assert len(app.metric) == (0 if titles_only else 5)  # the overview's grade numbers
    shown = {}
    for path in bench_site.BARE_MENU:
        open_page(app, path)
        assert not app.exception, path
        assert len(app.title) == 1, path
        shown[path] = len(app.selectbox) + len(app.multiselect) + len(app.text_input) + len(app.dataframe) \
            + len(app.markdown) + len(app.get("file_uploader"))
    # Ratings, find and check (the search, Find and check-a-file steps) have their widgets in both bare apps; the
    # ratings table is ours (its column order) unless titles only, where it is the earlier 3-column table.
    assert all(shown[path] > 0 for path in ("ratings", "find", "check"))
    open_page(app, "ratings")
    assert list(app.dataframe[0].value.columns) == (["code", "name", "town"] if titles_only else
                                                    ["agency_name", "credit_code", "total"])
    others = [path for path in bench_site.BARE_MENU if path not in ("ratings", "find", "check")]
    assert all((shown[path] == 0) == titles_only for path in others), shown
