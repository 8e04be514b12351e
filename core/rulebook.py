"""Rulebooks: the scoring rules as data (TOML), loaded and checked before any rating uses them."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path

from core.errors import RulebookError
from core.text import counted, fold

RULEBOOK_DIR = Path(__file__).parent / "rulebooks"
DEFAULT_RULEBOOK = "jiangyin-2020"
EFFECTS = ("blacklist", "deduct", "bonus")
ASSESSOR_KINDS = ("town", "bureau")
# How a bucket assessed by towns combines the marks of several towns (docs/scoring.md, "An agency serving several
# towns"): `pooled` — one set of periods charged by every town's findings; `per_town` — each town that counts gives
# its own score over the bucket's periods, and the bucket is their mean, weighted `equal` or by `contracts`.
TOWN_READINGS = ("pooled", "per_town")
TOWN_WEIGHTS = ("equal", "contracts")
DEFAULT_TOWN_READING = ("pooled", "equal")
# A rulebook reference names a rulebook and, when its towns are read otherwise than pooled, the reading:
# "jiangyin-2020#per_town/contracts". Publications store the reference, so a reader recomputes the same scores.
READING_MARK = "#"
# The compliance watch (core.watch): each rule's key, and the numbers a `[watch]` table must give.
WATCH_RULES = ("served_before_filing", "no_commitment", "visit_without_contract", "late_report", "late_change",
               "too_few_visits", "shared_practitioner", "no_written_advice")
WATCH_NUMBERS = {"report_due_day": (1, 28), "change_deadline_workdays": (1, 60), "contract_min_months": (1, 120),
                 "visits_min_per_year": (1, 365)}
WATCH_FLAGS = {"move_rest_day_deadlines": True}  # yes/no settings of `[watch]`, with their default when left out


@dataclass(frozen=True, slots=True)
class Clause:
    """One item of the rating method, e.g. 2.5; `points` is what one finding nominally costs (or adds)."""

    code: str
    group: str
    effect: str
    points: int
    text_zh: str
    gloss_en: str


@dataclass(frozen=True, slots=True)
class Period:
    """A unit of a bucket that the floor applies to (Q1..Q4, YE; or the whole year)."""

    key: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...]
    points: int
    floor: int
    start: str  # "MM-DD" within the rated year
    end: str  # "MM-DD", in the next year when `to_next_year`
    to_next_year: bool

    def window(self, year: int) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) a finding of this period may be dated, for `year`."""
        sm, sd = (int(x) for x in self.start.split("-"))
        em, ed = (int(x) for x in self.end.split("-"))
        return dt.date(year, sm, sd), dt.date(year + int(self.to_next_year), em, ed)


@dataclass(frozen=True, slots=True)
class Bucket:
    """A share of the total scored by one kind of assessor, made of one or more periods."""

    key: str
    label_zh: str
    label_en: str
    assessors: tuple[str, ...]
    points: int
    periods: tuple[Period, ...]
    towns: str = "pooled"  # TOWN_READINGS: only a bucket assessed by towns alone may be read `per_town`
    weights: str = "equal"  # TOWN_WEIGHTS: how the towns' scores are averaged under `per_town`

    @property
    def per_town(self) -> bool:
        return self.towns == "per_town"


@dataclass(frozen=True, slots=True)
class Grade:
    """A grade band: `min` inclusive, `max` exclusive (the top band includes the total)."""

    key: str
    label_zh: str
    label_en: str
    min: float
    max: float
    blacklist: bool


@dataclass(frozen=True, slots=True)
class Group:
    """A section of the clause table (直接列入黑名单 / 一次扣10分 / 一次扣5分)."""

    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class WatchRules:
    """The compliance watch's thresholds and the clause each of its rules suggests (a rulebook's `[watch]`)."""

    report_due_day: int  # a month's report is due by this day of the next month (inclusive)
    change_deadline_workdays: int  # a change is reported within this many working days after it
    contract_min_months: int  # shorter contracts are a note (第十一条: 原则上)
    visits_min_per_year: int  # fewer contracted visits a year are a note
    clauses: dict[str, str]  # rule key (WATCH_RULES) → clause code
    # A deadline whose last day is a rest day (weekend or statutory holiday, not a 调休 working day) ends on the next
    # working day (民法典 第二百零三条): the monthly report's due day; a working-day count always ends on one.
    move_rest_day_deadlines: bool = True


@dataclass(frozen=True)
class Rulebook:
    """A whole rating method; immutable once loaded."""

    name: str
    title_zh: str
    title_en: str
    source_zh: str
    source_en: str
    total: int
    buckets: tuple[Bucket, ...]
    grades: tuple[Grade, ...]
    groups: tuple[Group, ...]
    clauses: tuple[Clause, ...]
    # (interviews held, clause code) in rising order: a further violation after that many interviews in the
    # year falls under that clause; the last step also covers every higher count. Empty: no such ladder.
    interview_ladder: tuple[tuple[int, str], ...] = ()
    # The compliance watch's numbers and clauses; None when the rulebook has no `[watch]` table.
    watch: WatchRules | None = None

    @property
    def town_reading(self) -> tuple[str, str]:
        """(reading, weights) of the bucket that takes towns' findings: ("pooled", "equal") or ("per_town", …)."""
        bucket = self.bucket_for("town")
        return (bucket.towns, bucket.weights) if bucket.per_town else DEFAULT_TOWN_READING

    @property
    def reference(self) -> str:
        """The rulebook's name, with its town reading after READING_MARK when that is not the default (pooled):
        what a publication stores and its document shows, so that load_rulebook(reference) rates the same."""
        reading, weights = self.town_reading
        return self.name if reading == "pooled" else f"{self.name}{READING_MARK}{reading}/{weights}"

    def with_town_reading(self, reading: str, weights: str = "equal") -> Rulebook:
        """This rulebook with its towns' bucket read `reading` ("pooled" / "per_town"), weighted `weights`."""
        problems = _reading_problems(reading, weights)
        town = self.bucket_for("town")
        if reading == "per_town" and tuple(town.assessors) != ("town",):
            problems.append(f"bucket {town.key}: only a bucket assessed by towns alone can be read per town")
        if problems:
            raise RulebookError.listing([f"{self.name}: {p}" for p in problems])
        buckets = tuple(replace(b, towns=reading, weights=weights) if b is town else b for b in self.buckets)
        book = replace(self, buckets=buckets)
        return book

    def clause(self, code: str) -> Clause:
        """The clause with canonical code `code`; KeyError if the rulebook has none."""
        return self.clause_map[code]

    @cached_property
    def clause_map(self) -> dict[str, Clause]:
        return {c.code: c for c in self.clauses}

    @cached_property
    def blacklist_codes(self) -> tuple[str, ...]:
        """The codes of the clauses that blacklist at once (Annex 3 第一类), in the rulebook's order: the one
        answer to "which clauses list an agency", for rating, referrals and the pages' choices alike."""
        return tuple(c.code for c in self.clauses if c.effect == "blacklist")

    def bucket_for(self, assessor_kind: str) -> Bucket:
        """The bucket that findings of this kind of assessor ("town" / "bureau") are charged to."""
        for bucket in self.buckets:
            if assessor_kind in bucket.assessors:
                return bucket
        raise KeyError(assessor_kind)

    def grade_for(self, total: float) -> Grade:
        """The grade band containing `total` (lower bound inclusive)."""
        for grade in self.grades:
            if grade.min <= total < grade.max or (total == self.total and grade.max == self.total):
                return grade
        raise ValueError(f"total {total} outside 0..{self.total}")

    @property
    def blacklist_grade(self) -> Grade:
        """The grade given to an agency listed by clause, whatever its total."""
        return next(g for g in self.grades if g.blacklist)

    def interview_clause(self, interviews: int) -> str | None:
        """The clause for a further violation after `interviews` interviews in the year, or None (none held)."""
        steps = [code for count, code in self.interview_ladder if count <= interviews]
        return steps[-1] if steps else None

    def period_aliases(self) -> dict[str, str]:
        """Every accepted spelling of a period (case-folded, NFKC) → its key."""
        out: dict[str, str] = {}
        for bucket in self.buckets:
            for period in bucket.periods:
                for alias in (period.key, period.label_zh, period.label_en, *period.aliases):
                    out[fold(alias)] = period.key
        return out


def clause_order(code: str) -> tuple[int, ...]:
    """Sort key of a clause code, the rulebook's order: "1.10" after "1.9" (each part of S.N compared as a number).

    A part that is not a number counts as 0, so a code read back from stored rows never stops a sort."""
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def _require(d: dict, key: str, where: str, problems: list[str], kind: type | tuple = object):
    if key not in d:
        problems.append(f"{where}: missing `{key}`")
        return None
    if not isinstance(d[key], kind):
        problems.append(f"{where}: `{key}` has the wrong type ({d[key]!r})")
        return None
    return d[key]


def _validate(raw: dict, origin: str) -> list[str]:
    """Every problem of a raw rulebook dict, as English sentences naming the place."""
    problems: list[str] = []
    total = _require(raw, "total", "rulebook", problems, (int, float))
    buckets = _require(raw, "buckets", "rulebook", problems, list) or []
    grades = _require(raw, "grades", "rulebook", problems, list) or []
    clauses = _require(raw, "clauses", "rulebook", problems, list) or []
    groups = {g.get("key") for g in raw.get("groups", [])}

    seen_periods: set[str] = set()
    assessors_seen: list[str] = []
    bucket_sum = 0
    for i, b in enumerate(buckets, 1):
        where = f"bucket {b.get('key', i)}"
        points = _require(b, "points", where, problems, (int, float)) or 0
        bucket_sum += points
        for a in b.get("assessors", []):
            if a not in ASSESSOR_KINDS:
                problems.append(f"{where}: unknown assessor kind {a!r} (expected one of {ASSESSOR_KINDS})")
            assessors_seen.append(a)
        if "towns" in b or "weights" in b:
            problems += [f"{where}: {p}" for p in _reading_problems(b.get("towns", "pooled"), b.get("weights", "equal"))]
            if b.get("towns") == "per_town" and b.get("assessors") != ["town"]:
                problems.append(f"{where}: only a bucket assessed by towns alone (assessors = [\"town\"]) can be "
                                "read per town")
        periods = _require(b, "periods", where, problems, list) or []
        if not periods:
            problems.append(f"{where}: has no periods")
        period_sum = 0
        for p in periods:
            pkey = p.get("key")
            period_sum += p.get("points", 0)
            if pkey in seen_periods:
                problems.append(f"{where}: duplicate period {pkey!r}")
            seen_periods.add(pkey)
            for f in ("from", "to"):
                if not re.fullmatch(r"\d\d-\d\d", str(p.get(f, ""))):
                    problems.append(f"{where}, period {pkey}: `{f}` must be MM-DD ({p.get(f)!r})")
            if p.get("floor", 0) > p.get("points", 0):
                problems.append(f"{where}, period {pkey}: floor above its points")
        if periods and period_sum != points:
            problems.append(f"{where}: periods add up to {period_sum}, not the bucket's {counted(points, 'point', 'points')}")
    for kind in set(assessors_seen):
        if assessors_seen.count(kind) > 1:
            problems.append(f"assessor kind {kind!r} is charged to more than one bucket")
    for kind in ASSESSOR_KINDS:
        if kind not in assessors_seen:
            problems.append(f"no bucket takes findings of assessor kind {kind!r}")
    if total is not None and buckets and bucket_sum != total:
        problems.append(f"buckets add up to {bucket_sum}, not the total of {counted(total, 'point', 'points')}")

    bands = sorted(
        ((g.get("min"), g.get("max"), g.get("key")) for g in grades),
        key=lambda x: (x[0] if isinstance(x[0], (int, float)) else -1),
    )
    for lo, hi, key in bands:
        if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)) or lo >= hi:
            problems.append(f"grade {key}: needs numbers min < max (min={lo!r}, max={hi!r})")
    if bands and total is not None and not problems:
        if bands[0][0] != 0:
            problems.append(f"grades leave a gap: nothing covers 0 to {bands[0][0]}")
        for (_lo1, hi1, k1), (lo2, _hi2, k2) in zip(bands, bands[1:], strict=False):
            if hi1 < lo2:
                problems.append(f"grades leave a gap between {k1} (below {hi1}) and {k2} (from {lo2})")
            elif hi1 > lo2:
                problems.append(f"grades {k1} and {k2} overlap ({k1} up to {hi1}, {k2} from {lo2})")
        if bands[-1][1] != total:
            problems.append(f"grades end at {bands[-1][1]}, not at the total of {total}")
    if sum(1 for g in grades if g.get("blacklist")) != 1:
        problems.append("exactly one grade must be marked `blacklist = true`")
    keys = [g.get("key") for g in grades]
    for k in set(keys):
        if keys.count(k) > 1:
            problems.append(f"duplicate grade {k!r}")

    codes: list[str] = []
    for c in clauses:
        code = c.get("code")
        where = f"clause {code}"
        if not isinstance(code, str) or not re.fullmatch(r"\d+\.\d+", code):
            problems.append(f"{where}: code must look like S.N")
        if code in codes:
            problems.append(f"duplicate clause code {code!r}")
        codes.append(code)
        if c.get("effect") not in EFFECTS:
            problems.append(f"{where}: unknown effect {c.get('effect')!r} (expected one of {EFFECTS})")
        pts = c.get("points", 0)
        if not isinstance(pts, int) or pts < 0:
            problems.append(f"{where}: points must be a whole number ≥ 0 ({pts!r})")
        elif c.get("effect") in ("deduct", "bonus") and pts == 0:
            problems.append(f"{where}: a {c.get('effect')} clause needs points > 0")
        if not c.get("text_zh"):
            problems.append(f"{where}: missing text_zh")
        if groups and c.get("group") not in groups:
            problems.append(f"{where}: unknown group {c.get('group')!r}")
    if not clauses:
        problems.append("rulebook has no clauses")
    problems += _ladder_problems(raw.get("interview_ladder", []), set(codes))
    if "watch" in raw:
        problems += _watch_problems(raw["watch"], set(codes))
    return [f"{origin}: {p}" for p in problems]


def _reading_problems(reading: object, weights: object) -> list[str]:
    """What is wrong with a bucket's town reading: one of TOWN_READINGS, weighted one of TOWN_WEIGHTS."""
    problems = []
    if reading not in TOWN_READINGS:
        problems.append(f"`towns` must be one of {', '.join(TOWN_READINGS)} ({reading!r})")
    if weights not in TOWN_WEIGHTS:
        problems.append(f"`weights` must be one of {', '.join(TOWN_WEIGHTS)} ({weights!r})")
    return problems


def _ladder_problems(steps: object, codes: set[str]) -> list[str]:
    """What is wrong with the interview ladder: counts whole, ≥ 1 and rising; clauses in this rulebook."""
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        return ["interview_ladder must be a list of tables ([[interview_ladder]])"]
    problems: list[str] = []
    last = 0
    for step in steps:
        count, code = step.get("interviews"), step.get("clause")
        if not isinstance(count, int) or isinstance(count, bool) or count <= last:
            problems.append(f"interview_ladder: interviews must be whole numbers ≥ 1 in rising order ({count!r})")
        else:
            last = count
        if code not in codes:
            problems.append(f"interview_ladder: unknown clause {code!r}")
    return problems


def _watch_problems(watch: object, codes: set[str]) -> list[str]:
    """What is wrong with `[watch]`: every number whole and in range, every rule given a clause of this rulebook."""
    if not isinstance(watch, dict):
        return ["watch must be a table ([watch])"]
    problems = []
    for key, (low, high) in WATCH_NUMBERS.items():
        value = watch.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append(f"watch: `{key}` must be a whole number {low}–{high} ({value!r})")
    clauses = watch.get("clauses")
    if not isinstance(clauses, dict):
        return [*problems, "watch: missing the table [watch.clauses] (rule = clause code)"]
    for rule in WATCH_RULES:
        if clauses.get(rule) not in codes:
            problems.append(f"watch.clauses: `{rule}` needs a clause of this rulebook ({clauses.get(rule)!r})")
    problems += [f"watch.clauses: unknown rule `{rule}` (known: {', '.join(WATCH_RULES)})"
                 for rule in clauses if rule not in WATCH_RULES]
    problems += [f"watch: `{key}` must be true or false ({watch[key]!r})"
                 for key in WATCH_FLAGS if key in watch and not isinstance(watch[key], bool)]
    unknown = sorted(set(watch) - set(WATCH_NUMBERS) - set(WATCH_FLAGS) - {"clauses"})
    problems += [f"watch: unknown setting `{key}`" for key in unknown]
    return problems


def _watch_rules(watch: dict | None) -> WatchRules | None:
    if watch is None:
        return None
    flags = {key: watch.get(key, default) for key, default in WATCH_FLAGS.items()}
    return WatchRules(**{key: watch[key] for key in WATCH_NUMBERS}, **flags, clauses=dict(watch["clauses"]))


def parse_rulebook(raw: dict, origin: str = "rulebook") -> Rulebook:
    """Build a Rulebook from a TOML dict, refusing it with every problem listed."""
    problems = _validate(raw, origin)
    if problems:
        raise RulebookError.listing(problems)
    buckets = tuple(
        Bucket(
            key=b["key"],
            label_zh=b.get("label_zh", b["key"]),
            label_en=b.get("label_en", b["key"]),
            assessors=tuple(b["assessors"]),
            points=b["points"],
            periods=tuple(
                Period(
                    key=p["key"],
                    label_zh=p.get("label_zh", p["key"]),
                    label_en=p.get("label_en", p["key"]),
                    aliases=tuple(p.get("aliases", ())),
                    points=p["points"],
                    floor=p.get("floor", 0),
                    start=p["from"],
                    end=p["to"],
                    to_next_year=bool(p.get("to_next_year", False)),
                )
                for p in b["periods"]
            ),
            towns=b.get("towns", "pooled"),
            weights=b.get("weights", "equal"),
        )
        for b in raw["buckets"]
    )
    grades = tuple(
        sorted(
            (
                Grade(g["key"], g.get("label_zh", g["key"]), g.get("label_en", g["key"]),
                      g["min"], g["max"], bool(g.get("blacklist", False)))
                for g in raw["grades"]
            ),
            key=lambda g: -g.min,
        )
    )
    groups = tuple(Group(g["key"], g.get("label_zh", g["key"]), g.get("label_en", g["key"])) for g in raw.get("groups", []))
    clauses = tuple(
        Clause(c["code"], str(c.get("group", c["code"].split(".")[0])), c["effect"], c.get("points", 0),
               c["text_zh"], c.get("gloss_en", ""))
        for c in raw["clauses"]
    )
    return Rulebook(
        name=raw.get("name", origin),
        title_zh=raw.get("title_zh", ""),
        title_en=raw.get("title_en", ""),
        source_zh=raw.get("source_zh", ""),
        source_en=raw.get("source_en", ""),
        total=raw["total"],
        buckets=buckets,
        grades=grades,
        groups=groups,
        clauses=clauses,
        interview_ladder=tuple((s["interviews"], s["clause"]) for s in raw.get("interview_ladder", [])),
        watch=_watch_rules(raw.get("watch")),
    )


def split_reference(reference: str) -> tuple[str, tuple[str, str] | None]:
    """A rulebook reference → (name or path, (reading, weights) or None when it names no reading)."""
    name, mark, reading = str(reference).partition(READING_MARK)
    if not mark:
        return name, None
    towns, _, weights = reading.partition("/")
    return name, (towns, weights or "equal")


def published_rulebook(reference: str) -> Rulebook:
    """The rulebook a publication's stored reference names, read as it was: a bare name was rated `pooled` (a version
    rated otherwise always stores its reading), even if that rulebook's file has chosen `per_town` since."""
    name, reading = split_reference(reference)
    return load_rulebook(name).with_town_reading(*(reading or DEFAULT_TOWN_READING))


@cache
def load_rulebook(name_or_path: str | Path = DEFAULT_RULEBOOK) -> Rulebook:
    """Load a rulebook by name (a file in core/rulebooks/), by path, or by reference ("name#per_town/contracts":
    the rulebook read with that town reading); RulebookError if malformed."""
    if isinstance(name_or_path, str) and READING_MARK in name_or_path:
        name, reading = split_reference(name_or_path)
        return load_rulebook(name).with_town_reading(*reading)
    path = Path(name_or_path)
    if not path.suffix:
        path = RULEBOOK_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in RULEBOOK_DIR.glob("*.toml")))
        raise RulebookError(f"评分规则文件不合格：没有评分规则 {str(name_or_path)!r}（已有：{known}）",
                            f"rulebook refused: no rulebook {str(name_or_path)!r} (known: {known})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulebookError(f"评分规则文件不合格：{path.name} 不是有效的 TOML：{exc}",
                            f"rulebook refused: {path.name}: not valid TOML: {exc}") from None
    return parse_rulebook(raw, origin=path.name)
