"""What Markdown would make of a text, read by an independent parser (markdown-it-py) plus Streamlit's own rewrites.

Streamlit renders GitHub-flavoured Markdown with math and directives, then rewrites the parsed text once more
(emoji and icon shortcodes, its logo, bare URLs and e-mail addresses become images and links; `:red[x]` is a
directive). `markup(source)` names everything of that kind a source would produce, so a test can check that text
from data produced none of it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from core.plain_text import BIDI_PATTERN

_PARSER = (MarkdownIt("commonmark", {"html": True, "linkify": True})
           .enable(["table", "strikethrough", "linkify"]).use(dollarmath_plugin))
# Token types that turn text into something else: an image fetched from a host, a link, emphasis, raw HTML, math.
MARKUP_TOKENS = {"image", "link_open", "strong_open", "em_open", "s_open", "html_inline", "html_block",
                 "math_inline", "math_block", "code_inline", "heading_open", "bullet_list_open",
                 "ordered_list_open", "blockquote_open", "table_open", "hr", "fence", "code_block"}
# Streamlit's rewrites of parsed text (frontend StreamlitMarkdown.tsx and the GFM autolink transform).
AFTER_PARSE = {
    "emoji": re.compile(r":[\w+-][\w+-]*:"),
    "icon": re.compile(r":material[/_]\w+:"),
    "directive": re.compile(r":[a-z][\w-]*\[[^\]]*\]?"),
    "url": re.compile(r"(?i)(https?://|www\.)\S*"),
    "email": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    "arrow": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _inline(children: list[Token]) -> list[str]:
    # Paired tokens (strong, em, link …) are reported with the text they wrap, so a test can tell whose text it was.
    found: list[str] = []
    open_: list[list] = []
    for token in children:
        if token.nesting == 1:
            open_.append([token, ""])
            continue
        if token.nesting == -1 and open_:
            opener, inner = open_.pop()
            if opener.type in MARKUP_TOKENS:
                found.append(f"{opener.type}: {opener.attrs} {inner!r}")
            if open_:
                open_[-1][1] += inner
            continue
        if token.type in MARKUP_TOKENS:
            found.append(f"{token.type}: {token.attrs} {token.content!r}")
        if token.type == "text":
            found += [f"{name}: {m.group(0)!r}" for name, p in AFTER_PARSE.items() for m in p.finditer(token.content)]
        for entry in open_:
            entry[1] += token.content
    return found


def markup(source: str) -> list[str]:
    """Everything `source` would render as other than plain text (with the text it wraps), rewrites included."""
    tokens = _PARSER.parse(source)
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in MARKUP_TOKENS:
            inner = tokens[i + 1].content if i + 1 < len(tokens) and tokens[i + 1].type == "inline" else ""
            found.append(f"{token.type}: {token.content or inner!r}")
        if token.type == "inline":
            found += _inline(token.children or [])
    return found


def rendered_text(source: str) -> str:
    """The plain text a reader sees when `source` is rendered (text tokens joined)."""
    return "".join(t.content for t in _walk(_PARSER.parse(source)) if t.type in ("text", "softbreak"))


def raw_bidi(text: str) -> list[str]:
    """Bidi control characters left in `text` (each as U+XXXX)."""
    return [f"U+{ord(m.group(0)):04X}" for m in BIDI_PATTERN.finditer(text)]
