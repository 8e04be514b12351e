"""core.isolation: a file from outside is read in a capped child; its answer, or its refusal, comes back unchanged."""

from __future__ import annotations

import os
from multiprocessing import forkserver

import pandas as pd
import pytest

from core.errors import InputError
from core.isolation import read_isolated
from core.limits import MB, ReadLimits
from core.reader import read_findings, read_roster
from core.service_records import read_records
from tests.builders import credit_code, csv_bytes, finding, id_number, records_csv, table
from tests.core import isolation_helpers as helpers
from tests.core.hostile_files import small_xlsx

LIMITS = ReadLimits()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return int(next(x for x in status if x.startswith("VmRSS:")).split()[1]) / 1024


def test_a_valid_file_reads_the_same_in_the_child_as_in_process(tmp_path):
    rows = [finding(credit_code=credit_code(i % 7), agency_name=f"机构{i % 7}", date=f"2025-03-{1 + i % 28:02d}",
                    description="第一行\n第二行" if i == 3 else "") for i in range(40)]
    csv_path = tmp_path / "f.csv"
    csv_path.write_bytes(csv_bytes(table(rows)))
    for source in (csv_path, small_xlsx(tmp_path / "f.xlsx", rows=5), csv_path.read_bytes()):
        pd.testing.assert_frame_equal(read_isolated(read_findings, source, name="f.csv", limits=LIMITS),
                                      read_findings(source, name="f.csv", limits=LIMITS))
    roster = csv_bytes([["统一社会信用代码", "机构名称"], [credit_code(1), "安达"], [credit_code(2), "华士"]])
    pd.testing.assert_frame_equal(read_isolated(read_roster, roster, name="r.csv", limits=LIMITS),
                                  read_roster(roster, name="r.csv", limits=LIMITS))


def test_a_service_record_file_reads_the_same_in_the_child():
    content = records_csv("practitioners", [
        {"credit_code": credit_code(1), "name": "张三", "id_number": id_number(1), "specialty": "电气",
         "joined_on": "2024-03-01"},
        {"credit_code": credit_code(2), "name": "李四", "id_number": id_number(2), "specialty": "化工",
         "joined_on": "2023/1/5", "left_on": "2025年6月30日"}])
    pd.testing.assert_frame_equal(read_isolated(read_records, "practitioners", content, name="p.csv", limits=LIMITS),
                                  read_records("practitioners", content, name="p.csv", limits=LIMITS))


def test_a_refusal_comes_back_with_every_problem_in_both_languages():
    with pytest.raises(InputError) as caught:
        read_isolated(helpers.refuse, limits=LIMITS)
    problems = caught.value.problems
    assert [(p.row, p.column, p.message_en, p.value) for p in problems] == [
        (None, None, "whole", None), (3, "条款", "unknown clause", "9.9")]
    assert "未知条款" in caught.value.message_zh and "unknown clause" in caught.value.message_en


def test_a_child_past_its_memory_is_refused_and_the_caller_does_not_grow():
    before = _rss_mb()
    with pytest.raises(InputError) as caught:
        read_isolated(helpers.allocate, 300, limits=ReadLimits(max_read_memory=100 * MB))
    assert "more memory or time than allowed (100 MB" in caught.value.message_en
    assert "内存或时间超过上限" in caught.value.message_zh
    assert _rss_mb() - before < 100  # the 300 MB were asked for in the child, never here
    assert read_isolated(helpers.allocate, 50, limits=ReadLimits(max_read_memory=100 * MB)) == 50 * MB


def test_a_child_past_its_cpu_time_is_refused():
    with pytest.raises(InputError) as caught:
        read_isolated(helpers.spin, limits=ReadLimits(max_read_cpu_seconds=1))
    assert "more memory or time than allowed" in caught.value.message_en


def test_a_fault_in_the_child_is_raised_as_it_is():
    with pytest.raises(ValueError, match="a fault of ours"):
        read_isolated(helpers.fail, limits=LIMITS)


def test_a_threaded_caller_reads_through_the_fork_server_the_same_and_capped(tmp_path):
    path = small_xlsx(tmp_path / "f.xlsx", rows=3)
    pd.testing.assert_frame_equal(helpers.in_a_thread(lambda: read_isolated(read_findings, path, limits=LIMITS)),
                                  read_findings(path, limits=LIMITS))
    assert helpers.in_a_thread(lambda: read_isolated(helpers.parent, limits=LIMITS)) == forkserver._forkserver._forkserver_pid
    assert read_isolated(helpers.parent, limits=LIMITS) == os.getpid()  # no other thread: forked directly
    with pytest.raises(InputError, match="more memory or time than allowed"):
        helpers.in_a_thread(lambda: read_isolated(helpers.allocate, 300, limits=ReadLimits(max_read_memory=100 * MB)))
