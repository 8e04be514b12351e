"""Demo 拒不整改报告: a dozen reports through the real services, in every state and outcome, some overdue, dated
around the demo's `today` so the staff queue and the home page always have something late to show."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from core.workdays import WorkCalendar
from db.accounts.actor import Actor
from db.demo.names import JIANGYIN, credit_code
from db.supervision import hazard_reports as reports
from db.supervision.hazard_reports import ReportForm

HAZARDS = (
    ("涂装车间防爆电气设备损坏，仍在使用", True),
    ("危化品仓库超量储存，未按规定分类隔离", True),
    ("有限空间作业未执行审批，未配备检测仪器", False),
    ("粉尘除尘系统未设置泄爆装置", True),
    ("消防通道堆放杂物，安全出口锁闭", False),
    ("冲压设备光电保护装置被拆除", False),
)
RESPONSES = ("逾期未整改，拒绝在复查意见书上签字", "以生产任务紧为由拒不整改", "口头承诺整改，复查时仍未整改")
STORY: tuple[tuple[int, int | None, int | None, str], ...] = (
    # received days ago, acknowledged after, closed after, outcome
    (400, 1, 12, reports.RECTIFIED),
    (330, 1, 25, reports.CASE),  # closed late
    (300, 3, 18, reports.UNFOUNDED),  # acknowledged late
    (250, 1, 9, reports.RECTIFIED),
    (200, 0, 15, reports.CASE),
    (120, 1, 19, reports.RECTIFIED),
    (60, 1, None, ""),  # acknowledged, not closed: overdue to close
    (20, 1, None, ""),  # acknowledged, within its deadline
    (6, None, None, ""),  # not acknowledged: overdue
    (0, None, None, ""),  # received today
)


def seed_hazard_reports(*, engine, by: Actor, agencies: Sequence[str], towns: Sequence[str], today: dt.date,
                        seed: int) -> int:
    """File, acknowledge and close the demo's reports as `by` (the command line's operator acts for the bureau, as
    staff entering paper reports); returns how many. `agencies` are credit codes on file, `towns` the town names."""
    rng = random.Random(seed)
    calendar = WorkCalendar.default()
    for i, (ago, ack_after, close_after, outcome) in enumerate(STORY):
        received = today - dt.timedelta(days=ago)
        town = towns[i % len(towns)]
        hazard, major = HAZARDS[i % len(HAZARDS)]
        found = received - dt.timedelta(days=rng.randint(20, 40))
        special = i % 4 == 2
        form = ReportForm(
            enterprise_code=credit_code(rng, JIANGYIN), enterprise_name=f"江阴{town[:2]}演示{i + 1}号制造有限公司",
            town=town, hazard=f"{hazard}（演示数据）", found_on=found, major=major,
            advice_on=found + dt.timedelta(days=1), advice_no=f"ZG-{found.year}-{i + 1:03d}",
            rectify_by=found + dt.timedelta(days=15), response=rng.choice(RESPONSES),
            addressee="bureau" if special else town,
            bureau_reason="企业实际控制人为属地镇街园工作人员亲属，申请市局直接处理（演示数据）" if special else "")
        stored = reports.file_report(engine=engine, user=by, form=form, credit_code=agencies[i % len(agencies)],
                                     received_on=received, today=received, calendar=calendar)
        if ack_after is None:
            continue
        reports.acknowledge(engine=engine, user=by, report_id=stored["id"],
                            today=received + dt.timedelta(days=ack_after))
        if close_after is None:
            continue
        reports.close(engine=engine, user=by, report_id=stored["id"], outcome=outcome,
                      case_no=f"澄应急立〔{received.year}〕{i + 3}号" if outcome == reports.CASE else "",
                      reason="复查时隐患已消除，企业提供了整改前后照片（演示数据）" if outcome == reports.UNFOUNDED else "",
                      today=received + dt.timedelta(days=close_after))
    return len(STORY)
