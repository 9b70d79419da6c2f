"""Same inputs, two versions of the code: the warehouses that the code of an earlier commit
and the code being measured build from the same files, compared row for row (EXCEPT ALL both
ways) on every marts table and every core and ops table and view analysts read (and the
municipal figures as of several dates, core.municipal_as_of). Run by the benchmark (item j)
or alone:

    python -m benchmarks.equivalence --before main          # every scenario, ~5 min
    python -m benchmarks.equivalence --before 5c33a1b --only shipped

Scenarios, each a series of `seguridad` commands in fresh processes, the same for both codes:

    shipped   `seguridad refresh --no-report` of the shipped landing zone (raw/): the
              warehouse of the Quick start
    cuts      six monthly cuts of a municipal file in the SESNSP format (benchmarks/
              municipal.py; two states, 2024-2025, ~0.1% of past cells revised by each cut):
              three ingested in one command, then one command each
    arrivals  the same cuts in another order (newest first, then the rest), and a slice of the
              newest (one state's homicide rows), then `seguridad backfill` of three months

The code of the earlier commit is written out with `git archive` into the scratch folder and
run with this interpreter (PYTHONPATH), so both use the same packages. Columns that say when
or by which run a row was written (timestamps, run ids) are left out, and so are the tables
that hold the municipal figures themselves (their layout is what changed: STORAGE); what they
hold is compared through the views that read them."""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = ("shipped", "cuts", "arrivals")
# How the municipal figures are stored (schema version 6 changed it): compared through
# core.crime_municipal_cells, core.crime_municipal_monthly and the marts instead.
STORAGE = {"core.crime_municipal_rows", "core.crime_municipal_versions",
           "core.crime_municipal_row_hashes"}
SKIPPED = {"ops.runs", "ops.meta"}  # the runs' own record
RUN_COLUMNS = {"run_id", "flow_run_id", "parameters", "build_id", "mtime_ns"}  # + timestamps
AS_OF = [date(2025, 6, 25), date(2025, 9, 25), date(2026, 1, 25)]
CUTS = [(2025, m) for m in range(7, 13)]  # July to December 2025
STATES = {"01", "06"}


def code_at(ref: str, into: Path) -> Path:
    """The code of commit `ref`, written out (git archive) into `into`."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def commit_of(ref: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", ref], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout.strip()


class Runner:
    """`seguridad` commands of one version of the code, in fresh processes."""

    def __init__(self, code: Path, env: dict, log: Path) -> None:
        self.code, self.log = code, log
        self.env = dict(env, PYTHONPATH=str(code))
        self.seconds = 0.0

    def __call__(self, ws: Path, *args: str, raw: Path | None = None) -> None:
        env = dict(self.env, SEGURIDAD_RAW=str(raw or ws / "raw"),
                   SEGURIDAD_WAREHOUSE=str(ws / "warehouse" / "seguridad.duckdb"))
        started = time.monotonic()
        # the same folder for both codes (paths under it are shown relative to it)
        done = subprocess.run([sys.executable, "-m", "seguridad", *args], cwd=ws,
                              env=env, capture_output=True, text=True)
        self.seconds += time.monotonic() - started
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(f"$ seguridad {' '.join(args)}  (exit {done.returncode})\n{done.stdout}"
                    f"{done.stderr}\n")
        if done.returncode not in (0, 1):  # 1: a file rejected, which both must agree on
            raise RuntimeError(f"seguridad {' '.join(args)} failed ({done.returncode}) with "
                               f"the code in {self.code}: {done.stderr[-2000:]}")


def municipal_inputs(folder: Path, seed: int = 7) -> dict[str, list[Path]]:
    """The cuts of the municipal scenarios, and a slice of the newest (Aguascalientes'
    homicide rows, named for its cut)."""
    from benchmarks.municipal import generate_cut

    folder.mkdir(parents=True, exist_ok=True)
    cuts = [generate_cut(folder, year, month, 2024, STATES, seed)[0] for year, month in CUTS]
    newest = cuts[-1]
    part = folder / "IDM_NM_homicidios_aguascalientes_2024-2025_dic2025.csv"
    with open(newest, encoding="latin-1", newline="") as src, \
            open(part, "w", encoding="latin-1", newline="") as dst:
        rows = csv.reader(src)
        out = csv.writer(dst, lineterminator="\r\n")
        out.writerow(next(rows))
        out.writerows(r for r in rows if r[1] == "1" and r[7] == "Homicidio doloso")
    return {"cuts": cuts, "slice": [part]}


def build(scenario: str, run: Runner, ws: Path, inputs: dict[str, list[Path]]) -> Path:
    """The warehouse of one scenario, built by one version of the code."""
    if ws.exists():
        shutil.rmtree(ws)
    (ws / "warehouse").mkdir(parents=True)
    if scenario == "shipped":
        run(ws, "refresh", "--no-report", raw=REPO / "raw")
    elif scenario == "cuts":
        (ws / "raw").mkdir()
        cuts = [str(p) for p in inputs["cuts"]]
        run(ws, "ingest", *cuts[:3])
        for path in cuts[3:]:
            run(ws, "ingest", path)
    elif scenario == "arrivals":
        (ws / "raw").mkdir()
        cuts = [str(p) for p in inputs["cuts"]]
        run(ws, "ingest", cuts[-1])
        run(ws, "ingest", cuts[1], cuts[0], *cuts[3:5])
        run(ws, "ingest", cuts[2], *map(str, inputs["slice"]))
        run(ws, "backfill", "--from", "2025-03", "--to", "2025-05", "--dataset",
            "crime_municipal")
    return ws / "warehouse" / "seguridad.duckdb"


def _objects(con: duckdb.DuckDBPyConnection, db: str) -> set[str]:
    return {name for (name,) in con.execute("""
        SELECT schema_name || '.' || table_name FROM duckdb_tables()
        WHERE database_name = ? AND schema_name IN ('marts', 'core', 'ops')
        UNION ALL
        SELECT schema_name || '.' || view_name FROM duckdb_views()
        WHERE database_name = ? AND schema_name IN ('marts', 'core', 'ops') AND NOT internal""",
                                            [db, db]).fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, db: str, name: str) -> list[str]:
    schema, table = name.split(".")
    return [c for (c,) in con.execute("""
        SELECT column_name FROM duckdb_columns()
        WHERE database_name = ? AND schema_name = ? AND table_name = ?
          AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY column_index""",
                                      [db, schema, table]).fetchall()
            if c not in RUN_COLUMNS]


def compare(a: Path, b: Path) -> dict[str, tuple[int, int] | str]:
    """{object: (rows only in a, rows only in b)} for every object that differs, or a text
    saying why it cannot be compared (absent from one side, other columns); {} if identical.
    Also every municipal code's figures of core.municipal_as_of on the dates of AS_OF."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("ATTACH ? AS a (READ_ONLY)", [str(a)])
        con.execute("ATTACH ? AS b (READ_ONLY)", [str(b)])
        in_a, in_b = _objects(con, "a"), _objects(con, "b")
        out: dict[str, tuple[int, int] | str] = {}
        for name in sorted((in_a | in_b) - STORAGE - SKIPPED):
            if name not in in_a or name not in in_b:
                out[name] = f"only in {'a' if name in in_a else 'b'}"
                continue
            cols_a, cols_b = _columns(con, "a", name), _columns(con, "b", name)
            if cols_a != cols_b:
                out[name] = f"columns differ: {cols_a} / {cols_b}"
                continue
            cols = ", ".join('"' + c.replace('"', '""') + '"' for c in cols_a)
            qa, qb = f"SELECT {cols} FROM a.{name}", f"SELECT {cols} FROM b.{name}"
            counts = con.execute(f"SELECT (SELECT count(*) FROM ({qa} EXCEPT ALL {qb})), "
                                 f"(SELECT count(*) FROM ({qb} EXCEPT ALL {qa}))").fetchone()
            if counts != (0, 0):
                out[name] = counts
        codes = [c for (c,) in con.execute("SELECT DISTINCT geo_code FROM a.core.file_geos "
                                           "ORDER BY 1").fetchall()]
        if codes:
            for day in AS_OF:
                rows = []
                for db in ("a", "b"):
                    con.execute(f"USE {db}")
                    rows.append(con.execute("SELECT * FROM core.municipal_as_of(?, ?)",
                                            [day, codes]).fetchall())
                con.execute("USE memory")
                if sorted(rows[0], key=repr) != sorted(rows[1], key=repr):
                    only_a = len([r for r in rows[0] if r not in rows[1]])
                    only_b = len([r for r in rows[1] if r not in rows[0]])
                    out[f"core.municipal_as_of({day})"] = (only_a, only_b)
        return out
    finally:
        con.close()


def summary(a: Path) -> dict[str, int]:
    """Rows of the objects that carry the municipal figures, to say what was compared."""
    con = duckdb.connect(str(a), read_only=True)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in (
            "marts.indicator_monthly", "marts.revisions", "core.crime_municipal_monthly",
            "core.crime_municipal_cells", "core.crime_municipal_revised_cells")}
    finally:
        con.close()


def run_all(before: str, work: Path, scenarios: tuple[str, ...] = SCENARIOS,
            env: dict | None = None) -> list[dict]:
    """Every scenario with both codes; one result per scenario: the differences ({} when
    none), the rows compared, and each code's time for its commands."""
    env = dict(env or os.environ)
    old_code = code_at(before, work / "code-before")
    inputs = municipal_inputs(work / "inputs") if set(scenarios) - {"shipped"} else {}
    results = []
    for scenario in scenarios:
        runners = {"before": Runner(old_code, env, work / f"{scenario}-before.log"),
                   "now": Runner(REPO, env, work / f"{scenario}-now.log")}
        built = {k: build(scenario, r, work / f"{scenario}-{k}", inputs)
                 for k, r in runners.items()}
        results.append({"scenario": scenario, "differences": compare(built["before"],
                                                                     built["now"]),
                        "rows": summary(built["now"]),
                        "seconds": {k: r.seconds for k, r in runners.items()}})
    return results


def describe(results: list[dict], before: str) -> list[str]:
    """Markdown lines: one per scenario."""
    lines = []
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in r["rows"].items())
        verdict = ("**identical**" if not r["differences"] else
                   f"**DIFFERENT**: {r['differences']}")
        lines.append(f"- `{r['scenario']}`: {verdict} (the code of `{commit_of(before)}` "
                     f"{r['seconds']['before']:.0f} s, this code {r['seconds']['now']:.0f} s; "
                     f"rows here: {rows})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the commit to compare with")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_equivalence_"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEGURIDAD_")}
    env.setdefault("PREFECT_HOME", str(work / "prefect-home"))
    results = run_all(args.before, work, tuple(s for s in args.only.split(",") if s), env)
    print("\n".join(describe(results, args.before)))
    print(f"scratch: {work}")
    return 1 if any(r["differences"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
