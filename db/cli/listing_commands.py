"""The blacklist-listing subcommands of `python -m db listings …`: export (for credit platforms) and expire (daily).

Registered in db/cli/commands.py; exit codes as there (0 done, 2 bad input), each run inside the one guard.
"""

from __future__ import annotations

import argparse
import sys

from core.text import counted
from db.cli.guard import ready_engine, write_file
from db.cli.publish_commands import Spec, edition_after_change


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="listings_command", required=True, metavar="ACTION")
    export = sub.add_parser("export", help="导出黑名单列入记录（信用平台字段）/ export the listings in the credit "
                            "platforms' fields")
    export.add_argument("--format", choices=("csv", "xlsx"), required=True, help="文件格式 / file format")
    export.add_argument("out", help="输出文件，- 为标准输出 / output file, - for stdout")
    expire = sub.add_parser("expire", help="记录期满移出（可每日运行，重复运行无影响）/ record removals at term end "
                            "(run daily; running again changes nothing)")
    expire.add_argument("--by", default="system", help="记入审计日志的操作人 / who runs it (audited)")


def _run(args: argparse.Namespace) -> int:
    engine = ready_engine()
    if args.listings_command == "expire":
        from db.accounts.actor import Actor
        from db.publishing.listing_removal import expire_listings

        ids = expire_listings(engine=engine, by=Actor.operator(args.by))
        print(f"期满移出 {len(ids)} 条 / {counted(len(ids), 'listing', 'listings')} removed at term end")
        if ids:  # the edition's listing pages and file change only when a listing ended
            edition_after_change()
        return 0
    from db.public.listing_export import export_listings

    content = export_listings(engine=engine, fmt=args.format)
    if args.out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        write_file(args.out, content)
        print(f"已导出 / written {args.out} ({len(content)} bytes)", file=sys.stderr)
    return 0


COMMANDS: list[Spec] = [
    ("listings", "黑名单列入记录：export 导出（信用平台字段）、expire 记录期满移出 / blacklist listings: export (credit "
     "platform fields), expire (record removals at term end)", _arguments, _run),
]
