"""The public check-a-file page on a year with two versions: a true copy names its version and whether it is current,
in any JSON layout; an altered file or anything else is named not genuine (the digest checks people run online)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from dashboard.ui import PAGES
from db.accounts.actor import Actor
from db.app_db import prepare
from db.documents.export import digest_of, export_publication
from db.store.engine import make_engine
from tests.builders import finding
from tests.dashboard.conftest import APP, TIMEOUT
from tests.dashboard.staff_helpers import as_read, check_no_exception
from tests.db.publishing import YEAR, a_year, load
from tests.notices import publish_after_notice


@pytest.fixture
def two_versions(tmp_path, monkeypatch) -> Iterator[Engine]:
    """A site whose only year (2025) has version 1 and its correction, version 2, both signed."""
    url = f"sqlite:///{tmp_path / 'site.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SEED_DEMO", "0")
    engine = make_engine(url)
    prepare(engine)
    a_year(engine)
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"))
    load(engine, [finding(0, "2.1", period="Q4", assessor="澄江街道")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), reason="补录第四季度记录")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield engine
    engine.dispose()
    st.cache_data.clear()
    st.cache_resource.clear()


def check(content: bytes, name: str = "jiangyin-credit-2025.json") -> dict[str, list[str]]:
    """Upload `content` on the check page (in English); the page's verdicts by kind, as people read them."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(PAGES["check_file"][0]).run()
    at.file_uploader(key="check_file").set_value((name, content, "application/json")).run()
    check_no_exception(at)
    return {kind: [as_read(e.value) for e in getattr(at, kind)] for kind in ("success", "warning", "error")}


def test_a_true_copy_of_each_version_names_it_current_or_superseded_in_any_layout(two_versions):
    v1 = export_publication(engine=two_versions, year=YEAR, version=1, fmt="json")
    v2 = export_publication(engine=two_versions, year=YEAR, version=2, fmt="json")
    assert check(v2) == {"success": ["2025 version 2, the year's current version, unaltered"], "warning": [],
                         "error": []}
    superseded = {"success": [], "warning": ["2025 version 1, unaltered, but superseded by version 2"], "error": []}
    assert check(v1) == superseded
    compact = json.dumps(json.loads(v1), ensure_ascii=True).encode()  # layout and escaping do not matter
    assert compact != v1 and check(compact) == superseded


def test_an_export_with_a_changed_score_is_not_genuine_even_with_its_digest_recomputed(two_versions):
    document = json.loads(export_publication(engine=two_versions, year=YEAR, fmt="json"))
    document["ratings"][1]["total"] += 5
    shown = check(json.dumps(document, ensure_ascii=False).encode())
    assert not shown["success"] and not shown["warning"]
    assert shown["error"] == ["NOT GENUINE: the file claims 2025 version 2, but its content does not match its digest "
                              "(altered)"]
    document["digest"] = digest_of(document)  # the digest now fits the change; the bureau's signature does not
    shown = check(json.dumps(document, ensure_ascii=False).encode())
    assert not shown["success"] and not shown["warning"]
    [error] = shown["error"]
    assert error.startswith("NOT GENUINE: the signature of 2025 version 2 was made by none of the trusted keys")


NO_MATCH = "this file matches no file of any published version (altered, or not downloaded here)"


@pytest.mark.parametrize(("content", "message"), [
    (b"", NO_MATCH), (b"not json", NO_MATCH), (b"[1, 2]", NO_MATCH), ("\ufffe{".encode(), NO_MATCH),
    (b'{"digest": 5}', "NOT GENUINE: the file carries a digest but is not a whole publication (fields missing or "
                       "changed)"),
])
def test_a_file_that_is_no_export_is_named_not_a_file_of_the_site(two_versions, content, message):
    assert check(content) == {"success": [], "warning": [], "error": [message]}
