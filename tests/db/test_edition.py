"""The static edition (db/edition): its pages say what the live read side says, for every agency of the demo; its
files are the exports' bytes; SHA256SUMS covers and verifies every file; a correction rewrites exactly what it
changed; a publication rewrites the edition in EDITION_DIR, and a failure to do so never undoes the publication."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pytest
from sqlalchemy import select

from db.accounts.actor import Actor
from db.demo.seed import seed_demo
from db.documents.export import WRITERS, export_publication
from db.documents.versions import current_publication, publications
from db.edition import build as edition
from db.edition.build import EditionError, agency_page, build_edition, edition_files
from db.edition.hook import refresh_edition
from db.public import reads
from db.public.open_data import file_name, sha256sums, signing_keys
from db.store.models import Finding, Practitioner
from tests.builders import credit_code, finding
from tests.db.publishing import YEAR, load, load_roster
from tests.notices import publish_after_notice

TODAY = dt.date(2026, 3, 1)


class Tables(HTMLParser):
    """Every `<table data-table=…>` of a page: its rows as {"attrs": tr attributes, field: (text, data-v)}, and
    every link and digest on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self.links: list[str] = []
        self.digests: list[str] = []
        self.proofs: list[str] = []
        self.scripts = 0
        self._table: str | None = None
        self._row: dict | None = None
        self._cell: tuple[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if "data-digest" in a:
            self.digests.append(a["data-digest"])
        if "data-proof" in a:
            self.proofs.append(a["data-proof"])
        if tag == "table":
            self._table = a.get("data-table")
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table and "data-code" in a or tag == "tr" and self._table and (
                "data-year" in a or "data-grade" in a):
            self._row = {"attrs": a}
        elif tag in ("td", "th") and self._row is not None and "data-f" in a:
            self._cell = (a["data-f"], a.get("data-v"))
            self._text = []

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            field, value = self._cell
            self._row[field] = ("".join(self._text).strip(), value)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None


def parse(content: bytes) -> Tables:
    page = Tables()
    page.feed(content.decode("utf-8"))
    return page


def text(row: dict, field: str) -> str:
    return row[field][0]


def number(row: dict, field: str) -> int:
    return int(text(row, field).split()[0])


def day(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)[:10]


@pytest.fixture
def demo(engine, tmp_path):
    seed_demo(engine=engine)
    out = tmp_path / "site"
    report = build_edition(engine, out, TODAY)
    return engine, out, report


def test_every_page_holds_the_live_numbers_for_every_agency_of_the_demo(demo):
    engine, out, _ = demo
    pubs = publications(engine)
    digests = {(int(r.year), int(r.version)): r.digest for r in pubs.itertuples()}
    for lang in ("zh", "en"):
        for year in reads.published_years(engine):
            current = current_publication(engine, year)
            live = reads.ratings(engine, int(current["id"]))
            shown = [r for path in sorted((out / lang / str(year)).glob("ratings-*.html"),
                                          key=lambda p: int(p.stem.split("-")[1]))
                     for r in parse(path.read_bytes()).tables["ratings"]]
            assert [r["attrs"]["data-code"] for r in shown] == live["credit_code"].tolist()  # same order
            buckets = [c for c in live.columns if c.endswith("_score")]
            for r, expected in zip(shown, live.to_dict("records"), strict=True):
                assert r["grade"][1] == expected["grade"]
                assert number(r, "total") == expected["total"]
                assert [number(r, b) for b in buckets] == [expected[b] for b in buckets]
                assert text(r, "towns") == expected["towns"]
            page = parse((out / lang / str(year) / "ratings-1.html").read_bytes())
            assert page.digests == [current["digest"]] and page.proofs == [f"files/{file_name(year, current['version'], 'json')}"]

            listed = reads.blacklist(engine, year)
            pages = [parse(p.read_bytes()) for p in sorted((out / lang / str(year)).glob("blacklist-*.html"),
                                                           key=lambda p: int(p.stem.split("-")[1]))]
            page = pages[0]
            assert [(r["attrs"]["data-code"], r["listed_by"][1], text(r, "clause"), number(r, "total"),
                     text(r, "department"), text(r, "listed_on"), text(r, "act_on"))
                    for p in pages for r in p.tables.get("agencies", [])] == [
                (e["credit_code"], e["listed_by"], e["clause"], e["total"], e["department"], day(e["listed_on"]),
                 day(e["act_on"])) for e in listed["agencies"].to_dict("records")]
            assert [(text(r, "practitioner"), text(r, "clause")) for r in page.tables.get("practitioners", [])] == [
                (e["practitioner"], e["clause"]) for e in listed["practitioners"].to_dict("records")]

            overview = parse((out / lang / "index.html").read_bytes())
            counts = {r["attrs"]["data-grade"]: number(r, "count") for r in overview.tables["grades"]
                      if r["attrs"]["data-grade"] in set(reads.grade_counts(engine, int(current["id"]))["grade"])}
            assert len(overview.tables["grades"]) == sum(len(reads.grade_counts(engine, int(current_publication(
                engine, y)["id"]))) for y in reads.published_years(engine))
            assert counts or live.empty

        # The listings page names the versions its listings come from: each year's current one.
        currents = [current_publication(engine, y) for y in reads.published_years(engine)]
        page = parse((out / lang / "listings.html").read_bytes())
        assert page.digests == [c["digest"] for c in currents]
        assert page.proofs == [f"files/{file_name(c['year'], c['version'], 'json')}" for c in currents]

        for code in reads.agency_index(engine)["credit_code"]:
            profile = reads.agency_profile(engine, code)
            page = parse((out / lang / agency_page(code)).read_bytes())
            years = profile["years"]
            buckets = [c for c in years.columns if c.endswith("_score")]
            assert [(int(r["attrs"]["data-year"]), r["grade"][1], number(r, "total"), text(r, "rated_on"),
                     text(r, "towns"), [int(part.split()[-1]) for part in text(r, "parts").split(" · ")])
                    for r in page.tables["years"]] == [
                (int(y["year"]), y["grade"], int(y["total"]), day(y["rated_on"]), y["towns"],
                 [int(y[b]) for b in buckets if not pd.isna(y[b])]) for y in years.to_dict("records")]
            charges = profile["charges"]
            assert [(int(r["attrs"]["data-year"]), text(r, "clause"), text(r, "assessor"), text(r, "period"),
                     text(r, "date"), number(r, "points_nominal"), number(r, "points_charged"), r["blacklist"][1])
                    for r in page.tables.get("charges", [])] == [
                (int(c["year"]), c["clause"], c["assessor"], c["period"], day(c["date"]), int(c["points_nominal"]),
                 int(c["points_charged"]), "1" if c["blacklist"] else "0") for c in charges.to_dict("records")]
            # Each year names the version that proves it: its digest is that version's, its file holds that digest.
            for digest, proof in zip(page.digests, page.proofs, strict=True):
                document = json.loads((out / proof).read_bytes())
                assert document["digest"] == digest == digests[(document["year"], document["version"])]
                assert code in {r["credit_code"] for r in document["ratings"]}


def test_the_root_page_names_each_years_current_version_and_its_proof(demo):
    engine, out, _ = demo
    page = parse((out / "index.html").read_bytes())
    currents = [current_publication(engine, y) for y in reads.published_years(engine)]
    assert len(currents) >= 2  # the demo publishes several years, or this would prove little
    assert page.digests == [c["digest"] for c in currents]
    for digest, proof in zip(page.digests, page.proofs, strict=True):
        assert json.loads((out / proof).read_bytes())["digest"] == digest


def test_the_files_are_the_exports_bytes_sha256sums_covers_them_and_no_page_runs_a_script(demo):
    engine, out, report = demo
    for r in publications(engine).itertuples():
        for fmt in WRITERS:
            assert (out / "files" / file_name(r.year, r.version, fmt)).read_bytes() == export_publication(
                engine=engine, year=int(r.year), version=int(r.version), fmt=fmt)
    assert (out / "files" / "SHA256SUMS").read_bytes() == sha256sums(engine)  # the open-data page's list
    assert (out / "files" / edition.KEYS_FILE).read_bytes() == "".join(signing_keys(engine)["public_key"]).encode()
    pages = [p for p in report.files if p.endswith(".html")]
    assert len(pages) > 2 * len(reads.agency_index(engine))
    # No personal data: no finding's description (staff only) and no practitioner's ID number or phone on any page.
    with engine.connect() as connection:
        private = {v for (v,) in connection.execute(select(Finding.description)) if v and len(v) > 3}
        for number, phone in connection.execute(select(Practitioner.id_number, Practitioner.phone)):
            private |= {v for v in (number, phone) if v}
    assert private  # the demo has some, or this would prove nothing
    everything = b"".join((out / p).read_bytes() for p in pages).decode("utf-8")
    assert [v for v in private if v in everything] == []
    for path in pages:
        page = parse((out / path).read_bytes())
        assert page.scripts == 0
        for link in page.links:  # relative only, and every one lands on a file of the edition
            assert "://" not in link and not link.startswith("/"), (path, link)
            target = os.path.normpath(os.path.join(os.path.dirname(path), link.split("#")[0]))
            assert target in report.files or link.startswith("#"), (path, link)


    # SHA256SUMS covers every file of the edition, and `sha256sum -c` verifies them (and sees a changed one).
    listed = [line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text().splitlines()]
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert sorted(listed) == [p for p in on_disk if p != "SHA256SUMS"] == sorted(set(report.files) - {"SHA256SUMS"})
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out).returncode == 0
    victim = out / listed[0]
    victim.write_bytes(victim.read_bytes() + b" ")
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out, capture_output=True).returncode != 0


def test_a_correction_rewrites_exactly_what_it_changed(engine, tmp_path):
    out = tmp_path / "web" / "site"
    load_roster(engine, range(4))
    load(engine, [finding(1, "3.1"), finding(2, "2.1")])
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"),
                         published_at=dt.datetime(2026, 1, 20, 2, tzinfo=dt.UTC))
    first = build_edition(engine, out, TODAY)
    assert build_edition(engine, out, TODAY).written == ()  # nothing changed: nothing written (the bytes are stable)
    before = {p: (out / p).read_bytes() for p in first.files}
    inodes = {p: (out / p).stat().st_ino for p in first.files}

    load(engine, [finding(1, "3.2", period="Q2")])  # agency 1 changes; 0, 2 and 3 do not
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="补录",
                         published_at=dt.datetime(2026, 2, 20, 2, tzinfo=dt.UTC))
    second = build_edition(engine, out, TODAY)
    new_files = {f"files/{file_name(YEAR, 2, fmt)}" for fmt in WRITERS} | {"files/SHA256SUMS"}
    expected = {f"{lang}/{page}" for lang in ("zh", "en") for page in (
        "index.html", f"{YEAR}/ratings-1.html", f"{YEAR}/blacklist-1.html", agency_page(credit_code(1)))}
    # The root and listings pages name each year's current version, so a correction rewrites them too.
    named = {"index.html", "zh/listings.html", "en/listings.html"}
    assert set(second.written) == expected | new_files | named | {"SHA256SUMS"}
    assert second.removed == ()
    for path in set(first.files) - set(second.written):  # kept: the same bytes, the same file
        assert (out / path).read_bytes() == before[path] and (out / path).stat().st_ino == inodes[path], path
    for code in (0, 2, 3):
        assert (out / "zh" / agency_page(credit_code(code))).read_bytes() == before[f"zh/{agency_page(credit_code(code))}"]
    assert (out / "zh" / agency_page(credit_code(1))).read_bytes() != before[f"zh/{agency_page(credit_code(1))}"]
    # Nothing left beside it: no half-built or retired folder.
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_a_folder_that_is_not_an_edition_is_never_replaced(engine, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(EditionError):
        build_edition(engine, tmp_path, TODAY)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_ratings_year_is_split_into_pages(engine, monkeypatch):
    monkeypatch.setattr(edition, "PAGE_SIZE", 2)
    load_roster(engine, range(5))
    publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"))
    files = edition_files(engine, TODAY)
    pages = sorted(p for p in files if p.startswith(f"zh/{YEAR}/ratings-"))
    assert pages == [f"zh/{YEAR}/ratings-{n}.html" for n in (1, 2, 3)]
    codes = [r["attrs"]["data-code"] for p in pages for r in parse(files[p]).tables["ratings"]]
    assert sorted(codes) == sorted(credit_code(n) for n in range(5))
    assert sorted(p for p in files if p.startswith(f"zh/{YEAR}/blacklist-")) == [f"zh/{YEAR}/blacklist-1.html"]


def test_publishing_from_the_command_line_rewrites_the_edition(engine, monkeypatch, tmp_path, capsys):
    from db.cli.commands import main

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("EDITION_DIR", str(tmp_path / "edition"))
    load_roster(engine, range(3))
    from tests.notices import ended_notice

    ended_notice(engine, YEAR)
    assert main(["publish", "--year", str(YEAR), "--by", "admin"]) == 0
    assert (tmp_path / "edition" / "files" / file_name(YEAR, 1, "json")).is_file()
    assert "static edition updated" in capsys.readouterr().err


def test_a_failed_edition_never_undoes_the_publication(engine, monkeypatch, tmp_path, caplog):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("EDITION_DIR", str(blocker / "edition"))
    load_roster(engine, range(2))
    publication = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"))
    assert refresh_edition(engine, TODAY) is None
    assert "static edition could not be written" in caplog.text
    assert current_publication(engine, YEAR)["digest"] == publication.digest


def test_every_word_of_the_edition_reads_in_both_languages_and_is_no_dict_method():
    from db.edition.words import WORDS

    # Jinja reads `w.keys` as the dict's method before its item: a word named like one would print the method.
    assert [key for key in WORDS if hasattr(dict, key)] == []
    assert [key for key, (zh, en) in WORDS.items() if not zh.strip() or not en.strip()] == []
