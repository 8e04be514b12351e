"""The 公示 subcommands of `python -m db notice …`: open a year's notice, cancel one, list notices.

Registered in db/cli/commands.py; exit codes as there (0 done, 2 bad input or a refusal), each inside the one guard.
"""

from __future__ import annotations

import argparse

from core.cli_common import date_argument, name_argument, notice_id_argument, year_argument
from db.cli.guard import ready_engine
from db.cli.publish_commands import Spec


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="notice_command", required=True, metavar="ACTION")
    opening = sub.add_parser("open", help="开启某年度评定结果公示 / open the notice of a year's draft")
    opening.add_argument("year", type=year_argument, metavar="YEAR", help="评定年度 / the year")
    opening.add_argument("--ends", type=date_argument, metavar="DATE",
                         help="公示截止日期（含），默认今天起第5个工作日 / the last day (inclusive); default: the "
                              "NOTICE_WORKING_DAYS-th working day after today")
    opening.add_argument("--by", required=True, type=name_argument, metavar="NAME",
                         help="开启人 / who opens it (audited)")
    cancelling = sub.add_parser("cancel", help="撤销尚未发布的公示 / cancel a notice that has not led to a version")
    cancelling.add_argument("notice_id", type=notice_id_argument, metavar="ID",
                            help="公示编号（见 notice list）/ the notice's number (see notice list)")
    cancelling.add_argument("--by", required=True, type=name_argument, metavar="NAME",
                            help="撤销人 / who cancels it (audited)")
    listing = sub.add_parser("list", help="列出公示及异议数 / list notices with their objection counts")
    listing.add_argument("--year", type=year_argument, help="只列该年度 / only this year")


def _run(args: argparse.Namespace) -> int:
    from core.plain_text import visible_controls
    from db.accounts.actor import Actor
    from db.publishing.notice import cancel_notice, notice_list, open_notice

    engine = ready_engine()
    if args.notice_command == "open":
        notice = open_notice(engine=engine, by=Actor.operator(args.by), year=args.year, ends_on=args.ends)
        print(f"已开启{notice.year}年度公示，截止{notice.ends_on}（含）/ notice of {notice.year} open until "
              f"{notice.ends_on} (inclusive), no. {notice.id}")
        return 0
    if args.notice_command == "cancel":
        notice = cancel_notice(engine=engine, by=Actor.operator(args.by), notice_id=args.notice_id)
        print(f"已撤销{notice.year}年度公示（编号{notice.id}）/ notice no. {notice.id} of {notice.year} cancelled")
        return 0
    frame = notice_list(engine=engine, year=args.year)
    if frame.empty:
        print("没有公示 / no notices")
    else:
        print(visible_controls(frame.to_string(index=False)))
    return 0


COMMANDS: list[Spec] = [
    ("notice", "公示：open 开启、cancel 撤销、list 列出 / notices: open a year's notice, cancel one, list them", _arguments, _run),
]
