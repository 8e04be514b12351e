"""The open-data page serves the field descriptions and the verification steps itself, in both languages, from
docs/open-data.md's own sections (so page and document never differ), as Markdown and never as HTML."""

from __future__ import annotations

import re

import pytest

from dashboard import open_data_doc
from dashboard.i18n import fill
from dashboard.text import CATALOGUE
from tests.dashboard.page_text import choose_section
from tests.dashboard.test_public_site import open_page

LANGS = {"zh": 0, "en": 1}


def label(key: str, lang: str) -> str:
    return fill(CATALOGUE[key][LANGS[lang]], {})


def fields(markdown: str) -> set[str]:
    """The backticked names in the first cells of a section's field tables (`| `name` | …`)."""
    return set(re.findall(r"^\| `([a-z_\[\]]+)` \|", markdown, re.M))


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_the_document_s_fields_and_steps_in_its_language(app, lang):
    open_page(app, "open_data", lang=lang)
    first = [m.value for m in app.markdown]  # the first screen: the document's sections are drawn when chosen
    intro = " ".join(first)
    for section, headings in (("fields", open_data_doc.FIELDS), ("steps", open_data_doc.STEPS)):
        choose_section(app, "open_data", section)
        assert label(f"public.open_data_{section}", lang) in [h.value for h in app.subheader]
        drawn = app.markdown[len(first):]  # the chosen section comes after everything on the first screen
        shown = [m.value for m in drawn]
        part = open_data_doc.part(headings[lang])
        bodies = [open_data_doc.without_headings(body) for _, body in part]
        named = {f"**{heading}**" for heading, _ in part} if len(part) > 1 else set()
        assert [v for v in shown if v not in named] == bodies  # the document's text, word for word
        assert all(not m.proto.allow_html for m in drawn)
        assert [m.value for m in app.markdown[:len(first)]] == first
    assert "docs/open-data.md" not in intro and "python -m db verify" not in intro


def test_the_sections_are_the_document_s_own_text():
    doc = open_data_doc.DOC.read_text(encoding="utf-8")
    for lang in LANGS:
        for heading, body in open_data_doc.part(open_data_doc.FIELDS[lang] + open_data_doc.STEPS[lang]):
            assert f"## {heading}\n\n{body}\n" in doc
    assert "```python" in open_data_doc.sections()["Checking a file: the digest by hand"]  # a fence is not cut


def test_both_languages_describe_the_same_fields_and_the_same_steps():
    english = "\n".join(body for _, body in open_data_doc.part(open_data_doc.FIELDS["en"]))
    chinese = "\n".join(body for _, body in open_data_doc.part(open_data_doc.FIELDS["zh"]))
    json_fields = fields(open_data_doc.sections()["The JSON original"])
    assert json_fields and json_fields == fields(chinese)  # every JSON field, in both languages
    assert fields(chinese) <= fields(english)

    def steps(section: str) -> list[str]:
        return re.findall(r"^(\d+)\. \*\*", open_data_doc.sections()[section], re.M)

    assert steps("Checking a JSON original yourself") == steps("自行核验 JSON 原件（中文）") == list("1234567")


def test_a_renamed_heading_fails_loudly():
    with pytest.raises(KeyError):
        open_data_doc.part(("No such section",))


def test_headings_inside_the_expanders_become_bold_lines_and_code_stays_as_written():
    body = "### Fields\n\ntext\n\n```\n# a comment in code\n```\n#### Steps"
    assert open_data_doc.without_headings(body) == "**Fields**\n\ntext\n\n```\n# a comment in code\n```\n**Steps**"
