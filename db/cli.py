"""`python -m db …`: one function pair per subcommand (its arguments, its action), registered in COMMANDS.

Adding a subcommand is additive: write `_xxx_arguments(parser)` and `_xxx(args) -> int`, append a Command.
Exit codes: 0 done, 1 a check said no (e.g. verify), 2 bad input or usage (every problem on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from db import publish_cli


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one line of help, how it reads its arguments, what it does (returns the exit code)."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def ready_engine() -> Engine:
    """The engine of DATABASE_URL (default: the SQLite file in data/), at the head revision, towns in place.

    Never seeds demo data: that is the app's first start, or `seed-demo`.
    """
    from db.app_db import prepare
    from db.engine import make_engine

    engine = make_engine()
    prepare(engine)
    return engine


def fail(message: str, code: int = 2) -> int:
    """Print `message` on stderr and return `code` (for `return fail(...)` in a subcommand)."""
    print(message, file=sys.stderr)
    return code


# --- upgrade ---------------------------------------------------------------------------------------------------
def _upgrade_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _upgrade(args: argparse.Namespace) -> int:
    from db.migrate import current_revision

    engine = ready_engine()
    print(f"数据库已是最新结构 / database at revision {current_revision(engine)}")
    engine.dispose()
    return 0


COMMANDS: list[Command] = [
    Command("upgrade", "建表/升级数据库结构 / create or upgrade the tables (alembic upgrade head)",
            _upgrade_arguments, _upgrade),
]
COMMANDS += [Command(*spec) for spec in publish_cli.COMMANDS]  # publish, diff, export, verify, seed-demo


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
        sub_parser.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` and run the subcommand; argparse itself exits 2 on a usage error."""
    args = build_parser().parse_args(argv)
    return args.run(args)
