"""Text people type into a service (reasons, notes, letters): trimmed, required or not, and no longer than its column."""

from __future__ import annotations

from typing import Any

from core.errors import CreditBoardError
from db.store.models import Objection

Label = tuple[str, str]  # what the field is called in a refusal: (Chinese, English)


def column_length(column: Any) -> int:
    """The declared length of a model's text column (`Field(max_length=…)`, stored as String(n))."""
    return int(column.property.columns[0].type.length)


# Every reason, note, summary and letter is stored in a column of this length (tests/db/test_text.py holds each of
# them to it); the pages' text areas take it as their max_chars, and checked_text refuses anything longer.
TEXT_LIMIT = column_length(Objection.reason)


def checked_text(value: str | None, *, field: Label, required: bool = True, limit: int = TEXT_LIMIT,
                 error: type[CreditBoardError] = CreditBoardError) -> str:
    """`value` without surrounding whitespace; refused (`error`, bilingual, naming `field`) when `required` and blank
    or whitespace only, or when longer than `limit` characters (by default the reason columns' length).

    `error` is the calling service's own refusal class, so its callers catch what they caught before."""
    text = (value or "").strip()
    zh, en = field
    if required and not text:
        raise error(f"请填写{zh}", f"the {en} is required")
    if len(text) > limit:
        raise error(f"{zh}不能超过{limit}个字", f"the {en} may have at most {limit} characters")
    return text
