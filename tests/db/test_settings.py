"""Settings are read in one place and checked at start: a bad value is refused by the name of its variable."""

from __future__ import annotations

import os
import re

import pytest

from core.limits import MB, ReadLimits
from core.setting import Choice, Whole, settings_of
from db.cli.commands import main
from db.store.settings import Settings, SettingsError, forget_settings, get_settings


def test_defaults_seed_demo_data_and_use_the_default_read_limits(monkeypatch):
    for name in ("SEED_DEMO", "MAX_ROWS", "MAX_UPLOAD_MB"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    assert (settings.seed_demo, settings.read_limits) == (True, ReadLimits())


def test_seed_demo_0_keeps_the_database_empty_and_limits_come_from_the_same_environment():
    settings = get_settings({"SEED_DEMO": "0", "MAX_UPLOAD_MB": "3", "MAX_ROWS": "7"})
    assert settings.seed_demo is False
    assert (settings.read_limits.max_bytes, settings.read_limits.max_rows) == (3 * MB, 7)


@pytest.mark.parametrize("value", ["false", "yes", "2", "off"])
def test_a_seed_demo_value_other_than_0_or_1_is_refused_by_name(value):
    with pytest.raises(SettingsError) as info:
        get_settings({"SEED_DEMO": value})
    [problem] = info.value.problems
    assert (problem.column, problem.value) == ("SEED_DEMO", value)
    assert "SEED_DEMO" in info.value.message_zh and "SEED_DEMO" in info.value.message_en


def test_every_bad_setting_is_named_at_once():
    with pytest.raises(SettingsError) as info:
        get_settings({"SEED_DEMO": "maybe", "MAX_ROWS": "-5"})
    assert [p.column for p in info.value.problems] == ["SEED_DEMO", "MAX_ROWS"]


def test_the_db_command_line_refuses_a_bad_setting_before_it_starts(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    monkeypatch.setenv("SEED_DEMO", "no")
    assert main(["upgrade"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "SEED_DEMO" in err and "设置应为 1" in err and "must be 1" in err
    assert not (tmp_path / "never.db").exists()


def test_listing_term_and_repair_minimum_default_to_twelve_months_and_can_be_set(monkeypatch):
    for name in ("LISTING_TERM_MONTHS", "REPAIR_MINIMUM_MONTHS"):
        monkeypatch.delenv(name, raising=False)
    assert (get_settings().listing_term_months, get_settings().repair_minimum_months) == (12, 12)
    settings = get_settings({"LISTING_TERM_MONTHS": "24", "REPAIR_MINIMUM_MONTHS": "0"})
    assert (settings.listing_term_months, settings.repair_minimum_months) == (24, 0)


@pytest.mark.parametrize(("name", "value"), [("LISTING_TERM_MONTHS", "0"), ("LISTING_TERM_MONTHS", "1 year"),
                                             ("REPAIR_MINIMUM_MONTHS", "-1"), ("REPAIR_MINIMUM_MONTHS", "121"),
                                             ("LISTING_TERM_MONTHS", "１２")])
def test_a_bad_listing_setting_is_refused_by_name(name, value):
    with pytest.raises(SettingsError) as info:
        get_settings({name: value})
    [problem] = info.value.problems
    assert (problem.column, problem.value) == (name, value)


def test_the_session_idle_limit_defaults_to_thirty_minutes_and_takes_seconds():
    assert get_settings({"SESSION_IDLE_SECONDS": ""}).session_idle_seconds == 1800
    assert get_settings({"SESSION_IDLE_SECONDS": "45"}).session_idle_seconds == 45


@pytest.mark.parametrize("value", ["0", "9", "86401", "30m", "-5", "１２"])
def test_a_session_idle_limit_outside_ten_seconds_to_a_day_is_refused_by_name(value):
    with pytest.raises(SettingsError) as info:
        get_settings({"SESSION_IDLE_SECONDS": value})
    [problem] = info.value.problems
    assert (problem.column, problem.value) == ("SESSION_IDLE_SECONDS", value)


def test_settings_are_read_once_a_process_and_overrides_are_read_afresh(monkeypatch):
    monkeypatch.setenv("NOTICE_WORKING_DAYS", "3")  # the suite's monkeypatch makes the next read see it
    first = get_settings()
    os.environ["NOTICE_WORKING_DAYS"] = "4"  # changed behind the process's back: what it read stays
    assert get_settings() is first and first.notice_working_days == 3
    assert get_settings({"SEED_DEMO": "0"}).notice_working_days == 4  # overrides: read afresh, not kept
    assert get_settings() is first
    forget_settings()
    assert get_settings().notice_working_days == 4


@pytest.mark.parametrize("setting", [s for s in settings_of(Settings) if isinstance(s, Whole | Choice)],
                         ids=lambda s: s.name)
def test_every_number_or_choice_setting_refuses_a_bad_value_by_name_in_both_languages(setting):
    with pytest.raises(SettingsError) as info:
        get_settings({setting.name: "１０"})
    [problem] = info.value.problems
    assert (problem.column, problem.value) == (setting.name, "１０")
    assert re.search(r"[\u4e00-\u9fff]", problem.message_zh) and problem.message_en.startswith("the setting must be")
    assert get_settings({setting.name: ""}) == get_settings({})  # blank: the declared default


def test_the_declared_defaults_are_the_settings_defaults():
    """A Settings made by hand (tests) has the same defaults as one read from an empty environment."""
    empty = {s.name: "" for s in settings_of(Settings)}
    assert get_settings(empty) == Settings()
    assert Settings().database_url == f"sqlite:///{Settings().data_dir / 'credit-board.db'}"
