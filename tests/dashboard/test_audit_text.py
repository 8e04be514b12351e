"""Audit details and before/after in words (Chinese outside a page run): phrases translated, JSON as fields."""

from __future__ import annotations

from dashboard.staff.audit_text import detail_text, json_text


def test_the_data_layers_phrases_read_in_chinese_and_peoples_text_stays_as_written():
    assert detail_text("wrong password") == "密码错误"
    assert detail_text("wrong password (1 of 5)") == "密码错误（第1次，共可试5次）"
    assert detail_text("this client waits 1 min, until 2025-01-01T08:00:00+08:00") == (
        "本客户端须等待 1 分钟，至 2025-01-01T08:00:00+08:00")
    for scope in ("every unknown client", "every client"):  # the latter: entries written before known clients
        assert detail_text(f"{scope} (account-wide ceiling) waits 2 min, until 2025-01-01T08:00:00+08:00") == (
            "所有未知客户端（账号上限）须等待 2 分钟，至 2025-01-01T08:00:00+08:00")
    assert detail_text("upload 12") == "上传编号 12"
    assert detail_text("璜土镇补录（演示）") == "璜土镇补录（演示）"


def test_json_before_and_after_read_as_labelled_fields_never_as_json():
    assert json_text('{"year": 2025, "ids": [1, 2], "active": true, "left_on": null}') == (
        "年度：2025；编号：1、2；启用：是；离职日期：—")
    assert json_text('{"unknown_key": "x"}') == "unknown_key：x"
    assert json_text("") == "" and json_text("not json") == "not json"
