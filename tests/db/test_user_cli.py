"""`python -m db create-user` / `reset-password`: the password asked twice, refused when short or different."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from sqlmodel import Session, select

from db.accounts.users import authenticate, list_users
from db.cli import commands
from db.store.models import User
from db.store.settings import PROJECT_DIR
from tests.builders import (
    MINE,
    THEIRS,
    fast_argon2,  # noqa: F401  (fixture)
    make_agencies,
)
from tests.db.conftest import url_of

pytestmark = pytest.mark.usefixtures("fast_argon2")

GOOD = "a long enough secret"


@pytest.fixture
def run(engine, monkeypatch, capsys):
    """Run `python -m db ARGS` in this process with `stdin_text` on a non-terminal stdin; → (exit code, out, err)."""
    monkeypatch.setenv("DATABASE_URL", url_of(engine))

    def _run(args: list[str], stdin_text: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
        code = commands.main(args)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_create_user_reads_the_password_twice_from_a_pipe_and_the_account_signs_in(engine, run):
    code, out, err = run(["create-user", "Chen", "--role", "bureau_admin"], f"{GOOD}\n{GOOD}\n")
    assert code == 0, err
    assert "chen" in out and GOOD not in out + err
    assert authenticate(engine=engine, username="chen", password=GOOD)


@pytest.mark.parametrize("stdin_text", [f"{GOOD}\n{GOOD}x\n", "short\nshort\n", f"{GOOD}\n", ""])
def test_create_user_refuses_different_short_or_missing_passwords_with_exit_2(engine, run, stdin_text):
    code, out, err = run(["create-user", "chen", "--role", "bureau_admin"], stdin_text)
    assert code == 2
    assert err.strip() and out == ""
    assert "short" not in err and GOOD not in err
    assert list_users(engine=engine).empty


def test_create_user_binds_town_staff_to_a_known_town(engine, run):
    assert run(["create-user", "hu", "--role", "town_staff", "--town", "火星镇"], f"{GOOD}\n{GOOD}\n")[0] == 2
    assert run(["create-user", "hu", "--role", "town_staff", "--town", "华士"], f"{GOOD}\n{GOOD}\n")[0] == 0
    assert list_users(engine=engine)["town"].tolist() == ["华士镇"]


def test_create_user_names_the_town_in_both_halves_of_what_it_prints(run):
    code, out, err = run(["create-user", "hu", "--role", "town_staff", "--town", "华士"], f"{GOOD}\n{GOOD}\n")
    assert code == 0, err
    zh, en = out.strip().split(" / ")
    assert "（华士镇）" in zh and en.endswith("(华士镇)")


def test_create_user_binds_an_agency_account_to_a_known_agency_s_credit_code(engine, run):
    make_agencies(engine, (MINE,))
    assert run(["create-user", "jia", "--role", "agency"], f"{GOOD}\n{GOOD}\n")[0] == 2  # no credit code
    assert run(["create-user", "jia", "--role", "agency", "--credit-code", THEIRS], f"{GOOD}\n{GOOD}\n")[0] == 2
    assert run(["create-user", "jia", "--role", "bureau_staff", "--credit-code", MINE], f"{GOOD}\n{GOOD}\n")[0] == 2
    code, out, err = run(["create-user", "jia", "--role", "agency", "--credit-code", MINE.lower()],
                         f"{GOOD}\n{GOOD}\n")
    assert code == 0, err
    assert MINE in out
    assert list_users(engine=engine)[["username", "role", "credit_code"]].values.tolist() == [["jia", "agency", MINE]]


def test_create_user_at_a_terminal_asks_with_getpass(engine, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    tty = io.StringIO()
    tty.isatty = lambda: True
    monkeypatch.setattr(sys, "stdin", tty)
    answers = iter([GOOD, GOOD])
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompts.append(prompt) or next(answers))
    assert commands.main(["create-user", "li", "--role", "bureau_staff"]) == 0
    assert len(prompts) == 2
    assert authenticate(engine=engine, username="li", password=GOOD)


def test_reset_password_replaces_the_password(engine, run):
    run(["create-user", "li", "--role", "bureau_staff"], f"{GOOD}\n{GOOD}\n")
    assert run(["reset-password", "li"], "another secret!\nanother secret!\n")[0] == 0
    assert authenticate(engine=engine, username="li", password="another secret!")
    assert run(["reset-password", "nobody"], "another secret!\nanother secret!\n")[0] == 2


def test_the_real_command_line_creates_the_first_admin(engine):
    env = {**os.environ, "DATABASE_URL": url_of(engine), "SEED_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", "db", "create-user", "root", "--role", "bureau_admin"],
                          input=f"{GOOD}\n{GOOD}\n", capture_output=True, text=True, env=env, cwd=PROJECT_DIR,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    # Outside the tests' cheap hasher: the stored hash carries argon2-cffi's recommended cost (RFC 9106 profile).
    with Session(engine) as session:
        stored = session.exec(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert authenticate(engine=engine, username="root", password=GOOD).user["role"] == "bureau_admin"
    # …and signing in under other parameters re-hashes the password with them.
    with Session(engine) as session:
        assert session.exec(select(User.password_hash)).one() != stored
