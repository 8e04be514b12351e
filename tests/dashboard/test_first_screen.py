"""A page's first screen is its main answer: the sections behind its row of choices (dashboard.ui.more) are not drawn
until one is chosen, and the chosen one alone is drawn (st.tabs or st.expander would draw them all on every run)."""

from __future__ import annotations

import pytest

from dashboard.text import CATALOGUE
from tests.dashboard.page_text import choose_section
from tests.dashboard.test_public_site import open_page


def subheaders(app) -> list[str]:
    return [h.value for h in app.subheader]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_draws_its_chart_only_when_chosen(app, lang):
    open_page(app, "overview", lang=lang)
    more = app.pills(key="more_overview")
    assert more.label == CATALOGUE["public.more_sections"][0 if lang == "zh" else 1]
    assert more.value is None and not app.get("vega_lite_chart") and not app.code
    choose_section(app, "overview", "chart")
    assert len(app.get("vega_lite_chart")) == 1 and not app.code  # the chart alone, not the digests
    choose_section(app, "overview", "publication")
    assert not app.get("vega_lite_chart") and app.code


def test_the_blacklist_draws_the_year_s_list_and_one_chosen_section(app):
    open_page(app, "blacklist", year="2024")
    assert len(app.dataframe) == 1  # the year's listed agencies
    hidden = [CATALOGUE[f"public.{k}"][0] for k in ("blacklist_practitioners", "blacklist_history",
                                                     "listings_current", "listings_history")]
    assert not set(hidden) & set(subheaders(app))
    choose_section(app, "blacklist", "history")
    assert len(app.dataframe) == 2
    assert set(hidden) & set(subheaders(app)) == {CATALOGUE["public.blacklist_history"][0]}


def test_the_rules_draw_the_grades_and_one_chosen_section(app):
    open_page(app, "rules")
    assert not app.dataframe  # the grades' ranges are a list: no data grid on the first screen
    ranges = [m.value for m in app.markdown if m.value.startswith("- **")]
    assert len(ranges) == 1 and ranges[0].count("\n") >= 3  # a line per grade
    assert CATALOGUE["public.rules_clauses"][0] not in subheaders(app)
    choose_section(app, "rules", "clauses")
    assert CATALOGUE["public.rules_clauses"][0] in subheaders(app) and not app.dataframe
    choose_section(app, "rules", "buckets")
    assert CATALOGUE["public.rules_clauses"][0] not in subheaders(app) and app.dataframe  # a grid per bucket


def superseded(app) -> list[str]:
    """The version boxes' lines that say "superseded"."""
    return [m.value for m in app.markdown if CATALOGUE["public.superseded_version"][0] in m.value]


def test_open_data_draws_each_year_s_current_files_and_one_chosen_section(app):
    open_page(app, "open_data")
    assert not superseded(app)
    assert not [b for b in app.get("download_button") if "listings" in str(b.proto.id)]
    assert CATALOGUE["public.keys_title"][0] not in subheaders(app)
    choose_section(app, "open_data", "earlier")  # the demo's 2024 was corrected: its version 1 is listed here
    assert superseded(app)
    choose_section(app, "open_data", "keys")
    assert CATALOGUE["public.keys_title"][0] in subheaders(app)
    assert not superseded(app)


def test_spot_checks_draw_each_list_and_the_plans_or_the_draws_when_chosen(app):
    open_page(app, "spot_checks")
    assert CATALOGUE["public.spot_list"][0] in [m.value.strip("*") for m in app.markdown]  # the drawn list
    assert not app.get("download_button") and not app.code
    choose_section(app, "spot_checks", "draws")
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels and set(labels) == {CATALOGUE["public.spot_download_draw"][0]}
    assert any(c.value.startswith("python -m core draw --verify") for c in app.code)
    choose_section(app, "spot_checks", "plans")
    assert {b.proto.label for b in app.get("download_button")} == {CATALOGUE["public.spot_download_plan"][0]}
