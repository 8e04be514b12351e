"""The app's and data layer's settings: one table (each default, range and doc stated once), read once a process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.cli_common import DEBUG
from core.errors import CreditBoardError
from core.limits import LIMITS, ReadLimits, read_limits
from core.setting import Choice, Text, Unit, Whole, declared, included, markdown_table, read_settings, settings_of

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATABASE_FILE = "credit-board.db"  # in DATA_DIR, when DATABASE_URL is unset
KEY_FILE = "keys/publication-signing-key.pem"  # in DATA_DIR, when SIGNING_KEY_FILE is unset
EDITION_FOLDER = "edition"  # in DATA_DIR, when EDITION_DIR is unset
_MONTHS = Unit("月", "months", one="month")
_WORKING_DAYS = Unit("工作日", "working days", one="working day")
_SECONDS = Unit("秒", "seconds", one="second")


class SettingsError(CreditBoardError):
    """A setting the program cannot run with; each problem names its environment variable."""


def _parsable_url(url: str) -> None:
    """ValueError when `url` cannot be parsed (`postgresql://u:p@[::1`). Whether its kind of database and driver
    exist is found when the engine is made."""
    from sqlalchemy.engine import make_url  # here: reading settings stays light
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, TypeError) as exc:  # ValueError too: a port that is no number, an unclosed [ of IPv6
        raise ValueError("not a database URL") from exc


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the data layer and the app need to know about their surroundings (the time zone is fixed: China).

    Each field is one environment variable, declared with its default, what it allows and a one-line doc; the
    README's settings tables are generated from these declarations (tests/test_docs.py).
    """

    data_dir: Path = declared(Text(
        "DATA_DIR", "where the default SQLite file and signing key live", "a folder", "data", root=PROJECT_DIR,
        convert=Path))
    database_url: str = declared(Text(
        "DATABASE_URL", f"the database; unset: a SQLite file `{DATABASE_FILE}` in `DATA_DIR`, made on first use",
        "`sqlite:///FILE` or `postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE`", check=_parsable_url,
        refused=("设置不是可解析的数据库地址（应为 sqlite:///文件 或 postgresql+psycopg://用户@主机:端口/数据库）",
                 "the setting is not a database URL that can be parsed (sqlite:///FILE or "
                 "postgresql+psycopg://USER@HOST:PORT/DATABASE)"),
        secret=True))  # a URL holds the password: never repeated in a message
    seed_demo: bool = declared(Choice(
        "SEED_DEMO", "1", {"1": (True, "填充演示数据", "seed demo data"), "0": (False, "保持空库", "keep the database empty")},
        "what the app's first start puts in an empty database"))
    read_limits: ReadLimits = included(ReadLimits)  # core.limits declares them (core cannot import db)
    signing_key_file: Path | None = declared(Text(
        "SIGNING_KEY_FILE", f"the Ed25519 private key that signs publications; unset: `DATA_DIR/{KEY_FILE}`",
        "a file", convert=Path))
    edition_dir: Path | None = declared(Text(
        "EDITION_DIR", f"the static edition, rewritten after every publication and listing change; unset: "
        f"`DATA_DIR/{EDITION_FOLDER}` (docs/edition.md)", "a folder", convert=Path))
    listing_term_months: int = declared(Whole(
        "LISTING_TERM_MONTHS", 12, _MONTHS, "how long a blacklist listing lasts (docs/listings.md)", high=120))
    repair_minimum_months: int = declared(Whole(
        "REPAIR_MINIMUM_MONTHS", 12, _MONTHS, "how long after listing an early removal (信用修复) may be granted",
        low=0, high=120))
    notice_working_days: int = declared(Whole(
        "NOTICE_WORKING_DAYS", 5, _WORKING_DAYS, "a 公示 (notice)'s default length after the day it opens", high=30))
    report_acknowledge_working_days: int = declared(Whole(
        "REPORT_ACKNOWLEDGE_WORKING_DAYS", 1, _WORKING_DAYS,
        "how long a town or the bureau has to acknowledge (受理) a hazard-refusal report (docs/supervision.md)",
        high=30))
    report_close_working_days: int = declared(Whole(
        "REPORT_CLOSE_WORKING_DAYS", 20, _WORKING_DAYS,
        "how long after receiving a hazard-refusal report it must be closed (办结) (docs/supervision.md)", high=120))
    referral_working_days: int = declared(Whole(
        "REFERRAL_WORKING_DAYS", 10, _WORKING_DAYS,
        "how long the bureau has to confirm or dismiss a town's referral (上报) after the day it came in", high=60))
    session_idle_seconds: int = declared(Whole(
        "SESSION_IDLE_SECONDS", 1800, _SECONDS, "how long a signed-in session may stay idle", low=10, high=86400))

    def __post_init__(self) -> None:
        if not self.database_url:  # unset: the SQLite file in DATA_DIR
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / DATABASE_FILE}")

    @property
    def edition(self) -> Path:
        """The folder the static edition is written to (db.edition), and the app serves (docs/edition.md)."""
        return self.edition_dir or self.data_dir / EDITION_FOLDER

    @property
    def signing_key(self) -> Path:
        """The bureau's private publication key (outside the database; made by `python -m db keygen`)."""
        return self.signing_key_file or self.data_dir / KEY_FILE


APP_SETTINGS = tuple(s for s in settings_of(Settings) if s not in LIMITS)  # the read limits have their own table


def get_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """This process's settings, read from the environment once and kept; SettingsError names every bad variable.

    `overrides` (tests) are read afresh over the environment, and not kept.
    """
    if overrides is not None:
        return _read({**os.environ, **overrides})
    return _current()


@cache
def _current() -> Settings:
    return _read(os.environ)


def _read(env: Mapping[str, str]) -> Settings:
    return read_settings(Settings, env, lambda problems: SettingsError(problems=problems))


def forget_settings() -> None:
    """Read the environment again at the next use: for tests that change it (tests/conftest.py does, around each)."""
    _current.cache_clear()
    read_limits.cache_clear()


def settings_markdown() -> str:
    """The README's table of the app's settings and the command lines' debugging switch (the read limits have
    their own: core.limits.LIMITS)."""
    return markdown_table((*APP_SETTINGS, DEBUG))
