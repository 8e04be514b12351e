"""The public profile shows the town part of each year's score under the reading its version was rated with."""

from __future__ import annotations

from db.accounts.actor import Actor
from db.store.engine import make_engine
from tests.dashboard.test_public_site import open_page
from tests.notices import publish_after_notice

AGENCY = "91320281MA8T1BAX70"  # demo 2024: 璜土镇 and 江阴临港经济开发区 both charged its Q4


def markdown(app) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_a_pooled_year_shows_the_town_bucket_and_its_reading(app):
    open_page(app, "profile", agency=AGENCY)
    assert "镇街园评定：35 分（各镇街园扣分合并计入同一考核期）" in markdown(app)


def test_a_per_town_year_shows_each_towns_own_score(app, app_db):
    engine = make_engine(f"sqlite:///{app_db}")
    try:
        publish_after_notice(engine=engine, year=2024, by=Actor.operator("admin.zhou"), demo=True,
                             rulebook="jiangyin-2020#per_town/equal", reason="按各镇街园分别评分重新评定（测试）")
    finally:
        engine.dispose()
    open_page(app, "profile", agency=AGENCY, lang="en")
    shown = markdown(app)
    assert "Town assessment: 38 points (each town scores on its own; the mean of the towns)" in shown
    assert "- 璜土镇: 35 points (0 contracts, weight 1)" in shown
    assert "- 江阴临港经济开发区: 40 points (0 contracts, weight 1)" in shown
