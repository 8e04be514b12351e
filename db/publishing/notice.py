"""公示 (notice) of a year's draft before it is published: open, cancel, list, and the gate publishing passes.

A notice runs from the China date it opens to `ends_on` (inclusive); objections are filed in that window
(db/publishing/objections.py). A version of a year — the first or a correction — may be published only through a
notice of its own: one that has ended (today in China is after ends_on) with every objection of the year resolved.
Publishing marks the notice `published` with the version it led to, so the next version needs a new notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, select

from core import china_time
from core.errors import CreditBoardError
from core.text import counted, plural
from core.workdays import WorkCalendar
from db.accounts import audit
from db.accounts.actor import Actor, actor_name
from db.findings.live import is_live
from db.publishing.population import has_population, population, unnamed_refusal
from db.publishing.rating import rate_year
from db.store.engine import transaction, write_lock
from db.store.models import Finding, Notice, Objection, Publication, aware, utcnow
from db.store.settings import get_settings

NOTICE_COLUMNS = ("id", "year", "opened_on", "ends_on", "opened_by", "status", "publication_id", "objections",
                  "open_objections")
PUBLIC_NOTICE_COLUMNS = ("year", "opened_on", "ends_on", "running")
NOTICE_RATING_COLUMNS = ("credit_code", "agency_name", "total", "grade", "blacklist_clauses")


class NoticeError(CreditBoardError):
    """A notice refused, or a year that may not be published yet because of its notice; bilingual, safe to show."""


def default_end(today: dt.date, *, days: int | None = None, calendar: WorkCalendar | None = None) -> dt.date:
    """The default last day of a notice opened on `today`: the n-th working day after it (NOTICE_WORKING_DAYS).

    core.workdays counts the statutory calendar with its 调休 weekends; a year it does not know is refused there.
    """
    days = get_settings().notice_working_days if days is None else days
    return (calendar or WorkCalendar.default()).after(today, days)


def pending_notice(session: Session, year: int) -> Notice | None:
    """The year's notice that has not led to a version yet and was not cancelled (at most one), or None."""
    return session.exec(select(Notice).where(Notice.year == year, Notice.status == "open")).first()


def _row(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "year": notice.year, "opened_on": notice.opened_on.isoformat(),
            "ends_on": notice.ends_on.isoformat(), "opened_by": notice.opened_by, "status": notice.status,
            "publication_id": notice.publication_id}


def _unnamed_codes(connection: Connection, year: int) -> list[str]:
    agencies = population(connection, year)
    return agencies.loc[agencies["agency_name"].str.strip() == "", "credit_code"].tolist()


def open_notice(*, engine: Engine, by: Actor, year: int, ends_on: dt.date | None = None,
                today: dt.date | None = None) -> Notice:
    """Open the 公示 of `year`'s draft until `ends_on` (default: NOTICE_WORKING_DAYS working days after today).

    Bureau admins (or a name from the command line). The end must be after today; a year has at most one notice
    that has not been published or cancelled; a year with neither findings nor a roster has nothing to show.
    `today` (default: today in China) is the day it opens — set only by the demo seed and tests.
    """
    today = today or china_time.today()
    if not 2000 <= int(year) <= 2100:
        raise NoticeError(f"年度应在2000–2100之间（{year}）", f"the year must be within 2000–2100 ({year})")
    ends_on = ends_on or default_end(today)
    if ends_on <= today:
        raise NoticeError(f"公示截止日期（{ends_on}）必须晚于今天（{today}）",
                          f"the notice's end date ({ends_on}) must be after today ({today})")
    with transaction(engine) as session:
        write_lock(session)  # two admins opening at once: the second waits and then sees the first
        actor = actor_name(session, by, "open_notice")
        if not has_population(session.connection(), year):
            raise NoticeError(f"{year}年度没有在江阴服务的机构（无备案、合同、服务记录、名录或扣分记录），无可公示的内容",
                              f"no agency served in {year} (no filing, contract, visit, roster or finding): nothing to "
                              "put under notice")
        unnamed = unnamed_refusal(_unnamed_codes(session.connection(), year), year)
        if unnamed is not None:
            raise NoticeError(*unnamed)
        running = pending_notice(session, year)
        if running is not None:
            raise NoticeError(f"{year}年度已有公示（截止{running.ends_on}），发布或撤销后才能再开",
                              f"{year} already has a notice (ending {running.ends_on}); publish or cancel it first")
        notice = Notice(year=year, opened_on=today, ends_on=ends_on, opened_by=actor)
        session.add(notice)
        session.flush()
        audit.record(session, actor=actor, action="notice_open", entity="notice", entity_id=notice.id,
                     after=_row(notice))
        return notice


def cancel_notice(*, engine: Engine, by: Actor, notice_id: int) -> Notice:
    """Cancel a notice that has not led to a version (bureau admins); its objections stay and still need resolving."""
    with transaction(engine) as session:
        actor = actor_name(session, by, "open_notice")
        notice = session.get(Notice, notice_id)
        if notice is None or notice.status != "open":
            raise NoticeError(f"没有可撤销的公示（编号{notice_id}）", f"no notice to cancel (no. {notice_id})")
        before = _row(notice)
        notice.status, notice.closed_by, notice.closed_at = "cancelled", actor, utcnow()
        session.add(notice)
        audit.record(session, actor=actor, action="notice_cancel", entity="notice", entity_id=notice.id,
                     before=before, after=_row(notice))
        return notice


def open_objections(session: Session, year: int) -> int:
    """How many objections to findings of `year` are still open (whichever notice they came in)."""
    return session.exec(select(func.count()).select_from(Objection).join(Notice, Notice.id == Objection.notice_id)
                        .where(Notice.year == year, Objection.status == "open")).one()


def counts_against(notice: Notice, *, live: bool, recorded_at: dt.datetime) -> bool:
    """The gate's rule for one finding: it blocks publishing through `notice` when it is in force and was recorded
    after the notice opened — the agencies could not object to it. A withdrawn finding never blocks: a withdrawal only
    ever raises an agency's score, which no one could object to, and an upheld objection withdraws (docs/scoring.md)."""
    return live and aware(recorded_at) > aware(notice.opened_at)


def late_findings(session: Session, year: int, notice: Notice) -> int:
    """How many findings of `year` block publishing through `notice` (counts_against, as one query)."""
    return session.exec(select(func.count()).select_from(Finding).where(
        Finding.year == year, is_live(), Finding.recorded_at > notice.opened_at)).one()


@dataclass(frozen=True)
class DraftChange:
    """What writing a finding of a year under notice does: the draft the agencies saw changes; `new_notice` when
    publishing will then need a new notice (counts_against), else the notice still covers it (a withdrawal)."""

    year: int
    opened_on: dt.date
    ends_on: dt.date
    new_notice: bool


def draft_change(*, engine: Engine, year: int, withdrawal: bool = False) -> DraftChange | None:
    """What recording (or, `withdrawal`, withdrawing) a finding of `year` now would do to the year's pending notice;
    None when the year has no pending notice (a draft not under notice changes freely). Pages warn with it before
    the write and say it again after."""
    with Session(engine) as session:
        notice = pending_notice(session, int(year))
        if notice is None:
            return None
        blocks = counts_against(notice, live=not withdrawal, recorded_at=utcnow())
        return DraftChange(int(year), notice.opened_on, notice.ends_on, blocks)


def publish_gate(session: Session, year: int, *, version: int, today: dt.date | None = None) -> Notice:
    """The notice that lets version `version` of `year` be published now; NoticeError saying why not otherwise.

    Called inside the publishing transaction, which then marks the notice as published.
    """
    today = today or china_time.today()
    notice = pending_notice(session, year)
    label_zh, label_en = ("更正版本", "a correction") if version > 1 else ("评定结果", "the ratings")
    if notice is None:
        raise NoticeError(f"{year}年度{label_zh}须先公示：请先开启公示，公示期满后再发布",
                          f"{label_en} of {year} must be put under notice first: open a notice and publish after it ends")
    if today <= notice.ends_on:
        raise NoticeError(f"{year}年度正在公示，截止{notice.ends_on}；公示期满后（{notice.ends_on}之后）才能发布",
                          f"{year} is under notice until {notice.ends_on}; it can be published after that day")
    late = late_findings(session, year, notice)
    if late:  # what is published must be what the agencies could object to
        raise NoticeError(f"公示开启后又记录了{year}年度{late}项扣分记录，机构未能在公示中看到：请撤销本次公示并重新公示",
                          f"{counted(late, 'finding', 'findings')} of {year} {plural(late, 'was', 'were')} recorded after the notice "
                          f"opened, so the agencies could not object to {plural(late, 'it', 'them')}: cancel this notice and "
                          "open a new one")
    count = open_objections(session, year)
    if count:
        raise NoticeError(f"{year}年度还有{count}项异议未处理，全部处理后才能发布",
                          f"{year} has {counted(count, 'unresolved objection', 'unresolved objections')}; resolve every one before "
                          "publishing")
    return notice


def mark_published(session: Session, notice: Notice, publication: Publication, actor: str) -> None:
    """Record, in the publishing transaction, that `notice` led to `publication` (audited)."""
    before = _row(notice)
    notice.status, notice.publication_id = "published", publication.id
    notice.closed_by, notice.closed_at = actor, utcnow()
    session.add(notice)
    audit.record(session, actor=actor, action="notice_close", entity="notice", entity_id=notice.id,
                 before=before, after=_row(notice))


def check_publishable(*, engine: Engine, year: int, version: int, today: dt.date | None = None) -> Notice:
    """publish_gate outside a write: what the publish page shows before the button (NoticeError says why not)."""
    with Session(engine) as session:
        return publish_gate(session, year, version=version, today=today)


def notice_list(*, engine: Engine, year: int | None = None) -> pd.DataFrame:
    """Every notice (of `year`), newest first, with its objection counts (NOTICE_COLUMNS). Staff and the CLI."""
    counts = (select(Objection.notice_id, func.count().label("n"),
                     func.sum(case((Objection.status == "open", 1), else_=0)).label("open"))
              .group_by(Objection.notice_id).subquery())
    query = (select(Notice, counts.c.n, counts.c.open).outerjoin(counts, counts.c.notice_id == Notice.id)
             .order_by(Notice.opened_at.desc(), Notice.id.desc()))
    if year is not None:
        query = query.where(Notice.year == year)
    with Session(engine) as session:
        rows = session.exec(query).all()
    return pd.DataFrame([(n.id, n.year, n.opened_on, n.ends_on, n.opened_by, n.status, n.publication_id,
                          int(total or 0), int(open_ or 0)) for n, total, open_ in rows], columns=list(NOTICE_COLUMNS))


def public_notices(*, engine: Engine, today: dt.date | None = None) -> pd.DataFrame:
    """The notices the public sees (PUBLIC_NOTICE_COLUMNS): each year under notice and until when, newest year
    first; `running` is False once the end date has passed and the year waits to be published. No accounts."""
    today = today or china_time.today()
    with Session(engine) as session:
        rows = session.exec(select(Notice.year, Notice.opened_on, Notice.ends_on).where(Notice.status == "open")
                            .order_by(Notice.year.desc())).all()
    return pd.DataFrame([(y, o, e, today <= e) for y, o, e in rows], columns=list(PUBLIC_NOTICE_COLUMNS))


def notice_ratings(*, engine: Engine, year: int) -> pd.DataFrame:
    """The draft ratings of a year under notice as the public may see them (NOTICE_RATING_COLUMNS: no finding,
    description or account); empty when the year has no pending notice. Rated now: an upheld objection shows."""
    with Session(engine) as session:
        if pending_notice(session, year) is None:
            return pd.DataFrame(columns=list(NOTICE_RATING_COLUMNS))
    table = rate_year(engine=engine, year=year).table
    return table[list(NOTICE_RATING_COLUMNS)].sort_values(["total", "credit_code"], ascending=[False, True],
                                                          ignore_index=True)


def notice_of_objection_window(session: Session, year: int, day: dt.date) -> Notice:
    """The year's pending notice if `day` is within it (opened_on ≤ day ≤ ends_on); NoticeError otherwise."""
    notice = pending_notice(session, year)
    if notice is None:
        raise NoticeError(f"{year}年度不在公示期，不能提出异议", f"{year} is not under notice: no objection can be filed")
    if not notice.opened_on <= day <= notice.ends_on:
        raise NoticeError(f"异议须在公示期内（{notice.opened_on}至{notice.ends_on}）提出（{day}）",
                          f"an objection must be filed within the notice ({notice.opened_on} to {notice.ends_on}; "
                          f"filed {day})")
    return notice


__all__ = [
    "DraftChange", "counts_against", "draft_change", "late_findings",
    "NOTICE_COLUMNS", "NOTICE_RATING_COLUMNS", "PUBLIC_NOTICE_COLUMNS", "NoticeError", "cancel_notice", "check_publishable", "default_end",
    "mark_published", "notice_list", "notice_ratings", "notice_of_objection_window", "open_notice", "open_objections",
    "pending_notice", "public_notices", "publish_gate",
]
