"""Layout on a phone and at 1366 px, the charts and accessibility, as the pages send them (issue 13: 3, 4, 7, 12).

The browser suite (tests/browser/test_field.py) checks the drawn result; these check what the server sends.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from core.rulebook import load_rulebook
from dashboard import charts, compare_view, page_style, tables, wrap
from dashboard.text import CATALOGUE
from db.store.engine import make_engine
from tests.dashboard.page_text import choose_section, ratings_table
from tests.dashboard.test_public_site import current_ratings, open_page

RULEBOOK = load_rulebook()
PHONE_TABLE_WIDTH = 390 - 2 * 16  # Streamlit's main block keeps 1 rem each side on a phone
SELECTION_COLUMN = 34  # the row checkboxes of a selectable table


@pytest.fixture
def engine(app_db):
    eng = make_engine(f"sqlite:///{app_db}")
    yield eng
    eng.dispose()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def page_html(app) -> str:
    return "".join(e.proto.body for e in app.get("html"))


def test_the_page_language_follows_the_chosen_language(app):
    open_page(app, "ratings", lang="en")
    assert "document.documentElement.lang = 'en'" in page_html(app)
    app.sidebar.radio[0].set_value("zh").run()
    assert "document.documentElement.lang = 'zh-CN'" in page_html(app)


def test_captions_reach_the_aa_contrast_on_white_and_on_the_sidebar():
    caption = re.search(r"stCaptionContainer\"\] \{ color: (#[0-9a-f]{6}); opacity: 1; \}", page_style.CSS).group(1)
    assert contrast(caption, "#ffffff") >= 4.5
    assert contrast(caption, "#f0f2f6") >= 4.5  # Streamlit's sidebar grey
    assert contrast("#828180", "#ffffff") < 4.5  # Streamlit's own caption grey, which the CSS replaces


def test_a_pinned_column_drawn_at_60_percent_opacity_still_reaches_the_aa_contrast():
    theme = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())["theme"]
    text = theme["textColor"]
    faded = "#" + "".join(f"{round(0.6 * int(text[i:i + 2], 16) + 0.4 * 255):02x}" for i in (1, 3, 5))
    assert contrast(faded, "#ffffff") >= 4.5


def test_streamlit_does_not_collect_every_object_after_each_rerun():
    # A full collection after every rerun was half of a search's server time at 10,000 agencies (docs/performance.md, bench_site_large).
    runner = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())["runner"]
    assert runner["postScriptGC"] is False


def test_the_language_button_under_the_title_switches_the_whole_page(app):
    open_page(app, "blacklist")
    button = app.button(key="other_language")
    assert button.label == "English"
    button.click().run()
    assert app.title[0].value == CATALOGUE["public.blacklist_title"][1]
    assert app.sidebar.radio[0].value == "en"  # the sidebar's switch says the same
    assert app.button(key="other_language").label == "中文"


def test_a_phone_shows_name_grade_total_and_the_link_of_every_rating(app):
    open_page(app, "ratings")
    table = ratings_table(app)
    order = list(table.proto.column_order)
    assert order[:4] == ["agency_name", "grade", "total", "profile"]
    config = json.loads(table.proto.columns)
    widths = [config[c]["width"] for c in order[:4]]
    assert all(isinstance(w, int) for w in widths), config
    assert SELECTION_COLUMN + sum(widths) <= PHONE_TABLE_WIDTH
    assert config["agency_name"].get("pinned") is True


def test_the_desktop_table_shows_code_clauses_and_dates_and_a_switch_shows_every_column(app):
    open_page(app, "blacklist", year="2024")
    agencies = app.dataframe[0]  # the year's blacklisted agencies
    assert list(agencies.proto.column_order) == tables.BLACKLIST_AGENCIES_COMPACT
    assert {"listed_on", "year", "credit_code", "basis"} <= set(agencies.proto.column_order)
    assert agencies.proto.row_height > 64  # Streamlit wraps a cell's text only in rows taller than 4rem
    app.toggle(key="blacklist_agencies_all_columns").set_value(True).run()
    assert list(app.dataframe[0].proto.column_order) == tables.BLACKLIST_AGENCIES_FULL


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_blacklist_grounds_show_whole_beside_the_name_on_a_phone(app, lang):
    open_page(app, "blacklist", year="2024", lang=lang)
    grounds = [frame for frame in app.dataframe if "basis" in frame.value.columns]
    markdown = [m.value for m in app.markdown]
    for section in ("practitioners", "history"):  # the tables drawn when chosen
        choose_section(app, "blacklist", section)
        grounds += [frame for frame in app.dataframe[1:] if "basis" in frame.value.columns]
        markdown += [m.value for m in app.markdown]
    assert len(grounds) >= 2
    for frame in grounds:
        config = json.loads(frame.proto.columns)
        pinned = next(c for c in frame.proto.column_order if config.get(c, {}).get("pinned"))
        assert config[pinned]["width"] + config["basis"]["width"] <= PHONE_TABLE_WIDTH
        cells = frame.value["basis"].tolist()
        if lang == "en":  # the table leaves a long English line unwrapped (dashboard/wrap.py): one short line
            assert max(len(cell) for cell in cells) <= 30
        most = max(len(wrap.lines(cell, config["basis"]["width"])) for cell in cells)
        assert frame.proto.row_height >= wrap.LINE_PX * most + 2 * wrap.CELL_PADDING_Y
    if lang == "en":  # …and the page gives each clause in full, with its English gloss
        rulebook, shown = load_rulebook(), "\n".join(markdown)
        named = {code for frame in grounds for cell in frame.value["basis"] for code in re.findall(r"\d+\.\d+", cell)}
        assert named and all(rulebook.clause(code).gloss_en in shown for code in named)


def test_the_ratings_switch_adds_the_bucket_scores_towns_and_date(app):
    open_page(app, "ratings")
    app.toggle(key="ratings_table_all_columns").set_value(True).run()
    order = list(ratings_table(app).proto.column_order)
    assert order[:4] == ["agency_name", "grade", "total", "profile"]
    assert set(ratings_table(app).value.columns) == set(order)


def test_the_profile_chart_names_its_thresholds_on_the_axis_and_draws_no_line_through_its_labels(app, engine):
    open_page(app, "profile", agency=current_ratings(engine).iloc[0]["credit_code"], lang="en")
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert spec["autosize"]["type"] == "fit-x"  # its height is the plot's: 0–100 gets PROFILE_CHART_HEIGHT px
    assert spec["height"] == charts.PROFILE_CHART_HEIGHT >= 250
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert "line" not in marks
    axis = next(layer["encoding"]["y"]["axis"] for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert {g.min for g in RULEBOOK.grades if g.min > 0} <= set(axis["values"])
    for grade in RULEBOOK.grades:
        if grade.min > 0:
            assert f"'{grade.key} ≥{grade.min:g}'" in axis["labelExpr"]


def test_the_compare_chart_draws_no_agency_in_a_grade_colour_and_gives_each_label_its_own_row():
    years = pd.DataFrame({
        "credit_code": ["X1", "X2", "X3", "X4"] * 2,
        "year": [2024] * 4 + [2025] * 4,
        "total": [100, 55, 100, 30, 90, 95, 100, 100],
        "grade": ["A", "BLACKLIST", "A", "BLACKLIST", "A", "A", "A", "A"],
    })
    spec = charts.compare_totals_chart(years, {f"X{i}": f"机构{i}" for i in range(1, 5)}, RULEBOOK).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["yOffset"]["field"] == "agency"  # one row per agency and year: labels never collide
    colours = {c.lower() for c in bars["encoding"]["color"]["scale"]["range"]}
    assert not colours & {c.lower() for c in (charts.BLACKLIST_COLOUR, *charts.GRADE_COLOURS, "#e15759")}
    assert all(contrast(c, "#ffffff") >= 4.5 for c in colours)  # white labels inside the bars
    assert spec["height"] >= 24 * 8  # 2 years × 4 agencies, a 24 px row each


def test_comparison_tables_pin_what_a_row_is_and_fit_four_agencies_on_a_laptop():
    table = pd.DataFrame({"年度": ["2025"], **{f"机构{i}": ["A 优秀 · 100"] for i in range(4)}})
    config = compare_view.columns(table)
    assert config["年度"]["pinned"] is True
    assert 4 * compare_view.AGENCY_COLUMN_WIDTH + config["年度"]["width"] <= 904  # the main block at 1366 px
