"""The staff publish page's actions: which years, what publishing would change, the population, publish; role checked."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import china_time
from core.rulebook import Rulebook
from db.accounts.actor import Actor, acting_user, require_actor
from db.findings.live import live_findings
from db.publishing.population import YearPopulation, record_years, year_population
from db.publishing.preview import YearPreview, preview_year
from db.publishing.publish import publish_year
from db.store.models import Finding, Publication, RosterEntry


def years_to_publish(*, engine: Engine, user: Actor) -> list[int]:
    """Years with findings, a roster, a publication or service records (up to this year), newest first (bureau
    admins): a year served only by filings, contracts and visits has a draft too (db/publishing/population.py)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
        query = union(live_findings(Finding.year), select(RosterEntry.year), select(Publication.year))
        years = {int(y) for (y,) in session.execute(query).all()}
        years |= record_years(session.connection(), through=china_time.today().year)
        return sorted(years, reverse=True)


def publish_preview(*, engine: Engine, user: Actor, year: int, rulebook: Rulebook | None = None) -> YearPreview:
    """What publishing `year` now would publish and change (bureau admins)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
    return preview_year(engine=engine, year=year, rulebook=rulebook)


def publish(*, engine: Engine, user: Actor, year: int, reason: str | None = None) -> Publication:
    """Publish `year` as its next version (bureau admins); a correction needs a reason (db.publishing.publish refuses it)."""
    # publish_year checks the account inside the transaction that writes the version (never in a session before it).
    return publish_year(engine=engine, year=int(year), by=require_actor(user, "publish"), reason=reason)


def publish_population(*, engine: Engine, user: Actor, year: int) -> YearPopulation:
    """The agencies `year`'s draft rates, with their sources, beside last year's publication (bureau admins)."""
    with Session(engine) as session:
        acting_user(session, user, "publish")
    return year_population(engine=engine, year=int(year))
