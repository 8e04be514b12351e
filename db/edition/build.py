"""Build the static edition: every open-data file of every published version, the public keys, the listings file,
zero-JavaScript pages in Chinese and English, and one SHA256SUMS over all of it (docs/edition.md).

Everything comes from the functions the live site reads with (db.public.reads, db.public.listings,
db.public.open_data, db.documents.export): the edition cannot say a number the live pages do not. Every link is
relative, so the folder works from any web server, CDN or mirror. The bytes depend only on the published record
and the day (listing statuses are as of a day), never on the clock or the build: a correction rewrites exactly the
pages it changes, and an agency page names the version that last changed the agency, not the newest one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import china_time
from core.errors import CreditBoardError
from core.rulebook import Rulebook, load_rulebook
from db.documents.export import WRITERS, load_for_files
from db.documents.rating_dates import rated_in
from db.documents.versions import publications
from db.edition.words import LANGUAGES, words
from db.public import reads
from db.public.listing_export import export_rows, to_csv, to_xlsx
from db.public.listings import listings
from db.public.open_data import CHECKSUM_COLUMNS, checksum_file, file_name, signing_keys
from db.publishing.listings import PRACTITIONER
from db.store.models import Publication

# A ratings page holds this many agencies: a year of 10,000 is 40 pages of about 100 kB each (docs/edition.md).
PAGE_SIZE = 250
AGENCY_BATCH = 500  # agencies read at once (a query's list of codes stays well inside every database's limit)
FILES = "files"
SUMS = "SHA256SUMS"
KEYS_FILE = "jiangyin-credit-public-keys.pem"  # the name the open-data page gives the same keys
LISTINGS_FILE = "jiangyin-blacklist-listings"  # .csv / .xlsx: today's listings, a stable name (no date)
TEMPLATES = Path(__file__).with_name("templates")
_SAFE_NAME = re.compile(r"[0-9A-Za-z]{1,40}")


class EditionError(CreditBoardError):
    """The edition cannot be written there (a folder that is not an edition would be replaced)."""


@dataclass(frozen=True)
class EditionReport:
    """What a build did: the folder, every file it holds, and which of them it wrote anew (the rest kept: byte-
    identical, hard-linked from the edition before) or removed."""

    out: Path
    files: tuple[str, ...]
    written: tuple[str, ...]
    removed: tuple[str, ...]


def agency_page(code: str) -> str:
    """The file name of an agency's page: its credit code, or a digest of it when the code is not plain letters."""
    safe = code if _SAFE_NAME.fullmatch(code) else hashlib.sha256(code.encode()).hexdigest()[:24]
    return f"agency/{safe}.html"


def ratings_page(year: int, page: int) -> str:
    return f"{year}/ratings-{page}.html"


def blacklist_page(year: int, page: int) -> str:
    return f"{year}/blacklist-{page}.html"


def _environment() -> Environment:
    # Autoescape on for every template: names and grounds are published text, never markup.
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _china_day(when: Any) -> str:
    when = pd.Timestamp(when)
    when = when.tz_localize("UTC") if when.tzinfo is None else when
    return china_time.to_china(when.to_pydatetime()).date().isoformat()


def _day(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)[:10]


@dataclass(frozen=True)
class _Version:
    id: int
    year: int
    version: int
    digest: str
    published_at: str
    reason: str
    demo: bool
    rulebook: str

    @property
    def proof(self) -> str:
        return f"{FILES}/{file_name(self.year, self.version, 'json')}"


class _Builder:
    """Renders every page of one edition into a {relative path: bytes} map."""

    def __init__(self, engine: Engine, today: dt.date) -> None:
        self.engine = engine
        self.today = today
        self.env = _environment()
        pubs = publications(engine)
        self.versions = {int(r.id): _Version(int(r.id), int(r.year), int(r.version), r.digest,
                                              _china_day(r.published_at), r.reason or "", bool(r.demo), r.rulebook)
                         for r in pubs.itertuples()}
        self.current = {}
        for v in self.versions.values():
            if v.version > self.current.get(v.year, v).version or v.year not in self.current:
                self.current[v.year] = v
        self.years = sorted(self.current, reverse=True)
        self.demo = bool(pubs["demo"].any()) if len(pubs) else False
        self.rulebooks: dict[str, Rulebook] = {}
        self.index = reads.agency_index(engine)
        self.rated = set(self.index["credit_code"])
        self.files: dict[str, bytes] = {}

    def rulebook(self, name: str) -> Rulebook:
        if name not in self.rulebooks:
            self.rulebooks[name] = load_rulebook(name)
        return self.rulebooks[name]

    def render(self, lang: str, path: str, template: str, **context: Any) -> None:
        depth = path.count("/") + 1  # every page sits under its language's folder
        root = "../" * depth
        other = LANGUAGES[1 - LANGUAGES.index(lang)]
        html = self.env.get_template(template).render(
            lang=lang, w=words(lang), root=root, here=f"{lang}/{path}", other_href=f"{root}{other}/{path}",
            demo=self.demo, years=self.years, **context)
        self.files[f"{lang}/{path}"] = html.encode("utf-8")

    # --- files ---------------------------------------------------------------------------------------------
    def data_files(self) -> None:
        listed = []
        with Session(self.engine) as session:
            order = (Publication.year.desc(), Publication.version)  # as db.public.open_data.checksums lists them
            for p in session.execute(select(Publication).order_by(*order)).scalars():
                documents = load_for_files(session, p)
                for fmt, write in WRITERS.items():
                    name = file_name(p.year, p.version, fmt)
                    self.files[f"{FILES}/{name}"] = write(*documents)
                    listed.append((p.year, p.version, name, hashlib.sha256(self.files[f"{FILES}/{name}"]).hexdigest()))
        # The open-data page's own list (bare names: `sha256sum -c` in a folder of downloads), at a permanent URL.
        self.files[f"{FILES}/{SUMS}"] = checksum_file(pd.DataFrame(listed, columns=list(CHECKSUM_COLUMNS)))
        keys = signing_keys(self.engine)
        if not keys.empty:
            self.files[f"{FILES}/{KEYS_FILE}"] = "".join(keys["public_key"]).encode("ascii")
        rows = export_rows(self.engine, self.today)
        self.files[f"{FILES}/{LISTINGS_FILE}.csv"] = to_csv(rows)
        self.files[f"{FILES}/{LISTINGS_FILE}.xlsx"] = to_xlsx(rows, self.today)
        self.files["style.css"] = (TEMPLATES / "style.css").read_bytes()

    # --- pages ---------------------------------------------------------------------------------------------
    def grade_labels(self, rulebook: Rulebook, lang: str) -> dict[str, str]:
        return {g.key: (g.label_zh if lang == "zh" else g.label_en) for g in rulebook.grades}

    def bucket_labels(self, rulebook: Rulebook, lang: str) -> list[tuple[str, str]]:
        return [(f"{b.key}_score", b.label_zh if lang == "zh" else b.label_en) for b in rulebook.buckets]

    def overview(self) -> None:
        by_year = []
        for year in self.years:
            current = self.current[year]
            counts = reads.grade_counts(self.engine, current.id)
            versions = sorted((v for v in self.versions.values() if v.year == year), key=lambda v: -v.version)
            by_year.append({"year": year, "current": current, "counts": counts.to_dict("records"),
                            "versions": [{"v": v, "files": [(fmt, f"{FILES}/{file_name(v.year, v.version, fmt)}")
                                                            for fmt in WRITERS]} for v in versions]})
        for lang in LANGUAGES:
            self.render(lang, "index.html", "overview.html", by_year=by_year,
                        keys_file=f"{FILES}/{KEYS_FILE}" if f"{FILES}/{KEYS_FILE}" in self.files else None)

    def ratings(self) -> None:
        for year in self.years:
            current = self.current[year]
            rulebook = self.rulebook(current.rulebook)
            frame = reads.ratings(self.engine, current.id)
            rows = frame.to_dict("records")
            pages = max(1, -(-len(rows) // PAGE_SIZE))
            for lang in LANGUAGES:
                grades = self.grade_labels(rulebook, lang)
                buckets = self.bucket_labels(rulebook, lang)
                for page in range(1, pages + 1):
                    chunk = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
                    self.render(lang, ratings_page(year, page), "ratings.html", year=year, proof=current,
                                rows=[{**r, "rank": (page - 1) * PAGE_SIZE + i + 1, "href": agency_page(r["credit_code"]),
                                       "grade_label": grades.get(r["grade"], r["grade"])}
                                      for i, r in enumerate(chunk)],
                                buckets=buckets, page=page, pages=pages,
                                page_links=[(n, f"ratings-{n}.html") for n in range(1, pages + 1)])

    def blacklist(self) -> None:
        for year in self.years:
            found = reads.blacklist(self.engine, year)
            agencies = found["agencies"].to_dict("records")
            people = found["practitioners"].to_dict("records")
            for row in (*agencies, *people):
                row["listed_on"], row["act_on"] = _day(row["listed_on"]), _day(row["act_on"])
                row["href"] = agency_page(row["credit_code"])
            # Paged like the ratings (a year listing thousands by score stays small on a phone); the
            # practitioners, few, on the first page.
            pages = max(1, -(-len(agencies) // PAGE_SIZE))
            for lang in LANGUAGES:
                for page in range(1, pages + 1):
                    self.render(lang, blacklist_page(year, page), "blacklist.html", year=year,
                                proof=self.current[year], agencies=agencies[(page - 1) * PAGE_SIZE: page * PAGE_SIZE],
                                people=people if page == 1 else [], first=page == 1, page=page, pages=pages,
                                page_links=[(n, f"blacklist-{n}.html") for n in range(1, pages + 1)])

    def listing_page(self) -> None:
        frame = listings(self.engine, self.today)
        rows = frame.to_dict("records")
        for row in rows:
            row["listed_on"] = _day(row["listed_on"])
            row["removed_on"] = _day(row["removed_on"] or row["planned_removal_on"])
            row["subject"] = row["practitioner"] if row["subject_kind"] == PRACTITIONER else row["agency_name"]
            row["kind"] = "kind_practitioner" if row["subject_kind"] == PRACTITIONER else "kind_agency"
            # A listing of an agency no current version rates any more (withdrawn by a correction) has no page.
            row["href"] = agency_page(row["credit_code"]) if row["credit_code"] in self.rated else ""
        for lang in LANGUAGES:
            # Which versions the listings come from: every year's current one (version, digest, signed JSON).
            self.render(lang, "listings.html", "listings.html", rows=rows, day=self.today.isoformat(),
                        proofs=[self.current[year] for year in self.years],
                        listings_csv=f"{FILES}/{LISTINGS_FILE}.csv", listings_xlsx=f"{FILES}/{LISTINGS_FILE}.xlsx")

    def agencies(self) -> None:
        index = self.index
        since: dict[int, dict[str, int]] = {}
        with self.engine.connect() as connection:
            for current in self.current.values():
                since[current.id] = rated_in(connection, current.id)
        codes = index["credit_code"].tolist()
        profiles: dict[str, dict[str, Any]] = {}
        for start in range(0, len(codes), AGENCY_BATCH):
            profiles.update(reads.agency_profiles(self.engine, codes[start:start + AGENCY_BATCH]))
        for code in codes:
            profile = profiles.get(code)
            if profile is None:
                continue
            years = []
            for r in profile["years"].to_dict("records"):
                publication = self.versions[int(r["publication_id"])]
                rulebook = self.rulebook(publication.rulebook)
                # The version that last changed this agency: its file proves the row, and a later correction
                # that left the agency alone leaves this page byte for byte as it was.
                rated = self.versions[since[publication.id].get(code, publication.id)]
                years.append({**r, "rated": rated, "rated_on": _day(r["rated_on"]), "rulebook": rulebook})
            charges = profile["charges"].to_dict("records")
            for c in charges:
                c["date"] = _day(c["date"])
            for lang in LANGUAGES:
                for y in years:
                    y["grade_label"] = self.grade_labels(y["rulebook"], lang).get(y["grade"], y["grade"])
                    y["buckets"] = [(label, y[field]) for field, label in self.bucket_labels(y["rulebook"], lang)]
                self.render(lang, agency_page(code), "agency.html", profile=profile, code=code, rows=years,
                            charges=charges)

    def root(self) -> None:
        # Bilingual, so both languages' words; it names each year's current version like the year pages.
        html = self.env.get_template("root.html").render(
            demo=self.demo, zh=words("zh"), en=words("en"), proofs=[self.current[year] for year in self.years])
        self.files["index.html"] = html.encode("utf-8")

    def sums(self) -> None:
        self.files[SUMS] = sums_of(self.files)


def sums_of(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum` format over every file but the list itself, sorted by path: `sha256sum -c SHA256SUMS` in the
    edition's folder checks all of it."""
    return "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n"
                   for p in sorted(files) if p != SUMS).encode("utf-8")


def edition_files(engine: Engine, today: dt.date | None = None) -> dict[str, bytes]:
    """Every file of the edition as {relative path: bytes}; listing statuses as of `today` (default: China's)."""
    builder = _Builder(engine, today or china_time.today())
    builder.data_files()
    builder.overview()
    builder.ratings()
    builder.blacklist()
    builder.listing_page()
    builder.agencies()
    builder.root()
    builder.sums()
    return builder.files


def _is_edition(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and (not any(folder.iterdir()) or (folder / SUMS).is_file()))


def write_edition(files: Mapping[str, bytes], out: Path) -> EditionReport:
    """Write `files` as the folder `out`, atomically: built in a temporary folder beside it, then renamed into
    place, so a reader sees the old edition or the new one, never half of one. A file whose bytes did not change is
    hard-linked from the old edition (same inode, same time: caches and mirrors see it unchanged)."""
    out = Path(out).absolute()
    if not _is_edition(out):
        raise EditionError(f"{out} 不是空文件夹，也不是静态版（没有 {SUMS}），不会被替换",
                           f"{out} is neither empty nor an edition (no {SUMS}): it is not replaced")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    written: list[str] = []
    try:
        os.chmod(temp, 0o755)  # mkdtemp makes it private; a web server reads it
        for rel in sorted(files):
            target = temp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            old = out / rel
            if old.is_file() and old.stat().st_size == len(files[rel]) and old.read_bytes() == files[rel]:
                try:
                    os.link(old, target)
                    continue
                except OSError:  # a file system without hard links: write the same bytes
                    pass
            target.write_bytes(files[rel])
            os.chmod(target, 0o644)
            written.append(rel)
        removed = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()
                         and str(p.relative_to(out)) not in files) if out.exists() else []
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, retired / "edition")
            os.rename(temp, out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return EditionReport(out, tuple(sorted(files)), tuple(written), tuple(removed))


def build_edition(engine: Engine, out: Path, today: dt.date | None = None) -> EditionReport:
    """Build the whole edition from the database and write it as `out` (atomically)."""
    return write_edition(edition_files(engine, today), out)
