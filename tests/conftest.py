"""Fixtures for the whole suite: one publication signing key for the session (publishing refuses without one), and
settings read afresh whenever a test changes the environment; tests.builders' cheap argon2 for every test that signs in
many times."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from db.documents.signing import keygen
from db.store.settings import forget_settings
from tests.builders import fast_argon2  # noqa: F401  (a fixture, offered to every test)


@pytest.fixture(autouse=True, scope="session")
def signing_key_file(tmp_path_factory) -> Iterator[str]:
    """SIGNING_KEY_FILE pointed at a fresh key for every test and every subprocess it starts (they inherit it)."""
    path = tmp_path_factory.mktemp("keys") / "publication-signing-key.pem"
    keygen(path)
    before = os.environ.get("SIGNING_KEY_FILE")
    os.environ["SIGNING_KEY_FILE"] = str(path)
    yield str(path)
    if before is None:
        os.environ.pop("SIGNING_KEY_FILE", None)
    else:
        os.environ["SIGNING_KEY_FILE"] = before


@pytest.fixture(autouse=True, scope="session")
def edition_dir(tmp_path_factory) -> Iterator[str]:
    """EDITION_DIR pointed at a temporary folder: a publication in a test (or its subprocess) writes its static
    edition there, never into the repository's data folder."""
    path = tmp_path_factory.mktemp("edition") / "edition"
    before = os.environ.get("EDITION_DIR")
    os.environ["EDITION_DIR"] = str(path)
    yield str(path)
    if before is None:
        os.environ.pop("EDITION_DIR", None)
    else:
        os.environ["EDITION_DIR"] = before


@pytest.fixture(autouse=True)
def _edition_writes_end_with_the_test() -> Iterator[None]:
    """A test that publishes or ends a listing in the app asks the background writer for a static edition: it ends
    before the test's database and folders go away (and before the next test counts builds)."""
    yield
    from db.edition.writer import wait_idle

    assert wait_idle(300), "the static edition's writer did not finish"


class _MonkeyPatch(pytest.MonkeyPatch):
    """pytest's monkeypatch, but a changed environment variable is read at the next get_settings() / read_limits():
    the program reads its settings once a process, a test changes them within one."""

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        super().setenv(name, value, prepend)
        forget_settings()

    def delenv(self, name: str, raising: bool = True) -> None:
        super().delenv(name, raising)
        forget_settings()

    def undo(self) -> None:
        super().undo()
        forget_settings()


@pytest.fixture
def monkeypatch() -> Iterator[pytest.MonkeyPatch]:
    """Every test's monkeypatch (this replaces pytest's own): see _MonkeyPatch."""
    with _MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test starts and ends with settings read from the environment as it then is."""
    forget_settings()
    yield
    forget_settings()


_DESELECTED = pytest.StashKey[int]()  # how many PostgreSQL tests this run deselected


def _without_postgres() -> bool:
    return not os.environ.get("TEST_DATABASE_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without TEST_DATABASE_URL the PostgreSQL tests are deselected, not skipped one by one: 145 SKIPPED lines
    would bury the result line; pytest_terminal_summary says once why. .ci/run sets the variable, so CI runs them."""
    if not _without_postgres():
        return
    postgres = [item for item in items if item.get_closest_marker("postgres")]
    if not postgres:
        return
    config.stash[_DESELECTED] = len(postgres)
    config.hook.pytest_deselected(items=postgres)
    items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One line on the deselected PostgreSQL tests, just above pytest's result line."""
    n = config.stash.get(_DESELECTED, 0)
    # Under pytest-xdist (-n) the workers collect and deselect, not this process: it says so without the count.
    if n or (_without_postgres() and getattr(config.option, "numprocesses", None)):
        terminalreporter.write_line(
            f"{n or 'The'} PostgreSQL tests deselected: TEST_DATABASE_URL is not set "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test; .ci/run sets it)")

