"""How the service facts read on a page: the profile's fact list, the compare rows and the finder's table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from core.service_facts import SPECIALTY_COLUMNS, practitioners_by_specialty
from dashboard import tables, ui
from dashboard.i18n import pick, t
from dashboard.labels import grade_label, local_date, specialty_label, towns_text


def _people(row: dict[str, Any]) -> str:
    parts = pick("，", ", ").join(
        t("public.people_part", specialty=specialty_label(s), n=n) for s, n in practitioners_by_specialty(row).items())
    return t("public.people_value", parts=parts, n=int(row["people"]))


def on_time_text(on_time: Any, due: Any) -> str:
    """`83%（10/12个月）`, or that no report was due yet."""
    if not due:
        return t("public.none_due")
    return t("public.on_time_value", pct=round(100 * int(on_time) / int(due)), on=int(on_time), due=int(due))


def _per_contract(row: dict[str, Any]) -> str:
    if not row["contracts"]:
        return "—"
    return t("public.visits_value", per=f"{row['visits_per_contract']:.1f}", visits=int(row["visits"]),
             contracts=int(row["contracts"]))


def facts_caption(row: dict[str, Any]) -> str:
    """Whose numbers these are and as of when: the agency's own filings, not the rating."""
    return t("public.facts_caption", year=row["year"], as_of=local_date(row["as_of"]),
             last=local_date(row["last_filed"]) or t("public.none"))


def facts_rows(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each fact of one agency, in reading order."""
    return [
        (t("public.fact_towns"), towns_text(row["towns"]) or t("public.none")),
        (t("public.fact_clients"), str(int(row["clients"]))),
        (t("public.fact_contracts"), str(int(row["contracts"]))),
        (t("public.fact_people"), _people(row)),
        (t("public.fact_on_time"), on_time_text(row["reports_on_time"], row["reports_due"])),
        (t("public.fact_visits_per_contract"), _per_contract(row)),
        (t("public.fact_last_filed"), local_date(row["last_filed"]) or t("public.none")),
    ]


def profile_table(row: dict[str, Any]) -> pd.DataFrame:
    """The profile's facts: two columns, a row per fact (reads on a phone)."""
    return pd.DataFrame(facts_rows(row), columns=[t("public.fact"), t("public.fact_value")])


def specialty_table(row: dict[str, Any]) -> pd.DataFrame:
    """The profile's practitioners by specialty: the same numbers as its facts line (practitioners_by_specialty)."""
    return pd.DataFrame([(specialty_label(s), n) for s, n in practitioners_by_specialty(row).items()],
                        columns=["specialty", "count"])


def compare_table(facts: dict[str, Any], codes: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Rows: facts; columns: agencies (an agency that filed nothing says so)."""
    by_code = facts["facts"].set_index("credit_code")
    labels = [label for label, _ in facts_rows(_blank_row())]
    columns: dict[str, list[str]] = {t("public.fact"): labels}
    for code in codes:
        if code in by_code.index:
            row = {**by_code.loc[code].to_dict(), "year": facts["year"], "as_of": facts["as_of"]}
            columns[names[code]] = [value for _, value in facts_rows(row)]
        else:
            columns[names[code]] = [t("public.facts_compare_none")] * len(labels)
    return pd.DataFrame(columns)


def _blank_row() -> dict[str, Any]:
    return {"towns": "", "clients": 0, "contracts": 0, **dict.fromkeys(SPECIALTY_COLUMNS.values(), 0), "people": 0,
            "reports_on_time": 0, "reports_due": 0, "visits": 0, "visits_per_contract": 0.0, "last_filed": None}


def finder_table(found: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The finder's rows for display, few columns so a phone shows them: name, grade, total, people of the
    specialty, reports on time, visits per contract, profile link."""
    # Name, grade, total and link first, in widths a phone shows side by side (tables.py); then the facts.
    out = pd.DataFrame(index=found.index)
    out["agency_name"] = found["agency_name"]
    # The grade alone fits its narrow column in either language; the year it was rated in has its own column.
    out["grade"] = [grade_label(g, rulebook) for g in found["grade"]]
    out["total"] = found["total"].astype("int64")
    out["profile"] = found["credit_code"].map(ui.profile_url)
    out["people_of_specialty"] = found["people_of_specialty"].astype("int64")
    out["on_time"] = [f"{round(100 * s)}%" if pd.notna(s) else t("public.none_due") for s in found["on_time_share"]]
    out["visits_per_contract"] = found["visits_per_contract"]
    out["year"] = found["year"].astype("int64")
    cc = st.column_config
    config = {
        "agency_name": cc.TextColumn(t("common.agency_name"), pinned=True, width=tables.NAME_WIDTH),
        "grade": cc.TextColumn(t("public.grade"), width=tables.GRADE_WIDTH),
        "total": cc.NumberColumn(t("common.total"), format="%d", width=tables.TOTAL_WIDTH),
        "profile": cc.LinkColumn(t("public.profile_link"), display_text=t("public.profile_link"), width=tables.LINK_WIDTH),
        "people_of_specialty": cc.NumberColumn(t("public.people_of_specialty"), format="%d"),
        "on_time": cc.TextColumn(t("public.fact_on_time")),
        "visits_per_contract": cc.NumberColumn(t("public.fact_visits_per_contract"), format="%.1f"),
        "year": cc.NumberColumn(t("public.rated_year"), format="%d"),
    }
    return out, config
