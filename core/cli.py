"""`python -m core rate|explain|template|watch|draw`: the scoring core from the command line (docs/cli.md)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from core.cli_common import (
    EXIT_OK,
    CommandError,
    date_argument,
    file_refusal,
    refuse_or_fault,
    rulebook_problems,
    stdout_closed_early,
    utf8_streams,
    year_argument,
)
from core.errors import Problem, RulebookError
from core.limits import read_limits
from core.plain_text import visible_controls


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (core.cli_common). Never lets a traceback reach the user."""
    utf8_streams()
    args = _parser().parse_args(argv)  # a usage error exits 2 with the usage on stderr
    try:
        result = args.run(args)  # the text for stdout, or (text, exit code) when a check can say no (draw --verify)
    except Exception as exc:  # noqa: BLE001 — a refusal (exit 2) or a fault of ours in one readable line (exit 1)
        return refuse_or_fault(exc)
    text, code = result if isinstance(result, tuple) else (result, EXIT_OK)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `python -m core rate f.csv | head` closes the pipe early: not an error
        return stdout_closed_early()
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m core",
        description="江阴市安全生产技术服务机构诚信等级评定 · Jiangyin safety-service agency credit rating",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{rate,explain,template,watch,draw}")

    rate = sub.add_parser("rate", help="rate every agency of a year / 评定年度诚信等级")
    rate.add_argument("findings", metavar="FINDINGS", help="findings file, CSV or XLSX / 扣分记录文件")
    rate.add_argument("--roster", metavar="ROSTER", help="agencies to rate, CSV or XLSX / 机构名单")
    rate.add_argument("--contracts", metavar="F", help="contracts file, CSV or XLSX: the towns served, for a towns' "
                      "bucket read per town / 合同文件（各镇街园分别评分时使用）")
    rate.add_argument("--compare-reading", action="store_true", help="list only the agencies whose grade differs "
                      "between the towns' readings (pooled, per town equal, per town by contracts) / 列出评分方式不同"
                      "时等级不同的机构")
    _common(rate, ("csv", "json", "table"), "csv")
    rate.set_defaults(run=_rate)

    explain = sub.add_parser("explain", help="why an agency has its score / 查看扣分依据")
    explain.add_argument("credit_code", metavar="CREDIT_CODE", help="统一社会信用代码")
    explain.add_argument("findings", metavar="FINDINGS", help="findings file, CSV or XLSX / 扣分记录文件")
    explain.add_argument("--contracts", metavar="F", help="contracts file, CSV or XLSX: the towns served / 合同文件")
    _common(explain, ("table", "csv", "json"), "table")
    explain.set_defaults(run=_explain)

    template = sub.add_parser("template", help="write a blank upload template / 生成空白上传模板")
    template.add_argument("out", metavar="OUT", help="file to write")
    template.add_argument("--format", choices=("xlsx", "csv"), help="default: from OUT's suffix, else xlsx")
    template.add_argument("--kind", choices=TEMPLATE_KINDS, default="findings",
                          help="which file: findings (default) or a service-record file / 哪种文件")
    template.set_defaults(run=_template)

    watch = sub.add_parser("watch", help="suggested findings from service records / 合规监测：建议扣分")
    watch.add_argument("--year", type=year_argument, required=True, metavar="YYYY", help="year to watch / 年度")
    watch.add_argument("--as-of", type=date_argument, metavar="DATE", help="as known on this day (default: today, "
                       "China time) / 截至日期")
    for kind in RECORD_FILES:
        watch.add_argument(f"--{kind}", metavar="F", help=f"{kind} file, CSV or XLSX")
    watch.add_argument("--rulebook", default="jiangyin-2020", metavar="NAME_OR_PATH", help="rulebook name or TOML file")
    watch.add_argument("--format", choices=("csv", "json", "table"), default="csv")
    watch.add_argument("--notes", action="store_true", help="print the notes instead (short contracts, few visits "
                       "contracted) / 输出提示而非建议扣分")
    watch.set_defaults(run=_watch)

    draw = sub.add_parser("draw", help="run or re-run a spot-check draw / 监督抽查：抽取或复核")
    draw.add_argument("--plan", metavar="PLAN", help="the announced plan, JSON / 抽查计划文件")
    draw.add_argument("--secret", metavar="HEX", help="the revealed secret, lower-case hex / 公布的密钥")
    draw.add_argument("--public-value", metavar="TEXT", help="the public value of the draw day / 公开随机值")
    draw.add_argument("--verify", metavar="DRAW", help="re-derive a published draw file instead; exit 1 if it differs "
                      "/ 复核已公布的抽取结果")
    draw.add_argument("--format", choices=("table", "json"), default="table")
    draw.set_defaults(run=_draw)
    return parser


# The service-record files `watch` takes (core.service_records.RECORD_KINDS; named here so `--help` loads no pandas).
RECORD_FILES = ("registry", "practitioners", "changes", "contracts", "visits", "reports")
TEMPLATE_KINDS = ("findings", *RECORD_FILES)


def _common(p: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    p.add_argument("--year", type=year_argument, metavar="YYYY", help="year to rate (default: the latest in the file)")
    p.add_argument("--rulebook", default="jiangyin-2020", metavar="NAME_OR_PATH", help="rulebook name or TOML file")
    p.add_argument("--format", choices=formats, default=default)


# --- commands: each returns the text for stdout, or raises -----------------------------------------------------


def _rate(args: argparse.Namespace) -> str:
    from core import output
    from core.rating import output_rows, rate
    from core.schema import rating_columns

    rulebook = _load_rulebook_and_check_files(args.rulebook, [args.findings, args.roster, args.contracts])
    findings = _read_findings(args.findings, rulebook)
    roster = _read_roster(args.roster) if args.roster else None
    year = _pick_year(findings, args.year, roster_given=roster is not None)
    served = _towns_served(args.contracts, year)
    if args.compare_reading:
        from core.rating import compare_readings, reading_columns

        try:
            frame = compare_readings(findings, roster, year=year, rulebook=rulebook, towns_served=served)
        except RulebookError as exc:
            raise CommandError(rulebook_problems(exc, "--compare-reading")) from None
        rows, columns = [_plain_row(r) for r in frame.to_dict("records")], reading_columns()
    else:
        rating = rate(findings, roster=roster, year=year, rulebook=rulebook, towns_served=served)
        rows = output_rows(rating)
        columns = rating_columns([b.key for b in rulebook.buckets])
    if args.format == "json":
        return output.to_json(rows)
    if args.format == "table":
        return output.to_table(rows, columns)
    return output.to_csv(rows, columns)


def _explain(args: argparse.Namespace) -> str:
    from core import output
    from core.rating import EXPLAIN_OUTPUT_COLUMNS, explain_rows, rate, town_lines, town_rows
    from core.towns import assessor_name_zh
    from core.values import is_valid_credit_code, normalize_credit_code

    code = normalize_credit_code(args.credit_code)
    if not is_valid_credit_code(code):
        raise CommandError([Problem(None, "CREDIT_CODE", "统一社会信用代码无效", "invalid credit code", args.credit_code)])
    rulebook = _load_rulebook_and_check_files(args.rulebook, [args.findings, args.contracts])
    findings = _read_findings(args.findings, rulebook)
    year = _pick_year(findings, args.year, roster_given=False)
    rating = rate(findings, year=year, rulebook=rulebook, towns_served=_towns_served(args.contracts, year))
    agency = rating.agency(code)
    if agency is None:
        raise CommandError([Problem(
            None, "CREDIT_CODE", f"文件中没有该机构{year}年度的扣分记录",
            f"no finding of this agency in {year} in the file", code,
        )])
    findings_rows = explain_rows(rating, code)
    towns = town_rows(rating, code)
    grade = next(g for g in rulebook.grades if g.key == agency["grade"])
    if args.format == "json":
        # The reading and its towns only when the towns are read per town: a pooled explanation is as it always was.
        per_town = {"town_reading": "/".join(rulebook.town_reading), "towns": towns} if towns else {}
        return output.to_json({**agency, "grade_label_zh": grade.label_zh, **per_town, "findings": findings_rows})
    if args.format == "csv":
        head = {k: agency[k] for k in ("credit_code", "agency_name", "year", "total", "grade")}
        columns = [*head, *EXPLAIN_OUTPUT_COLUMNS]
        return output.to_csv([{**head, **r} for r in findings_rows], columns)
    parts = " + ".join(f"{b.label_zh} {agency[f'{b.key}_score']}" for b in rulebook.buckets)
    lines = [
        f"统一社会信用代码 credit code: {agency['credit_code']}",
        f"机构名称 agency: {visible_controls(agency['agency_name'])}",
        f"年度 year: {agency['year']}",
        f"总分 total: {agency['total']} ({parts})",
        f"等级 grade: {agency['grade']} {grade.label_zh} / {grade.label_en}",
    ]
    if agency["blacklist_clauses"]:
        lines.append(f"列入黑名单条款 blacklisting clauses: {agency['blacklist_clauses']}")
    lines += town_lines(rulebook, agency, towns)
    headers = ["条款 clause", "条款内容 text", "评定单位 assessor", "考核期 period", "行为日期 date of the act",
               "应扣 nominal", "实扣 charged"]
    shown = [{**r, "assessor": assessor_name_zh(r["assessor"])} for r in findings_rows]
    return "\n".join(lines) + "\n\n" + output.to_table(shown, EXPLAIN_OUTPUT_COLUMNS, headers)


def _template(args: argparse.Namespace) -> str:
    from core.template import write_template  # openpyxl only when a template is asked for

    out = Path(args.out)
    if out.parent and not out.parent.is_dir():
        raise CommandError([Problem(None, None, "目标文件夹不存在", "the folder to write into does not exist", str(out.parent))])
    fmt = args.format or ("csv" if out.suffix.lower() == ".csv" else "xlsx")
    try:
        write_template(out, fmt=fmt, kind=args.kind)
    except OSError as exc:
        raise CommandError([file_refusal(exc, "write")]) from None
    return ""


def _draw(args: argparse.Namespace) -> str | tuple[str, int]:
    from core import draw, output

    if args.verify is not None:
        if any(v is not None for v in (args.plan, args.secret, args.public_value)):
            raise CommandError([Problem(None, "--verify", "复核时只需抽取结果文件（不带 --plan/--secret/--public-value）",
                                        "--verify takes the draw file alone (no --plan, --secret or --public-value)")])
        document = draw.unsealed(draw.read_json_file(_read_bytes(args.verify), "抽取结果"))
        verdict = draw.verify_draw(document)
        if not verdict.same:
            return "".join(f"different / 不一致: {line}\n" for line in verdict.differences), EXIT_DIFFERENT
        outcome, plan = verdict.derived, draw.check_plan(document["plan"])
        if args.format == "json":
            return output.to_json(outcome.as_dict())
        return f"same / 一致\n{draw.describe(outcome, plan)}"
    missing = [f"--{name.replace('_', '-')}" for name in ("plan", "secret", "public_value") if getattr(args, name) is None]
    if missing:
        raise CommandError([Problem(None, " ".join(missing), "缺少参数（或用 --verify DRAW 复核）",
                                    "missing (or give --verify DRAW)")])
    plan = draw.check_plan(draw.unsealed(draw.read_json_file(_read_bytes(args.plan), "计划")))
    outcome = draw.run_draw(plan, args.secret, args.public_value)
    return output.to_json(outcome.as_dict()) if args.format == "json" else draw.describe(outcome, plan)


EXIT_DIFFERENT = 1  # draw --verify: the file's seed, list or teams are not what its inputs give


def _read_bytes(path: str) -> bytes:
    p = _check_readable(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise CommandError([file_refusal(exc, "read", path)]) from None


def _watch(args: argparse.Namespace) -> str:
    from core import output
    from core.watch import NOTE_COLUMNS, SUGGESTION_COLUMNS, judge, watch_notes

    paths = {kind: getattr(args, kind) for kind in RECORD_FILES if getattr(args, kind)}
    rulebook = _load_rulebook_and_check_files(args.rulebook, list(paths.values()))
    records = _read_records(paths)
    from core import china_time

    as_of = args.as_of or china_time.today()
    if args.notes:
        frame, columns = watch_notes(records, year=args.year, as_of=as_of, rulebook=rulebook), NOTE_COLUMNS
    else:
        result = judge(records, year=args.year, as_of=as_of, rulebook=rulebook)
        frame, columns = result.suggestions, SUGGESTION_COLUMNS
        _warn_waiting(result)
    rows = frame[list(columns)].to_dict("records")  # the suggestion's columns: its stored-row references stay inside
    if args.format == "json":
        return output.to_json(rows)
    if args.format == "table":
        return output.to_table(rows, columns)
    return output.to_csv(rows, columns)


def _warn_waiting(result) -> None:
    """What waits for a missing calendar year, on stderr (exit 0: everything else was decided and printed)."""
    from core.errors import format_problems
    from core.workdays import waiting_problems

    if result.waiting.empty:
        return
    lines = [f"warning / 注意: {format_problems(waiting_problems(result.missing_years()))}"]
    lines += [f"  {visible_controls(str(r.credit_code))} {r.clause} {r.date} {r.rule} ({r.missing_year}): "
              f"{visible_controls(str(r.evidence))}" for r in result.waiting.itertuples()]
    print("\n".join(lines), file=sys.stderr)


def _read_records(paths: dict[str, str]):
    """Every given service-record file read; all their problems at once, each naming its file."""
    from core.errors import InputError
    from core.isolation import read_isolated
    from core.service_records import ServiceRecords, read_records

    limits = read_limits()

    tables, problems = {}, []
    for kind, path in paths.items():
        try:
            tables[kind] = read_isolated(read_records, kind, Path(path), limits=limits)
        except InputError as exc:
            name = Path(path).name
            problems += [Problem(p.row, f"{name} {p.column}" if p.column else name, p.message_zh, p.message_en,
                                 p.value) for p in exc.problems]
        except OSError as exc:
            problems.append(file_refusal(exc, "read", path))
    if problems:
        raise CommandError(problems)
    return ServiceRecords(tables)


# --- input -------------------------------------------------------------------------------------------------------


def _load_rulebook_and_check_files(rulebook_name: str, paths: list[str | None]):
    """The rulebook, once it and every input file are known good; else every problem of them at once."""
    from core.rulebook import load_rulebook

    problems: list[Problem] = []
    rulebook = None
    try:
        rulebook = load_rulebook(rulebook_name)
    except RulebookError as exc:
        problems += rulebook_problems(exc, "--rulebook")
    except (OSError, UnicodeDecodeError) as exc:  # a rulebook file we cannot read, or not UTF-8 text
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        problems.append(Problem(None, "--rulebook", "评分规则文件无法读取（须为UTF-8文本）",
                                f"cannot read the rulebook file: {reason}", rulebook_name))
    for path in paths:
        if path is not None:
            problems += _file_problems(path)
    if problems:
        raise CommandError(problems)
    return rulebook


def _file_problems(path: str) -> list[Problem]:
    p = Path(path)
    if not p.exists():
        return [Problem(None, None, "找不到文件", "file not found", path)]
    if not p.is_file() or not os.access(p, os.R_OK):
        return [Problem(None, None, "无法读取文件", "cannot read the file", path)]
    return []


def _check_readable(path: str) -> Path:
    problems = _file_problems(path)
    if problems:
        raise CommandError(problems)
    return Path(path)


def _towns_served(path: str | None, year: int):
    """The towns each agency served in `year`, from the contracts file; None without one."""
    if path is None:
        return None
    from core.town_scores import towns_served

    return towns_served(_read_records({"contracts": path})["contracts"], year)


def _plain_row(row: dict) -> dict[str, object]:
    return {k: int(v) if hasattr(v, "item") and not isinstance(v, str) else v for k, v in row.items()}


def _read_findings(path: str, rulebook):
    from core.isolation import read_isolated
    from core.reader import read_findings

    p = _check_readable(path)
    try:
        return read_isolated(read_findings, p, rulebook=rulebook, limits=read_limits())
    except OSError as exc:
        raise CommandError([Problem(None, None, "无法读取文件", f"cannot read the file: {exc.strerror}", path)]) from None


def _read_roster(path: str):
    from core.isolation import read_isolated
    from core.reader import read_roster

    p = _check_readable(path)
    try:
        return read_isolated(read_roster, p, limits=read_limits())
    except OSError as exc:
        raise CommandError([Problem(None, None, "无法读取名单文件", f"cannot read the roster: {exc.strerror}", path)]) from None


def _pick_year(findings, year: int | None, *, roster_given: bool) -> int:
    """The year asked for, or the latest in the file; an unknown year is bad input unless a roster is rated."""
    from core.values import year_problem

    failure = year_problem(year) if year is not None else None
    if failure:
        raise CommandError([Problem(None, "--year", *failure, str(year))])
    years = sorted({int(y) for y in findings["year"].unique()})
    shown = "、".join(str(y) for y in years) or "—"
    if year is None:
        if not years:
            raise CommandError([Problem(None, "--year", "文件中没有扣分记录，请用 --year 指定年度",
                                        "the file holds no findings: give --year")])
        return years[-1]
    if year not in years and not roster_given:
        raise CommandError([Problem(None, "--year", f"文件中没有该年度的扣分记录（文件中的年度：{shown}）",
                                    f"no finding of that year in the file (years in the file: {', '.join(map(str, years)) or '-'})",
                                    str(year))])
    return year
