"""The 拒不整改报告 form and the words of a report's state, shared by the agency portal and the staff page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core import china_time
from dashboard import data, plain
from dashboard.i18n import current, t
from dashboard.staff import widgets
from db.agency.documents import MAX_DOCUMENT_BYTES, checked_report_scan
from db.store.text import TEXT_LIMIT
from db.supervision.hazard_reports import ReportForm, ReportScan

TO_TOWN, TO_BUREAU = "town", "bureau"


def report_form(prefix: str) -> tuple[ReportForm, Any]:
    """The report's fields inside the caller's st.form (keys `prefix_*`): the form and the uploaded scan (or None).

    The enterprise's town is picked from the town list; the addressee is that town, or the bureau with a reason.
    """
    today = china_time.today()
    left, right = st.columns(2)
    code = left.text_input(t("common.hr_enterprise_code"), max_chars=30, key=f"{prefix}_enterprise_code")
    name = right.text_input(t("common.hr_enterprise_name"), max_chars=200, key=f"{prefix}_enterprise_name")
    town = left.selectbox(t("common.hr_town"), data.town_names(), index=None, placeholder=t("common.choose"),
                          format_func=plain.text, key=f"{prefix}_town")
    found_on = right.date_input(t("common.hr_found_on"), value=None, max_value=today, key=f"{prefix}_found_on")
    hazard = st.text_area(t("common.hr_hazard"), max_chars=TEXT_LIMIT, key=f"{prefix}_hazard")
    major = st.checkbox(t("common.hr_major"), key=f"{prefix}_major")
    left, middle, right = st.columns(3)
    advice_on = left.date_input(t("common.hr_advice_on"), value=None, max_value=today, key=f"{prefix}_advice_on")
    advice_no = middle.text_input(t("common.hr_advice_no"), max_chars=64, key=f"{prefix}_advice_no")
    rectify_by = right.date_input(t("common.hr_rectify_by"), value=None, key=f"{prefix}_rectify_by")
    response = st.text_area(t("common.hr_response"), max_chars=TEXT_LIMIT, key=f"{prefix}_response")
    # Keyed by the language: inside a form, re-sending a kept value (widgets.keep) would undo a pick made while
    # the page reruns; a new widget per language never shows the other language's label instead.
    to = st.radio(t("common.hr_addressee"), (TO_TOWN, TO_BUREAU), horizontal=True,
                  key=f"{prefix}_addressee_{current()}",
                  format_func=widgets.labels_of({k: t(f"common.hr_to_{k}") for k in (TO_TOWN, TO_BUREAU)}))
    reason = st.text_area(t("common.hr_bureau_reason"), max_chars=TEXT_LIMIT, key=f"{prefix}_bureau_reason")
    scan = st.file_uploader(t("common.hr_scan", mb=MAX_DOCUMENT_BYTES // (1024 * 1024)),
                            type=["pdf", "jpg", "jpeg", "png"], key=f"{prefix}_scan")
    form = ReportForm(enterprise_code=code, enterprise_name=name, town=town or "", hazard=hazard, found_on=found_on,
                      major=major, advice_on=advice_on, advice_no=advice_no, rectify_by=rectify_by,
                      response=response, addressee=TO_BUREAU if to == TO_BUREAU else (town or ""),
                      bureau_reason=reason if to == TO_BUREAU else "")
    return form, scan


def checked_scan(upload: Any) -> ReportScan | None:
    """The uploaded scan checked as every filed scan (DocumentError otherwise), or None when none was given."""
    return None if upload is None else checked_report_scan(file_name=upload.name, content=upload.getvalue())


def addressee_label(addressee: str) -> str:
    """The addressee as people read it: the bureau's name, or the town's."""
    return t("common.bureau") if addressee == TO_BUREAU else addressee


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A report table with its state, outcome, addressee and major flag in the visitor's language."""
    out = frame.copy()
    if "status" in out:
        out["status"] = out["status"].map(lambda s: t(f"common.hr_status_{s}"))
    if "outcome" in out:
        out["outcome"] = out["outcome"].map(lambda o: t(f"common.hr_outcome_{o}") if o else "")
    if "addressee" in out:
        out["addressee"] = out["addressee"].map(addressee_label)
    if "major" in out:
        out["major"] = out["major"].map(lambda m: t("common.hr_major_yes") if m else t("common.hr_major_no"))
    return out
