"""What every page of the site gets once: the page's language for browsers and screen readers, and CSS fixes of
Streamlit's defaults that WCAG 2.1 AA and small screens need (caption contrast, room for a table's toolbar), and
the phone menu closing after a tap."""

from __future__ import annotations

import streamlit as st

# BCP 47 tag of each site language (<html lang>): screen readers pick their voice from it, and browsers their
# Chinese or English fonts, hyphenation and translation offer. Streamlit itself always says "en".
HTML_LANG = {"zh": "zh-CN", "en": "en"}

# - Captions: Streamlit's grey (its text colour at opacity 0.6: #828180 on white) is 3.88:1; WCAG 2.1 AA (1.4.3)
#   asks 4.5:1 for normal text. #5f5e5c at full opacity is 6.5:1 on white and 5.9:1 on the sidebar's grey.
# - A Markdown table (the open-data page serves docs/open-data.md) scrolls inside its own box on a phone, never the page.
# - Tables: Streamlit shows a table's toolbar (search, download, full screen; 44 px tall) right above its top right
#   corner, on hover or a tap, over whatever line is above: a heading, or the points of a bucket on the rules page.
#   32 px of margin and the 16 px gap between elements give the toolbar its own room.
CSS = """
[data-testid="stCaptionContainer"] { color: #5f5e5c; opacity: 1; }
[data-testid="stCaptionContainer"] p { color: #5f5e5c; }
[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]) {
  margin-top: 2rem;
}
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
"""

# The phone menu: below Streamlit's `md` breakpoint (768 px) the sidebar lies over the page, and Streamlit 1.67 closes
# it after a menu tap only when the browser's user agent says "mobile" (not in a narrow window, a tablet or a phone's
# desktop mode), so the new page opened under a menu still in the way. After a tap on a link in the sidebar at that
# width, the sidebar is closed with its own collapse button, as if the visitor had closed it; when Streamlit has
# already closed it (data-collapsed), nothing is done. Wider screens keep the sidebar: the width is read at the tap.
CLOSE_MENU_ON_TAP = """
if (!window.cbCloseMenuOnTap) {
  window.cbCloseMenuOnTap = true;
  document.addEventListener('click', (event) => {
    if (window.innerWidth >= 768 || !event.target.closest("[data-testid='stSidebar'] a[href]")) return;
    setTimeout(() => {
      const bar = document.querySelector("[data-testid='stSidebar']");
      if (bar && bar.dataset.collapsed === 'false') {
        document.querySelector("[data-testid='stSidebarCollapseButton'] button")?.click();
      }
    }, 0);
  });
}
"""


def apply(lang: str) -> None:
    """Put the page language on <html> and the CSS on the page (call once per run, before the page)."""
    tag = HTML_LANG.get(lang, "zh-CN")
    # The one script of the site: constants but for a tag of HTML_LANG, nothing from the visitor or the data.
    st.html(f"<style>{CSS}</style><script>document.documentElement.lang = {tag!r};{CLOSE_MENU_ON_TAP}</script>",
            unsafe_allow_javascript=True)
