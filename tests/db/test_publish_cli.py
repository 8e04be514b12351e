"""`python -m db publish|diff|export|verify|seed-demo`: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.cli.commands import main
from tests.builders import finding
from tests.db.conftest import url_of
from tests.db.publishing import YEAR, a_year, load
from tests.notices import ended_notice

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(engine, monkeypatch, capsys):
    """Run `python -m db ARGS` in-process against the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", url_of(engine))

    def call(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return call


def test_publish_then_a_correction_needs_a_reason(engine, run):
    a_year(engine)
    code, _, err = run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    assert code == 2 and "must be put under notice first" in err and "须先公示" in err
    ended_notice(engine, YEAR)
    code, out, _ = run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    assert code == 0 and "published 2025 version 1 (5 agencies)" in out
    code, out, err = run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    assert (code, out) == (2, "") and "requires a reason" in err and "更正原因" in err
    code, _, err = run("publish", "--year", str(YEAR), "--by", "admin.zhou", "--reason", "补录")
    assert code == 2 and "notice first" in err  # a correction needs a notice of its own
    ended_notice(engine, YEAR)
    code, out, _ = run("publish", "--year", str(YEAR), "--by", "admin.zhou", "--reason", "补录")
    assert code == 0 and "version 2" in out


def test_diff_shows_changes_or_says_there_are_none(engine, run):
    a_year(engine)
    ended_notice(engine, YEAR)
    run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    code, out, _ = run("diff", "--year", str(YEAR))
    assert code == 0 and "nothing would change" in out
    load(engine, [finding(0, "1.4", assessor="市应急管理局")])
    code, out, _ = run("diff", "--year", str(YEAR))
    assert code == 0 and "entered_blacklist" in out and "列入黑名单" in out


def test_export_then_verify_matches_and_a_changed_file_does_not(engine, run, tmp_path):
    a_year(engine)
    ended_notice(engine, YEAR)
    run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    for fmt in ("csv", "xlsx", "json"):
        code, _, _ = run("export", "--year", str(YEAR), "--format", fmt, str(tmp_path / f"out.{fmt}"))
        assert code == 0 and (tmp_path / f"out.{fmt}").stat().st_size > 100
    code, keys, _ = run("public-key", "--all")  # every key that signed, as the open-data page lists them
    (tmp_path / "keys.pem").write_text(keys, encoding="utf-8")
    code, out, _ = run("verify", str(tmp_path / "out.json"), "--public-key", str(tmp_path / "keys.pem"))
    assert code == 0 and "GENUINE: 2025 version 1" in out
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    document["ratings"][0]["grade"] = "B"
    (tmp_path / "changed.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run("verify", str(tmp_path / "changed.json"), "--public-key", str(tmp_path / "keys.pem"))
    assert code == 1 and "NOT GENUINE" in out


def test_refusals_exit_2_with_a_message(engine, run, tmp_path):
    a_year(engine)
    ended_notice(engine, YEAR)
    run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    code, _, err = run("export", "--year", "2019", "--format", "csv", str(tmp_path / "x.csv"))
    assert code == 2 and "no published rating for 2019" in err
    code, _, err = run("export", "--year", str(YEAR), "--version", "7", "--format", "csv", str(tmp_path / "x.csv"))
    assert code == 2 and "no published version 7" in err
    code, _, err = run("verify", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in err
    code, _, err = run("publish", "--year", "2019", "--by", "admin.zhou")
    assert code == 2 and "nothing to publish" in err


def test_notice_open_then_list_and_publishing_waits_for_its_end(engine, run):
    a_year(engine)
    code, out, _ = run("notice", "open", str(YEAR), "--ends", "2999-01-04", "--by", "admin.zhou")
    assert code == 0 and "open until 2999-01-04" in out
    code, _, err = run("notice", "open", str(YEAR), "--by", "admin.zhou")
    assert code == 2 and "already has a notice" in err and "已有公示" in err
    code, out, _ = run("notice", "list", "--year", str(YEAR))
    assert code == 0 and "2999-01-04" in out and "admin.zhou" in out and "open" in out
    code, _, err = run("publish", "--year", str(YEAR), "--by", "admin.zhou")
    assert code == 2 and "under notice until 2999-01-04" in err and "正在公示" in err
    code, _, err = run("notice", "open", "2019", "--by", "admin.zhou")
    assert code == 2 and "nothing to put under notice" in err
    code, _, err = run("notice", "open", "2024", "--ends", "2020-01-01", "--by", "admin.zhou")
    assert code == 2 and "must be after today" in err


def test_notice_cancel_from_the_command_line_is_audited_and_refused_twice(engine, run, capsys):
    a_year(engine)
    code, out, _ = run("notice", "open", str(YEAR), "--ends", "2999-01-04", "--by", "admin.zhou")
    notice_id = out.rsplit("no. ", 1)[1].strip()
    code, out, err = run("notice", "cancel", notice_id, "--by", "admin.zhou")
    assert code == 0 and f"notice no. {notice_id}" in out and "已撤销" in out and err == ""
    code, out, _ = run("notice", "list", "--year", str(YEAR))
    assert "cancelled" in out
    with engine.connect() as conn:
        actor, action = conn.execute(text("SELECT actor, action FROM auditentry ORDER BY id DESC LIMIT 1")).one()
    assert (actor, action) == ("admin.zhou", "notice_cancel")
    code, out, err = run("notice", "cancel", notice_id, "--by", "admin.zhou")
    assert code == 2 and out == "" and "no notice to cancel" in err and "没有可撤销的公示" in err
    with pytest.raises(SystemExit) as refused:  # argparse refuses it before the database is opened
        run("notice", "cancel", "0", "--by", "admin.zhou")
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "notice number" in err and "公示编号" in err


def test_seed_demo_seeds_once(engine, run):
    code, out, _ = run("seed-demo")
    assert code == 0 and out.count("demo:") == 4
    code, out, _ = run("seed-demo")
    assert code == 0 and "nothing seeded" in out


def test_an_unreachable_database_exits_2_with_a_message(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/none")  # nothing listens on port 1
    code = main(["diff", "--year", "2025"])
    _, err = capsys.readouterr()
    assert code == 2 and "the database cannot be reached" in err and "Traceback" not in err


def test_the_real_command_exits_2_without_a_traceback(engine):
    done = subprocess.run(
        [sys.executable, "-m", "db", "publish", "--year", "2019", "--by", "admin.zhou"],
        cwd=PROJECT, env={"DATABASE_URL": url_of(engine), "PATH": "/usr/bin:/bin",
                               "SIGNING_KEY_FILE": os.environ["SIGNING_KEY_FILE"]}, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "nothing to publish for 2019" in done.stderr and "Traceback" not in done.stderr
