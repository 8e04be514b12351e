"""How the service facts read on a page: the profile's card, compare's cards (they wrap at any width: no sideways
scroll on a phone) and the finder's table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.rulebook import Rulebook
from core.service_facts import practitioners_by_specialty
from dashboard import tables, ui
from dashboard.i18n import pick, t
from dashboard.labels import grade_label, kv, local_date, specialty_label, towns_text
from dashboard.plain import md


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


def delivered_text(delivered: Any, contracted: Any, contracts: Any = 1) -> str:
    """`已完成 14 / 合同约定 18` (core.service_facts.contract_facts), or — with no contract in the year."""
    if not contracts:
        return "—"
    return t("public.visits_delivered_value", delivered=int(delivered), contracted=int(contracted))


def facts_rows(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each fact of one agency, in reading order."""
    return [
        (t("public.fact_towns"), towns_text(row["towns"]) or t("public.none")),
        (t("public.fact_clients"), str(int(row["clients"]))),
        (t("public.fact_contracts"), str(int(row["contracts"]))),
        (t("public.fact_people"), _people(row)),
        (t("public.fact_on_time"), on_time_text(row["reports_on_time"], row["reports_due"])),
        (t("public.fact_visits_delivered"),
         delivered_text(row["visits_delivered"], row["visits_contracted"], row["contracts"])),
        (t("public.fact_visits_per_contract"), _per_contract(row)),
        (t("public.fact_last_filed"), local_date(row["last_filed"]) or t("public.none")),
    ]


def contract_lines(contracts: pd.DataFrame) -> list[str]:
    """One line a contract running in the facts year: its town, its part of the year, delivered of contracted."""
    return [t("public.contract_visits_line", town=town, start=local_date(start), end=local_date(end),
              delivered=int(delivered), contracted=int(contracted))
            for town, start, end, delivered, contracted in contracts[["town", "from", "to", "delivered", "contracted"]]
            .itertuples(index=False)]


def specialty_table(row: dict[str, Any]) -> pd.DataFrame:
    """The profile's practitioners by specialty: the same numbers as its facts line (practitioners_by_specialty)."""
    return pd.DataFrame([(specialty_label(s), n) for s, n in practitioners_by_specialty(row).items()],
                        columns=["specialty", "count"])


def card_markdown(rows: list[tuple[str, str]], contracts: list[str] | None = None) -> str:
    """The facts as one block of lines, `**label**：value` each, that wraps at any width (no table to scroll);
    the values are data shown as plain text; `contracts` (contract_lines) as a list under their own label."""
    lines = [kv(label, value) for label, value in rows]
    if contracts:
        lines.append(f"**{t('public.fact_contract_visits')}**" + "".join(f"\n- {md(line)}" for line in contracts))
    return "\n\n".join(lines)


# A card fits a 390 px phone (its content is about 358 px wide); two sit side by side on a 1280 px screen.
CARD_WIDTH = 320


def show_card(rows: list[tuple[str, str]], *, key: str, title: str | None = None,
              contracts: list[str] | None = None, width: int | str = CARD_WIDTH) -> None:
    """One agency's facts in a bordered card (`width`: CARD_WIDTH, or "stretch" for a card alone), headed by the
    agency's name `title` as a fact of its own (data: plain text, never inside bold markup)."""
    with st.container(border=True, width=width, key=key):
        st.markdown(card_markdown(([(t("common.agency"), title)] if title else []) + rows, contracts))


def compare_cards(facts: dict[str, Any], codes: list[str], names: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(agency heading, its fact rows) of each agency in `codes`; an agency that filed nothing says so."""
    by_code = facts["facts"].set_index("credit_code")
    cards = []
    for code in codes:
        if code in by_code.index:
            row = {**by_code.loc[code].to_dict(), "year": facts["year"], "as_of": facts["as_of"]}
            cards.append((names[code], facts_rows(row)))
        else:
            cards.append((names[code], [(t("public.facts_title"), t("public.facts_compare_none"))]))
    return cards


def finder_table(found: pd.DataFrame, rulebook: Rulebook) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The finder's rows for display, few columns so a phone shows them: name, grade, total, people of the
    specialty, reports on time, visits delivered of contracted, visits per contract, profile link."""
    # Name, grade, total and link first, in widths a phone shows side by side (tables.py); then the facts.
    out = pd.DataFrame(index=found.index)
    out["agency_name"] = found["agency_name"]
    # The grade alone fits its narrow column in either language; the year it was rated in has its own column.
    out["grade"] = [grade_label(g, rulebook) for g in found["grade"]]
    out["total"] = found["total"].astype("int64")
    out["profile"] = found["credit_code"].map(ui.profile_url)
    out["people_of_specialty"] = found["people_of_specialty"].astype("int64")
    out["on_time"] = [f"{round(100 * s)}%" if pd.notna(s) else t("public.none_due") for s in found["on_time_share"]]
    out["visits_delivered"] = [delivered_text(d, c) for d, c in zip(found["visits_delivered"], found["visits_contracted"],
                                                                     strict=True)]
    out["visits_per_contract"] = found["visits_per_contract"]
    out["year"] = found["year"].astype("int64")
    cc = st.column_config
    config = {
        "agency_name": cc.TextColumn(t("common.agency_name"), pinned=True, width=tables.NAME_WIDTH),
        "grade": cc.TextColumn(t("public.grade"), width=tables.GRADE_WIDTH),
        "total": cc.NumberColumn(t("common.total"), format="%d", width=tables.TOTAL_WIDTH),
        "profile": cc.LinkColumn(t("public.profile_link"), display_text=t("public.profile_link"), width=tables.LINK_WIDTH),
        "people_of_specialty": cc.NumberColumn(t("public.people_of_specialty"), format="%d", width="small",
                                               help=t("public.people_of_specialty")),
        "on_time": cc.TextColumn(t("public.fact_on_time")),
        "visits_delivered": cc.TextColumn(t("public.visits_delivered_column"), help=t("public.visits_delivered_help")),
        # Three short numbers in narrow columns: with the delivered/contracted column the table must still fit a
        # 1366 px desktop without a sideways scroll (tests/browser/test_field.py); the header's full text is its tooltip.
        "visits_per_contract": cc.NumberColumn(t("public.fact_visits_per_contract"), format="%.1f", width="small",
                                               help=t("public.fact_visits_per_contract")),
        "year": cc.NumberColumn(t("public.rated_year"), format="%d", width="small", help=t("public.rated_year")),
    }
    return out, config


EFFECT_ROWS = (("inspections", "public.effect_inspections"), ("checks_passed", "public.effect_passed"),
               ("checks_failed", "public.effect_failed"), ("hazards_unseen", "public.effect_unseen"))


def effect_rows(counts: pd.DataFrame, code: str) -> list[tuple[str, str]] | None:
    """One agency's 服务成效 counts as card rows (label, number), or None when no inspection counted it."""
    found = counts[counts["credit_code"] == code]
    if found.empty:
        return None
    row = found.iloc[0]
    return [(t(key), str(int(row[column]))) for column, key in EFFECT_ROWS]
