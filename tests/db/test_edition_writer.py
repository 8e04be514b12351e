"""The background writer of the static edition (db/edition/writer.py): a request returns before its build ends,
requests during a build coalesce into one more build, a failure is in the status file with a one-line reason and
the next request recovers, and the start-up writes the edition of an install with a publication and no edition.

Builds are held with Events, never timed: a test waits on the writer (`wait_idle`) or on an Event it set."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from db import app_db
from db.accounts.actor import Actor
from db.documents.versions import publications
from db.edition import hook
from db.edition.build import SUMS
from db.edition.status import BUILDING, FAILED, IDLE, read_status, status_path
from db.edition.writer import WRITER, EditionWriter, edition_status, request_refresh, wait_idle
from db.public.open_data import file_name
from db.store.settings import Settings
from tests.db.publishing import YEAR, load_roster
from tests.notices import publish_after_notice

WAIT = 120  # seconds: a bound on a stuck writer, not a measure (a build here takes well under one)


class HeldBuild:
    """A build that records each call and, while `hold` is clear, waits for it: the test decides when it ends."""

    def __init__(self) -> None:
        self.hold = threading.Event()
        self.started = threading.Event()
        self.calls: list[tuple[object, Path, str]] = []

    def __call__(self, engine, out: Path) -> None:
        self.calls.append((engine, out, threading.current_thread().name))
        self.started.set()
        assert self.hold.wait(WAIT), "the test never released the build"


def test_a_request_returns_before_its_build_ends(tmp_path):
    build = HeldBuild()
    writer = EditionWriter(build)
    writer.request("engine", tmp_path / "edition", "test")  # returns although the build cannot end yet
    assert build.started.wait(WAIT)
    assert writer.busy() and not build.hold.is_set()
    assert not writer.wait_idle(0)
    build.hold.set()
    assert writer.wait_idle(WAIT)
    assert [(e, o, name) for e, o, name in build.calls] == [("engine", (tmp_path / "edition").absolute(),
                                                             "static-edition")]
    assert not writer.busy()


def test_requests_during_a_build_make_exactly_one_more_build(tmp_path):
    build = HeldBuild()
    writer = EditionWriter(build)
    out = tmp_path / "edition"
    writer.request("first", out)
    assert build.started.wait(WAIT)
    for n in range(7):  # seven changes commit while the first build runs
        writer.request(f"during-{n}", out)
    build.hold.set()
    assert writer.wait_idle(WAIT)
    # One build for the first request, one more for all seven: it reads the newest engine handed over.
    assert [engine for engine, _, _ in build.calls] == ["first", "during-6"]
    assert writer.builds == 2


def test_a_request_after_the_writer_went_idle_builds_again(tmp_path):
    build = HeldBuild()
    build.hold.set()
    writer = EditionWriter(build)
    writer.request("a", tmp_path / "edition")
    assert writer.wait_idle(WAIT)
    writer.request("b", tmp_path / "edition")
    assert writer.wait_idle(WAIT)
    assert [engine for engine, _, _ in build.calls] == ["a", "b"]


def _published(engine):
    load_roster(engine, range(3))
    return publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"))


def test_a_failed_build_says_failed_with_a_reason_and_the_next_request_recovers(engine, tmp_path, monkeypatch,
                                                                                 caplog):
    publication = _published(engine)
    out = tmp_path / "edition"
    real = hook.build_edition

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device\nsecond line never shown")

    monkeypatch.setattr(hook, "build_edition", broken)
    request_refresh(engine, "test", out)
    assert wait_idle(WAIT)
    status = read_status(out)
    assert status.state == FAILED
    assert status.reason == "OSError: [Errno 28] No space left on device"
    assert status.started_at <= status.finished_at and status.requested_at <= status.started_at
    assert status.digests == ()
    assert "static edition could not be written" in caplog.text
    assert not (out / SUMS).exists()

    monkeypatch.setattr(hook, "build_edition", real)
    request_refresh(engine, "test again", out)
    assert wait_idle(WAIT)
    status = read_status(out)
    assert (status.state, status.reason) == (IDLE, None)
    assert status.covers({publication.digest})
    assert (out / "files" / file_name(YEAR, 1, "json")).is_file()
    # The status lives beside the served folder, never in it: a failure's reason is for staff, not the public.
    assert status_path(out).parent == out.parent and not list(out.rglob("*status*"))


def test_the_status_says_building_while_a_build_holds_the_lock(engine, tmp_path, monkeypatch):
    _published(engine)
    out = tmp_path / "edition"
    inside, release = threading.Event(), threading.Event()
    real = hook.build_edition

    def held(*args, **kwargs):
        inside.set()
        assert release.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(hook, "build_edition", held)
    request_refresh(engine, "test", out)
    assert inside.wait(WAIT)
    status = edition_status(out)
    assert status.state == BUILDING and status.started_at is not None
    release.set()
    assert wait_idle(WAIT)
    assert edition_status(out).state == IDLE


def test_an_unwritable_folder_is_failed_in_this_process_even_without_a_status_file(engine, tmp_path):
    _published(engine)
    blocker = tmp_path / "a-file"
    blocker.write_text("where the edition's folder would go")
    out = blocker / "edition"
    request_refresh(engine, "test", out)
    assert wait_idle(WAIT)
    assert read_status(out) is None  # nowhere to write it
    status = edition_status(out)
    assert status.state == FAILED and status.reason.startswith(("NotADirectoryError", "FileExistsError"))


def test_start_up_writes_the_edition_of_an_install_with_a_publication_and_none(engine, database_url, tmp_path):
    publication = _published(engine)
    out = tmp_path / "data" / "edition"
    settings = Settings(database_url=database_url, seed_demo=False, data_dir=tmp_path / "data", edition_dir=out)
    started = app_db.get_ready_engine(settings=settings)  # returns without waiting: not the demo
    try:
        assert wait_idle(WAIT)
        assert (out / SUMS).is_file()
        assert (out / "files" / file_name(YEAR, 1, "json")).is_file()
        assert read_status(out).covers({publication.digest})
        builds = WRITER.builds
        app_db.get_ready_engine(settings=settings).dispose()  # a second start finds the edition: no build
        assert wait_idle(WAIT) and WRITER.builds == builds
    finally:
        started.dispose()


def test_start_up_without_a_publication_writes_nothing(database_url, tmp_path):
    out = tmp_path / "data" / "edition"
    settings = Settings(database_url=database_url, seed_demo=False, data_dir=tmp_path / "data", edition_dir=out)
    builds = WRITER.builds
    app_db.get_ready_engine(settings=settings).dispose()
    assert wait_idle(WAIT) and WRITER.builds == builds
    assert not out.exists() and read_status(out) is None


@pytest.mark.parametrize("covered", [True, False])
def test_the_status_names_the_versions_the_edition_holds(engine, tmp_path, covered):
    _published(engine)
    out = tmp_path / "edition"
    if covered:
        hook.write_locked(engine, out)
    digests = set(publications(engine)["digest"])
    status = read_status(out)
    assert (status is not None and status.covers(digests)) is covered


def test_long_behind_is_a_build_or_an_untaken_request_older_than_the_limit():
    import datetime as dt

    from db.edition.status import EditionStatus
    from db.edition.writer import long_behind, waiting

    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    ago = lambda minutes: now - dt.timedelta(minutes=minutes)  # noqa: E731
    served = EditionStatus(IDLE, requested_at=ago(50), started_at=ago(49), finished_at=ago(45))
    assert not waiting(served) and not long_behind(served, 30, now)
    untaken = EditionStatus(IDLE, requested_at=ago(31), started_at=ago(49), finished_at=ago(45))
    assert waiting(untaken) and long_behind(untaken, 30, now)
    assert not long_behind(EditionStatus(IDLE, requested_at=ago(29)), 30, now)
    assert long_behind(EditionStatus(BUILDING, requested_at=ago(40), started_at=ago(31)), 30, now)
    assert not long_behind(EditionStatus(BUILDING, requested_at=ago(40), started_at=ago(5)), 30, now)


def test_a_version_published_during_a_build_is_in_the_build_after_it(engine, tmp_path, monkeypatch):
    _published(engine)
    out = tmp_path / "edition"
    real, built, release = hook.build_edition, threading.Event(), threading.Event()

    def first_held(*args, **kwargs):
        report = real(*args, **kwargs)  # this build read the record before the correction below
        if not release.is_set():
            built.set()
            assert release.wait(WAIT)
        return report

    monkeypatch.setattr(hook, "build_edition", first_held)
    request_refresh(engine, "v1", out)
    try:
        assert built.wait(WAIT)
        load_roster(engine, range(4))  # a fourth agency: the correction changes something
        second = publish_after_notice(engine=engine, year=YEAR, by=Actor.operator("admin"), reason="补录")
        request_refresh(engine, "v2", out)  # committed while the first build still runs
        assert not (out / "files" / file_name(YEAR, 2, "json")).exists()
    finally:
        release.set()
    assert wait_idle(WAIT)
    assert (out / "files" / file_name(YEAR, 2, "json")).is_file()
    assert read_status(out).covers({second.digest}) and read_status(out).state == IDLE
