"""The spot-check draw anyone can re-run (监督抽查, 双随机、一公开): a pure function of a plan, a secret and a public value.

The bureau announces a plan (who can be drawn, how many, the expert pool, the team size, the draw day) with a
commitment SHA-256(secret); on the draw day the secret is revealed and a public value fixed after the plan (e.g. that
day's lottery numbers) is added. Everything below is written down byte by byte in docs/spot-checks.md so that a
reader in another language gets the same list; change nothing here without changing that page and its test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785

from core.errors import CreditBoardError, Problem
from core.text import counted
from core.values import is_valid_credit_code

ALL = "*"  # the quota key meaning "the whole population", not one town
SEPARATOR = "|"
# A published plan or draw file carries its own digest and signature at the top level (like a publication): they seal
# the file and are not part of the plan or the draw, so reading a file leaves them out.
SEAL_KEYS = ("digest", "signature")
PLAN_KEYS = ("plan_id", "year", "draw_day", "population", "quotas", "team_size", "experts", "commitment")
DRAW_KEYS = ("plan", "secret", "public_value", "seed", "drawn")
SECRET_MIN_BYTES = 16  # 128 bits: a shorter secret could be found from its published commitment by trying them all
ID_MAX = 64  # an expert id, a town or a plan id: a name, not a text
PUBLIC_VALUE_MAX = 1_000
MAX_FILE_BYTES = 20 * 1024 * 1024  # a plan of every agency of a province is well under this
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"(?:[0-9a-f]{2})+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class DrawError(CreditBoardError):
    """A plan, secret, public value or draw file the draw refuses, every problem named by its key."""


@dataclass(frozen=True, slots=True)
class Expert:
    """One expert of the pool as the draw sees it: an id, a field, the credit codes of agencies they may not check."""

    id: str
    field: str
    conflicts: frozenset[str]


@dataclass(frozen=True, slots=True)
class Plan:
    """A checked plan. `document` is the whole plan object as announced: every key of it is part of the seed."""

    document: dict[str, Any]
    plan_id: str
    year: int
    draw_day: dt.date
    population: tuple[tuple[str, str], ...]  # (credit code, town) in the plan's order
    quotas: dict[str, int]
    team_size: int
    experts: tuple[Expert, ...]
    commitment: str


@dataclass(frozen=True, slots=True)
class Drawn:
    """One drawn agency, its rank key and its team (expert ids, best ranked first)."""

    credit_code: str
    town: str
    rank_key: str
    team: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"credit_code": self.credit_code, "town": self.town, "team": list(self.team)}


@dataclass(frozen=True, slots=True)
class Draw:
    """The outcome: the seed and the drawn agencies, smallest rank key first."""

    seed: str
    drawn: tuple[Drawn, ...]

    def as_dict(self) -> dict[str, Any]:
        """What `python -m core draw --format json` prints."""
        return {"seed": self.seed, "drawn": [d.as_dict() for d in self.drawn]}


# --- the rule, byte by byte (docs/spot-checks.md) ----------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def commitment_of(secret: str) -> str:
    """SHA-256 of the secret's bytes (the secret is hex; the bytes it spells are hashed, not its digits)."""
    return sha256_hex(bytes.fromhex(secret))


def plan_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 (JCS) bytes of the whole plan object."""
    try:
        return rfc8785.dumps(dict(document))
    except rfc8785.CanonicalizationError as exc:  # a number past 2**53 with a fraction, NaN, a lone surrogate
        raise DrawError(f"计划中有无法规范化的值（{exc}）", f"the plan holds a value with no canonical form ({exc})") from None


def seed_of(document: Mapping[str, Any], secret: str, public_value: str) -> str:
    """sha256(JCS(plan) | secret as ASCII | public value as UTF-8), as 64 lower-case hex digits."""
    sep = SEPARATOR.encode("ascii")
    return sha256_hex(plan_bytes(document) + sep + secret.encode("ascii") + sep + public_value.encode("utf-8"))


def rank_key(seed: str, credit_code: str) -> str:
    return sha256_hex(f"{seed}{SEPARATOR}{credit_code}".encode())


def expert_key(seed: str, credit_code: str, expert_id: str) -> str:
    return sha256_hex(f"{seed}{SEPARATOR}{credit_code}{SEPARATOR}{expert_id}".encode())


def run_draw(plan: Plan, secret: str, public_value: str) -> Draw:
    """The draw of a checked plan: refused when the secret is not the committed one or the public value is unusable."""
    problems = secret_problems(secret, plan.commitment) + public_value_problems(public_value)
    if problems:
        raise DrawError(problems=problems)
    seed = seed_of(plan.document, secret, public_value)
    ranked = sorted(((rank_key(seed, code), code, town) for code, town in plan.population))
    if ALL in plan.quotas:
        chosen = ranked[: plan.quotas[ALL]]
    else:
        taken: dict[str, int] = {}
        chosen = []
        for key, code, town in ranked:  # by rank key, the first n of each town
            if taken.get(town, 0) < plan.quotas.get(town, 0):
                taken[town] = taken.get(town, 0) + 1
                chosen.append((key, code, town))
    return Draw(seed, tuple(Drawn(code, town, key, team_of(seed, code, plan)) for key, code, town in chosen))


def team_of(seed: str, credit_code: str, plan: Plan) -> tuple[str, ...]:
    """The first team_size experts by their key for this agency, skipping any with a conflict with it."""
    ranked = sorted((expert_key(seed, credit_code, e.id), e.id) for e in plan.experts if credit_code not in e.conflicts)
    return tuple(expert_id for _, expert_id in ranked[: plan.team_size])


# --- checking what comes in --------------------------------------------------------------------------------------


def _problem(key: str, zh: str, en: str, value: object = None) -> Problem:
    return Problem(None, key, zh, en, None if value is None else str(value)[:80])


def _name_problem(key: str, value: object) -> Problem | None:
    """An id, a town or a field: text of 1–ID_MAX characters with no control character and no separator."""
    if not isinstance(value, str) or not value.strip():
        return _problem(key, "应为非空文本", "must be non-empty text", repr(value))
    if len(value) > ID_MAX:
        return _problem(key, f"不超过{ID_MAX}个字符", f"at most {ID_MAX} characters", value)
    if SEPARATOR in value or any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
        return _problem(key, "不能含“|”或控制字符", "may not hold '|' or control characters", repr(value))
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def secret_problems(secret: object, commitment: str) -> list[Problem]:
    """Lower-case hex of at least SECRET_MIN_BYTES bytes whose SHA-256 is the commitment."""
    if not isinstance(secret, str) or not _HEX.fullmatch(secret) or len(secret) < 2 * SECRET_MIN_BYTES:
        return [_problem("secret", f"密钥应为小写十六进制，至少{SECRET_MIN_BYTES}字节",
                         f"the secret must be lower-case hex of at least {SECRET_MIN_BYTES} bytes", repr(secret))]
    if commitment_of(secret) != commitment:
        return [_problem("secret", "密钥与计划公布的承诺值不符", "the secret does not match the plan's commitment")]
    return []


def public_value_problems(value: object) -> list[Problem]:
    """Text, not blank, at most PUBLIC_VALUE_MAX characters, encodable as UTF-8 (used exactly as given)."""
    if not isinstance(value, str) or not value.strip():
        return [_problem("public_value", "公开随机值不能为空", "the public value may not be blank", repr(value))]
    if len(value) > PUBLIC_VALUE_MAX:
        return [_problem("public_value", f"公开随机值不超过{PUBLIC_VALUE_MAX}个字符",
                         f"the public value has at most {PUBLIC_VALUE_MAX} characters", len(value))]
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return [_problem("public_value", "公开随机值不是有效文本", "the public value is not valid text", repr(value))]
    return []


def check_plan(document: object) -> Plan:
    """The plan, once every rule holds; DrawError with every problem otherwise (nothing is drawn from a bad plan).

    Refused before any draw: a missing or mistyped key, a repeated credit code or expert id, a quota larger than its
    town's (or the whole) population, and an agency with fewer experts free of conflict than the team size.
    """
    if not isinstance(document, dict):
        raise DrawError("计划应为一个 JSON 对象", "the plan must be one JSON object")
    problems = [_problem(k, "缺少此项", "missing") for k in PLAN_KEYS if k not in document]
    if problems:
        raise DrawError(problems=problems)
    problems += [p for p in (_name_problem("plan_id", document["plan_id"]),) if p]
    year = document["year"]
    if not _whole(year) or not 2000 <= year <= 2100:
        problems.append(_problem("year", "年度应为2000—2100之间的整数", "the year must be a whole number 2000–2100", year))
    draw_day = _day(document["draw_day"])
    if draw_day is None:
        problems.append(_problem("draw_day", "抽取日期应为YYYY-MM-DD", "the draw day must be YYYY-MM-DD",
                                 document["draw_day"]))
    population, towns = _population(document["population"], problems)
    quotas = _quotas(document["quotas"], towns, len(population), problems)
    team_size = document["team_size"]
    if not _whole(team_size) or team_size < 1:
        problems.append(_problem("team_size", "每组专家人数应为正整数", "the team size must be a whole number from 1",
                                 team_size))
        team_size = 0
    experts = _experts(document["experts"], problems)
    commitment = document["commitment"]
    if not isinstance(commitment, str) or not _HEX64.fullmatch(commitment):
        problems.append(_problem("commitment", "承诺值应为64位小写十六进制（SHA-256）",
                                 "the commitment must be 64 lower-case hex digits (SHA-256)", commitment))
    for code, _town in population:
        free = sum(code not in e.conflicts for e in experts)
        if team_size and free < team_size:
            problems.append(_problem("experts", f"无利害关系的专家不足{team_size}人", f"fewer than {team_size} experts "
                                     "without a conflict", code))
    try:
        plan_bytes(document)
    except DrawError as exc:
        problems += exc.problems
    if problems:
        raise DrawError(problems=problems)
    return Plan(dict(document), document["plan_id"], year, draw_day, tuple(population), quotas, team_size,
                tuple(experts), commitment)


def _day(value: object) -> dt.date | None:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _population(value: object, problems: list[Problem]) -> tuple[list[tuple[str, str]], dict[str, int]]:
    if not isinstance(value, list):
        problems.append(_problem("population", "应为列表", "must be a list"))
        return [], {}
    population, seen, towns = [], set(), {}
    for i, item in enumerate(value):
        key = f"population[{i}]"
        if not isinstance(item, dict) or "credit_code" not in item or "town" not in item:
            problems.append(_problem(key, "应含 credit_code 和 town", "must hold credit_code and town"))
            continue
        code, town = item["credit_code"], item["town"]
        if not isinstance(code, str) or not is_valid_credit_code(code) or code != code.strip().upper():
            problems.append(_problem(f"{key}.credit_code", "统一社会信用代码无效", "invalid credit code", repr(code)))
            continue
        if (bad := _name_problem(f"{key}.town", town)) is not None:
            problems.append(bad)
            continue
        if code in seen:
            problems.append(_problem(f"{key}.credit_code", "机构重复", "the agency is listed twice", code))
            continue
        seen.add(code)
        towns[town] = towns.get(town, 0) + 1
        population.append((code, town))
    return population, towns


def _quotas(value: object, towns: dict[str, int], size: int, problems: list[Problem]) -> dict[str, int]:
    """{"*": n} for the whole population, else {town: n}; no quota larger than the agencies it draws from."""
    if not isinstance(value, dict) or not value:
        problems.append(_problem("quotas", "应为非空对象", "must be a non-empty object"))
        return {}
    if ALL in value and len(value) > 1:
        problems.append(_problem("quotas", "“*”不能与各镇街名额同时使用", "'*' may not be mixed with per-town quotas"))
        return {}
    quotas = {}
    for town, n in value.items():
        key = f"quotas.{town}"
        if town != ALL and (bad := _name_problem(key, town)) is not None:
            problems.append(bad)
        elif not _whole(n) or n < 0:
            problems.append(_problem(key, "名额应为非负整数", "a quota must be a whole number from 0", n))
        elif n > (size if town == ALL else towns.get(town, 0)):
            available = size if town == ALL else towns.get(town, 0)
            problems.append(_problem(key, f"名额{n}大于可抽机构数{available}",
                                     f"the quota {n} is larger than the {counted(available, 'agency', 'agencies')} to draw from", n))
        else:
            quotas[town] = n
    return quotas


def _experts(value: object, problems: list[Problem]) -> list[Expert]:
    if not isinstance(value, list):
        problems.append(_problem("experts", "应为列表", "must be a list"))
        return []
    experts, seen = [], set()
    for i, item in enumerate(value):
        key = f"experts[{i}]"
        if not isinstance(item, dict) or not {"id", "field", "conflicts"} <= item.keys():
            problems.append(_problem(key, "应含 id、field 和 conflicts", "must hold id, field and conflicts"))
            continue
        bad = _name_problem(f"{key}.id", item["id"]) or _name_problem(f"{key}.field", item["field"])
        conflicts = item["conflicts"]
        if bad is None and (not isinstance(conflicts, list) or not all(isinstance(c, str) for c in conflicts)):
            bad = _problem(f"{key}.conflicts", "应为统一社会信用代码列表", "must be a list of credit codes")
        if bad is None and item["id"] in seen:
            bad = _problem(f"{key}.id", "专家编号重复", "the expert id is listed twice", item["id"])
        if bad is not None:
            problems.append(bad)
            continue
        seen.add(item["id"])
        experts.append(Expert(item["id"], item["field"], frozenset(conflicts)))
    return experts


# --- files -------------------------------------------------------------------------------------------------------


def read_json_file(content: bytes, what: str) -> Any:
    """One JSON value from UTF-8 bytes; a duplicated key, NaN/Infinity or broken JSON refused (DrawError)."""
    if len(content) > MAX_FILE_BYTES:
        raise DrawError(f"{what}文件过大", f"the {what} file is too large")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in items:
            if key in out:
                raise DrawError(f"JSON 中有重复的键：{key}", f"duplicated key in the JSON: {key}")
            out[key] = item
        return out

    def constant(name: str) -> Any:
        raise DrawError(f"JSON 中有非数字值 {name}", f"the JSON holds {name}")

    try:
        return json.loads(content.decode("utf-8-sig"), object_pairs_hook=pairs, parse_constant=constant)
    except UnicodeDecodeError:
        raise DrawError("文件不是 UTF-8 编码的 JSON", "the file is not UTF-8 JSON text") from None
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:  # ValueError: a number of too many digits
        raise DrawError("不是有效的 JSON", f"not valid JSON ({type(exc).__name__})") from None


def unsealed(document: object) -> object:
    """The object without its top-level digest and signature (SEAL_KEYS), which seal a published file."""
    if isinstance(document, dict):
        return {k: v for k, v in document.items() if k not in SEAL_KEYS}
    return document


def draw_document(plan: Plan, secret: str, public_value: str, outcome: Draw) -> dict[str, Any]:
    """The published draw: its inputs (the plan, the revealed secret, the public value) and its outcome."""
    return {"plan": plan.document, "secret": secret, "public_value": public_value, **outcome.as_dict()}


@dataclass(frozen=True, slots=True)
class Verdict:
    """A published draw checked: same (re-derived equal), or the differences in words."""

    same: bool
    derived: Draw | None
    differences: tuple[str, ...]


def verify_draw(document: object) -> Verdict:
    """Re-derive a published draw from its own inputs; DrawError when the file is not a draw at all (exit 2)."""
    document = unsealed(document)
    if not isinstance(document, dict):
        raise DrawError("抽取文件应为一个 JSON 对象", "the draw file must be one JSON object")
    missing = [_problem(k, "缺少此项", "missing") for k in DRAW_KEYS if k not in document]
    if missing:
        raise DrawError(problems=missing)
    plan = check_plan(document["plan"])
    bad_value = public_value_problems(document["public_value"])
    secret = document["secret"]
    if bad_value or not isinstance(secret, str) or not _HEX.fullmatch(secret):
        raise DrawError(problems=bad_value or secret_problems(secret, plan.commitment))
    if commitment_of(secret) != plan.commitment:
        return Verdict(False, None, ("secret ≠ commitment / 密钥与承诺值不符",))
    derived = run_draw(plan, secret, document["public_value"])
    differences = []
    if document["seed"] != derived.seed:
        differences.append(f"seed: file {document['seed']!s:.64} ≠ derived {derived.seed} / 种子不同")
    if document["drawn"] != [d.as_dict() for d in derived.drawn]:
        differences.append("drawn: the list or the teams differ / 抽中名单或专家组不同")
    return Verdict(not differences, derived, tuple(differences))


def describe(outcome: Draw, plan: Plan) -> str:
    """The draw as a plain table for people: rank, credit code, town, team (expert id and field)."""
    from core.output import to_table

    fields = {e.id: e.field for e in plan.experts}
    rows = [{"rank": i, "credit_code": d.credit_code, "town": d.town,
             "team": ", ".join(f"{e} ({fields[e]})" for e in d.team)} for i, d in enumerate(outcome.drawn, 1)]
    table = to_table(rows, ["rank", "credit_code", "town", "team"], ["#", "统一社会信用代码 credit code",
                                                                     "镇街园 town", "专家组 team"])
    return f"seed 种子: {outcome.seed}\n\n{table}"
