"""Cached access to the published data: the engine and every run's reads in st.cache_resource, the rest in st.cache_data.

A published version never changes, so everything read from one is cached by its publication id (or by
the ids of the current versions, `catalog_key()`), with no expiry. Only the catalog of publications
expires (CATALOG_TTL), so that a version published from the command line shows within a minute; the staff
workspace calls `clear()` after publishing so that it shows at once. A rerun that changes nothing runs no
database query.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.china_time import today as china_today
from core.rulebook import Rulebook, load_rulebook
from core.service_facts import serving as serving_town
from db.app_db import get_ready_engine
from db.documents import versions
from db.public import facts
from db.public import reads as public
from db.reference.towns import load_towns
from db.store.settings import Settings, get_settings
from db.supervision import hazard_reports
from db.supervision.effectiveness import public_effectiveness

if TYPE_CHECKING:
    from db.edition.status import EditionStatus

CATALOG_TTL = 60  # seconds
logger = logging.getLogger(__name__)
_READY = threading.Event()  # set once this process has its engine (migrated, seeded when empty)


def settings() -> Settings:
    """The app's settings, read and checked once a process by get_settings (a SettingsError names a bad variable)."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The app's one engine (migrated, demo-seeded when empty)."""
    made = get_ready_engine(settings=settings())
    _READY.set()
    return made


def is_ready() -> bool:
    """Whether this process has made its engine: false until the first run has migrated (and on a fresh install
    seeded) the database, which takes seconds; the site says so meanwhile (streamlit_app.py)."""
    return _READY.is_set()


# The catalog and a publication's ratings are read on every run of the public pages (several times a run): held as
# one shared frame each (st.cache_resource) rather than unpickled into a copy on every call (st.cache_data), which
# was a tenth of a ratings visitor's server time at 10,000 agencies. Callers only read them (never assign into them).
@st.cache_resource(ttl=CATALOG_TTL, show_spinner=False)
def publications() -> pd.DataFrame:
    """Every published version of every year (newest first); shared, read only."""
    return versions.publications(engine())


def catalog_key() -> tuple[int, ...]:
    """The ids of all published versions: changes exactly when something is published."""
    return tuple(int(i) for i in publications()["id"])


def published_years() -> list[int]:
    """Published years, newest first."""
    return _published_years(catalog_key())


@st.cache_data(show_spinner=False, max_entries=8)
def _published_years(key: tuple[int, ...]) -> list[int]:
    return public.published_years(engine())


def current_publication(year: int) -> dict[str, Any] | None:
    """The latest version of `year` (a dict), or None."""
    return _current_publication(year, catalog_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _current_publication(year: int, key: tuple[int, ...]) -> dict[str, Any] | None:
    return versions.current_publication(engine(), year)


def publication_history(year: int) -> pd.DataFrame:
    """All versions of `year`, newest first."""
    return _publication_history(year, catalog_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _publication_history(year: int, key: tuple[int, ...]) -> pd.DataFrame:
    return versions.publication_history(engine(), year)


@st.cache_resource(show_spinner=False, max_entries=32)
def ratings(publication_id: int) -> pd.DataFrame:
    """A publication's rating rows; shared, read only."""
    return public.ratings(engine(), publication_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def search_keys(publication_id: int) -> pd.Series:
    """What the ratings search looks in, per row of `ratings(publication_id)` (folded once, not on every search);
    shared, read only."""
    return public.search_keys(ratings(publication_id))


@st.cache_data(show_spinner=False, max_entries=32)
def rating_dates(publication_id: int) -> dict:
    """credit_code → 评定日期 of a publication's agencies (a correction keeps the date of agencies it left alone)."""
    return public.rating_dates(engine(), publication_id)


@st.cache_data(show_spinner=False, max_entries=32)
def grade_counts(publication_id: int) -> pd.DataFrame:
    """Agencies per grade of a publication."""
    return public.grade_counts(engine(), publication_id)


@st.cache_data(show_spinner=False, max_entries=32)
def blacklist(publication_id: int, year: int) -> dict[str, pd.DataFrame]:
    """The blacklist of `year`, keyed by its current publication's id."""
    return public.blacklist(engine(), year)


def agency_index() -> pd.DataFrame:
    """Every agency of any year's current version (code, name, latest year)."""
    return _agency_index(catalog_key())


@st.cache_data(show_spinner=False, max_entries=4)
def _agency_index(key: tuple[int, ...]) -> pd.DataFrame:
    return public.agency_index(engine())


def agency_profile(credit_code: str) -> dict[str, Any] | None:
    """One agency's published history (see db.public.reads.agency_profile)."""
    return _agency_profile(credit_code, catalog_key())


@st.cache_data(show_spinner=False, max_entries=256)
def _agency_profile(credit_code: str, key: tuple[int, ...]) -> dict[str, Any] | None:
    return public.agency_profile(engine(), credit_code)


def compare(credit_codes: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Side-by-side data of a few agencies."""
    return _compare(tuple(credit_codes), catalog_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _compare(credit_codes: tuple[str, ...], key: tuple[int, ...]) -> dict[str, pd.DataFrame]:
    return public.compare(engine(), list(credit_codes))


@st.cache_data(show_spinner=False, max_entries=48)
def export(year: int, version: int, fmt: str) -> bytes:
    """A published version as a file (immutable, so cached for good)."""
    from db.documents.export import export_publication

    return export_publication(engine=engine(), year=year, version=version, fmt=fmt)


def checksums() -> pd.DataFrame:
    """Every file of every published version with its SHA-256 (computed once per set of publications)."""
    return _checksums(catalog_key())


@st.cache_data(show_spinner=False, max_entries=8)
def _checksums(key: tuple[int, ...], kinds: tuple[str, ...] | None = None) -> pd.DataFrame:
    from db.public.open_data import checksums as all_checksums

    return all_checksums(engine(), kinds)


def checksum_file() -> bytes:
    """The checksum list as a SHA256SUMS file."""
    from db.public.open_data import checksum_file as as_file

    return as_file(checksums())


def signing_keys() -> pd.DataFrame:
    """The public keys that signed published versions."""
    return _signing_keys(catalog_key())


@st.cache_data(show_spinner=False, max_entries=2)
def _signing_keys(key: tuple[int, ...]) -> pd.DataFrame:
    from db.public.open_data import signing_keys as keys

    return keys(engine())


def identify(content: bytes):
    """Which published version an uploaded file is (db.public.open_data.identify); not cached: uploads vary."""
    from db.public.open_data import file_kind
    from db.public.open_data import identify as identify_file

    # Only files of the upload's own kind can be byte-identical to it: hashing those spares writing every workbook.
    return identify_file(engine(), content, _checksums(catalog_key(), (file_kind(content),)))


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=4)
def listings(today: dt.date) -> dict[str, pd.DataFrame]:
    """Every blacklist listing as of `today` and the public history, after recording removals at term end.

    Expires (and so refreshes) within CATALOG_TTL; staff decisions call `clear()` so they show at once.
    """
    from db.public import listings as listing_reads
    from db.publishing.listing_removal import expire_listings

    try:
        if expire_listings(engine=engine(), today=today):
            # A listing ended: the edition's listing pages and file follow, written in the background (this is the
            # public read path: a visitor never waits for a build).
            refresh_edition("a listing ended at term")
    except SQLAlchemyError:  # e.g. a read-only database user: the reads below show the same status anyway
        logger.exception("recording removals at term end failed")
    return {"listings": listing_reads.listings(engine(), today), "history": listing_reads.history(engine())}


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=4)
def notices(today: dt.date) -> pd.DataFrame:
    """The years under 公示 as the public sees them (year, opened_on, ends_on, running): no accounts, no findings."""
    from db.publishing.notice import public_notices

    return public_notices(engine=engine(), today=today)


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=8)
def notice_ratings(year: int) -> pd.DataFrame:
    """The draft ratings of a year under 公示 (db.publishing.notice.notice_ratings); refreshed within CATALOG_TTL."""
    from db.publishing.notice import notice_ratings as draft

    return draft(engine=engine(), year=year)


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=4)
def listings_export(fmt: str, today: dt.date) -> bytes:
    """The listings export for credit platforms (CSV or XLSX)."""
    from db.public.listing_export import export_listings

    return export_listings(engine=engine(), fmt=fmt, today=today)


@st.cache_data(show_spinner=False, max_entries=64)
def version_changes(year: int, version: int) -> pd.DataFrame:
    """What a published correction changed, per agency (immutable, so cached for good)."""
    from db.documents.export import published_changes

    return published_changes(engine(), year, version)


def rulebook(name: str | None = None) -> Rulebook:
    """A rulebook by name (the default one when None); loaded once per process by core."""
    return load_rulebook(name) if name else load_rulebook()


# --- service facts (issue 11): the agencies' own filings, keyed by the newest record upload, not by publications --


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False)
def records_version() -> int:
    """The newest service-record upload's id: the facts change exactly when it does (read at most once a minute)."""
    return facts.records_version(engine())


def service_facts(year: int | None = None) -> dict[str, Any]:
    """{"year", "as_of", "facts"} of `year` (None: the year the facts describe now); see db.public.facts."""
    return _service_facts(year, records_version(), china_today())


@st.cache_data(show_spinner=False, max_entries=16)
def _service_facts(year: int | None, version: int, today: dt.date) -> dict[str, Any]:
    return facts.service_facts(engine(), year, today)


def agency_facts(credit_code: str) -> dict[str, Any] | None:
    """One agency's current facts as a dict (with "year", "as_of" and "contract_visits": its contracts' visits
    delivered and contracted), or None when it has filed nothing."""
    return _agency_facts(credit_code, records_version(), china_today())


@st.cache_data(show_spinner=False, max_entries=256)
def _agency_facts(credit_code: str, version: int, today: dt.date) -> dict[str, Any] | None:
    found = _service_facts(None, version, today)
    rows = found["facts"][found["facts"]["credit_code"] == credit_code]
    contracts = found["contracts"][found["contracts"]["credit_code"] == credit_code]
    return None if rows.empty else {**rows.iloc[0].to_dict(), "year": found["year"], "as_of": found["as_of"],
                                    "contract_visits": contracts.reset_index(drop=True)}


def serving(year: int, town: str) -> frozenset[str]:
    """The credit codes of the agencies with a contract in `town` in `year`."""
    return _serving(year, town, records_version(), china_today())


@st.cache_data(show_spinner=False, max_entries=64)
def _serving(year: int, town: str, version: int, today: dt.date) -> frozenset[str]:
    return frozenset(serving_town(_service_facts(year, version, today)["facts"], town=town)["credit_code"])


def town_names() -> list[str]:
    """The active towns, in the town list's order (bureau admins edit it)."""
    return _town_names(catalog_key())


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=4)
def _town_names(key: tuple[int, ...]) -> list[str]:
    return list(load_towns(engine=engine()).names)


def find_agencies(town: str, specialty: str) -> dict[str, Any]:
    """The finder's answer: {"found": rated agencies serving `town` with `specialty`, best grade first (blacklisted
    ones included, flagged), "unrated": how many more have no published rating, "year", "as_of", "any": any filing}."""
    return _find_agencies(town, specialty, records_version(), china_today(), catalog_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _find_agencies(town: str, specialty: str, version: int, today: dt.date, key: tuple[int, ...]) -> dict[str, Any]:
    found = _service_facts(None, version, today)
    latest = _latest_ratings(key)
    return {"found": facts.find_agencies(found["facts"], latest, town=town, specialty=specialty),
            "unrated": facts.unrated_serving(found["facts"], latest, town=town, specialty=specialty),
            "year": found["year"], "as_of": found["as_of"], "any": not found["facts"].empty}


@st.cache_data(show_spinner=False, max_entries=4)
def _latest_ratings(key: tuple[int, ...]) -> pd.DataFrame:
    return facts.latest_ratings(engine())


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=1)
def hazard_report_counts() -> list[hazard_reports.YearCounts]:
    """The public counts of hazard-refusal reports a year at a time, newest first, per town with the year's total
    (one aggregate query, cached)."""
    return hazard_reports.public_counts_by_year(engine=engine())


def clear() -> None:
    """Forget every cached read (call after publishing, so the new version shows at once)."""
    for fn in (publications, _published_years, _current_publication, _publication_history, ratings,
               grade_counts, blacklist, _agency_index, _agency_profile, _compare, export, _checksums, _signing_keys,
               version_changes, records_version, _service_facts, _agency_facts, _serving, _town_names,
               _find_agencies, _latest_ratings, listings, listings_export, notices,
               notice_ratings, hazard_report_counts):
        fn.clear()


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False)
def spot_checks() -> list[dict[str, Any]]:
    """Every spot-check plan with its draw and results as the public page shows them (db.spotcheck.reads)."""
    from db.spotcheck.reads import public_plans

    return public_plans(engine())


def spot_check_file(kind: str, plan_id: str) -> bytes | None:
    """The plan or draw file of a plan, signed with the publication key (Ed25519 is deterministic: the same bytes on
    every download while the key is the same)."""
    from db.documents.signing import load_signer
    from db.spotcheck.reads import draw_file, plan_file

    signer = load_signer(settings().signing_key)
    return (plan_file if kind == "plan" else draw_file)(engine(), plan_id, signer)


# --- 服务成效 (一企双查): counts of the towns' inspections per agency, public, apart from the rating ----------------


@st.cache_data(ttl=CATALOG_TTL, show_spinner=False, max_entries=8)
def inspection_counts(year: int) -> pd.DataFrame:
    """Per agency, the year's inspection counts the public may see (db.supervision.effectiveness.public_effectiveness:
    counts and the last day counted, no enterprise, town, hazard or inspector), read at most once a minute."""
    return public_effectiveness(engine=engine(), year=year)


def refresh_edition(reason: str) -> None:
    """Ask for the static edition to be rewritten after a publication or a listing change has committed; returns at
    once (db.edition.writer: one background writer a process, requests coalesced). Staff see its progress and a
    failure through `edition_status()`."""
    from db.edition.writer import request_refresh

    request_refresh(engine(), reason)


def edition_status() -> EditionStatus | None:
    """The static edition's status as its writers left it (the status file beside EDITION_DIR), or None."""
    from db.edition.writer import edition_status as status

    return status(settings().edition)


# Streamlit serves `<app folder>/static/` at /app/static/ (server.enableStaticServing); the repository's `static` is a
# link to the default EDITION_DIR. A page sits one level below the site's root, so a relative URL reaches it under
# any host or path prefix.
STATIC_FOLDER = Path(__file__).resolve().parents[1] / "static"
STATIC_URL = "app/static"


def edition_url(path: str) -> str | None:
    """The permanent URL of a file of the static edition (`files/…`, `zh/index.html`) when this app serves it: the
    served folder is EDITION_DIR and the file is written there. None otherwise (the edition lives elsewhere, behind
    nginx or a CDN, or is behind): the page then offers the file as a download.

    A version's files never change, so written is enough. The lists (SHA256SUMS, the keys, the overview pages)
    change with each publication: they are linked only while the edition holds every published version, else a
    visitor would get a list without the newest version while the background writer catches up."""
    folder = settings().edition
    try:
        if STATIC_FOLDER.resolve() != folder.resolve() or not (folder / path).is_file():
            return None
        if not _VERSION_FILE.fullmatch(path) and not _edition_holds(folder):
            return None
    except OSError:
        return None
    return f"{STATIC_URL}/{path}"


_VERSION_FILE = re.compile(r"files/jiangyin-credit-\d{4}-v\d+\.[a-z.]+")


def _edition_holds(folder: Path) -> bool:
    # The edition's own list names every file it holds (written with it, atomically): it holds every published
    # version when each version's signed JSON is on it. Read per call (a few kB): another process may rewrite it.
    from db.public.open_data import file_name

    listed = (folder / "files" / "SHA256SUMS").read_text(encoding="utf-8")
    names = {line.split()[-1] for line in listed.splitlines() if line.strip()}
    return all(file_name(int(p.year), int(p.version), "json") in names for p in publications().itertuples())
