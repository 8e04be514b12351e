"""Every public page renders on a published database, in Chinese and in English, with no exception."""

from __future__ import annotations

import pytest

from dashboard.i18n import LABELS
from dashboard.ui import PAGES

AGENCY = "91320281MA1X00002B"
OTHER = "91320281MA1X00003C"


def open_page(app, page: str, **params: str):
    """Run the app once, then switch to `page` with the given URL parameters."""
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(PAGES[page][0]).run()
    return app


def shown_text(app) -> str:
    """Headings, markdown, captions and notices of the page, joined."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "warning")
             for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_an_exception(app, page, lang):
    open_page(app, page, lang=lang, agency=AGENCY, compare=f"{AGENCY},{OTHER}")
    assert not app.exception, "\n".join(app.exception[0].stack_trace)
    assert app.title[0].value == LABELS[f"{page}_title" if f"{page}_title" in LABELS else f"page_{page}"][
        0 if lang == "zh" else 1
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_marks_demo_data(app, page):
    open_page(app, page, agency=AGENCY, compare=f"{AGENCY},{OTHER}")
    assert LABELS["demo_notice"][0] in [w.value for w in app.warning]
