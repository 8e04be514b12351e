"""What every page of the site gets once: the page's language for browsers and screen readers, and CSS fixes of
Streamlit's defaults that WCAG 2.1 AA and small screens need (caption contrast, room for a table's toolbar)."""

from __future__ import annotations

import streamlit as st

# BCP 47 tag of each site language (<html lang>): screen readers pick their voice from it, and browsers their
# Chinese or English fonts, hyphenation and translation offer. Streamlit itself always says "en".
HTML_LANG = {"zh": "zh-CN", "en": "en"}

# - Captions: Streamlit's grey (its text colour at opacity 0.6: #828180 on white) is 3.88:1; WCAG 2.1 AA (1.4.3)
#   asks 4.5:1 for normal text. #5f5e5c at full opacity is 6.5:1 on white and 5.9:1 on the sidebar's grey.
# - Tables: Streamlit shows a table's toolbar (search, download, full screen; 44 px tall) right above its top right
#   corner, on hover or a tap, over whatever line is above: a heading, or the points of a bucket on the rules page.
#   32 px of margin and the 16 px gap between elements give the toolbar its own room.
CSS = """
[data-testid="stCaptionContainer"] { color: #5f5e5c; opacity: 1; }
[data-testid="stCaptionContainer"] p { color: #5f5e5c; }
[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]) {
  margin-top: 2rem;
}
"""


def apply(lang: str) -> None:
    """Put the page language on <html> and the CSS on the page (call once per run, before the page)."""
    tag = HTML_LANG.get(lang, "zh-CN")
    # The one script of the site: a constant but for a tag of HTML_LANG, nothing from the visitor or the data.
    st.html(f"<style>{CSS}</style><script>document.documentElement.lang = {tag!r};</script>",
            unsafe_allow_javascript=True)
