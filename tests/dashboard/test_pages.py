"""Every public page renders on a published database, in Chinese and in English, with no exception."""

from __future__ import annotations

import pytest

from dashboard.text import CATALOGUE
from dashboard.ui import PAGES
from db.documents import versions
from db.public import reads as public
from db.store.engine import make_engine


@pytest.fixture
def two_agencies(app_db) -> tuple[str, str]:
    engine = make_engine(f"sqlite:///{app_db}")
    index = public.agency_index(engine)
    engine.dispose()
    return index.iloc[0]["credit_code"], index.iloc[1]["credit_code"]



def open_page(app, page: str, **params: str):
    """Run the app once, then switch to `page` with the given URL parameters."""
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(PAGES[page][0]).run()
    return app


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_an_exception(app, page, lang, two_agencies):
    a, b = two_agencies
    open_page(app, page, lang=lang, agency=a, compare=f"{a},{b}")
    assert not app.exception, "\n".join(app.exception[0].stack_trace)
    assert app.title[0].value == CATALOGUE[f"public.{page}_title" if f"public.{page}_title" in CATALOGUE else f"public.page_{page}"][
        0 if lang == "zh" else 1
    ]


# The rules page shows the regulation's own rules (the rulebook), which are real whatever data the site holds.
SHOWS_NO_DATA = ("rules",)


@pytest.mark.parametrize("page", [p for p in PAGES if p not in SHOWS_NO_DATA])
def test_every_page_of_data_marks_demo_data(app, page, two_agencies):
    a, b = two_agencies
    open_page(app, page, agency=a, compare=f"{a},{b}")
    assert CATALOGUE["public.demo_notice"][0] in [w.value for w in app.warning]


@pytest.mark.parametrize("page", SHOWS_NO_DATA)
def test_the_rules_page_carries_no_demo_warning_on_a_demo_database(app, page):
    open_page(app, page)
    assert not app.exception
    assert CATALOGUE["public.demo_notice"][0] not in [w.value for w in app.warning]


def _chinese_labels(app_db) -> set[str]:
    """Chinese labels that cannot also be published data (clause texts, rulebook labels, towns, names, reasons)."""
    from core.rulebook import load_rulebook
    from core.towns import default_towns

    rulebook = load_rulebook()
    engine = make_engine(f"sqlite:///{app_db}")
    published = [*versions.publications(engine)["reason"], *public.agency_index(engine)["agency_name"]]
    engine.dispose()
    data_text = "\n".join([*(c.text_zh for c in rulebook.clauses), *default_towns().names, rulebook.title_zh,
                           rulebook.source_zh, *(g.label_zh for g in rulebook.grades), *published])
    return {zh for key, (zh, en) in CATALOGUE.items() if key.startswith(("public.", "common.")) and zh != en and "{" not in zh and len(zh) >= 2 and zh not in data_text}


@pytest.mark.parametrize("page", list(PAGES))
def test_in_english_no_chinese_label_is_left(app, app_db, page, two_agencies):
    from tests.dashboard.page_text import choose_section, page_text

    a, b = two_agencies
    open_page(app, page, lang="en", agency=a, compare=f"{a},{b}", year="2024")
    text = page_text(app)
    for more in [p for p in app.pills if p.key == f"more_{page}"]:  # and each section drawn when chosen
        for section in more.options:
            text += "\n" + page_text(choose_section(app, page, section))
    left = sorted(label for label in _chinese_labels(app_db) if label in text)
    if page == "open_data":  # the English document it serves names the files' Chinese headers and sheets on purpose
        from dashboard import open_data_doc

        named = "\n".join(body for _, body in open_data_doc.part(open_data_doc.FIELDS["en"] + open_data_doc.STEPS["en"]))
        left = [label for label in left if label not in named]
    assert not left
