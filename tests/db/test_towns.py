"""Editing towns: one spelling names one town, so a finding's town is never ambiguous."""

from __future__ import annotations

import pytest

from db.accounts.actor import Actor
from db.reference.towns import TownError, list_towns, save_town
from tests.builders import ACCOUNT_TOWN, OTHER_ACCOUNT_TOWN, OTHER_TOWN, TOWN, fast_argon2, make_staff  # noqa: F401  (fixture)


@pytest.fixture
def admin(engine, fast_argon2) -> Actor:  # noqa: F811
    return make_staff(engine)["admin"]


def _aliases(engine) -> dict[str, str]:
    towns = list_towns(engine=engine)
    return dict(zip(towns["name"], towns["aliases"], strict=True))


def test_two_towns_cannot_claim_one_alias(engine, admin):
    save_town(engine=engine, by=admin, name=ACCOUNT_TOWN, aliases="西片")
    before = _aliases(engine)
    with pytest.raises(TownError) as refused:
        save_town(engine=engine, by=admin, name=OTHER_ACCOUNT_TOWN, aliases="西片")
    assert "西片" in refused.value.message_zh and ACCOUNT_TOWN in refused.value.message_zh
    assert "already names" in refused.value.message_en
    assert _aliases(engine) == before


def test_an_alias_cannot_be_another_towns_name(engine, admin):
    before = _aliases(engine)
    with pytest.raises(TownError) as refused:
        save_town(engine=engine, by=admin, name=ACCOUNT_TOWN, aliases=OTHER_ACCOUNT_TOWN)
    assert f"“{OTHER_ACCOUNT_TOWN}”已用于{OTHER_ACCOUNT_TOWN}" == refused.value.message_zh
    assert f"“{OTHER_ACCOUNT_TOWN}” already names {OTHER_ACCOUNT_TOWN}" == refused.value.message_en
    assert _aliases(engine) == before


def test_a_town_keeps_its_own_aliases_when_saved_again(engine, admin):
    save_town(engine=engine, by=admin, name=ACCOUNT_TOWN, aliases="西片")
    save_town(engine=engine, by=admin, name=ACCOUNT_TOWN, aliases="西片;璜土")
    assert _aliases(engine)[ACCOUNT_TOWN] == "西片;璜土"
