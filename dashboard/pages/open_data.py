"""数据下载 Open data: the latest year's current files with their digest and signature first; on request other years
and earlier versions, the field descriptions and verification steps, the keys, the checksums and the blacklist
listings in the credit platforms' fields."""

from typing import Any

import streamlit as st

from core.china_time import today
from dashboard import data, open_data_doc, plain, ui
from dashboard.i18n import current, t
from dashboard.labels import kv, local_date, paren

CSV, XLSX, JSON = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json"
FORMATS = {"csv": CSV, "xlsx": XLSX, "charges.csv": CSV, "changes.csv": CSV, "keys.csv": CSV, "json": JSON}  # db.documents.export.WRITERS


def version_files(year: int, pub: Any, current_version: bool) -> None:
    """One version's box (a row of data.publications()): its date, reason, digest, signer and a button per format."""
    status = t("public.current_version") if current_version else t("public.superseded_version")
    with st.container(border=True):
        st.markdown(f"**{t('public.version_value', version=pub.version)}**{paren(status)}　"
                    + kv(t("public.published_at"), local_date(pub.published_at)))
        if pub.reason:
            st.markdown(kv(t("public.reason"), pub.reason))
        st.markdown(f"**{t('public.digest')}**")
        st.code(pub.digest, language=None, wrap_lines=True)
        st.markdown(kv(t("public.signed_by"), pub.key_id) if pub.key_id else plain.md(t("public.unsigned")))
        cols = st.columns(3)
        for n, (fmt, mime) in enumerate(FORMATS.items()):
            name = f"jiangyin-credit-{year}-v{pub.version}.{fmt}"
            # The static edition's file when this app serves it: a link that outlives this session (a download
            # button's URL dies with it); else the file made for this session.
            if url := data.edition_url(f"files/{name}"):
                cols[n % 3].link_button(t(f"public.format_{fmt}"), url, icon=":material/download:")
                continue
            cols[n % 3].download_button(
                t(f"public.format_{fmt}"),
                data=lambda y=year, v=pub.version, f=fmt: data.export(int(y), int(v), f),
                file_name=name, mime=mime, on_click="ignore", key=f"dl-{year}-{pub.version}-{fmt}",
                icon=":material/download:",
            )


ui.header("public.open_data_title")
pubs = data.publications()
if pubs.empty:
    st.info(t("public.no_publication"))
    st.stop()
ui.demo_notice(bool(pubs["demo"].any()))
st.markdown(t("public.open_data_intro"))
st.markdown(t("public.verify_hint"))
ui.page_link("check_file", t("public.page_check_file"), icon=":material/verified:")
if edition := data.edition_url(f"{current()}/index.html"):
    st.markdown(t("public.edition_intro"))
    st.link_button(t("public.edition_link"), edition, icon=":material/public:")

# The latest year's current files are the page's answer; other years and earlier versions, the documentation, the
# keys, the checksums and the listings are drawn only when chosen (all of them on every visit took the browser twice
# a bare page's time).
years = data.published_years()
by_year = {year: list(pubs[pubs["year"] == year].sort_values("version", ascending=False).itertuples())
           for year in years}
st.subheader(t("public.year_value", year=years[0]))
version_files(years[0], by_year[years[0]][0], True)

shown = ui.more("open_data", {"earlier": "public.earlier_versions", "fields": "public.open_data_fields",
                              "steps": "public.open_data_steps", "keys": "public.keys_title",
                              "checksums": "public.checksums_title", "listings": "public.listings_export"})
if shown == "earlier":
    if len(years) == 1 and len(by_year[years[0]]) == 1:
        st.caption(t("public.no_earlier_versions"))
    for year in years:
        others = by_year[year][1:] if year == years[0] else by_year[year]
        if others:
            st.subheader(t("public.year_value", year=year))
        for pub in others:
            version_files(year, pub, pub.version == by_year[year][0].version)
elif shown in ("fields", "steps"):
    # The field descriptions and the verification steps, served here from docs/open-data.md itself (Markdown, no HTML).
    st.subheader(t(f"public.open_data_{shown}"))
    parts = open_data_doc.part((open_data_doc.FIELDS if shown == "fields" else open_data_doc.STEPS)[current()])
    with st.container(key=f"open_data_{shown}"):
        for heading, body in parts:
            # The document's headings are bold lines: the page's outline is its own headings.
            if len(parts) > 1:
                st.markdown(f"**{heading}**")
            st.markdown(open_data_doc.without_headings(body))
elif shown == "keys":
    st.subheader(t("public.keys_title"))
    keys = data.signing_keys()
    st.markdown(t("public.keys_intro"))
    for key in keys.itertuples():
        st.markdown(kv("key id", key.key_id) + (paren(t("public.demo_key")) if key.demo else ""))
        st.code(key.public_key, language=None, wrap_lines=True)  # no sideways scroll a keyboard cannot reach
    if not keys.empty and (url := data.edition_url("files/jiangyin-credit-public-keys.pem")):
        st.link_button(t("public.download_keys"), url, icon=":material/key:")
    elif not keys.empty:
        st.download_button(t("public.download_keys"), data="".join(keys["public_key"]).encode("ascii"),
                           file_name="jiangyin-credit-public-keys.pem", mime="application/x-pem-file", on_click="ignore",
                           icon=":material/key:")
elif shown == "checksums":
    st.subheader(t("public.checksums_title"))
    st.markdown(t("public.checksums_intro"))
    if url := data.edition_url("files/SHA256SUMS"):
        st.link_button(t("public.download_checksums"), url, icon=":material/checklist:")
    else:
        st.download_button(t("public.download_checksums"), data=lambda: data.checksum_file(), file_name="SHA256SUMS",
                           mime="text/plain", on_click="ignore", icon=":material/checklist:")
elif shown == "listings":
    # The listings for credit platforms (the city credit department, the safety committee): docs/listings.md.
    st.subheader(t("public.listings_export"))
    st.markdown(t("public.listings_export_intro"))
    day = today()
    cols = st.columns(2)
    for col, fmt in zip(cols, ("csv", "xlsx"), strict=True):
        col.download_button(
            t("public.download", fmt=fmt.upper()), data=lambda f=fmt: data.listings_export(f, day),
            file_name=f"jiangyin-blacklist-listings-{day.isoformat()}.{fmt}", mime=FORMATS[fmt], on_click="ignore",
            key=f"dl-listings-{fmt}", icon=":material/download:",
        )
