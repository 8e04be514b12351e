"""Deterministic synthetic demo data for Jiangyin (marked demo), loaded through the real import and publish paths."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import china_time
from core.service_records import KIND_LABELS, RECORD_KINDS
from core.towns import default_towns
from db.accounts.actor import Actor
from db.demo import spot_checks
from db.demo.hazard_reports import seed_hazard_reports
from db.demo.names import JIANGYIN, credit_code, id_number, person_name
from db.demo.records import DemoRecords, demo_records
from db.demo.supervision import seed_supervision
from db.documents.signing import Signer, keygen, load_signer
from db.publishing.notice import default_end, open_notice
from db.publishing.publish import publish_year
from db.records.imports import import_records
from db.store.engine import transaction
from db.store.models import Agency, Interview, Practitioner, Publication
from db.store.settings import get_settings
from db.uploads.imports import import_findings, import_roster

SEED = 20200401  # the day the measures were issued
DEMO_BY = "demo"
DEMO_OPERATOR = Actor.operator(DEMO_BY)  # the seed writes as the command line does (db/accounts/actor.py)
YEARS = (2023, 2024, 2025)
WUXI_DISTRICTS = ("320211", "320213", "320214")  # 滨湖区, 梁溪区, 新吴区
SPECIALTIES = ("机械", "电气", "化工", "消防")
# When each version went out (UTC): late January of the next year; the 2024 correction a month later.
PUBLISHED_AT = {
    (2023, 1): dt.datetime(2024, 1, 19, 2, 0, tzinfo=dt.UTC),
    (2024, 1): dt.datetime(2025, 1, 17, 2, 0, tzinfo=dt.UTC),
    (2024, 2): dt.datetime(2025, 2, 21, 2, 0, tzinfo=dt.UTC),
    (2025, 1): dt.datetime(2026, 1, 16, 2, 0, tzinfo=dt.UTC),
}
CORRECTION_REASON = "璜土镇2024年第四季度检查扣分记录漏报，经核实补录后更正（演示数据）"

TRADE_NAMES = (
    "澄安", "华信", "安泰", "恒安", "中正", "鼎盛", "金盾", "瑞通", "泰和", "宏远", "润泽", "同创", "佳成", "明达",
    "博安", "众信", "德众", "天成", "安邦", "晟华", "捷安", "永固", "卓远", "锦程", "立信", "诚泰", "固安", "苏安",
    "锡安", "顺达", "嘉禾", "凯盛", "正源", "亿安", "澄峰", "长安", "江鑫", "新澄", "远帆", "信和", "华澄", "安诺",
)
NAME_FORMS = (
    ("江阴市{}安全技术服务有限公司", JIANGYIN),
    ("江阴{}安全科技有限公司", JIANGYIN),
    ("江阴市{}安全生产咨询服务有限公司", JIANGYIN),
    ("江阴{}工程技术咨询有限公司", JIANGYIN),
    ("无锡{}安全咨询有限公司", "wuxi"),
    ("无锡市{}安全技术服务有限公司", "wuxi"),
    ("江苏{}安全科技有限公司", "wuxi"),
)
CLIENT_TRADES = ("机械制造", "化工", "纺织印染", "金属制品", "电子科技", "新材料", "特钢", "塑业", "精密铸造", "物流")

DEDUCT_10 = ("2.1", "2.2", "2.3", "2.5", "2.6", "2.8")
DEDUCT_5 = ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.9")
CHINESE_NUMERALS = "零一二三四五六七八九十"
PERIOD_LABELS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "YE": "年底", "Y": ""}
QUARTER_MONTHS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "YE": (12, 12), "Y": (2, 12)}
DESCRIPTIONS = {
    "1": "经核查，该机构在为{client}提供服务期间存在严重违规行为，情节恶劣（演示数据）",
    "2": "{town}检查{client}时发现：{gloss}，现场未见整改（演示数据）",
    "3": "{town}检查{client}时发现：{gloss}（演示数据）",
}
GLOSS_ZH = {
    "2.1": "未及时发现企业重大事故隐患", "2.2": "指导制定的操作规程不符合国家标准", "2.3": "服务项目转包",
    "2.5": "执业人员未到现场开展工作", "2.6": "泄露服务对象商业秘密", "2.7": "二次约谈后仍未改正",
    "2.8": "其他违法违规行为", "3.1": "首次服务前未报送基本情况", "3.2": "未报送诚信守法承诺书",
    "3.3": "未签订技术服务合同", "3.4": "月度业务情况未按时报送", "3.5": "简化服务程序",
    "3.6": "现场服务频次不足", "3.7": "发现隐患未出具书面整改建议", "3.8": "约谈后仍未改正", "3.9": "其他违规行为",
}


@dataclass
class DemoAgency:
    """One synthetic agency: its code, name, the towns it serves and the year it started in Jiangyin."""

    credit_code: str
    name: str
    towns: list[str]
    since: int
    practitioners: list[dict] = field(default_factory=list)


@dataclass
class DemoData:
    """The whole demo data set, as files and rows ready for the import and publish paths."""

    agencies: list[DemoAgency]
    rosters: dict[int, bytes]
    findings: dict[int, bytes]
    correction_2024: bytes
    interviews: list[dict]
    records: DemoRecords


def clause_form(rng: random.Random, code: str) -> str:
    """Write some clauses the way staff do (二（五）), to prove the reader's forms on the demo path."""
    if rng.random() < 0.3:
        section, item = code.split(".")
        numeral = CHINESE_NUMERALS[int(item)] if int(item) <= 10 else item
        return f"{CHINESE_NUMERALS[int(section)]}（{numeral}）"
    return code


def _agencies(rng: random.Random) -> list[DemoAgency]:
    towns = list(default_towns().names)
    trade_names = rng.sample(TRADE_NAMES, 40)
    out = []
    for i, trade in enumerate(trade_names):
        form, region = NAME_FORMS[i % len(NAME_FORMS)]
        region = rng.choice(WUXI_DISTRICTS) if region == "wuxi" else region
        since = 2023 if i < 34 else 2024 if i < 37 else 2025
        agency = DemoAgency(credit_code(rng, region), form.format(trade), sorted(rng.sample(towns, rng.choice((1, 2, 3)))),
                            since)
        for _ in range(rng.choice((2, 3, 3, 4))):
            agency.practitioners.append({
                "name": person_name(rng),
                "id_number": id_number(rng),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "specialty": rng.choice(SPECIALTIES),
                "certificate_no": f"DEMO-AQ{rng.randrange(10**6):06d}",
            })
        out.append(agency)
    return out


def _date_in(rng: random.Random, year: int, period: str) -> dt.date:
    first, last = QUARTER_MONTHS[period]
    start = dt.date(year, first, 1)
    end = dt.date(year + (last == 12), 1 if last == 12 else last + 1, 1) - dt.timedelta(days=1)
    if period == "YE":
        start = dt.date(year, 12, 10)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class _Findings:
    """Builds one year's findings file row by row."""

    def __init__(self, rng: random.Random, year: int):
        self.rng, self.year, self.rows, self.numbers = rng, year, [], {}

    def add(self, agency: DemoAgency, code: str, period: str, town: str | None, practitioner: str = "",
            on: dt.date | None = None) -> None:
        rng = self.rng
        assessor = town or "市应急管理局"
        when = on or _date_in(rng, self.year, period)
        self.numbers[assessor] = self.numbers.get(assessor, 0) + 1
        short = (town or "澄应急")[:2]
        client = f"江阴{rng.choice('东南西北新华宏金泰永')}{rng.choice('达盛丰源')}{rng.choice(CLIENT_TRADES)}有限公司"
        template = DESCRIPTIONS[code.split(".")[0]]
        self.rows.append({
            "统一社会信用代码": agency.credit_code,
            "机构名称": agency.name,
            "条款": clause_form(rng, code),
            "评定单位": assessor,
            "考核期": PERIOD_LABELS[period] if town else "",
            "日期": when.isoformat(),
            "年度": str(self.year),
            "执业人员": practitioner,
            "情况说明": template.format(client=client, town=town or "市应急管理局", gloss=GLOSS_ZH.get(code, "")),
            "文书编号": f"{short}安监〔{self.year}〕{self.numbers[assessor]}号",
        })

    def lose(self, agency: DemoAgency, points: int) -> None:
        """Findings that cost the agency exactly `points` (no floor hit), spread over towns' periods and the bureau."""
        rng = self.rng
        room = {p: 10 for p in ("Q1", "Q2", "Q3", "Q4", "YE")} | {"Y": 50}
        while points > 0:
            cost = 10 if points >= 10 and rng.random() < 0.6 else 5
            slots = [p for p, left in room.items() if left >= cost]
            period = rng.choice(slots)
            room[period] -= cost
            points -= cost
            code = rng.choice(DEDUCT_10 if cost == 10 else DEDUCT_5)
            practitioner = rng.choice(agency.practitioners)["name"] if code == "2.5" else ""
            town = None if period == "Y" else rng.choice(agency.towns)
            self.add(agency, code, period, town, practitioner)

    def csv(self) -> bytes:
        return _csv(self.rows)


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def demo_data(seed: int = SEED, today: dt.date | None = None) -> DemoData:
    """The demo data set for `seed` as known on `today` (China time by default): the same bytes every time for
    the same seed and day. Only the service records depend on the day (the current year is a year in progress)."""
    rng = random.Random(seed)
    agencies = _agencies(rng)
    rosters, findings, interviews = {}, {}, []
    correction = b""
    for year in YEARS:
        active = [a for a in agencies if a.since <= year]
        rosters[year] = _csv([{"统一社会信用代码": a.credit_code, "机构名称": a.name} for a in active])
        order = rng.sample(active, len(active))
        book = _Findings(rng, year)
        # Fates for the year: two listed by clause, one by score, and every grade band, boundaries included.
        by_clause, by_score, grade_c, grade_b, grade_a = order[:2], order[2], order[3:7], order[7:14], order[14:26]
        for agency, code in zip(by_clause, ("1.3", "1.8") if year == 2024 else ("1.3", "1.7"), strict=True):
            if code == "1.8":  # three interviews this year, then a further violation
                interviews += [{"credit_code": agency.credit_code, "date": dt.date(year, m, 15), "year": year,
                                "notes": "约谈：月度报备屡次迟报（演示数据）"} for m in (3, 5, 7)]
            named = rng.choice(agency.practitioners)["name"] if code == "1.3" else ""
            book.add(agency, code, "Y", None, named, on=dt.date(year, 9, 12))
            book.lose(agency, 5)
        book.lose(by_score, rng.choice((45, 50, 55)))
        for agency, points in zip(grade_c, (25, 30, 40, 35), strict=True):
            book.lose(agency, points)
        for agency, points in zip(grade_b, (15, 20, 20, 15, 20, 15, 20), strict=True):
            book.lose(agency, points)
        for i, agency in enumerate(grade_a):
            book.lose(agency, (10, 5, 10, 5, 0, 5)[i % 6])
        # A second finding in a full quarter: shown in the explanation as charged 0 (the period floor).
        full = grade_c[0]
        quarter = next(r for r in book.rows if r["统一社会信用代码"] == full.credit_code and r["考核期"])
        book.add(full, "3.4", next(k for k, v in PERIOD_LABELS.items() if v == quarter["考核期"]),
                 quarter["评定单位"])
        if year == 2025:  # one interview then a further violation (3.8); two interviews then 2.7
            first, second = grade_b[0], grade_c[1]
            interviews.append({"credit_code": first.credit_code, "date": dt.date(year, 4, 10), "year": year,
                               "notes": "约谈：服务频次不足（演示数据）"})
            book.add(first, "3.8", "Y", None, on=dt.date(year, 6, 20))
            interviews += [{"credit_code": second.credit_code, "date": dt.date(year, m, 8), "year": year,
                            "notes": "约谈：隐患未出具书面整改建议（演示数据）"} for m in (3, 6)]
            book.add(second, "2.7", "Y", None, on=dt.date(year, 8, 18))
        findings[year] = book.csv()
        if year == 2024:
            # The missed Q4 findings of 璜土镇, found after version 1: an A drops to B (the correction).
            late = _Findings(rng, year)
            target = grade_a[0]
            late.add(target, "2.5", "Q4", "璜土镇", rng.choice(target.practitioners)["name"],
                     on=dt.date(year, 11, 26))
            late.add(target, "3.6", "Q3", "璜土镇", on=dt.date(year, 8, 14))
            correction = late.csv()
    records = demo_records(agencies, seed=seed, latest=YEARS[-1], today=today or china_time.today())
    return DemoData(agencies, rosters, findings, correction, interviews, records)


def _add_people(engine: Engine, data: DemoData) -> None:
    """Practitioners (ID numbers and phones: staff-only, synthetic) and interviews, in one transaction."""
    with transaction(engine) as session:
        ids = dict(session.execute(select(Agency.credit_code, Agency.id)).all())
        people = [{**p, "agency_id": ids[a.credit_code]} for a in data.agencies for p in a.practitioners]
        session.connection().execute(insert(Practitioner.__table__), people)
        session.connection().execute(insert(Interview.__table__), [
            {"agency_id": ids[i["credit_code"]], "date": i["date"], "year": i["year"], "notes": i["notes"],
             "recorded_by": DEMO_BY, "recorded_at": dt.datetime(i["date"].year, i["date"].month, i["date"].day,
                                                                  1, 0, tzinfo=dt.UTC)}
            for i in data.interviews
        ])


def demo_signer() -> Signer:
    """The configured signing key; on a machine without one, a new key marked demo in its file (demo data only)."""
    path = get_settings().signing_key
    return load_signer(path) if path.exists() else keygen(path, demo=True)


def seed_demo(*, engine: Engine, seed: int = SEED, today: dt.date | None = None) -> list[Publication]:
    """Load the demo data set and publish 2023–2025 (plus a correction of 2024), each after an ended notice, then the service records of the
    latest year and the current one (db.demo.records); nothing if agencies exist.

    Goes through db.uploads.imports and db.publishing.publish like a real upload, so the demo proves the pipeline. Every version is
    marked demo, so the public site can say so.
    """
    with Session(engine) as session:
        if session.execute(select(func.count()).select_from(Agency)).scalar_one():
            return []
    data = demo_data(seed, today)
    published: list[Publication] = []
    signer = demo_signer()

    def publish(year: int, version: int, reason: str | None = None) -> None:
        # Every version goes through its 公示, as a real one would: opened two weeks before the demo's publication
        # date, for the default number of working days, ended before that date.
        day = china_time.to_china(PUBLISHED_AT[(year, version)]).date()
        opened_on = day - dt.timedelta(days=14)
        open_notice(engine=engine, by=DEMO_OPERATOR, year=year,
                    ends_on=min(default_end(opened_on), day - dt.timedelta(days=1)),
                    today=opened_on)
        published.append(publish_year(engine=engine, year=year, by=DEMO_OPERATOR, reason=reason, demo=True,
                                      published_at=PUBLISHED_AT[(year, version)], signer=signer))

    for year in YEARS:
        import_roster(engine=engine, content=data.rosters[year], file_name=f"{year}年度服务机构名录（演示）.csv",
                      by=DEMO_OPERATOR, year=year)
        import_findings(engine=engine, content=data.findings[year], file_name=f"{year}年度扣分记录（演示）.csv",
                        by=DEMO_OPERATOR)
        if year == spot_checks.PAST_YEAR:  # its one finding is the year's, published with it
            spot_checks.seed_pool(engine, data.agencies, DEMO_OPERATOR, random.Random(seed))
            spot_checks.seed_past_plan(engine, data.agencies, DEMO_OPERATOR)
        publish(year, 1)
        if year == 2024:
            import_findings(engine=engine, content=data.correction_2024, file_name="2024年度扣分记录补录（演示）.csv",
                            by=DEMO_OPERATOR)
            publish(year, 2, CORRECTION_REASON)
    _add_people(engine, data)
    spot_checks.seed_pending_plan(engine, data.agencies, DEMO_OPERATOR, today or china_time.today())
    for kind in RECORD_KINDS:  # one file per kind, as an agency's upload would come
        import_records(engine=engine, kind=kind, content=data.records.files[kind], by=DEMO_OPERATOR,
                       file_name=f"{KIND_LABELS[kind]}（演示）.csv")
    seed_hazard_reports(engine=engine, by=DEMO_OPERATOR, agencies=[a.credit_code for a in data.agencies],
                        towns=default_towns().names, today=today or china_time.today(), seed=seed)
    seed_supervision(engine=engine, by=DEMO_OPERATOR, today=today or china_time.today())
    return published
