"""`python -m db import` and the upload check on the probe's hostile files: exit 2, every problem, nothing written."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.errors import InputError
from db.agency.filings import file_records
from db.cli.commands import main
from db.store.models import ContractRecord, Finding, RosterEntry, Upload
from db.uploads.workspace import check_upload, too_large
from tests.builders import MINE, make_agencies, make_agency_user, make_user, roster_csv
from tests.core import hostile_files as hostile
from tests.core.isolation_helpers import in_a_thread
from tests.db.conftest import url_of

pytestmark = pytest.mark.usefixtures("fast_argon2")


def stored(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Upload, Finding, RosterEntry))


@pytest.mark.parametrize("case", list(hostile.PROBE_CASES))
def test_import_refuses_each_probe_file_and_writes_nothing(engine, tmp_path, monkeypatch, capsys, case):
    build, env = hostile.PROBE_CASES[case]
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = build(tmp_path)
    assert in_a_thread(lambda: main(["import", str(path), "--by", "t"])) == 2  # a clean child: see in_a_thread
    out, err = capsys.readouterr()
    assert out == "" and "file not imported" in err and "文件未导入" in err
    assert stored(engine) == (0, 0, 0)


def test_a_roster_for_the_year_2101_is_refused(engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    path = tmp_path / "r.csv"
    path.write_bytes(roster_csv(2))
    with pytest.raises(SystemExit) as refused:  # argparse refuses the year before anything is read
        main(["import", str(path), "--kind", "roster", "--year", "2101", "--by", "t"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "2000–2100" in err and "2000—2100" in err
    assert stored(engine) == (0, 0, 0)


def test_an_upload_over_the_byte_limit_is_refused_from_its_size(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    check = too_large(size=1024 * 1024 + 1, file_name="big.csv")
    assert check is not None and not check.ok
    assert "at most 1 MB" in check.problems["message_en"].iloc[0]
    assert too_large(size=1024 * 1024, file_name="ok.csv") is None


# Issue 20: the structure cases and the reading child's memory, through the staff upload check and the portal (the
# services those pages call), small versions with the limits set low by the settings.
STRUCTURE_CASES = [case for case in hostile.PROBE_CASES
                   if case.startswith(("xlsx one row", "xlsx a header", "xlsx 133", "xlsx 40", "csv of bad", "csv past"))]


def _bilingual(problems) -> bool:
    return all(p.message_zh and p.message_en for p in problems) and any(
        "\u4e00" <= ch <= "\u9fff" for p in problems for ch in p.message_zh)


@pytest.mark.parametrize("case", STRUCTURE_CASES)
def test_the_staff_upload_check_refuses_each_structure_case(engine, tmp_path, monkeypatch, case):
    build, env = hostile.PROBE_CASES[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    staff = make_user(engine, "staff", "bureau_staff")
    path = build(tmp_path)
    check = in_a_thread(lambda: check_upload(engine=engine, user=staff, content=path.read_bytes(), file_name=path.name))
    assert not check.ok and len(check.problems) >= 1
    assert check.problems["message_zh"].str.len().min() > 0 and check.problems["message_en"].str.len().min() > 0
    assert stored(engine) == (0, 0, 0)


@pytest.mark.parametrize("case", STRUCTURE_CASES)
def test_the_portal_refuses_each_structure_case_and_stores_nothing(engine, tmp_path, monkeypatch, case):
    build, env = hostile.PROBE_CASES[case]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    make_agencies(engine)
    agency = make_agency_user(engine, "agency", MINE)
    path = build(tmp_path)
    with pytest.raises(InputError) as refused:
        in_a_thread(lambda: file_records(engine=engine, user=agency, kind="contracts", content=path.read_bytes(),
                                         file_name=path.name))
    assert _bilingual(refused.value.problems)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ContractRecord)).scalar_one() == 0
    assert stored(engine) == (0, 0, 0)


def test_a_scan_is_checked_in_the_capped_child_its_refusals_come_back_and_nothing_is_stored(engine, monkeypatch):
    """Issue 20 item 2 for scans: decoding an image is reading a file from outside. A PNG that decodes to 108 MB is
    stored under the default limit and refused under a 16 MB one, and a scan's own refusal crosses back unchanged."""
    from db.agency.documents import file_document
    from db.agency.scans import DocumentError
    from db.store.models import AgencyDocument
    from tests.scan_files import pdf

    make_agencies(engine)
    agency = make_agency_user(engine, "agency", MINE)
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (6000, 6000), (200, 10, 10)).save(buffer, "PNG")
    big = buffer.getvalue()  # 120 KB of zip, 108 MB of pixels
    with pytest.raises(DocumentError, match="JavaScript"):
        in_a_thread(lambda: file_document(engine=engine, user=agency, kind="registry", file_name="a.pdf",
                                          content=pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")))
    monkeypatch.setenv("MAX_READ_MEMORY_MB", "16")
    with pytest.raises(InputError, match="more memory or time than allowed"):
        in_a_thread(lambda: file_document(engine=engine, user=agency, kind="registry", file_name="big.png", content=big))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AgencyDocument)).scalar_one() == 0
    monkeypatch.delenv("MAX_READ_MEMORY_MB")
    assert not in_a_thread(lambda: file_document(engine=engine, user=agency, kind="registry", file_name="big.png",
                                                 content=big)).duplicate
