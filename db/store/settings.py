"""Settings read from the environment and checked once, at start: one place for the whole data layer and the app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import CreditBoardError, InputError, Problem
from core.limits import ReadLimits

PROJECT_DIR = Path(__file__).resolve().parents[2]
SEED_DEMO_VALUES = {"1": True, "0": False}


class SettingsError(CreditBoardError):
    """A setting the program cannot run with; each problem names its environment variable."""


@dataclass(frozen=True)
class Settings:
    """What the data layer and the app need to know about their surroundings (the time zone is fixed: China)."""

    database_url: str
    seed_demo: bool
    data_dir: Path
    read_limits: ReadLimits = field(default_factory=ReadLimits)
    signing_key_file: Path | None = None  # None: `keys/publication-signing-key.pem` under data_dir
    listing_term_months: int = 12  # how long a blacklist listing lasts (docs/listings.md)
    repair_minimum_months: int = 12  # how long after listing a 信用修复 may be granted
    notice_working_days: int = 5  # a 公示's default length in working days (db/publishing/notice.py)
    session_idle_seconds: int = 30 * 60  # a signed-in session ends after this long without activity

    @property
    def signing_key(self) -> Path:
        """The bureau's private publication key (outside the database; made by `python -m db keygen`)."""
        return self.signing_key_file or self.data_dir / "keys" / "publication-signing-key.pem"


def get_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (`overrides` first: tests), then defaults; SettingsError names every bad one.

    DATABASE_URL  default: a SQLite file `data/credit-board.db` in the project, created on first use
    DATA_DIR      where the default SQLite file lives
    SIGNING_KEY_FILE  the Ed25519 private key that signs publications (default DATA_DIR/keys/…)
    SEED_DEMO     1 (default) seeds an empty database with demo data on the app's first start; 0 keeps it empty
    LISTING_TERM_MONTHS    a blacklist listing's term in months (default 12 = one year), 1..120
    REPAIR_MINIMUM_MONTHS  months after listing before early removal (信用修复) may be granted (default 12), 0..120
    NOTICE_WORKING_DAYS    a 公示 (notice)'s default length in working days after the day it opens (default 5), 1..30
    SESSION_IDLE_SECONDS   a sign-in's idle limit in seconds (default 1800 = 30 minutes), 10..86400
    MAX_…         the read limits (core.limits.ENVIRONMENT), positive whole numbers
    """
    env = {**os.environ, **(overrides or {})}
    data_dir = Path(env.get("DATA_DIR") or PROJECT_DIR / "data")
    url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'credit-board.db'}"
    problems: list[Problem] = []
    _check_database_url(url, problems)
    seed = env.get("SEED_DEMO", "").strip() or "1"
    if seed not in SEED_DEMO_VALUES:
        problems.append(Problem(None, "SEED_DEMO", "设置应为 1（填充演示数据）或 0（保持空库）",
                                "the setting must be 1 (seed demo data) or 0 (keep the database empty)", seed))
    try:
        limits = ReadLimits.from_env(env)
    except InputError as exc:
        problems += exc.problems
    term = _months(env, "LISTING_TERM_MONTHS", 12, 1, problems)
    minimum = _months(env, "REPAIR_MINIMUM_MONTHS", 12, 0, problems)
    notice_days = _working_days(env, "NOTICE_WORKING_DAYS", 5, problems)
    idle = _idle_seconds(env.get("SESSION_IDLE_SECONDS", ""), problems)
    if problems:
        raise SettingsError(problems=problems)
    key_file = Path(env["SIGNING_KEY_FILE"]) if env.get("SIGNING_KEY_FILE", "").strip() else None
    return Settings(database_url=url, seed_demo=SEED_DEMO_VALUES[seed], data_dir=data_dir, read_limits=limits,
                    signing_key_file=key_file, listing_term_months=term, repair_minimum_months=minimum,
                    notice_working_days=notice_days, session_idle_seconds=idle)


def _check_database_url(url: str, problems: list[Problem]) -> None:
    """A Problem naming DATABASE_URL when it cannot be parsed (`postgresql://u:p@[::1`), without its text: a URL
    holds the password. Whether its kind of database and driver exist is found when the engine is made."""
    from sqlalchemy.engine import make_url  # here: reading settings stays light
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError, TypeError):  # ValueError: a port that is no number, an unclosed [ of IPv6
        problems.append(Problem(None, "DATABASE_URL", "设置不是可解析的数据库地址（应为 sqlite:///文件 或 "
                                "postgresql+psycopg://用户@主机:端口/数据库）", "the setting is not a database URL that "
                                "can be parsed (sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DATABASE)"))


def _months(env: Mapping[str, str], name: str, default: int, lowest: int, problems: list[Problem]) -> int:
    """A whole number of months from `name` (default when unset), lowest..120; a Problem when it is not one."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and lowest <= int(raw) <= 120:
        return int(raw)
    problems.append(Problem(None, name, f"设置应为{lowest}到120之间的整数（月）",
                            f"the setting must be a whole number of months from {lowest} to 120", raw))
    return default


def _working_days(env: Mapping[str, str], name: str, default: int, problems: list[Problem]) -> int:
    """A whole number of working days from `name` (default when unset), 1..30; a Problem when it is not one."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 30:
        return int(raw)
    problems.append(Problem(None, name, "设置应为1到30之间的整数（工作日）",
                            "the setting must be a whole number of working days from 1 to 30", raw))
    return default
def _idle_seconds(raw: str, problems: list[Problem]) -> int:
    """SESSION_IDLE_SECONDS: 10 seconds (tests) to one day; 1800 when unset."""
    raw = raw.strip()
    if not raw:
        return 30 * 60
    if raw.isascii() and raw.isdigit() and 10 <= int(raw) <= 86400:
        return int(raw)
    problems.append(Problem(None, "SESSION_IDLE_SECONDS", "设置应为10到86400之间的整数（秒）",
                            "the setting must be a whole number of seconds from 10 to 86400", raw))
    return 30 * 60
