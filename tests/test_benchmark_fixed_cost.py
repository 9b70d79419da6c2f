"""The fixed-cost benchmark of issue 24 (benchmarks/fixed_cost.py, `python -m benchmarks
--only j`): its section of RESULTS.md replaces its own and keeps the others, the benchmark's
command runs it, and, end to end with one run of each item, every item gets a row and the
targets their measured ratios. Nothing about the timings is asserted."""

from __future__ import annotations

import pytest

from benchmarks import fixed_cost
from benchmarks.__main__ import FANOUT_SECTION, RESULTS, parse


def test_its_section_replaces_its_own_and_keeps_the_rest():
    full = f"# Benchmark results\n\n## Every item\n\n| a |\n\n{FANOUT_SECTION}\n\n| i1 |\n"
    once = fixed_cost.merge_section(full, f"{fixed_cost.SECTION}\n\nfirst\n")
    assert once.startswith(full.rstrip("\n")) and once.endswith("first\n")
    twice = fixed_cost.merge_section(once + "\n## Later\n\nkept\n",
                                     f"{fixed_cost.SECTION}\n\nsecond\n")
    assert "first" not in twice and "second" in twice
    assert twice.startswith(full.rstrip("\n")) and twice.endswith("## Later\n\nkept\n")
    assert fixed_cost.merge_section("", f"{fixed_cost.SECTION}\n\nx\n") == \
        f"{fixed_cost.SECTION}\n\nx\n"


def test_the_benchmark_command_runs_it_into_results():
    args = parse(["--only", "j"])
    assert args.fixed_cost_run and not args.full_run and not args.fanout_run
    assert "j" in parse([]).only  # the full run measures it too
    assert not parse(["--only", "j", "--quick"]).fixed_cost_run  # a smoke run: /tmp
    assert fixed_cost.parse([]).output == RESULTS


@pytest.mark.slow  # real Prefect servers: ours, and Prefect's temporary one in 3 commands
def test_one_run_of_each_item_writes_its_rows_and_targets(tmp_path, shipped_warehouse):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Every item\n\n| a |\n", encoding="utf-8")
    code = fixed_cost.main(["--runs", "1", "--output", str(results), "--work",
                            str(tmp_path / "work"), "--shipped-workspace",
                            str(shipped_warehouse.parent.parent)])
    assert code == 0
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\n## Every item\n\n| a |\n")
    section = text.split(fixed_cost.SECTION)[1]
    assert "FAILED" not in section and "cores" in section and "GiB memory" in section
    for key in ("s1", "s2", "s3", "r1", "p1", "p2", "b1", "b2", "b3"):
        assert f"\n| {key} | " in section, key
    for target in ("no-op `refresh` (s1) at most 2 s", "`ingest` of known bytes (s2) at most",
                   "where (s1) goes", "the first command after the server stopped",
                   "orchestration: a bare flow, temporary server / running server"):
        assert target in section, target
    assert "x** faster" in section  # the ratio to the baseline of the same run
    # the servers it started are stopped
    from seguridad.orchestration.server_state import folder, read_state

    assert read_state(folder({"PREFECT_HOME": str(tmp_path / "work" / "prefect-home")})) \
        is None
