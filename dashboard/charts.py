"""Altair charts of the public site. Grades are always written on the chart, colour only repeats them."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from dashboard import data
from dashboard.i18n import current, t
from dashboard.labels import grade_label, short_grade_label
from dashboard.plain import text

GRADE_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#6d4c41", "#455a64")  # best grade first
BLACKLIST_COLOUR = "#b71c1c"
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _grade_scale(rulebook: Rulebook) -> alt.Scale:
    labels, colours = [], []
    plain = iter(GRADE_COLOURS)
    for g in rulebook.grades:
        labels.append(grade_label(g.key, rulebook))
        colours.append(BLACKLIST_COLOUR if g.blacklist else next(plain, "#757575"))
    return alt.Scale(domain=labels, range=colours)


def _style(chart: alt.Chart) -> alt.Chart:
    return chart.configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=13, titleFontSize=13).configure_legend(
        labelFont=FONT, titleFont=FONT, orient="bottom"
    ).configure_text(font=FONT)


def grade_counts_chart(counts: pd.DataFrame, rulebook: Rulebook) -> alt.Chart:
    """Bars of agencies per grade, best grade first, each bar labelled with its grade and count."""
    frame = pd.DataFrame(
        {"grade": [grade_label(g, rulebook) for g in counts["grade"]], "count": counts["count"].astype(int)}
    )
    order = list(frame["grade"])
    base = alt.Chart(frame).encode(
        x=alt.X("grade:N", sort=order, title=t("grade"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=t("count"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("grade:N", title=t("grade")), alt.Tooltip("count:Q", title=t("count"))],
    )
    bars = base.mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        color=alt.Color("grade:N", scale=_grade_scale(rulebook), legend=None)
    )
    text = base.mark_text(dy=-8, fontSize=14, fontWeight="bold").encode(text="count:Q")
    return _style((bars + text).properties(height=280))


def totals_by_year_chart(years: pd.DataFrame, rulebook: Rulebook) -> alt.Chart:
    """One agency's total by year, each point labelled with its grade; the grade thresholds as dashed rules."""
    frame = pd.DataFrame(
        {
            "year": years["year"].astype(str),
            "total": years["total"].astype(float),
            "grade": [grade_label(g, rulebook) for g in years["grade"]],
        }
    )
    frame["label"] = frame["grade"] + " · " + frame["total"].map(lambda v: f"{v:g}")
    x = alt.X("year:O", title=t("year"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("total:Q", title=t("total"), scale=alt.Scale(domain=[0, rulebook.total]))
    tooltip = [alt.Tooltip("year:O", title=t("year")), alt.Tooltip("total:Q", title=t("total")),
               alt.Tooltip("grade:N", title=t("grade"))]
    line = alt.Chart(frame).mark_line(color="#90a4ae").encode(x=x, y=y)
    points = alt.Chart(frame).mark_point(filled=True, size=140).encode(
        x=x, y=y, color=alt.Color("grade:N", scale=_grade_scale(rulebook), title=t("grade"),
                                # two per row: four English grades in one row run off a phone's screen
                                legend=alt.Legend(columns=2, labelLimit=200)),
        tooltip=tooltip
    )
    text = alt.Chart(frame).mark_text(dy=-14, fontSize=13, fontWeight="bold").encode(x=x, y=y, text="label:N")
    thresholds = pd.DataFrame({"min": [g.min for g in rulebook.grades if g.min > 0]})
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 4], color="#b0bec5").encode(y="min:Q")
    return _style((rules + line + points + text).properties(height=300))


def compare_totals_chart(years: pd.DataFrame, names: dict[str, str], rulebook: Rulebook) -> alt.Chart:
    """Totals by year of several agencies as bars side by side, each bar labelled with its grade.

    Bars, not lines: agencies with equal totals stay apart (lines and their labels lay on top of each other).
    """
    names = {code: text(name) for code, name in names.items()}  # legend and tooltips show names as is
    frame = pd.DataFrame(
        {
            "agency": years["credit_code"].map(names),
            "year": years["year"].astype(str),
            "total": years["total"].astype(float),
            "grade": [grade_label(g, rulebook) for g in years["grade"]],
            # On the bar only the letter (A/B/C) or 黑名单: full labels of side-by-side bars overlap on a phone.
            "mark": [short_grade_label(g, rulebook) for g in years["grade"]],
        }
    )
    order = list(dict.fromkeys(names[c] for c in names))
    x = alt.X("year:O", title=t("year"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("total:Q", title=t("total"), scale=alt.Scale(domain=[0, rulebook.total]))
    offset = alt.XOffset("agency:N", sort=order)
    # Distinct hues per agency plus the grade written on each bar: colour is never the only cue.
    legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=320)
    colour = alt.Color("agency:N", title=t("agency"), sort=order, scale=alt.Scale(scheme="tableau10"), legend=legend)
    tooltip = [alt.Tooltip("agency:N", title=t("agency")), alt.Tooltip("year:O", title=t("year")),
               alt.Tooltip("total:Q", title=t("total")), alt.Tooltip("grade:N", title=t("grade"))]
    base = alt.Chart(frame).encode(x=x, xOffset=offset, y=y)
    bars = base.mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(color=colour, tooltip=tooltip)
    labels = base.mark_text(dy=-7, fontSize=11, fontWeight="bold").encode(text="mark:N")
    thresholds = pd.DataFrame({"min": [g.min for g in rulebook.grades if g.min > 0]})
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 4], color="#b0bec5").encode(y="min:Q")
    return _style((bars + labels + rules).properties(height=320))


# Built once per agency (or agencies), catalog and language: altair spends ~0.1 s building a chart and another
# validating it on every rerun, which alone used the profile's whole 150 ms budget. The spec is a plain dict.
def profile_totals_spec(credit_code: str) -> dict[str, Any]:
    """totals_by_year_chart of an agency's published years, as a Vega-Lite spec for st.vega_lite_chart."""
    return _profile_totals_spec(credit_code, data.catalog_key(), current())


@st.cache_data(show_spinner=False, max_entries=256)
def _profile_totals_spec(credit_code: str, key: tuple[int, ...], lang: str) -> dict[str, Any]:
    return totals_by_year_chart(data.agency_profile(credit_code)["years"], data.rulebook()).to_dict()


def compare_totals_spec(codes: tuple[str, ...], names: dict[str, str]) -> dict[str, Any]:
    """compare_totals_chart of a few agencies, as a Vega-Lite spec for st.vega_lite_chart."""
    return _compare_totals_spec(codes, tuple(names.items()), data.catalog_key(), current())


@st.cache_data(show_spinner=False, max_entries=64)
def _compare_totals_spec(codes: tuple[str, ...], names: tuple[tuple[str, str], ...], key: tuple[int, ...],
                         lang: str) -> dict[str, Any]:
    return compare_totals_chart(data.compare(codes)["years"], dict(names), data.rulebook()).to_dict()
