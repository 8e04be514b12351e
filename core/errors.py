"""Problems found in input, as values people can read: one place that formats them."""

from __future__ import annotations

from dataclasses import dataclass

from core.plain_text import visible_controls


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, named by row and column, in Chinese and English.

    `row` is the row number as the user sees it in Excel (the header is row 1), or None for the
    whole file; `column` is the header as written in the file (or the expected key when missing).
    """

    row: int | None
    column: str | None
    message_zh: str
    message_en: str
    value: str | None = None

    def format(self) -> str:
        """`row 7, column 条款: 未知条款 / unknown clause (4.1)` — the single wording used everywhere."""
        where_zh: list[str] = []
        where_en: list[str] = []
        if self.row is not None:
            where_zh.append(f"第{self.row}行")
            where_en.append(f"row {self.row}")
        if self.column is not None:
            where_zh.append(f"列“{self.column}”")
            where_en.append(f"column {self.column}")
        value = f" ({visible_controls(str(self.value))})" if self.value not in (None, "") else ""
        prefix_en = ", ".join(where_en)
        prefix_zh = "，".join(where_zh)
        head = f"{prefix_en}: " if prefix_en else ""
        tail = f"【{prefix_zh}】" if prefix_zh else ""
        return f"{head}{self.message_en}{value} / {tail}{self.message_zh}{value}"

    def as_dict(self) -> dict[str, object]:
        """A plain record for tables (staff upload page) and JSON."""
        return {
            "row": self.row,
            "column": self.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "value": self.value,
        }


class InputError(Exception):
    """Raised when an input file is refused; carries every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
        super().__init__(format_problems(self.problems))


class RulebookError(Exception):
    """Raised when a rulebook file is malformed; the message lists every problem."""


def format_problems(problems: list[Problem]) -> str:
    """All problems, one per line, in the order of the file."""
    return "\n".join(p.format() for p in problems)
