"""The publishing subcommands of `python -m db`: publish, diff, export, verify, seed-demo (registered in db/cli/commands.py).

Exit codes as db/cli/commands.py says: 0 done, 1 verify found no match, 2 bad input (a clear message on stderr, no traceback);
db/cli/commands.py runs each inside the one guard of db/cli/guard.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from core.cli_common import CommandError, name_argument, version_argument, year_argument
from core.errors import Problem
from core.plain_text import visible_controls
from db.cli.guard import read_file, ready_engine, write_file

# An export of 10,000 agencies is a few megabytes: a file far beyond that is not one, and is not read whole.
MAX_EXPORT_BYTES = 64 * 1024 * 1024
# (name, help, arguments, run): db/cli/commands.py wraps each in its Command.
Spec = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


# --- publish --------------------------------------------------------------------------------------------------
def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, help="评定年度 / the year to publish")
    parser.add_argument("--by", required=True, type=name_argument, help="发布人账号 / who publishes (recorded in the audit log)")
    parser.add_argument("--reason", default=None, help="更正原因（第2版起必填）/ reason, required for a correction")


def _publish(args: argparse.Namespace) -> int:
    from db.publishing.publish import publish_year

    p = publish_year(engine=ready_engine(), year=args.year, by=args.by, reason=args.reason)
    print(f"已发布 {p.year}年度第{p.version}版（{p.agency_count}家机构）/ published {p.year} version {p.version} "
          f"({p.agency_count} agencies)\nSHA-256 {p.digest}")
    return 0


# --- diff -----------------------------------------------------------------------------------------------------
def _diff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, help="评定年度 / the year")


def _diff(args: argparse.Namespace) -> int:
    from db.publishing.publish import diff_year

    changes = diff_year(engine=ready_engine(), year=args.year)
    if changes.empty:
        print(f"与{args.year}年度现行版本相比没有变化 / nothing would change against the current {args.year} version")
    else:
        print(visible_controls(changes.to_string(index=False)))  # bidi in a name would reorder the line
    return 0


# --- export ---------------------------------------------------------------------------------------------------
def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, help="评定年度 / the year")
    parser.add_argument("--version", type=version_argument, default=None, help="版本（默认最新）/ version (default: the latest)")
    parser.add_argument("--format", choices=("csv", "xlsx", "json"), required=True, help="文件格式 / file format")
    parser.add_argument("out", help="输出文件，- 为标准输出 / output file, - for stdout")


def _export(args: argparse.Namespace) -> int:
    from db.publishing.export import export_publication

    content = export_publication(engine=ready_engine(), year=args.year, version=args.version, fmt=args.format)
    if args.out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        write_file(args.out, content)
        print(f"已导出 / written {args.out} ({len(content)} bytes)", file=sys.stderr)
    return 0


# --- verify ---------------------------------------------------------------------------------------------------
def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="下载的 JSON 文件 / a downloaded JSON export")


def _verify(args: argparse.Namespace) -> int:
    from db.publishing.export import iso_utc, verify_export

    content = read_file(args.file, limit=MAX_EXPORT_BYTES, too_big=(
        f"文件过大（超过{MAX_EXPORT_BYTES // 2**20} MB），不是本系统的导出文件",
        f"the file is too big to be an export of this board (over {MAX_EXPORT_BYTES // 2**20} MB)"))
    _check_is_json(content, args.file)
    publication = verify_export(engine=ready_engine(), content=content)
    if publication is None:
        print(f"不一致：{args.file} 与任何已发布版本都不相符（内容被改动，或不是本系统导出的 JSON 文件）\n"
              f"NO MATCH: {args.file} matches no published version (altered, or not a JSON export of this board)")
        return 1
    print(f"一致：{publication.year}年度第{publication.version}版，发布于 {iso_utc(publication.published_at)}\n"
          f"MATCH: {publication.year} version {publication.version}, published {iso_utc(publication.published_at)}\n"
          f"SHA-256 {publication.digest}")
    return 0


def _check_is_json(content: bytes, path: str) -> None:
    """Refuse what is not JSON text at all (bad bytes, broken, nested past Python's limit) before comparing digests."""
    try:
        json.loads(content.decode("utf-8-sig"))
    except (RecursionError, ValueError):  # ValueError: JSONDecodeError and UnicodeDecodeError alike
        raise CommandError([Problem(None, None, "不是有效的导出文件（应为本系统导出的JSON文件）",
                                    "not a valid export (a JSON file exported by this board)", path)]) from None


# --- seed-demo ------------------------------------------------------------------------------------------------
def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _seed(args: argparse.Namespace) -> int:
    from db.seed import seed_demo

    published = seed_demo(engine=ready_engine())
    if not published:
        print("数据库中已有机构，未写入演示数据 / the database already has agencies: nothing seeded")
    for p in published:
        print(f"演示数据 / demo: {p.year}年度第{p.version}版 version {p.version}, {p.agency_count} agencies, "
              f"SHA-256 {p.digest}")
    return 0


COMMANDS: list[Spec] = [
    ("publish", "发布某年度评定结果（更正须填原因）/ publish a year (a correction needs --reason)",
     _publish_arguments, _publish),
    ("diff", "新发布相对现行版本的变化 / what a new publication would change", _diff_arguments, _diff),
    ("export", "导出已发布版本 CSV/XLSX/JSON / export a published version", _export_arguments, _export),
    ("verify", "校验下载的 JSON 文件 / check a downloaded JSON export against the published digests",
     _verify_arguments, _verify),
    ("seed-demo", "写入演示数据并发布2023–2025 / load the demo data set and publish 2023–2025",
     _seed_arguments, _seed),
]
