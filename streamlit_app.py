"""Entry point of the Streamlit site: page config, who is signed in, navigation."""

import streamlit as st

st.set_page_config(page_title="江阴市安全生产技术服务机构诚信等级", page_icon="🛡️", layout="wide")
st.title("江阴市安全生产技术服务机构诚信等级评定")
st.info("公示页面建设中 / The public site is being built.")
