"""Item (i) of the benchmark harness, the fan-out, end to end at its smallest size: a serial
and a two-worker `refresh --full` of the same landing zone, each with its row, and the two
warehouses compared table by table. Nothing about the timings is asserted."""

from __future__ import annotations

import pytest
from test_benchmarks import quick_run


@pytest.mark.slow  # a Dask cluster, twice
def test_quick_fanout_benchmark_compares_the_two_warehouses(tmp_path):
    text = quick_run(tmp_path, "--only", "i")
    for key in ("i1", "i2"):
        assert f"\n| {key} | " in text, key
    assert "(EXCEPT ALL both ways, run timestamps and ids left out): **identical**" in text
