"""数据下载 Open data: every published version as CSV, XLSX and JSON, with its digest and how to check a file; the
blacklist listings in the credit platforms' fields."""

import streamlit as st

from core.china_time import today
from dashboard import data, ui
from dashboard.i18n import t
from dashboard.labels import kv, local_date, paren

FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "json": "application/json"}

ui.header("open_data_title")
pubs = data.publications()
if pubs.empty:
    st.info(t("no_publication"))
    st.stop()
ui.demo_notice(bool(pubs["demo"].any()))
st.markdown(t("open_data_intro"))
st.markdown(t("verify_hint"))

for year in data.published_years():
    st.subheader(t("year_value", year=year))
    versions = pubs[pubs["year"] == year].sort_values("version", ascending=False)
    for i, pub in enumerate(versions.itertuples()):
        status = t("current_version") if i == 0 else t("superseded_version")
        with st.container(border=True):
            st.markdown(f"**{t('version_value', version=pub.version)}**{paren(status)}　"
                        + kv(t("published_at"), local_date(pub.published_at)))
            if pub.reason:
                st.markdown(kv(t("reason"), pub.reason))
            st.markdown(f"**{t('digest')}**")
            st.code(pub.digest, language=None, wrap_lines=True)
            cols = st.columns(len(FORMATS))
            for col, (fmt, mime) in zip(cols, FORMATS.items(), strict=True):
                col.download_button(
                    t("download", fmt=fmt.upper()),
                    data=lambda y=year, v=pub.version, f=fmt: data.export(int(y), int(v), f),
                    file_name=f"jiangyin-credit-{year}-v{pub.version}.{fmt}",
                    mime=mime, on_click="ignore", key=f"dl-{year}-{pub.version}-{fmt}", icon=":material/download:",
                )

# The listings for credit platforms (the city credit department, the safety committee): docs/listings.md.
st.subheader(t("listings_export"))
st.markdown(t("listings_export_intro"))
day = today()
cols = st.columns(2)
for col, fmt in zip(cols, ("csv", "xlsx"), strict=True):
    col.download_button(
        t("download", fmt=fmt.upper()), data=lambda f=fmt: data.listings_export(f, day),
        file_name=f"jiangyin-blacklist-listings-{day.isoformat()}.{fmt}", mime=FORMATS[fmt], on_click="ignore",
        key=f"dl-listings-{fmt}", icon=":material/download:",
    )
