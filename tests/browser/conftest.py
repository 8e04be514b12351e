"""Browser-test fixtures: the real app under `streamlit run` on a free port, and headless Debian Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.i18n import fill
from dashboard.text import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SHOTS = ROOT / "test-output" / "browser"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `streamlit run streamlit_app.py` child process; `url` once it answers /_stcore/health."""

    def __init__(self, database_url: str, log: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self._log = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_healthy(self, timeout: float = 60) -> None:
        """Poll /_stcore/health; fail loudly with the server's output if it died or never answered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"streamlit exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"streamlit did not answer /_stcore/health within {timeout}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextmanager
def demo_app(folder: Path, browser) -> Iterator[dict]:
    """The app on an empty SQLite file in `folder`, seeding the demo data itself on first start as on a new machine.

    Yields {"url", "db"} once the first run (migrations and the seed) has finished; stops the app on leaving.
    """
    url = f"sqlite:///{folder / 'site.db'}"
    server = Server(url, folder / "streamlit.log", {"SEED_DEMO": "1"})
    try:
        server.wait_healthy()
        page = browser.new_page()
        page.goto(server.url)
        wait_for_app(page, timeout=120_000)  # the first run migrates and seeds
        page.close()
        yield {"url": server.url, "db": url}
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, browser) -> Iterator[dict]:
    """One demo app for every test that only reads the public site (test_public_site.py, test_field.py).

    Seeding takes a minute on a busy machine, so the files share it; a test that writes needs an app of its own.
    """
    with demo_app(tmp_path_factory.mktemp("demo-site"), browser) as site:
        yield site


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")
    return SHOTS


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); never playwright install")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized Chinese page (its own context: no cookies or session shared between tests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def no_exception(page) -> None:
    """Fail with the shown error when the app put an exception box on the page."""
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


def screenshot(page, path: Path, max_height: int = 8000) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to its height first."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], [data-testid='stAppViewContainer']\")]"
        ".map(e => e.scrollHeight), document.documentElement.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height), max_height)})
    page.wait_for_timeout(300)  # charts and tables re-lay out to the new size
    page.screenshot(path=path)
    page.set_viewport_size(size)


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script has run to the end (Streamlit marks the app `notRunning`)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    # A rerun may start right after the first one finished (widgets writing the URL); let it settle.
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def label(key: str, lang: str, **values: object) -> str:
    """The catalogue's text of `key` in `lang` ("zh" / "en") with `values` filled: how a test finds what it reads."""
    return fill(CATALOGUE[key][lang == "en"], values)


def main_text(page) -> str:
    """The main area's text as read, without plain.md's word joiners."""
    return page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")


def open_path(page, url: str, path: str, lang: str = "zh") -> None:
    """Open the site's page `path` in `lang` and wait for its run (the first run of a server may migrate or seed)."""
    page.goto(f"{url}/{path}?lang={lang}")
    wait_for_app(page, timeout=120_000)
    no_exception(page)


def go(page, title: str) -> None:
    """Open a page from the sidebar menu (a click keeps the session)."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    wait_for_app(page)
    no_exception(page)


def sign_in(page, url: str, username: str, password: str, lang: str = "zh") -> None:
    """Sign in on the staff page, opened by its address in `lang`, as a person types it: every browser test's one
    sign-in, so a change to the form is made here once."""
    open_path(page, url, "staff", lang)
    page.get_by_label(label("staff.username", lang)).fill(username)
    page.get_by_label(label("staff.password", lang), exact=True).fill(password)
    page.get_by_role("button", name=label("staff.sign_in", lang)).click()
    wait_for_app(page)
    no_exception(page)
