"""`python -m db …`: one function pair per subcommand (its arguments, its action), registered in COMMANDS.

Adding a subcommand is additive: write `_xxx_arguments(parser)` and `_xxx(args) -> int`, append a Command.
Every subcommand runs inside one guard (db/cli/guard.py): exit 0 done, 1 a check said no (verify) or a fault of
ours, 2 bad input, usage, a refusal or a database that cannot be reached (every problem on stderr, English / 中文).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from core.cli_common import CommandError, name_argument, refuse, refuse_one, utf8_streams, year_argument
from core.errors import Problem
from core.text import counted, plural
from db.cli import listing_commands, notice_commands, publish_commands
from db.cli.guard import guarded, read_file, ready_engine

if TYPE_CHECKING:  # imported where used: `python -m db --help` stays light
    from db.accounts.actor import Actor


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one line of help, how it reads its arguments, what it does (returns the exit code)."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --- upgrade ---------------------------------------------------------------------------------------------------
def _upgrade_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _upgrade(args: argparse.Namespace) -> int:
    from db.store.migrate import current_revision

    engine = ready_engine()
    print(f"数据库已是最新结构 / database at revision {current_revision(engine)}")
    engine.dispose()
    return 0


# --- import ----------------------------------------------------------------------------------------------------
def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="CSV 或 XLSX 文件 / a CSV or XLSX file")
    from core.service_records import RECORD_KINDS

    parser.add_argument("--kind", choices=("findings", "roster", *RECORD_KINDS), default="findings",
                        help="扣分记录（默认）、机构名录或一种服务记录 / findings (default), a roster, or a service-record "
                             "file: " + ", ".join(RECORD_KINDS))
    parser.add_argument("--year", type=year_argument, help="名录所属年度（--kind roster 时必填）/ the roster's year")
    parser.add_argument("--by", required=True, type=name_argument, metavar="NAME", help="导入人 / who imports (audited)")
    parser.add_argument("--allow-repeats", action="store_true",
                        help="文件中有与已存记录相同的扣分记录（或服务记录）时仍然导入 / import even if findings (or "
                             "service records) of the file are identical to stored ones (e.g. a re-saved file): "
                             "findings would be deducted again")


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.errors import InputError
    from core.limits import MB
    from db.accounts.actor import Actor
    from db.records.imports import RepeatedRecords, import_records
    from db.records.reads import RECORD_MODELS
    from db.store.settings import get_settings
    from db.uploads.imports import import_findings, import_roster
    from db.uploads.repeats import RepeatedFindings, warning_text

    if args.kind == "roster" and args.year is None:
        return refuse_one("导入名录需要 --year", "a roster import needs --year YYYY")
    path = Path(args.file)
    limits = get_settings().read_limits  # a file over the size limit is refused after reading one byte past it
    try:
        content = read_file(args.file, limit=limits.max_bytes,
                            too_big=(f"文件过大（上限{limits.max_bytes / MB:g} MB）",
                                     f"the file is too large (at most {limits.max_bytes / MB:g} MB)"))
    except CommandError as exc:
        return _not_imported(exc.problems)
    engine = ready_engine()
    operator = Actor.operator(args.by)  # the command line's named operator (db/accounts/actor.py)
    try:
        if args.kind in RECORD_MODELS:
            done = import_records(engine=engine, kind=args.kind, content=content, file_name=path.name, by=operator,
                                  limits=limits, allow_repeats=args.allow_repeats)
            _records_imported(done, path.name)
            if not done.duplicate:
                _refresh_queue(engine)
            return 0
        if args.kind == "roster":
            result = import_roster(engine=engine, content=content, file_name=path.name, by=operator, year=args.year)
        else:
            result = import_findings(engine=engine, content=content, file_name=path.name, by=operator,
                                     allow_repeats=args.allow_repeats)
    except RepeatedFindings as exc:
        print("\n".join(warning_text(exc.repeats)), file=sys.stderr)
        refuse(exc.problems)
        return refuse_one("文件未导入；确属另外的违规行为时，请加 --allow-repeats 再次导入",
                          "file not imported: if these are separate acts, import again with --allow-repeats")
    except RepeatedRecords as exc:
        refuse(exc.problems)
        return refuse_one("文件未导入：这些行与已存的同类记录完全相同；确需再次导入时，请加 --allow-repeats",
                          f"file not imported: {counted(len(exc.repeats), 'row', 'rows')} {plural(len(exc.repeats), 'is', 'are')} "
                          f"identical to stored {exc.kind} rows; "
                          "to import them anyway, add --allow-repeats")
    except InputError as exc:
        return _not_imported(exc.problems)
    finally:
        engine.dispose()
    if result.duplicate:
        print(f"该文件已导入过，未添加任何记录 / already imported (upload #{result.upload_id}): nothing added")
        return 0
    what = "扣分记录 findings" if result.kind == "findings" else f"{args.year}年名录 roster entries"
    print(f"已导入 / imported {path.name} (upload #{result.upload_id}): {result.added} {what}; "
          f"新机构 new agencies {result.agencies_added}, 更名 renamed {result.agencies_renamed}")
    return 0


def _records_imported(done, file_name: str) -> int:
    from core.service_records import KIND_LABELS

    if done.duplicate:
        print(f"该文件已导入过，未添加任何记录 / already imported (upload #{done.upload_id}): nothing added")
    else:
        print(f"已导入 / imported {file_name} (upload #{done.upload_id}): {done.added} "
              f"{KIND_LABELS[done.kind]} {done.kind} {plural(done.added, 'row', 'rows')}")
    return 0


def _refresh_queue(engine) -> None:
    """The suggestions queue's watch, run now that the records changed (db.findings.watch_runs), so no clerk waits
    for it. The import stands whatever happens here."""
    import time

    from core import china_time
    from db.findings.watch_runs import refresh_after_change

    start = time.perf_counter()
    try:
        runs = refresh_after_change(engine=engine, today=china_time.today())
    except Exception:  # noqa: BLE001 - the records are stored; the page starts the run itself if this one failed
        print("合规监测建议未能更新，打开建议页面时将在后台重算 / the suggestions queue was not refreshed: its page "
              "will compute it in the background", file=sys.stderr)
        return
    print(f"合规监测建议已更新 / suggestions queue refreshed: {counted(len(runs), 'run', 'runs')} in {time.perf_counter() - start:.1f} s")


def _not_imported(problems: list[Problem]) -> int:
    refuse(problems)
    return refuse_one(f"文件未导入，共{len(problems)}个问题", f"file not imported: {counted(len(problems), 'problem', 'problems')}")


COMMANDS: list[Command] = [
    Command("upgrade", "建表/升级数据库结构 / create or upgrade the tables (alembic upgrade head)",
            _upgrade_arguments, _upgrade),
    Command("import", "导入扣分记录、名录或服务记录文件 / import a findings, roster or service-record file (all or nothing)",
            _import_arguments, _import),
]
COMMANDS += [Command(*spec) for spec in publish_commands.COMMANDS]  # publish, diff, export, verify, check, sums, keys, seed-demo
COMMANDS += [Command(*spec) for spec in listing_commands.COMMANDS]  # listings export|expire
COMMANDS += [Command(*spec) for spec in notice_commands.COMMANDS]  # notice open|list


# --- create-user / reset-password (staff accounts; no default password exists anywhere) ------------------------
def read_new_password(stdin=None) -> str:
    """The new password, asked twice: with getpass at a terminal, else as two lines of stdin.

    Refuses (CommandError) when the two differ, a line is missing or the text is not UTF-8; db.accounts.users checks the policy.
    """
    import getpass

    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("新密码 / new password: ")
        second = getpass.getpass("再次输入 / again: ")
    else:
        first, second = _two_lines(stdin)
    if first != second:
        raise _password_refusal("两次输入的密码不一致", "the two passwords differ")
    return first


def _two_lines(stdin) -> tuple[str, str]:
    try:
        first, second = stdin.readline(), stdin.readline()
    except UnicodeDecodeError:
        raise _password_refusal("密码须为UTF-8文本", "the password must be UTF-8 text") from None
    if not second:  # end of input before the second line
        raise _password_refusal("需要两行输入：密码和确认", "two lines needed on stdin: the password and again")
    first, second = first.rstrip("\r\n"), second.rstrip("\r\n")
    if any("\ud800" <= ch <= "\udfff" for ch in first + second):  # undecodable bytes kept as surrogates (C locale)
        raise _password_refusal("密码须为UTF-8文本", "the password must be UTF-8 text")
    return first, second


def _password_refusal(message_zh: str, message_en: str) -> CommandError:
    from core.errors import Problem

    return CommandError([Problem(None, None, message_zh, message_en)])


def _cli_actor() -> Actor:
    """The operator account commands act as: the shell's user (whoever holds the server may manage accounts)."""
    import getpass

    from db.accounts.actor import Actor

    try:
        return Actor.operator(f"cli:{getpass.getuser()}"[:64])
    except (KeyError, OSError):  # no user name in a bare container
        return Actor.operator("cli")


def _create_user_arguments(parser: argparse.ArgumentParser) -> None:
    from db.accounts.roles import ROLES

    parser.add_argument("username", help="登录名 / the sign-in name")
    parser.add_argument("--role", required=True, choices=list(ROLES), help="角色 / role")
    parser.add_argument("--town", help="镇街园工作人员所属镇街园 / the town of a town_staff account")
    parser.add_argument("--credit-code", help="机构用户所代表机构的统一社会信用代码 / the agency an agency account acts for")
    parser.add_argument("--display-name", default="", help="显示名称 / name shown in the app")


def _with_new_password(change: Callable[[Engine, str], dict | None]) -> dict | None:
    """Ask for a new password twice, then run `change(engine, password)`; a refusal of either reaches the guard."""
    password = read_new_password()
    engine = ready_engine()
    try:
        return change(engine, password)
    finally:
        engine.dispose()


def _create_user(args: argparse.Namespace) -> int:
    from db.accounts.roles import ROLES
    from db.accounts.users import create_user

    user = _with_new_password(lambda engine, password: create_user(
        engine=engine, username=args.username, password=password, role=args.role, town=args.town,
        by=_cli_actor(), display_name=args.display_name, credit_code=args.credit_code))
    zh, en = ROLES[user["role"]]
    where = user["town"] or user["credit_code"]  # the town of a town account, the agency of an agency account
    town_zh, town_en = (f"（{where}）", f" ({where})") if where else ("", "")
    print(f"已创建账号 {user['username']}：{zh}{town_zh} / created account {user['username']}: {en}{town_en}")
    return 0


def _reset_password_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username", help="登录名 / the sign-in name")


def _reset_password(args: argparse.Namespace) -> int:
    from db.accounts.users import set_password

    _with_new_password(lambda engine, password: set_password(
        engine=engine, username=args.username, password=password, by=_cli_actor()))
    print(f"已重设密码并解除锁定 / password reset and lock lifted: {args.username}")
    return 0


COMMANDS += [
    Command("create-user", "创建工作人员或机构用户账号（密码输入两次）/ create a staff or agency account (password asked twice)",
            _create_user_arguments, _create_user),
    Command("reset-password", "重设工作人员密码 / reset a staff account's password (asked twice)",
            _reset_password_arguments, _reset_password),
]


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m db",
        description="江阴安全服务机构诚信评定 · 数据库 / the credit board's database (DATABASE_URL; default SQLite in data/)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub_parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.arguments(sub_parser)
        sub_parser.set_defaults(run=guarded(command.run))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` and run the subcommand inside the guard; argparse itself exits 2 on a usage error."""
    utf8_streams()
    args = build_parser().parse_args(argv)
    return args.run(args)


# --- suggestions -----------------------------------------------------------------------------------------------
def _suggestions_arguments(parser: argparse.ArgumentParser) -> None:
    from core.cli_common import date_argument

    parser.add_argument("--year", type=year_argument, required=True, metavar="YYYY", help="年度 / the year watched")
    parser.add_argument("--as-of", type=date_argument, metavar="DATE",
                        help="截至日期（默认今天，北京时间）/ as known on this day (default: today, China time)")


def _suggestions(args: argparse.Namespace) -> int:
    """The open suggestions of the queue (the watch over the stored records, decided ones left out), as CSV."""
    from core import china_time
    from core.errors import format_problems
    from core.workdays import waiting_problems
    from db.findings.suggestions import decided_keys, run_watch, split_waiting

    engine = ready_engine()
    found, waiting = split_waiting(run_watch(engine=engine, year=args.year, as_of=args.as_of or china_time.today()))
    open_rows = found[~found["key"].isin(decided_keys(engine=engine, year=args.year))]
    engine.dispose()
    if len(waiting):  # decided the rest: a warning, not a refusal
        counts = waiting["missing_year"].value_counts().sort_index()
        print(f"warning / 注意: {format_problems(waiting_problems({int(y): int(n) for y, n in counts.items()}))}",
              file=sys.stderr)
    sys.stdout.write(open_rows.drop(columns=["refusal_en", "sources"]).to_csv(index=False, lineterminator="\n"))
    return 0


COMMANDS.append(Command("suggestions", "合规监测待处理建议（CSV）/ the open suggestions of the watch over the stored "
                        "service records, as CSV", _suggestions_arguments, _suggestions))
