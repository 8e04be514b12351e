"""`python -m db …` with hostile arguments, files and databases: every path a bilingual refusal, exit 2, no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.cli.commands import main
from db.cli.publish_commands import MAX_EXPORT_BYTES
from tests.db.conftest import url_of
from tests.db.publishing import YEAR, a_year
from tests.notices import ended_notice
from tests.refusals import assert_bilingual_refusal

PROJECT = Path(__file__).resolve().parents[2]
SECRET = "pw-never-shown"
# Nothing listens on port 1: refused at once; connect_timeout bounds it anyway on a machine that drops the packets.
CLOSED_PORT = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/test?connect_timeout=3"
PASSWORDS = "a long enough secret\na long enough secret\n"


def run_main(monkeypatch, capsys, args: list, stdin_text: str = "") -> tuple[int, str, str]:
    """`python -m db ARGS` in this process, stdin a pipe holding `stdin_text`; → (exit code, stdout, stderr).

    argparse's own refusals leave by SystemExit: its code counts as the exit code.
    """
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def hostile_files(tmp_path: Path) -> dict[str, Path | str]:
    """Files no command can use: missing, a folder, refused by the system, endless, not UTF-8, too deep, too big."""
    (tmp_path / "deep.json").write_text("[" * 100_000, encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"digest": ', encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    # Past Python's int-string limit: int() would raise its own ValueError (once an "internal error")
    (tmp_path / "long-number.json").write_text('{"digest": "0", "total": ' + "9" * 5000 + "}", encoding="utf-8")
    with open(tmp_path / "huge.json", "wb") as huge:
        huge.truncate(MAX_EXPORT_BYTES + 1)  # sparse: big on paper, instant to make
    return {
        "missing": tmp_path / "missing.json",
        "folder": tmp_path,
        "refused": "/proc/self/mem",
        "endless": "/dev/zero",
        "deep": tmp_path / "deep.json",
        "broken": tmp_path / "broken.json",
        "binary": tmp_path / "binary.json",
        "long number": tmp_path / "long-number.json",
        "huge": tmp_path / "huge.json",
    }


# --- arguments refused before any database is opened ---------------------------------------------------------

ARGUMENT_CASES = {
    "--by empty": (["import", "f.csv", "--by", ""], "a name is required", "须填写"),
    "--by blanks": (["import", "f.csv", "--by", "   "], "a name is required", "须填写"),
    "--by control character": (["import", "f.csv", "--by", "li\x1b[2J"], "control characters", "控制字符"),
    "--by too long": (["import", "f.csv", "--by", "x" * 65], "at most 64", "不超过64"),
    "publish --by blank": (["publish", "--year", "2025", "--by", " "], "a name is required", "须填写"),
    "roster year 1800": (["import", "f.csv", "--kind", "roster", "--year", "1800", "--by", "li"], "2000–2100", "年度"),
    "roster year 99999": (["import", "f.csv", "--kind", "roster", "--year", "99999", "--by", "li"], "2000–2100", "年度"),
    "publish huge year": (["publish", "--year", "99999999999999999999", "--by", "li"], "2000–2100", "年度"),
    "diff negative year": (["diff", "--year=-5"], "2000–2100", "年度"),
    "export year not a number": (["export", "--year", "twenty", "--format", "csv", "x.csv"], "2000–2100", "年度"),
    "export version 0": (["export", "--year", "2025", "--version", "0", "--format", "csv", "x.csv"], "from 1", "版本"),
    "export version -1": (["export", "--year", "2025", "--version=-1", "--format", "csv", "x.csv"], "from 1", "版本"),
    "export huge version": (["export", "--year", "2025", "--version", "9" * 20, "--format", "csv", "x.csv"],
                            "from 1", "版本"),
}


@pytest.mark.parametrize("case", list(ARGUMENT_CASES))
def test_bad_arguments_are_refused_in_both_languages(case, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    args, english, chinese = ARGUMENT_CASES[case]
    assert_bilingual_refusal(*run_main(monkeypatch, capsys, args), english, chinese)
    assert not (tmp_path / "untouched.db").exists()


# --- files that cannot be read, or are not what they claim -----------------------------------------------------

FILE_CASES = {
    **{f"{command} {which}": (command, which, "cannot read", "无法读取")
       for command in ("verify", "import") for which in ("missing", "folder", "refused", "endless")},
    "verify deeply nested": ("verify", "deep", "not a valid export", "不是有效的"),
    "verify broken JSON": ("verify", "broken", "not a valid export", "不是有效的"),
    "verify not UTF-8": ("verify", "binary", "not a valid export", "不是有效的"),
    "verify a 5,000-digit number": ("verify", "long number", "too many digits (5,000", "位数过多的数字（5,000 位"),
    "verify too big": ("verify", "huge", "too big", "过大"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_unusable_files_are_refused_in_both_languages(case, engine, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    command, which, english, chinese = FILE_CASES[case]
    path = hostile_files(tmp_path)[which]
    args = [command, path] + (["--by", "li"] if command == "import" else [])
    assert_bilingual_refusal(*run_main(monkeypatch, capsys, args), english, chinese)


def test_a_file_that_is_json_but_matches_nothing_still_exits_1(engine, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    (tmp_path / "other.json").write_text('{"digest": "0"}', encoding="utf-8")
    code, out, err = run_main(monkeypatch, capsys, ["verify", tmp_path / "other.json"])
    assert code == 1 and "NOT GENUINE" in out and "Traceback" not in err


EXPORT_TARGETS = {
    "into a missing folder": lambda tmp: tmp / "no" / "such" / "out.csv",
    "under a file": lambda tmp: tmp / "plain.txt" / "out.csv",
    "onto a folder": lambda tmp: tmp,
    "into a read-only place": lambda tmp: Path("/proc/version"),
}


@pytest.mark.parametrize("case", list(EXPORT_TARGETS))
def test_an_export_that_cannot_be_written_is_refused_in_both_languages(case, engine, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    a_year(engine)
    ended_notice(engine, int(YEAR))
    assert run_main(monkeypatch, capsys, ["publish", "--year", YEAR, "--by", "admin.zhou"])[0] == 0
    (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    args = ["export", "--year", YEAR, "--format", "csv", EXPORT_TARGETS[case](tmp_path)]
    assert_bilingual_refusal(*run_main(monkeypatch, capsys, args), "cannot write", "无法写入")


# --- databases that cannot be reached or used --------------------------------------------------------------------

EVERY_COMMAND = {
    "upgrade": (["upgrade"], ""),
    "import": (["import", "FILE", "--by", "li"], ""),
    "import roster": (["import", "FILE", "--kind", "roster", "--year", "2025", "--by", "li"], ""),
    "publish": (["publish", "--year", "2025", "--by", "li"], ""),
    "notice open": (["notice", "open", "2025", "--by", "li"], ""),
    "notice cancel": (["notice", "cancel", "1", "--by", "li"], ""),
    "notice list": (["notice", "list"], ""),
    "diff": (["diff", "--year", "2025"], ""),
    "export": (["export", "--year", "2025", "--format", "json", "OUT"], ""),
    "seed-demo": (["seed-demo"], ""),
    "create-user": (["create-user", "chen", "--role", "bureau_admin"], PASSWORDS),
    "reset-password": (["reset-password", "chen"], PASSWORDS),
}


def every_command(tmp_path: Path, name: str, commands: dict | None = None) -> tuple[list, str]:
    """The command `name` with a real file where it reads one (so only the database can be the problem)."""
    (tmp_path / "f.json").write_text('{"digest": "0"}', encoding="utf-8")
    args, stdin_text = (commands or EVERY_COMMAND)[name]
    files = {"FILE": tmp_path / "f.json", "OUT": tmp_path / "out.json"}
    return [files.get(a, a) for a in args], stdin_text


# `verify` is not here: it needs and touches no database (tests/db/test_signatures.py runs it with an unusable one).
@pytest.mark.parametrize("name", list(EVERY_COMMAND))
def test_an_unreachable_postgresql_is_named_by_host_never_by_password(name, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", CLOSED_PORT)
    code, out, err = run_main(monkeypatch, capsys, *every_command(tmp_path, name))
    assert_bilingual_refusal(code, out, err, "the database cannot be reached", "数据库无法连接")
    assert "127.0.0.1:1" in err and SECRET not in err
    assert not (tmp_path / "out.json").exists()


MALFORMED_URL = f"postgresql://u:{SECRET}@[::1"  # an IPv6 host never closed: SQLAlchemy's parser raises ValueError


# Beside every command that opens a database: verify opens none, but the settings are checked before any command.
EVERY_COMMAND_AND_MORE = {**EVERY_COMMAND, "verify": (["verify", "FILE"], ""), "check": (["check"], "")}


@pytest.mark.parametrize("name", list(EVERY_COMMAND_AND_MORE))
def test_a_malformed_database_url_is_named_by_its_setting_never_by_password(name, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", MALFORMED_URL)
    code, out, err = run_main(monkeypatch, capsys, *every_command(tmp_path, name, EVERY_COMMAND_AND_MORE))
    assert_bilingual_refusal(code, out, err, "DATABASE_URL", "数据库地址")
    assert SECRET not in err and "internal error" not in err


BAD_DATABASES = {
    "not a URL": ("not a database url", "DATABASE_URL", "数据库地址"),
    "an unknown kind of database": ("nosuchdb://postgres@127.0.0.1:1/test", "DATABASE_URL", "数据库地址"),
    "a driver the project does not install": ("mysql+mysqldb://u@127.0.0.1:1/test", "DATABASE_URL", "数据库地址"),
    "a SQLite file that is not a database": ("sqlite:///{tmp}/junk.db", "the database", "数据库"),
    "a SQLite file in a place nobody can write": ("sqlite:////proc/version/x.db", "the database", "数据库"),
    "a database from a newer program": ("sqlite:///{tmp}/newer.db", "newer", "数据库结构"),
}


@pytest.mark.parametrize("case", list(BAD_DATABASES))
def test_an_unusable_database_is_refused_in_both_languages(case, monkeypatch, capsys, tmp_path):
    url, english, chinese = BAD_DATABASES[case]
    (tmp_path / "junk.db").write_bytes(b"this is not SQLite" * 100)
    from db.store.engine import make_engine
    newer = make_engine(f"sqlite:///{tmp_path / 'newer.db'}")
    with newer.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999_from_the_future')"))
    newer.dispose()
    monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    assert_bilingual_refusal(*run_main(monkeypatch, capsys, ["upgrade"]), english, chinese)


# --- the real process: bytes a terminal may hand over ------------------------------------------------------------

def run_db(args: list[bytes | str], url: str, stdin: bytes = b"") -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-m", "db", *map(os.fsencode, args)], cwd=PROJECT, input=stdin,
                          env={**os.environ, "DATABASE_URL": url, "SEED_DEMO": "0"}, capture_output=True, timeout=120)
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def test_a_path_that_is_not_utf8_is_named_not_crashed_on(engine, tmp_path):
    path = os.fsdecode(os.fsencode(tmp_path) + b"/\xff\xfe.json")
    assert_bilingual_refusal(*run_db(["verify", path], url_of(engine)), "cannot read", "无法读取")


def test_a_malformed_database_url_is_exit_2_in_the_real_process_too():
    code, out, err = run_db(["upgrade"], MALFORMED_URL)
    assert_bilingual_refusal(code, out, err, "DATABASE_URL", "数据库地址")
    assert SECRET not in err


def test_a_password_that_is_not_utf8_is_refused_without_echoing_it(engine, tmp_path):
    code, out, err = run_db(["create-user", "chen", "--role", "bureau_admin"], url_of(engine),
                            stdin=b"secret\xff\xfe long\nsecret\xff\xfe long\n")
    assert_bilingual_refusal(code, out, err, "UTF-8", "UTF-8")
    assert "secret" not in err


def test_a_fault_of_ours_is_one_bilingual_line_and_exit_1_not_a_traceback(capsys, monkeypatch):
    from db.cli.guard import guarded

    monkeypatch.delenv("CORE_DEBUG", raising=False)

    def broken(args) -> int:
        raise RuntimeError("a bug, with postgresql://user:secret@host in its text")

    assert guarded(broken)(None) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError" in err and "内部错误" in err and "CORE_DEBUG=1" in err
    assert "Traceback" not in err and "secret" not in err


def a_rating_inserted_without_scores(engine, monkeypatch, capsys) -> None:
    """A published year, then a rating row inserted behind its dropped guards (no scores: a hand-made INSERT)."""
    from sqlalchemy import insert

    from db.documents.export import load_document
    from db.store.models import PublishedRating
    from tests.db.test_check_rows import STRANGER, drop_guards

    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    a_year(engine)
    ended_notice(engine, int(YEAR))
    assert run_main(monkeypatch, capsys, ["publish", "--year", YEAR, "--by", "admin.zhou"])[0] == 0
    row = {k: v for k, v in load_document(engine=engine, year=YEAR)["ratings"][0].items() if not k.endswith("_score")}
    with engine.begin() as conn:
        drop_guards(conn, engine, "publishedrating")
        publication_id = conn.execute(text("SELECT id FROM publication")).scalar_one()
        conn.execute(insert(PublishedRating), [{**row, "credit_code": STRANGER, "publication_id": publication_id}])


def test_check_names_a_row_inserted_behind_a_dropped_trigger_instead_of_an_internal_error(engine, monkeypatch,
                                                                                          capsys):
    from tests.db.test_check_rows import STRANGER

    a_rating_inserted_without_scores(engine, monkeypatch, capsys)
    code, out, err = run_main(monkeypatch, capsys, ["check"])
    assert code == 1 and "internal error" not in err and "Traceback" not in err
    assert f"rating rows lack their bucket scores: {STRANGER}" in out and "缺少分项得分" in out


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_of_rows_that_cannot_be_rebuilt_is_refused_and_points_to_check(fmt, engine, monkeypatch, capsys,
                                                                                 tmp_path):
    a_rating_inserted_without_scores(engine, monkeypatch, capsys)
    args = ["export", "--year", YEAR, "--format", fmt, tmp_path / f"out.{fmt}"]
    assert_bilingual_refusal(*run_main(monkeypatch, capsys, args), "python -m db check", "无法还原")
    assert not (tmp_path / f"out.{fmt}").exists()
