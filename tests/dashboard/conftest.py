"""AppTest fixtures: a published database in a temp SQLite file, the app pointed at it through DATABASE_URL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from db.engine import make_engine
from db.migrate import upgrade
from tests.db import published_rows

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 30


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """One database file, built once per test session."""
    path = tmp_path_factory.mktemp("public-db") / "seeded.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    published_rows.build(engine)
    engine.dispose()
    return path


@pytest.fixture
def app_db(seeded_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the seeded database for one test, with the app's caches empty."""
    path = tmp_path / "app.db"
    shutil.copy(seeded_db, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("SEED_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(app_db):
    """A fresh AppTest of the whole site (not yet run)."""
    return AppTest.from_file(APP, default_timeout=TIMEOUT)
