"""数据下载 Open data: every file of every published version, its digest and signature, the keys and the checksums;
the blacklist listings in the credit platforms' fields."""

import streamlit as st

from core.china_time import today
from dashboard import data, open_data_doc, plain, ui
from dashboard.i18n import current, t
from dashboard.labels import kv, local_date, paren

CSV, XLSX, JSON = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json"
FORMATS = {"csv": CSV, "xlsx": XLSX, "charges.csv": CSV, "changes.csv": CSV, "keys.csv": CSV, "json": JSON}  # db.documents.export.WRITERS

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
# The field descriptions and the verification steps, served here from docs/open-data.md itself (Markdown, no HTML).
for title, headings in (("fields", open_data_doc.FIELDS), ("steps", open_data_doc.STEPS)):
    with st.container(key=f"open_data_{title}"), st.expander(t(f"public.open_data_{title}")):
        shown = open_data_doc.part(headings[current()])
        for heading, body in shown:
            # Inside an expander the document's headings are bold lines: a heading there would sit under the
            # expander's own icon and header when scrolled to (and the page's outline is its own headings).
            if len(shown) > 1:
                st.markdown(f"**{heading}**")
            st.markdown(open_data_doc.without_headings(body))

for year in data.published_years():
    st.subheader(t("public.year_value", year=year))
    versions = pubs[pubs["year"] == year].sort_values("version", ascending=False)
    for i, pub in enumerate(versions.itertuples()):
        status = t("public.current_version") if i == 0 else t("public.superseded_version")
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

st.subheader(t("public.checksums_title"))
st.markdown(t("public.checksums_intro"))
if url := data.edition_url("files/SHA256SUMS"):
    st.link_button(t("public.download_checksums"), url, icon=":material/checklist:")
else:
    st.download_button(t("public.download_checksums"), data=lambda: data.checksum_file(), file_name="SHA256SUMS",
                       mime="text/plain", on_click="ignore", icon=":material/checklist:")

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
