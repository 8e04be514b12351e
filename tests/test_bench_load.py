"""The pure parts of benchmarks/bench_load.py: the ramp's steps and the percentiles it prints (fast, no server)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import numpy
import pytest

_FOUND = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_load.py")
bench_load = importlib.util.module_from_spec(_FOUND)
sys.modules["bench_load"] = bench_load  # its dataclasses look their module up there
_FOUND.loader.exec_module(bench_load)


@pytest.mark.parametrize(("last", "steps"), [
    (1, [1]), (2, [1, 2]), (3, [1, 2, 3]), (20, [1, 2, 5, 10, 20]), (80, [1, 2, 5, 10, 20, 50, 80]),
    (100, [1, 2, 5, 10, 20, 50, 100]), (101, [1, 2, 5, 10, 20, 50, 100, 101]),
])
def test_the_ramp_climbs_one_two_five_and_ends_at_the_last_step(last, steps):
    assert bench_load.ramp(last) == steps


def test_the_ramp_needs_a_visitor():
    with pytest.raises(ValueError):
        bench_load.ramp(0)


def test_percentiles_interpolate_between_ranks_as_numpy_does():
    assert bench_load.percentile([3.0], 95) == 3.0
    assert bench_load.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert bench_load.percentile([4.0, 1.0, 3.0, 2.0], 0) == 1.0
    assert bench_load.percentile([4.0, 1.0, 3.0, 2.0], 100) == 4.0
    assert bench_load.percentile(list(map(float, range(1, 21))), 95) == pytest.approx(19.05)
    values = [random.Random(seed).uniform(0, 10) for seed in range(37)]
    for q in (5, 50, 90, 95, 99):
        assert bench_load.percentile(values, q) == pytest.approx(float(numpy.percentile(values, q)))


def test_a_percentile_of_nothing_is_not_a_number_and_q_is_bounded():
    assert bench_load.percentile([], 50) != bench_load.percentile([], 50)  # NaN
    with pytest.raises(ValueError):
        bench_load.percentile([1.0], 101)


@pytest.mark.parametrize(("per_minute", "cpu", "processes"), [
    (60, 0.5, 1),  # 0.5 core-s per s: one process at 50 %
    (120, 0.5, 2),  # 1 core-s per s: more than one process at 70 %
    (2_000, 0.5, 24),  # 16.7 core-s per s / 0.7
    (2_000, 0.025, 2),
    (0, 0.5, 1),  # never none: the site is up
])
def test_processes_are_planned_from_cpu_seconds_per_visitor_at_seventy_percent(per_minute, cpu, processes):
    assert bench_load.processes_needed(per_minute, cpu) == processes


def test_a_process_cannot_be_planned_busier_than_its_core():
    with pytest.raises(ValueError):
        bench_load.processes_needed(60, 0.5, busy=1.5)
