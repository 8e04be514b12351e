"""执业人员: the agency's practitioners (ID numbers as ****1234), a joining or a leaving filed with its dated change."""

import streamlit as st

from core import china_time
from core.errors import CreditBoardError
from core.service_records import SPECIALTIES
from dashboard import data, plain
from dashboard.agency import session, widgets
from dashboard.i18n import t
from dashboard.labels import specialty_label
from dashboard.staff import queue
from db.agency import filings, overview

user = session.require()
acting = session.actor(user)  # the services re-read this account
engine = data.engine()
today = china_time.today()
st.title(t("common.kind_practitioners"))
st.caption(t("agency.only_yours"))

try:
    with st.form("join_form"):
        st.markdown(f"**{t('agency.join')}**")
        left, right = st.columns(2)
        name = left.text_input(t("agency.name"), max_chars=64, key="join_name")
        number = right.text_input(t("agency.id_number"), max_chars=18, key="join_id", type="password")
        specialty = left.selectbox(t("common.specialty"), SPECIALTIES, key="join_specialty",
                                   format_func={s: specialty_label(s) for s in SPECIALTIES}.__getitem__)
        certificate = right.text_input(t("agency.certificate"), max_chars=64, key="join_certificate")
        joined_on = left.date_input(t("agency.joined_on"), value=today, max_value=today, key="join_on")
        st.caption(t("agency.id_note"))
        if st.form_submit_button(t("agency.file"), type="primary"):
            filings.join_practitioner(engine=engine, user=acting, name=name, id_number=number, specialty=specialty,
                                      certificate=certificate, joined_on=joined_on)
            st.success(t("agency.change_filed"))
except CreditBoardError as exc:
    widgets.show_refusal(exc)

people = overview.own_practitioners(engine=engine, user=acting)
st.subheader(t("agency.practitioners_now"))
if people.empty:
    st.info(t("agency.no_practitioners"))
else:
    people = people.assign(specialty=people["specialty"].map(specialty_label))  # data, but one of a known few
    widgets.table(people, ("name", "id_number", "specialty", "certificate", "joined_on", "left_on"),
                  dates=("joined_on", "left_on"))

working = people[people["left_on"].isna()]
if not working.empty:
    labels = {int(r.id): f"{plain.text(r.name)}（{r.id_number}）" for r in working.itertuples()}
    try:
        with st.form("leave_form"):
            st.markdown(f"**{t('agency.leave')}**")
            who = st.selectbox(t("agency.who_leaves"), list(labels), index=None, placeholder=t("common.choose"),
                               format_func=lambda i: labels.get(i, str(i)), key="leave_who")
            left_on = st.date_input(t("agency.left_on"), value=today, max_value=today, key="leave_on")
            if st.form_submit_button(t("agency.file")):
                if who is None:
                    st.warning(t("common.choose"))
                else:
                    filings.leave_practitioner(engine=engine, user=acting, practitioner_id=who, left_on=left_on)
                    queue.records_changed()  # the staff queue's watch, in the background
                    st.success(t("agency.change_filed"))
    except CreditBoardError as exc:
        widgets.show_refusal(exc)
