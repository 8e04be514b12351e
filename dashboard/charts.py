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
PROFILE_CHART_HEIGHT = 280  # the plot's own height (see _style)
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _grade_scale(rulebook: Rulebook) -> alt.Scale:
    labels, colours = [], []
    plain = iter(GRADE_COLOURS)
    for g in rulebook.grades:
        labels.append(grade_label(g.key, rulebook))
        colours.append(BLACKLIST_COLOUR if g.blacklist else next(plain, "#757575"))
    return alt.Scale(domain=labels, range=colours)


def _style(chart: alt.Chart) -> alt.Chart:
    # fit-x: the chart's height is its plot's. Streamlit's default ("fit" of the whole chart into the height)
    # squeezed 0–100 into about 100 px once the axis titles and the legend had taken their share.
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
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
        x=alt.X("grade:N", sort=order, title=t("public.grade"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=t("public.count"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("grade:N", title=t("public.grade")), alt.Tooltip("count:Q", title=t("public.count"))],
    )
    bars = base.mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        color=alt.Color("grade:N", scale=_grade_scale(rulebook), legend=None)
    )
    text = base.mark_text(dy=-8, fontSize=14, fontWeight="bold").encode(text="count:Q")
    return _style((bars + text).properties(height=280))


def _threshold_axis(rulebook: Rulebook) -> tuple[list[float], str]:
    """Ticks at 0, each grade's lowest total and the maximum, the thresholds named (`A ≥90`), for a totals axis."""
    thresholds = {g.min: short_grade_label(g.key, rulebook) for g in rulebook.grades if g.min > 0}
    ticks = sorted({0.0, float(rulebook.total), *(float(m) for m in thresholds)})
    expression = "datum.label"
    for minimum, grade in thresholds.items():  # grade labels come from the rulebook, never from uploaded data
        label = t("public.threshold", grade=grade, min=f"{minimum:g}").replace("'", "’")
        expression = f"datum.value == {minimum:g} ? '{label}' : ({expression})"
    return ticks, expression


def _threshold_rules(rulebook: Rulebook, channel: str) -> alt.Chart:
    """The grade thresholds as dashed rules (named on the axis by _threshold_axis)."""
    thresholds = pd.DataFrame({"min": [g.min for g in rulebook.grades if g.min > 0]})
    # #78909c: 3.3:1 on white, the 3:1 WCAG 2.1 (1.4.11) asks of a line that carries meaning.
    return alt.Chart(thresholds).mark_rule(strokeDash=[4, 4], color="#78909c").encode(**{channel: "min:Q"})


def totals_by_year_chart(years: pd.DataFrame, rulebook: Rulebook) -> alt.Chart:
    """One agency's total by year as points, each labelled with its grade and total; the thresholds named.

    No line between the points: on a phone's narrow chart it ran through the labels. The scale goes past the
    maximum so that a label over a full score stays inside the chart; the axis names the grade thresholds.
    """
    frame = pd.DataFrame(
        {
            "year": years["year"].astype(str),
            "total": years["total"].astype(float),
            "grade": [grade_label(g, rulebook) for g in years["grade"]],
        }
    )
    frame["points"] = frame["total"].map(lambda v: f"{v:g}")
    ticks, names = _threshold_axis(rulebook)
    x = alt.X("year:O", title=t("common.year"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("total:Q", title=t("common.total"), scale=alt.Scale(domain=[0, rulebook.total * 1.25], nice=False),
              axis=alt.Axis(values=ticks, labelExpr=names, grid=False))
    tooltip = [alt.Tooltip("year:O", title=t("common.year")), alt.Tooltip("total:Q", title=t("common.total")),
               alt.Tooltip("grade:N", title=t("public.grade"))]
    points = alt.Chart(frame).mark_point(filled=True, size=140, opacity=1).encode(
        x=x, y=y, color=alt.Color("grade:N", scale=_grade_scale(rulebook), legend=None), tooltip=tooltip
    )
    # Two short lines (grade over total) instead of one long one: neighbouring years' labels keep apart on a phone.
    grade = alt.Chart(frame).mark_text(dy=-30, fontSize=13, fontWeight="bold").encode(x=x, y=y, text="grade:N")
    total = alt.Chart(frame).mark_text(dy=-14, fontSize=13).encode(x=x, y=y, text="points:N")
    return _style((_threshold_rules(rulebook, "y") + points + grade + total).properties(height=PROFILE_CHART_HEIGHT))

# Agencies' bar colours: dark enough for white text (≥4.5:1), and never the blacklist's red or a grade's colour.
AGENCY_COLOURS = ("#1f4e79", "#6a3d9a", "#7a4a12", "#37474f")


def compare_totals_chart(years: pd.DataFrame, names: dict[str, str], rulebook: Rulebook) -> alt.Chart:
    """Totals by year of several agencies as horizontal bars, one row per agency within each year, each bar
    labelled with its grade and total.

    Bars, not lines: agencies with equal totals stay apart. Horizontal: each label has its bar's whole row, so
    labels of neighbouring bars never run into each other ("A黑名单") however narrow the screen.
    """
    names = {code: text(name) for code, name in names.items()}  # legend and tooltips show names as is
    frame = pd.DataFrame(
        {
            "agency": years["credit_code"].map(names),
            "year": years["year"].astype(str),
            "total": years["total"].astype(float),
            "grade": [grade_label(g, rulebook) for g in years["grade"]],
        }
    )
    frame["mark"] = [f"{short_grade_label(g, rulebook)} · {v:g}" for g, v in
                     zip(years["grade"], frame["total"], strict=True)]
    order = list(dict.fromkeys(names[c] for c in names))
    ticks, threshold_names = _threshold_axis(rulebook)
    y = alt.Y("year:O", title=t("common.year"), sort="descending")
    x = alt.X("total:Q", title=t("common.total"), scale=alt.Scale(domain=[0, rulebook.total], nice=False),
              # slanted: 60, 80 and 90 lie ~30 px apart on a phone, too close for level labels
              axis=alt.Axis(values=ticks, labelExpr=threshold_names, grid=False, labelAngle=-40, labelOverlap=False))
    offset = alt.YOffset("agency:N", sort=order)
    # Colour tells the agencies apart; the grade is written on each bar, so colour is never the only cue.
    legend = alt.Legend(orient="bottom", direction="vertical", labelLimit=320)
    colour = alt.Color("agency:N", title=t("common.agency"), sort=order,
                       scale=alt.Scale(domain=order, range=list(AGENCY_COLOURS)), legend=legend)
    tooltip = [alt.Tooltip("agency:N", title=t("common.agency")), alt.Tooltip("year:O", title=t("common.year")),
               alt.Tooltip("total:Q", title=t("common.total")), alt.Tooltip("grade:N", title=t("public.grade"))]
    base = alt.Chart(frame).encode(y=y, yOffset=offset, x=x)
    bars = base.mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2).encode(color=colour, tooltip=tooltip)
    # Inside the bar's end in white, or after a short bar in the text colour.
    inside = base.transform_filter(alt.datum.total >= rulebook.total * 0.4).mark_text(
        align="right", dx=-6, fontSize=12, fontWeight="bold", color="white").encode(text="mark:N")
    outside = base.transform_filter(alt.datum.total < rulebook.total * 0.4).mark_text(
        align="left", dx=6, fontSize=12, fontWeight="bold", color="#31333f").encode(text="mark:N")
    rows = max(1, frame["year"].nunique()) * max(1, len(order))
    return _style((bars + _threshold_rules(rulebook, "x") + inside + outside).properties(height=24 * rows + 24))


# Built once per agency (or agencies), catalog and language: altair spends ~0.1 s building a chart and another
# validating it on every rerun, which alone used the profile's whole 150 ms budget. The spec is a plain dict.
def grade_counts_spec(publication_id: int, rulebook_name: str | None) -> dict[str, Any]:
    """grade_counts_chart of a publication, as a Vega-Lite spec for st.vega_lite_chart (the overview's chart)."""
    return _grade_counts_spec(publication_id, rulebook_name, current())


@st.cache_data(show_spinner=False, max_entries=64)
def _grade_counts_spec(publication_id: int, rulebook_name: str | None, lang: str) -> dict[str, Any]:
    return grade_counts_chart(data.grade_counts(publication_id), data.rulebook(rulebook_name)).to_dict()


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
