"""The demo's service records (第九条–第十一条): filings, people, changes, contracts, visits and reports, with planted breaches.

Everything is drawn from its own random stream, so the findings (and the published ratings) never move. The
records cover the latest demo year and the current one; rows dated after `today` (China time) are left out, so
the current year reads like a year in progress. Apart from the planted breaches (DemoRecords.breaches) the
records are clean: every visit under a contract, every month reported by the 5th, every change told in time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from typing import Protocol

from core.service_records import RECORD_COLUMNS, RECORD_KINDS, SPECIALTIES
from core.towns import default_towns
from db.demo.names import JIANGYIN, credit_code, id_number, person_name

STREAM = "service-records"  # the records' own random stream, apart from the findings'
CLIENT_WORDS = ("东", "南", "西", "北", "新", "华", "宏", "金", "泰", "永", "恒", "利", "盛", "通", "达", "丰")
CLIENT_TRADES = ("机械制造", "化工", "纺织印染", "金属制品", "电子科技", "新材料", "特钢", "塑业", "精密铸造", "物流")
STREETS = ("人民路", "澄江路", "虹桥路", "长江路", "芙蓉大道", "滨江路", "中山路", "环城路")
CHANGE_ITEMS = ("本市办公地址变更", "联系电话变更", "法定代表人变更")
# The breaches planted each year, one agency each (both agencies of a shared practitioner are found).
ROLES = ("late_visits", "late_visits_2", "late_row", "missing_row", "no_contract", "shared_from", "shared_to",
         "late_change", "too_few", "advice", "advice_2")
RULE_OF_ROLE = {"late_visits": "late_report", "late_visits_2": "late_report", "late_row": "late_report",
                "missing_row": "late_report", "no_contract": "visit_without_contract",
                "shared_from": "shared_practitioner", "shared_to": "shared_practitioner",
                "late_change": "late_change", "too_few": "too_few_visits", "advice": "no_written_advice",
                "advice_2": "no_written_advice"}
EARLY_ROLES = ("late_visits", "late_visits_2", "late_row", "missing_row")
SMALL_ROLES = ("late_row", "missing_row")  # need months without visits: agencies visiting every other month
PLANT_FROM = (7, 1)  # a year's breaches are planted once its first half is over (the last one is due by 30 June)


class Agency(Protocol):
    credit_code: str
    name: str
    towns: list[str]
    since: int
    practitioners: list[dict]


@dataclass(frozen=True)
class Breach:
    """A breach planted on purpose: the watch of `year` must suggest `rule` for this agency."""

    year: int
    rule: str
    credit_code: str
    agency_name: str
    what: str


@dataclass
class DemoRecords:
    """The six service-record files of the demo (CSV bytes by kind), the years they cover and the planted breaches."""

    files: dict[str, bytes]
    years: tuple[int, ...]
    breaches: list[Breach]
    counts: dict[str, int] = field(default_factory=dict)


def record_years(latest: int, today: dt.date) -> tuple[int, ...]:
    """The latest year with findings, and the current year (the queue's first page)."""
    return tuple(sorted({latest, today.year}))


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _weekday_in(rng: random.Random, year: int, month: int) -> dt.date:
    day = dt.date(year, month, rng.randint(3, 26))
    return day - dt.timedelta(days=max(0, day.weekday() - 4))  # Saturday → Friday, Sunday → Friday


class _Builder:
    """Collects the rows of each file, the submission day of each agency's month and the breaches."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng, self.today = rng, today
        self.rows: dict[str, list[dict]] = {kind: [] for kind in RECORD_KINDS}
        self.submitted: dict[tuple[str, int, int], dt.date] = {}
        self.missing: set[tuple[str, int, int]] = set()
        self.breaches: list[Breach] = []

    def submission(self, code: str, year: int, month: int) -> dt.date:
        """The day the agency reported the month: one of the 1st–5th of the next month (on time) unless planted late."""
        key = (code, year, month)
        if key not in self.submitted:
            self.submitted[key] = _month_after(dt.date(year, month, 1)) + dt.timedelta(days=self.rng.randrange(5))
        return self.submitted[key]

    def add(self, kind: str, row: dict, on: dt.date) -> None:
        """Keep a row known by `on`; later rows have not happened yet."""
        if on <= self.today:
            self.rows[kind].append(row)

    def plant(self, year: int, rule: str, agency: Agency, what: str) -> None:
        self.breaches.append(Breach(year, rule, agency.credit_code, agency.name, what))

    def change(self, agency: Agency, item: str, on: dt.date, told: dt.date, practitioner: str = "") -> None:
        self.add("changes", {"credit_code": agency.credit_code, "item": item, "practitioner": practitioner,
                             "changed_on": on, "reported_on": told}, told)


@dataclass
class _Contract:
    agency: Agency
    client: tuple[str, str]  # code, name
    town: str
    number: str
    start: dt.date
    end: dt.date
    per_year: int
    months: list[int]  # the months visited


def _clients(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str]]:
    out = []
    while len(out) < count:
        name = f"江阴{rng.choice(CLIENT_WORDS)}{rng.choice(CLIENT_WORDS)}{rng.choice(CLIENT_TRADES)}有限公司"
        if name not in taken:
            taken.add(name)
            out.append((credit_code(rng, JIANGYIN), name))
    return out


def demo_records(agencies: list[Agency], *, seed: int, latest: int, today: dt.date) -> DemoRecords:
    """The service records of `agencies` for the latest demo year and today's, as known on `today`."""
    rng = random.Random(f"{seed}:{STREAM}")
    build = _Builder(rng, today)
    years = record_years(latest, today)
    towns = list(default_towns().names)
    newcomers = [a for a in agencies if a.since == latest]
    settled = rng.sample([a for a in agencies if a.since < latest], len(agencies) - len(newcomers))
    planted = [y for y in years if today >= dt.date(y, *PLANT_FROM)]
    roles = {y: dict(zip(ROLES, settled[i * len(ROLES):], strict=False)) for i, y in enumerate(planted)}
    small = {r[k].credit_code for r in roles.values() for k in SMALL_ROLES} | {
        a.credit_code for a in rng.sample(settled[len(ROLES) * len(planted):], 6)}
    no_letter, before_filing = newcomers[0], newcomers[1]

    filed = _registry(build, agencies, latest, no_letter, before_filing)
    people = _practitioners(build, agencies)
    taken: set[str] = set()
    for agency in agencies:
        served = sorted({*agency.towns, rng.choice(towns)})  # where its clients are: findings' towns and one more
        clients = _clients(rng, 6, taken)
        for year in years:
            role = {v.credit_code: k for k, v in roles.get(year, {}).items()}.get(agency.credit_code)
            if role in EARLY_ROLES:  # a late or missing report is set before the months are reported
                _plant(build, role, agency, year, roles[year], people, taken, [])
            contracts = _contracts(rng, agency, year, filed[agency.credit_code], served, clients,
                                   small=agency.credit_code in small, early=agency is before_filing)
            for contract in contracts:
                _contract_rows(build, contract, year, people[agency.credit_code])
            if role and role not in EARLY_ROLES:
                _plant(build, role, agency, year, roles[year], people, taken, contracts)
        _movements(build, agency, years, people[agency.credit_code])
    _reports(build, agencies, years, filed)
    if latest in years:
        build.plant(latest, "no_commitment", no_letter, "附件1已报送，守法诚信承诺书未报送")
        build.plant(latest, "served_before_filing", before_filing, "报送附件1之前已开展服务")
    files = {kind: _csv(kind, build.rows[kind]) for kind in RECORD_KINDS}
    return DemoRecords(files, years, build.breaches, {kind: len(build.rows[kind]) for kind in RECORD_KINDS})


def _registry(build: _Builder, agencies: list[Agency], latest: int, no_letter: Agency,
              before_filing: Agency) -> dict[str, dt.date]:
    """One 附件1 row per agency; the day each filed."""
    rng, filed = build.rng, {}
    for agency in agencies:
        on = dt.date(agency.since, 1, 6) + dt.timedelta(days=rng.randrange(45))
        if agency is before_filing:
            on = dt.date(latest, 3, 10)
        town = rng.choice(agency.towns)
        filed[agency.credit_code] = on
        build.add("registry", {
            "credit_code": agency.credit_code, "agency_name": agency.name,
            "address": f"{'江阴市' if agency.credit_code[2:8] == JIANGYIN else '无锡市'}{rng.choice(STREETS)}"
                       f"{rng.randint(1, 300)}号",
            "office_address": f"江阴市{town}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            "legal_rep": person_name(rng), "phone": f"0510-8{rng.randrange(10**7):07d}",
            "filed_on": on, "commitment_on": None if agency is no_letter else on + dt.timedelta(days=rng.randrange(4)),
        }, on)
    return filed


def _practitioners(build: _Builder, agencies: list[Agency]) -> dict[str, list[dict]]:
    """Each agency's staff from before the records start: its demo practitioners and one or two more, so that
    every agency covers at least three specialties."""
    rng, out = build.rng, {}
    for agency in agencies:
        staff = [dict(p) for p in agency.practitioners]
        have = {p["specialty"] for p in staff}
        lacking = [s for s in SPECIALTIES if s not in have]
        for specialty in rng.sample(lacking, min(len(lacking), max(1, 3 - len(have)) + rng.randrange(2))):
            staff.append({"name": person_name(rng), "id_number": id_number(rng), "specialty": specialty,
                          "certificate_no": f"DEMO-AQ{rng.randrange(10**6):06d}"})
        for person in staff:
            person["joined_on"] = dt.date(min(agency.since, 2024) - rng.randrange(4), rng.randint(1, 12),
                                          rng.randint(1, 28))
            _person_row(build, agency, person, person["joined_on"])
        out[agency.credit_code] = staff
    return out


def _person_row(build: _Builder, agency: Agency, person: dict, joined: dt.date, left: dt.date | None = None) -> None:
    build.add("practitioners", {"credit_code": agency.credit_code, "name": person["name"],
                                "id_number": person["id_number"], "specialty": person["specialty"],
                                "certificate": person["certificate_no"], "joined_on": joined, "left_on": left},
              max(joined, left or joined))


def _contracts(rng: random.Random, agency: Agency, year: int, filed: dt.date, towns: list[str],
               clients: list[tuple[str, str]], *, small: bool, early: bool) -> list[_Contract]:
    """The year's contracts: from January, or from the month after filing in the year filed (the month before,
    for the agency planted as serving before filing)."""
    start = dt.date(year, 1, 1)
    if filed.year == year:
        start = _month_after(filed) if not early else dt.date(year, filed.month - 1, 1)
    out = []
    for k, client in enumerate(clients[:2 if small else rng.randint(3, 6)]):
        per_year = 6 if small else rng.choice((12, 12, 6, 4))
        step = 12 // per_year
        phase = 0 if small or start.month > 1 else rng.randrange(step)  # a late start visits from its first month
        months = [m for m in range(start.month, 13) if (m - start.month) % step == phase]
        out.append(_Contract(agency, client, towns[k % len(towns)], f"JY{year}-{agency.credit_code[-6:]}-{k + 1:02d}",
                             start, dt.date(year, 12, 31), per_year, months))
    return out


def _contract_rows(build: _Builder, contract: _Contract, year: int, staff: list[dict]) -> None:
    rng = build.rng
    signed = contract.start - dt.timedelta(days=rng.randint(3, 20))
    code, name = contract.client
    build.add("contracts", {"credit_code": contract.agency.credit_code, "client_code": code, "client_name": name,
                            "town": contract.town, "contract_no": contract.number, "signed_on": signed,
                            "start": contract.start, "end": contract.end,
                            "visits_per_year": contract.per_year}, signed)
    for month in contract.months:
        _visit(build, contract, _weekday_in(rng, year, month), staff)


def _visit(build: _Builder, contract: _Contract, day: dt.date, staff: list[dict], *, hazards: int | None = None,
           advice: str | None = None, contract_no: str | None = None) -> None:
    rng = build.rng
    found = rng.choice((0, 0, 0, 0, 1, 1, 2, 3)) if hazards is None else hazards
    submitted = build.submission(contract.agency.credit_code, day.year, day.month)
    build.add("visits", {
        "credit_code": contract.agency.credit_code, "month": f"{day:%Y-%m}", "submitted_on": submitted,
        "client_code": contract.client[0], "client_name": contract.client[1], "town": contract.town,
        "contract_no": contract.number if contract_no is None else contract_no, "visit_date": day,
        "practitioner": rng.choice(staff[:3])["name"], "hazards": found,
        "written_advice": advice or ("是" if found else rng.choice(("否", "否", "是"))),
    }, submitted)


def _plant(build: _Builder, role: str, agency: Agency, year: int, cast: dict[str, Agency],
           people: dict[str, list[dict]], taken: set[str], contracts: list[_Contract]) -> None:
    """One planted breach of `year` (late and missing reports are planted before the months are reported)."""
    rng, code, staff = build.rng, agency.credit_code, people[agency.credit_code]
    if role in ("late_visits", "late_visits_2", "late_row"):
        month = {"late_visits": 3, "late_visits_2": 5, "late_row": 4}[role]
        build.submitted[(code, year, month)] = dt.date(year, month + 1, rng.randint(12, 20))
        build.plant(year, "late_report", agency, f"{year}-{month:02d}月报迟报（次月5日后）")
    elif role == "missing_row":
        build.missing.add((code, year, 2))
        build.plant(year, "late_report", agency, f"{year}-02月报未报送")
    elif role == "no_contract":
        client = _clients(rng, 1, taken)[0]
        stray = _Contract(agency, client, agency.towns[0], "", dt.date(year, 5, 1), dt.date(year, 5, 31), 1, [5])
        _visit(build, stray, _weekday_in(rng, year, 5), staff, contract_no="")
        build.plant(year, "visit_without_contract", agency, f"{client[1]}：无合同服务")
    elif role in ("advice", "advice_2"):  # one more visit under its first contract, in April
        _visit(build, contracts[0], _weekday_in(rng, year, 4), staff, hazards=rng.randint(1, 4), advice="否")
        build.plant(year, "no_written_advice", agency, f"{contracts[0].client[1]}：发现隐患未出具书面整改建议")
    elif role == "too_few":  # five months at 12 a year need 4 visits; 2 were made (judged once May's report is due)
        client = _clients(rng, 1, taken)[0]
        _contract_rows(build, _Contract(agency, client, contracts[0].town, f"JY{year}-{code[-6:]}-99",
                                        dt.date(year, 1, 1), dt.date(year, 5, 31), 12, [1, 2]), year, staff)
        build.plant(year, "too_few_visits", agency, f"{client[1]}：五个月合同约定年12次，实际服务2次")
    elif role == "shared_from":
        build.plant(year, "shared_practitioner", agency, f"{staff[0]['name']}同时受聘于{cast['shared_to'].name}")
    elif role == "shared_to":
        person = people[cast["shared_from"].credit_code][0]  # still employed there: never left
        joined, left = dt.date(year, 4, 13), dt.date(year, 6, 12)
        _person_row(build, agency, person, joined, left)
        build.change(agency, "执业人员入职", joined, joined + dt.timedelta(days=2), person["name"])
        build.change(agency, "执业人员离职", left, left + dt.timedelta(days=3), person["name"])
        build.plant(year, "shared_practitioner", agency, f"{person['name']}同时受聘于{cast['shared_from'].name}")
    elif role == "late_change":
        build.change(agency, "本市办公地址变更", dt.date(year, 3, 16), dt.date(year, 4, 27))
        build.plant(year, "late_change", agency, "办公地址变更，超过10个工作日告知")


def _movements(build: _Builder, agency: Agency, years: tuple[int, ...], staff: list[dict]) -> None:
    """Ordinary changes told in time: now and then someone joins or leaves, or the phone number changes."""
    rng = build.rng
    for year in years:
        roll = rng.random()
        on = _weekday_in(rng, year, rng.randint(1, 10))
        told = on + dt.timedelta(days=rng.randint(1, 5))
        if roll < 0.15:
            person = {"name": person_name(build.rng), "id_number": id_number(rng), "specialty": rng.choice(SPECIALTIES),
                      "certificate_no": f"DEMO-AQ{rng.randrange(10**6):06d}"}
            if told <= build.today:
                _person_row(build, agency, person, on)
                build.change(agency, "执业人员入职", on, told, person["name"])
        elif roll < 0.25 and len(staff) > 3:
            person = staff[-1]  # not one who visits (the first three do)
            if told <= build.today:
                build.rows["practitioners"] = [r for r in build.rows["practitioners"]
                                               if not (r["credit_code"] == agency.credit_code
                                                       and r["id_number"] == person["id_number"])]
                _person_row(build, agency, person, person["joined_on"], on)
                build.change(agency, "执业人员离职", on, told, person["name"])
                staff.remove(person)
        elif roll < 0.4:
            build.change(agency, rng.choice(CHANGE_ITEMS), on, told)


def _reports(build: _Builder, agencies: list[Agency], years: tuple[int, ...], filed: dict[str, dt.date]) -> None:
    """A report for each month with no visit rows, from the month of filing (or first visit) to December."""
    visited = {(r["credit_code"], int(r["month"][:4]), int(r["month"][5:])) for r in build.rows["visits"]}
    first_visit: dict[str, str] = {}
    for r in build.rows["visits"]:
        first_visit[r["credit_code"]] = min(first_visit.get(r["credit_code"], r["month"]), r["month"])
    for agency in agencies:
        code = agency.credit_code
        begin = min(f"{filed[code]:%Y-%m}", first_visit.get(code, "9999"))
        for year in years:
            for month in range(1, 13):
                key = (code, year, month)
                if f"{year}-{month:02d}" < begin or key in visited or key in build.missing:
                    continue
                on = build.submission(code, year, month)
                build.add("reports", {"credit_code": code, "month": f"{year}-{month:02d}", "submitted_on": on}, on)


def _csv(kind: str, rows: list[dict]) -> bytes:
    """A file as an agency would send it: the Chinese headers, dates as YYYY-MM-DD, UTF-8 with BOM."""
    columns = RECORD_COLUMNS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label_zh for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else str(row[c.key]) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")
