"""Published scores are keyed by the rulebook's buckets: another rulebook publishes, and 0004 keeps old digests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import MetaData, insert

from core.rulebook import load_rulebook
from db.accounts.actor import Actor
from db.cli.commands import main
from db.documents.export import build_document, digest_of, export_publication, to_json, to_keys_csv
from db.public import reads as public
from db.public.open_data import checksum_file, checksums, signing_keys
from db.publishing.rating import rate_year
from db.store.migrate import upgrade
from tests.builders import finding
from tests.db.publishing import YEAR, a_year, load, load_roster
from tests.notices import publish_after_notice

SINGLE_BUCKET = Path(__file__).resolve().parents[1] / "core" / "rulebooks" / "single-bucket.toml"


def db_verify(engine, folder: Path, capsys, content: bytes, *, by: str) -> tuple[int, str]:
    """`python -m db verify` on `content` as a reader runs it, with the site's public keys (by="keys") or its
    SHA256SUMS list (by="sums") as the open-data page offers them: (exit code, what it printed)."""
    file, given = folder / "jiangyin-credit-2025-v1.json", folder / by
    file.write_bytes(content)
    if by == "keys":
        given.write_text("".join(signing_keys(engine)["public_key"]), encoding="ascii")
    else:
        given.write_bytes(checksum_file(checksums(engine)))
    code = main(["verify", str(file), "--public-key" if by == "keys" else "--sums", str(given)])
    return code, capsys.readouterr().out


def test_a_year_rated_under_another_rulebook_reads_back_with_its_own_bucket(engine, tmp_path, capsys):
    load_roster(engine, range(3))
    load(engine, [finding(1, "2.1", period="Q1"), finding(1, "3.1", assessor="市应急管理局"),
                  finding(2, "1.1", assessor="市应急管理局", practitioner="王建国")])
    book = load_rulebook(SINGLE_BUCKET)
    expected = rate_year(engine=engine, year=YEAR, rulebook=book).table
    published = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin.zhou"), rulebook=book)
    assert published.rulebook == "single-bucket"
    shown = public.ratings(engine, published.id)
    assert list(shown.columns) == ["credit_code", "agency_name", "year", "points_score", "total", "grade",
                                   "blacklist_clauses", "towns"]
    by_code = shown.set_index("credit_code")
    for row in expected.itertuples():
        assert (by_code.loc[row.credit_code, "points_score"], by_code.loc[row.credit_code, "total"]) == (
            row.points_score, row.total)
    csv_lines = export_publication(engine=engine, year=YEAR, fmt="keys.csv").decode("utf-8-sig").splitlines()
    assert csv_lines[0].startswith("credit_code,agency_name,year,points_score,total,")
    code, said = db_verify(engine, tmp_path, capsys, export_publication(engine=engine, year=YEAR, fmt="json"), by="keys")
    assert code == 0 and "GENUINE: 2025 version 1, digest matches, signed by key" in said


def _rating_at_head(folder) -> object:
    """The year's rating as today's code makes it, from the same findings in a database at the head revision
    (today's query filters on finding.withdrawn_at, a column of 0009 that a 0003 database does not have)."""
    from db.store.engine import make_engine

    head = make_engine(f"sqlite:///{folder / 'head.db'}")
    upgrade(head)
    a_year(head)
    rating = rate_year(engine=head, year=YEAR)
    head.dispose()
    return rating


def _publish_under_0003(engine, rating) -> dict:
    """Store the year's `rating` with the 0003 tables (town_score / bureau_score columns); its document."""
    document = build_document(
        year=YEAR, version=1, rulebook=rating.rulebook.name, published_at=dt.datetime(2026, 1, 16, 2, tzinfo=dt.UTC),
        reason="", previous_digest="", demo=False, buckets=[b.key for b in rating.rulebook.buckets],
        ratings=rating.table.assign(towns="澄江街道"), charges=rating.explanation,
        practitioners=rating.practitioners, signed=False,  # before 0007 no version was signed
    )
    document["digest"] = digest_of(document)
    old = MetaData()
    old.reflect(engine)
    with engine.begin() as conn:
        pub_id = conn.execute(insert(old.tables["publication"]).values(
            year=YEAR, version=1, rulebook=document["rulebook"], published_at=dt.datetime(2026, 1, 16, 2),
            published_by="admin.zhou", reason="", digest=document["digest"], previous_digest="",
            agency_count=document["agency_count"], demo=False)).inserted_primary_key[0]
        for table, rows in (("publishedrating", document["ratings"]), ("publishedcharge", document["charges"]),
                            ("publishedpractitioner", document["blacklisted_practitioners"])):
            values = [{**r, "publication_id": pub_id} for r in rows]
            for v in values:
                if "date" in v:
                    v["date"] = dt.date.fromisoformat(v["date"])
            conn.execute(insert(old.tables[table]), values)
    return document


def test_upgrading_to_0004_keeps_every_published_export_byte_for_byte(database_url, tmp_path, capsys):
    from db.store.engine import make_engine

    engine = make_engine(database_url)
    upgrade(engine, "0003")
    a_year(engine)
    document = _publish_under_0003(engine, _rating_at_head(tmp_path))
    before_json, before_csv = to_json(document), to_keys_csv(document, edition=1)  # the files of its day
    upgrade(engine)
    assert export_publication(engine=engine, year=YEAR, fmt="json") == before_json
    assert export_publication(engine=engine, year=YEAR, fmt="keys.csv") == before_csv
    # The file of its day (unsigned, before 0007) is still one the site lists, so a reader's copy still verifies.
    code, said = db_verify(engine, tmp_path, capsys, before_json, by="sums")
    assert code == 0 and "GENUINE: 2025 version 1, this file's SHA-256 is on the site's SHA256SUMS list" in said
    engine.dispose()
