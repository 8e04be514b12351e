"""Characters that reorder or hide text (bidi controls), made visible wherever people read data: pages, terminals."""

from __future__ import annotations

import re

# Bidi embeddings/overrides/isolates and the invisible direction marks: a name holding U+202E reads backwards
# (`txt.exe` as `exe.txt`), so each one is shown as a visible marker instead of doing its work.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_PATTERN = re.compile(f"[{BIDI_CONTROLS}]")
_MARKERS = {ord(ch): f"⟨U+{ord(ch):04X}⟩" for ch in BIDI_CONTROLS}


def visible_controls(text: str) -> str:
    """`text` with every bidi control replaced by a visible marker such as `⟨U+202E⟩` (other text unchanged)."""
    return text.translate(_MARKERS) if BIDI_PATTERN.search(text) else text
