"""Town or bureau: one answer for every part of the project (core.towns)."""

from __future__ import annotations

from core.rulebook import load_rulebook
from core.towns import BUREAU, assessor_kind, assessor_name_zh, default_towns, is_bureau, own_assessor


def test_the_bureau_is_known_by_its_key_and_its_chinese_name_and_every_town_is_a_town():
    towns = default_towns()
    assert [is_bureau(towns.resolve(a)) for a in ("市局", "江阴市应急管理局", "bureau")] == [True] * 3
    assert is_bureau("市应急管理局")
    assert not any(is_bureau(name) for name in towns.names)
    assert {assessor_kind(name) for name in towns.names} == {"town"}
    assert assessor_kind("市应急管理局") == assessor_kind(BUREAU) == "bureau"


def test_each_kind_of_assessor_has_its_bucket_and_reads_in_chinese():
    rulebook = load_rulebook()
    assert rulebook.bucket_for(assessor_kind("璜土镇")).key == "town"
    assert rulebook.bucket_for(assessor_kind(BUREAU)).key == "bureau"
    assert (assessor_name_zh(BUREAU), assessor_name_zh("璜土镇")) == ("市应急管理局", "璜土镇")


def test_an_account_records_for_its_town_or_else_for_the_bureau():
    assert (own_assessor("璜土镇"), own_assessor(None), own_assessor("")) == ("璜土镇", BUREAU, BUREAU)
