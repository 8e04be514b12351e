"""A database that cannot be reached reads as a plain message in both languages, never as a traceback."""

from __future__ import annotations

import socket

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP, TIMEOUT


def closed_port() -> int:
    with socket.socket() as s:  # bound then released: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("lang, words", [("zh", "暂时无法连接数据库"), ("en", "cannot be reached")])
def test_a_database_that_is_down_shows_a_message_not_a_traceback(unreachable_database, lang, words):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if words in e.value], [e.value for e in at.error]
    shown = " ".join(str(e.value) for e in at.error)
    assert "Traceback" not in shown and "OperationalError" not in shown and "psycopg" not in shown


def test_a_bad_setting_shows_its_variable_in_both_languages_not_a_traceback(monkeypatch):
    monkeypatch.setenv("MAX_ROWS", "lots")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    st.cache_resource.clear()
    assert not at.exception, [e.value for e in at.exception]
    [shown] = [e.value.replace("\\", "") for e in at.error]  # as read: without Markdown's escapes
    assert "MAX_ROWS" in shown and "设置应为正整数" in shown and "positive whole number" in shown


def test_a_malformed_database_url_names_its_setting_never_its_password(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:pw-never-shown@[::1")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    st.cache_resource.clear()
    assert not at.exception, [e.value for e in at.exception]
    [shown] = [e.value.replace("\\", "") for e in at.error]
    assert "DATABASE_URL" in shown and "数据库地址" in shown and "database URL" in shown
    assert "pw-never-shown" not in shown and "ValueError" not in shown


def test_the_check_page_calls_a_5000_digit_number_unreadable_in_plain_words(app):
    from dashboard.ui import PAGES

    app.run()
    app.switch_page(PAGES["check_file"][0]).run()
    content = b'{"digest": "0", "total": ' + b"9" * 5000 + b"}"
    app.file_uploader(key="check_file").set_value(("long.json", content, "application/json")).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = " ".join(e.value for e in app.error)
    assert "位数过多的数字" in shown and "页面出错" not in shown
