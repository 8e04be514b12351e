"""Settings read from the environment (or Streamlit secrets, passed in by the app): one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """What the data layer needs to know about its surroundings."""

    database_url: str
    seed_demo: bool
    data_dir: Path


def get_settings(overrides: dict[str, str] | None = None) -> Settings:
    """Settings from `overrides` (e.g. Streamlit secrets), then the environment, then defaults.

    DATABASE_URL  default: a SQLite file `data/credit-board.db` in the project, created on first use
    SEED_DEMO     "0" to keep an empty database empty (default: seed demo data on first start)
    DATA_DIR      where the default SQLite file lives
    """
    env = {**os.environ, **(overrides or {})}
    data_dir = Path(env.get("DATA_DIR") or PROJECT_DIR / "data")
    url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'credit-board.db'}"
    return Settings(database_url=url, seed_demo=env.get("SEED_DEMO", "1") != "0", data_dir=data_dir)
