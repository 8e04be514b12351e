"""The open-data page's field descriptions and verification steps: sections of docs/open-data.md itself, so the
site and the document never say two things (the English sections for English, their 中文 counterparts for Chinese).

The text is ours but still shown as Markdown only, never HTML (st.markdown without unsafe_allow_html)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "open-data.md"

# Which `## ` sections of the document each part of the page shows, per language.
FIELDS = {"zh": ("字段说明（中文）",),
          "en": ("The files", "Dates, lists and yes/no in every file", "The JSON original",
                 "The readers' and programs' files, column by column")}
STEPS = {"zh": ("自行核验 JSON 原件（中文）",),
         "en": ("Checking a JSON original yourself", "Checking a file: the digest by hand")}


@cache
def sections() -> dict[str, str]:
    """Each `## ` heading of docs/open-data.md → its text up to the next `## ` heading (subsections included)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("## ") and not fenced:
            current = found.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in found.items()}


def part(headings: tuple[str, ...]) -> list[tuple[str, str]]:
    """(heading, Markdown body) of each section named; a renamed heading fails loudly (KeyError), never silently."""
    found = sections()
    return [(heading, found[heading]) for heading in headings]


def without_headings(body: str) -> str:
    """`body` with its `###`… subsection headings as bold lines (outside fenced code, which stays as written)."""
    out, fenced = [], False
    for line in body.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            text = line.lstrip("#").strip()
            out.append(f"**{text}**" if text else line)
        else:
            out.append(line)
    return "\n".join(out)
