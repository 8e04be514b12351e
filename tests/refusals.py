"""One check of a command-line refusal, for both CLIs: exit 2, no traceback, English then Chinese, nothing on stdout."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_bilingual_refusal(code: int, out: str, err: str, english: str, chinese: str) -> None:
    """Exit 2; stderr says `english` and `chinese`; every message line reads `English … / 中文 …` (one order)."""
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert english in err and chinese in err, err
    lines = [line for line in err.splitlines() if CJK.search(line)]
    assert lines, err
    for line in lines:
        english_half, slash, chinese_half = line.partition(" / ")
        assert slash and not CJK.search(english_half) and CJK.search(chinese_half), line
