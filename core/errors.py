"""Problems found in input, as values people can read: one place that formats them."""

from __future__ import annotations

from collections.abc import Sequence
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
        return f"{self.in_english()} / {self.in_chinese()}"

    def in_english(self) -> str:
        """`row 7, column 条款: unknown clause (4.1)`: the English half of format()."""
        where = ", ".join(self._where("row {}", "column {}"))
        return f"{where + ': ' if where else ''}{self.message_en}{self._value()}"

    def in_chinese(self) -> str:
        """`【第7行，列“条款”】未知条款 (4.1)`: the Chinese half of format()."""
        where = "，".join(self._where("第{}行", "列“{}”"))
        return f"{'【' + where + '】' if where else ''}{self.message_zh}{self._value()}"

    def _where(self, row_pattern: str, column_pattern: str) -> list[str]:
        return [pattern.format(part) for pattern, part in ((row_pattern, self.row), (column_pattern, self.column))
                if part is not None]

    def _value(self) -> str:
        return f" ({visible_controls(str(self.value))})" if self.value not in (None, "") else ""

    def as_dict(self) -> dict[str, object]:
        """A plain record for tables (staff upload page) and JSON."""
        return {
            "row": self.row,
            "column": self.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "value": self.value,
        }


class CreditBoardError(Exception):
    """Every refusal people can act on: why, in Chinese and English, as one or more Problems.

    A single-message refusal (`CreditBoardError(zh, en)`) is one Problem with no row or column; a refusal of many
    (`CreditBoardError(problems=…)`) holds them all, and its message_zh / message_en list them one per line. The
    CLIs print `problems` (core.cli_common.refuse); the staff pages show one language (widgets.refusal).
    """

    def __init__(self, message_zh: str = "", message_en: str = "", problems: Sequence[Problem] = ()):
        self.problems = list(problems) or [Problem(None, None, message_zh, message_en)]
        halves = _halves(self.problems)
        self.message_zh, self.message_en = message_zh or halves[0], message_en or halves[1]
        super().__init__(format_problems(self.problems))


MAX_PROBLEMS = 1_000  # listed of one refused file: past this a file is bad throughout, and the rest are counted only


class Problems(list):
    """A list of problems that keeps at most 20 × MAX_PROBLEMS and counts the rest in `more`: a file of a million
    bad cells costs a counter, not a million Problems (readers also stop at MAX_PROBLEMS per column)."""

    def __init__(self, problems: Sequence[Problem] = ()):
        super().__init__(problems)
        self.more = 0

    def append(self, problem: Problem) -> None:
        if len(self) < 20 * MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def __iadd__(self, problems):  # type: ignore[override]
        for problem in problems:
            self.append(problem)
        return self


class InputError(CreditBoardError):
    """Raised when an input file is refused; carries every problem found, up to MAX_PROBLEMS in the file's order,
    then one line saying how many more there are."""

    def __init__(self, problems: Sequence[Problem]):
        ordered = sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
        more = getattr(problems, "more", 0) + max(0, len(ordered) - MAX_PROBLEMS)
        if more:
            ordered = ordered[:MAX_PROBLEMS] + [Problem(None, None, f"另有{more}个问题未列出（只列出前{MAX_PROBLEMS}个）",
                                                        f"and {more} more problems not listed (the first "
                                                        f"{MAX_PROBLEMS} are)")]
        self.omitted = more
        super().__init__(problems=ordered)


class RulebookError(CreditBoardError):
    """Raised when a rulebook file is malformed or missing; one problem per thing wrong with it."""

    @classmethod
    def listing(cls, lines: Sequence[str]) -> RulebookError:
        """A rulebook refused by its check: each line names TOML keys, so it stays as written, behind a Chinese lead."""
        return cls(problems=[Problem(None, None, f"评分规则文件不合格：{line}", f"rulebook refused: {line}")
                             for line in lines])


def _halves(problems: Sequence[Problem]) -> tuple[str, str]:
    # message_zh / message_en of a many-problem refusal: each problem in one language, one per line.
    return "\n".join(p.in_chinese() for p in problems), "\n".join(p.in_english() for p in problems)


def format_problems(problems: list[Problem]) -> str:
    """All problems, one per line, in the order of the file."""
    return "\n".join(p.format() for p in problems)
