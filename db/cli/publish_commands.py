"""The publishing subcommands of `python -m db`: publish, diff, export, verify, sums, keys, build-site, seed-demo (registered in
db/cli/commands.py).

Exit codes as db/cli/commands.py says: 0 done, 1 verify found no match, 2 bad input (a clear message on stderr, no traceback);
db/cli/commands.py runs each inside the one guard of db/cli/guard.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from core.cli_common import CommandError, date_argument, name_argument, version_argument, year_argument
from core.errors import Problem
from core.plain_text import visible_controls
from core.text import counted
from db.cli.guard import read_file, ready_engine, write_file

# An export of 10,000 agencies is a few megabytes: a file far beyond that is not one, and is not read whole.
MAX_EXPORT_BYTES = 64 * 1024 * 1024
MAX_KEY_BYTES = 64 * 1024
EXPORT_FORMATS = ("csv", "xlsx", "charges.csv", "changes.csv", "keys.csv", "json")  # db.documents.export.WRITERS (a test checks)
# (name, help, arguments, run): db/cli/commands.py wraps each in its Command.
Spec = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


# --- publish --------------------------------------------------------------------------------------------------
def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=year_argument, required=True, help="评定年度 / the year to publish")
    parser.add_argument("--by", required=True, type=name_argument, help="发布人账号 / who publishes (recorded in the audit log)")
    parser.add_argument("--reason", default=None, help="更正原因（第2版起必填）/ reason, required for a correction")


def _publish(args: argparse.Namespace) -> int:
    from db.accounts.actor import Actor
    from db.publishing.publish import publish_year

    p = publish_year(engine=ready_engine(), year=args.year, by=Actor.operator(args.by), reason=args.reason)
    print(f"已发布 {p.year}年度第{p.version}版（{p.agency_count}家机构）/ published {p.year} version {p.version} "
          f"({counted(p.agency_count, 'agency', 'agencies')})\nSHA-256 {p.digest}")
    edition_after_change()
    return 0


def edition_after_change() -> None:
    """Rewrite the static edition now the change has committed; a failure is said, never undoes the change."""
    from db.edition.hook import FAILED, refresh_edition

    report = refresh_edition(ready_engine())
    if report is None:
        print(" / ".join(FAILED), file=sys.stderr)
    else:
        print(f"静态版已更新 / static edition updated: {report.out} ({len(report.written)} of "
              f"{counted(len(report.files), 'file', 'files')} written)", file=sys.stderr)


# --- build-site -----------------------------------------------------------------------------------------------
def _build_site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="OUT", help="输出文件夹（空文件夹或之前生成的静态版，整体原子替换）/ the folder to "
                        "write (empty, or an edition written before; replaced as a whole, atomically)")
    parser.add_argument("--as-of", type=date_argument, metavar="DATE",
                        help="黑名单列入状态的日期（默认今天，北京时间）/ the day listing statuses are as of (default: "
                             "today, China time)")


def _build_site(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.edition.hook import write_locked

    report = write_locked(ready_engine(), Path(args.out), args.as_of)
    print(f"已生成静态版 {report.out}：{len(report.files)}个文件，写入{len(report.written)}个，删除{len(report.removed)}个 / "
          f"wrote the static edition {report.out}: {counted(len(report.files), 'file', 'files')}, "
          f"{len(report.written)} written, {len(report.removed)} removed")
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
    parser.add_argument("--format", choices=EXPORT_FORMATS, required=True,
                        help="文件格式：csv/xlsx 中文表头，charges.csv 扣分明细，changes.csv 更正变化，keys.csv 英文字段名，"
                             "json 签名原件 / csv and xlsx with Chinese headers, charges.csv the charges, changes.csv "
                             "what a correction changed, keys.csv field names, json the signed document")
    parser.add_argument("out", help="输出文件，- 为标准输出 / output file, - for stdout")


def _export(args: argparse.Namespace) -> int:
    from db.documents.export import export_publication

    content = export_publication(engine=ready_engine(), year=args.year, version=args.version, fmt=args.format)
    if args.out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        write_file(args.out, content)
        print(f"已导出 / written {args.out} ({len(content)} bytes)", file=sys.stderr)
    return 0


# --- verify (offline) -----------------------------------------------------------------------------------------
def _verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="下载的 JSON 文件 / a downloaded JSON export")
    parser.add_argument("--public-key", action="append", default=[], metavar="KEY",
                        help="网站公布的公钥文件（PEM，可多次给出）：“数据下载”页的 jiangyin-credit-public-keys.pem，或 "
                             "python -m db public-key --all 的输出；从不使用本机的签名私钥 / the site's published public "
                             "keys (PEM; may repeat): jiangyin-credit-public-keys.pem from the open-data page, or the "
                             "output of python -m db public-key --all; this machine's signing key is never used")
    parser.add_argument("--sums", default=None, metavar="SHA256SUMS",
                        help="网站“数据下载”页的 SHA256SUMS 清单（或 python -m db sums 的输出）：文件须列于其中（无签名的"
                             "文件只能据此核验），并说明该版本是否已被取代 / the site's SHA256SUMS list (open-data page, or "
                             "python -m db sums): the file must be on it (the only way an unsigned file verifies); also "
                             "tells whether the version has been superseded")


# What verify needs when it cannot judge a signed file: it never falls back to this machine's private key, which
# would make "genuine" mean "signed by whoever set SIGNING_KEY_FILE here" rather than "signed by the bureau".
_NEEDS_KEY = (
    "该文件带有签名：请用 --public-key 给出网站公布的公钥文件（“数据下载”页的 jiangyin-credit-public-keys.pem，或在"
    "主管部门的服务器上运行 python -m db public-key --all），或用 --sums 给出网站的 SHA256SUMS 清单；本命令不使用本机的"
    "签名私钥",
    "the file is signed: give the site's published public keys with --public-key (jiangyin-credit-public-keys.pem "
    "from the open-data page, or python -m db public-key --all on the bureau's server), or the site's list with "
    "--sums SHA256SUMS; verify never uses this machine's signing key")


def _public_keys(paths: list[str]) -> list | None:
    """The keys in the given PEM files; None when none was given (verify then judges a signed file by --sums only)."""
    from db.documents.signing import load_public_keys

    if not paths:
        return None
    keys = []
    for path in paths:
        keys += load_public_keys(read_file(path, limit=MAX_KEY_BYTES, too_big=("公钥文件过大", "the public key file is too big")))
    return keys


def _verify(args: argparse.Namespace) -> int:
    """Touches no database: the file, the keys, the list and the canonical form are all it needs."""
    from db.documents.verify import NO_KEY, UNREADABLE, currency, verify_isolated
    from db.store.settings import get_settings

    content = read_file(args.file, limit=MAX_EXPORT_BYTES, too_big=(
        f"文件过大（超过{MAX_EXPORT_BYTES // 2**20} MB），不是本系统的导出文件",
        f"the file is too big to be an export of this board (over {MAX_EXPORT_BYTES // 2**20} MB)"))
    keys = _public_keys(args.public_key)
    sums = None
    if args.sums:
        sums = read_file(args.sums, limit=MAX_EXPORT_BYTES, too_big=("SHA256SUMS 清单过大", "the SHA256SUMS list is too big")
                         ).decode("utf-8", errors="replace")
    verdict = verify_isolated(content, keys, get_settings().read_limits, sums)
    if verdict.status == UNREADABLE:  # not a file this command can judge: a refusal like any other bad input
        raise CommandError([Problem(None, None, f"不是有效的导出文件：{verdict.message_zh}",
                                    f"not a valid export: {verdict.message_en}", args.file)])
    if verdict.status == NO_KEY:
        raise CommandError([Problem(None, "--public-key", *_NEEDS_KEY)])
    print(f"{verdict.message_zh}\n{verdict.message_en}")
    if verdict.digest:
        print(f"摘要 digest SHA-256 {verdict.digest}\n文件 file SHA-256 {verdict.file_sha256}")
    if sums is not None and verdict.exit_code == 0:
        zh, en = currency(verdict, sums) or ("SHA256SUMS 清单中没有该年度的文件，无法判断是否已被取代",
                                             "the SHA256SUMS list names no file of that year: it cannot tell whether "
                                             "it was superseded")
        print(f"{zh}\n{en}")
    return verdict.exit_code


# --- sums, keys -----------------------------------------------------------------------------------------------
def _sums_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _sums(args: argparse.Namespace) -> int:
    from db.public.open_data import sha256sums

    sys.stdout.buffer.write(sha256sums(ready_engine()))
    sys.stdout.flush()
    return 0


def _keygen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=None, help="私钥文件（缺省 SIGNING_KEY_FILE 或 data/keys/…）/ where to write the "
                        "private key (default: SIGNING_KEY_FILE or data/keys/…)")


def _keygen(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db.documents.signing import keygen
    from db.store.settings import get_settings

    path = Path(args.out) if args.out else get_settings().signing_key
    signer = keygen(path)
    print(f"已生成发布签名密钥 {path}（仅本机保存，请备份并限制访问）/ made the publication signing key {path} "
          f"(keep it off the database, back it up, restrict access)\nkey id {signer.key_id}\n{signer.public_pem}", end="")
    return 0


def _public_key_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true",
                        help="列出曾签署过版本的全部公钥（读数据库）：编号、指纹、启用日期、签署的首末版本 / every key that "
                             "ever signed a version (from the database): id, fingerprint, dates, first and last version")


def _public_key(args: argparse.Namespace) -> int:
    from db.documents.signing import load_signer
    from db.store.settings import get_settings

    if args.all:
        return _all_public_keys()
    signer = load_signer(get_settings().signing_key)
    if signer.demo:
        print("# 演示密钥 demo key: not the bureau's key", file=sys.stderr)
    print(signer.public_pem, end="")
    return 0


def _signed(which: tuple[int, int, object] | None) -> str:
    from db.documents.export import iso_utc

    return "-" if which is None else f"{which[0]} v{which[1]} ({iso_utc(which[2])})"


def _all_public_keys() -> int:
    """Every key that ever signed, each as `#` lines then its PEM: the whole output is a key file verify reads."""
    from db.documents.export import iso_utc
    from db.public.open_data import key_history

    keys = key_history(ready_engine())
    if keys.empty:
        print("# 尚无签名发布的版本 / no version has been signed yet", file=sys.stderr)
    for key in keys.itertuples():
        demo = "  演示密钥 demo key: not the bureau's key" if key.demo else ""
        print(f"# key id {key.key_id}{demo}\n# SHA-256 fingerprint {key.fingerprint}\n"
              f"# 登记 registered {iso_utc(key.first_used_at)}; 签署 signed {counted(key.versions, 'version', 'versions')}, "
              f"first {_signed(key.first_signed)}, last {_signed(key.last_signed)}\n{key.public_key}", end="")
    return 0


# --- check ----------------------------------------------------------------------------------------------------
def _check_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _check(args: argparse.Namespace) -> int:
    from db.documents.check import check_store

    found = check_store(engine=ready_engine())
    for d in found:
        print(f"{d.message_zh} / {d.message_en}")
    if found:
        print(f"发现{len(found)}处不一致 / {len(found)} discrepancies found")
        return 1
    print("已发布的每个版本都与其摘要、链条和签名一致 / every published version matches its digest, chain and signature")
    return 0


# --- seed-demo ------------------------------------------------------------------------------------------------
def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _seed(args: argparse.Namespace) -> int:
    from db.demo.seed import seed_demo

    published = seed_demo(engine=ready_engine())
    if not published:
        print("数据库中已有机构，未写入演示数据 / the database already has agencies: nothing seeded")
    for p in published:
        print(f"演示数据 / demo: {p.year}年度第{p.version}版 version {p.version}, {counted(p.agency_count, 'agency', 'agencies')}, "
              f"SHA-256 {p.digest}")
    if published:
        edition_after_change()
    return 0


COMMANDS: list[Spec] = [
    ("publish", "发布某年度评定结果（更正须填原因）/ publish a year (a correction needs --reason)",
     _publish_arguments, _publish),
    ("diff", "新发布相对现行版本的变化 / what a new publication would change", _diff_arguments, _diff),
    ("export", "导出已发布版本 CSV/XLSX/JSON / export a published version", _export_arguments, _export),
    ("verify", "离线校验下载的 JSON 文件（摘要、签名、SHA256SUMS 清单，不连数据库）/ check a downloaded JSON export "
     "offline (digest, signature, the SHA256SUMS list; no database)", _verify_arguments, _verify),
    ("check", "重新核对数据库中每个已发布版本 / re-check every stored version (digests, chain, signatures, guards)",
     _check_arguments, _check),
    ("sums", "打印网站公布的 SHA256SUMS 清单（每个版本每种格式文件的 SHA-256）/ print the SHA256SUMS list the site "
     "shows (the SHA-256 of every file of every version)", _sums_arguments, _sums),
    ("keygen", "生成发布签名密钥 / make the publication signing key (Ed25519, a file outside the database)",
     _keygen_arguments, _keygen),
    ("public-key", "显示发布签名公钥；--all 列出曾签名的全部公钥 / print the publication public key (PEM); "
     "--all: every key that ever signed", _public_key_arguments, _public_key),
    ("build-site", "生成静态版：全部已发布文件、SHA256SUMS、公钥和中英文静态网页 / write the static edition: every "
     "published file, SHA256SUMS, the keys and the pages in Chinese and English", _build_site_arguments, _build_site),
    ("seed-demo", "写入演示数据并发布2023–2025 / load the demo data set and publish 2023–2025",
     _seed_arguments, _seed),
]
