"""Start-up: the app's engine arrives migrated, with the default towns, and demo data only in an empty database."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, insert, select

from core.towns import default_towns
from db import app_db
from db.reference.towns import seed_default_towns
from db.store.engine import transaction
from db.store.models import Agency, Town
from db.store.settings import Settings


def _settings(url, tmp_path, seed_demo):
    return Settings(database_url=url, seed_demo=seed_demo, data_dir=tmp_path)


def _town_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Town)).scalar_one()


def test_first_start_puts_the_default_towns_in_once(database_url, tmp_path):
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, False))
    assert _town_count(engine) == len(default_towns().names) == 19
    with engine.connect() as conn:
        aliases = conn.execute(select(Town.aliases).where(Town.name == "江阴高新技术产业开发区")).scalar_one()
    assert "高新区" in aliases.split(";")
    engine.dispose()
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, False))
    assert _town_count(engine) == 19
    engine.dispose()


def test_towns_an_admin_removed_are_not_put_back(database_url, tmp_path):
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, False))
    with transaction(engine) as session:
        session.execute(Town.__table__.delete().where(Town.name != "澄江街道"))
    assert seed_default_towns(engine) == 0
    assert _town_count(engine) == 1
    engine.dispose()


def test_an_empty_database_is_seeded_once_unless_seed_demo_is_off(database_url, tmp_path, monkeypatch):
    calls = []

    def fake_seed_demo(*, engine):
        calls.append(engine)
        with transaction(engine) as session:
            session.execute(insert(Agency), [{"credit_code": "91320281000000001X", "name": "示例机构"}])

    monkeypatch.setattr(app_db, "_seed_module", lambda: SimpleNamespace(seed_demo=fake_seed_demo))
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, False))
    assert calls == [] and not app_db.has_agencies(engine)
    engine.dispose()
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, True))
    assert len(calls) == 1 and app_db.has_agencies(engine)
    engine.dispose()
    engine = app_db.get_ready_engine(settings=_settings(database_url, tmp_path, True))
    assert len(calls) == 1  # not empty any more: never seeded twice
    engine.dispose()
