"""The benchmark harness (`python -m benchmarks`) end to end at its smallest sizes: items a-h
run on a tiny generated file in the real format (one state's municipalities, 2 cuts) and the
results file gets a row for each (item i, the fan-out, is tests/test_benchmark_fanout.py, so
the two can run on two test workers). Nothing about the timings is asserted."""

from __future__ import annotations

import pytest

from benchmarks.__main__ import main
from conftest import prefect_api


def quick_run(tmp_path, *extra: str) -> str:
    """The harness at its smallest sizes, against the session's Prefect server; the text of
    the results file it writes."""
    from prefect.settings import PREFECT_API_URL

    prefect_api()
    results = tmp_path / "RESULTS.md"
    code = main(["--quick", "--states", "01", "--cuts", "2", "--work", str(tmp_path / "work"),
                 "--output", str(results), "--prefect-api-url", PREFECT_API_URL.value(),
                 *extra])
    assert code == 0
    text = results.read_text(encoding="utf-8")
    assert "FAILED" not in text
    return text


@pytest.mark.slow  # the whole harness, ~15 commands
def test_quick_benchmark_writes_a_row_for_every_item(tmp_path, shipped_warehouse):
    text = quick_run(tmp_path, "--only", "abcdefgh",
                     "--shipped-workspace", str(shipped_warehouse.parent.parent))
    for key in ("a", "b", "c", "d", "e", "f1", "f2", "g1", "g2", "g3", "g4", "g5", "h1", "h3",
                "h11"):
        assert f"\n| {key} | " in text, key
    assert "11,858 rows" in text  # Aguascalientes' 11 municipalities x 98 crime rows x 11 years
    targets = text.split("## Targets (issue 11)")[1]
    for target in ("(d) - (c) at most 3x (a)", "at least 3x faster than (b)", "peak RSS < 1 GB",
                   "(e) no slower", "(f) ingest 2", "(f) warehouse after 2 cuts",
                   "(g) no-op refresh", "(g) `report compare`", "(h) time and memory"):
        assert target in targets, target


def test_the_fanout_section_replaces_its_own_and_keeps_the_rest():
    from benchmarks.__main__ import FANOUT_SECTION, merge_section

    full = "# Benchmark results\n\n## Every item\n\n| a |\n"
    once = merge_section(full, f"{FANOUT_SECTION}\n\nfirst\n")
    assert once.startswith(full.rstrip("\n")) and once.endswith("first\n")
    twice = merge_section(once + "\n## Later\n\nkept\n", f"{FANOUT_SECTION}\n\nsecond\n")
    assert "first" not in twice and "second" in twice
    assert twice.startswith(full.rstrip("\n")) and twice.endswith("## Later\n\nkept\n")
