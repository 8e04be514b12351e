"""The upload page's problems table: a problem of the whole file reads '—' for row and column, never 'None'."""

from __future__ import annotations

from core.errors import Problem
from core.problem_table import problems_frame
from dashboard.staff.widgets import problems_table


def test_a_whole_file_problem_has_a_dash_for_row_and_column_and_a_cell_problem_keeps_both():
    problems = problems_frame([Problem(None, None, "文件过大", "the file is too large", "f.csv"),
                               Problem(7, "条款", "未知条款", "unknown clause", "4.1")])
    shown = problems_table(problems)
    rows, columns = shown.iloc[:, 0].tolist(), shown.iloc[:, 1].tolist()
    assert rows == ["—", "7"] and columns == ["—", "条款"]
    assert "None" not in shown.astype(str).to_numpy().ravel().tolist()
