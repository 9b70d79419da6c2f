"""The municipal ingest of issue 24, the code of an earlier commit (the baseline, default
`main`) and this code measured in the same run, interleaved, on full-size files in the SESNSP
municipal format (benchmarks/municipal.py):

    python -m benchmarks.municipal_ingest                 # ~30 min on a quiet 2-core machine
    python -m benchmarks.municipal_ingest --runs 1 --cuts-years 2

Items (each run a fresh process, its own landing zone and warehouse; wall time by
time.monotonic(); peak RSS by GNU time, the largest resident set of the process or a child):

    a   the floor: DuckDB CREATE TABLE t AS SELECT * FROM read_csv(file, encoding='latin-1')
    c   a bare Prefect flow run, as the CLI runs one (the orchestration cost of any flow)
    d   `seguridad ingest` of the 11-year file (2015-2025, 2.67M rows) into an empty warehouse
    e   the next cut (one more month, ~0.1% of past cells revised), ingested after (d)
    f   twelve monthly cuts of a file of `--cuts-years` years (default 2) into one warehouse,
        one ingest each: the warehouse's size after each, and by table after the first and
        the last (blocks each table holds, pragma_storage_info)

d, e and f run with both codes; the baseline is written out with `git archive` and run with
this interpreter (PYTHONPATH), so both use the same packages and the same Prefect home. The
markdown section printed at the end (and written with --output) is the municipal section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.equivalence import code_at, commit_of
from benchmarks.municipal import FIRST_YEAR, generate_cut

REPO = Path(__file__).resolve().parent.parent
TIME = Path("/usr/bin/time")
CUT, NEXT_CUT = (2025, 11), (2025, 12)
CODES = ("base", "ours")


def mb(nbytes: float) -> float:
    return nbytes / 2**20


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args, self.work = args, args.work
        self.logs = self.work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SEGURIDAD_", "PREFECT_"))}
        env.update(PREFECT_HOME=str(self.work / "prefect-home"),
                   PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90")
        self.env = env
        self.code = {"base": code_at(args.before, self.work / "code-base"), "ours": REPO}
        self.commits = (commit_of(args.before), commit_of("HEAD"))  # as measured, not at the end
        self.samples: dict[str, list[tuple[float, float]]] = {}
        self.sizes: dict[str, list[float]] = {c: [] for c in CODES}
        self.tables: dict[str, dict[int, dict[str, float]]] = {c: {} for c in CODES}
        self.inputs: dict[str, tuple[Path, int]] = {}
        self.counter = 0
        self.load_start = os.getloadavg()
        self.started = time.monotonic()

    def run(self, key: str, cmd: list[str], env: dict | None = None,
            code: Path = REPO) -> tuple[float, float]:
        self.counter += 1
        log = self.logs / f"{self.counter:03d}-{key}"
        rss = log.with_suffix(".rss")
        env = dict(env or self.env, PYTHONPATH=str(code))
        with open(log.with_suffix(".out"), "wb") as out, \
                open(log.with_suffix(".err"), "wb") as err:
            started = time.monotonic()
            done = subprocess.run([str(TIME), "-f", "%M", "-o", str(rss), *cmd], stdout=out,
                                  stderr=err, cwd=code, env=env)
            seconds = time.monotonic() - started
        if done.returncode:
            raise SystemExit(f"{key} failed (exit {done.returncode}): see {log}.err")
        peak = int(rss.read_text().split()[-1]) / 1024
        self.samples.setdefault(key, []).append((seconds, peak))
        print(f"  [{key}] {seconds:7.1f} s, peak RSS {peak:,.0f} MB", flush=True)
        return seconds, peak

    def input_file(self, key: str, year: int, month: int, first_year: int = FIRST_YEAR,
                   out: Path | None = None) -> Path:
        if key not in self.inputs:
            folder = out or self.work / "files"
            folder.mkdir(parents=True, exist_ok=True)
            self.inputs[key] = generate_cut(folder, year, month, first_year, self.args.states,
                                            self.args.seed)
        return self.inputs[key][0]

    def ws(self, name: str) -> Path:
        ws = self.work / "ws" / name
        shutil.rmtree(ws, ignore_errors=True)
        (ws / "raw").mkdir(parents=True)
        (ws / "warehouse").mkdir()
        return ws

    def ws_env(self, ws: Path) -> dict:
        return dict(self.env, SEGURIDAD_RAW=str(ws / "raw"),
                    SEGURIDAD_WAREHOUSE=str(ws / "warehouse" / "seguridad.duckdb"))

    def ingest(self, key: str, code: str, ws: Path, *paths: Path) -> None:
        self.run(key, [sys.executable, "-m", "seguridad", "ingest", *map(str, paths)],
                 self.ws_env(ws), self.code[code])

    # -- the items --------------------------------------------------------------------------

    def measure(self) -> None:
        py = sys.executable
        self.run("warm-up", [py, "-m", "benchmarks.paths", "flow"])
        full = self.input_file("full", *CUT)
        nxt = self.input_file("next", *NEXT_CUT)
        for r in range(1, self.args.runs + 1):
            db = self.work / "floor.duckdb"
            self.run("a", [py, "-m", "benchmarks.paths", "floor", str(full), str(db)])
            db.unlink(missing_ok=True)
            self.run("c", [py, "-m", "benchmarks.paths", "flow"])
            for code in (CODES if r % 2 else CODES[::-1]):
                ws = self.ws(f"d-{code}")
                self.ingest(f"d-{code}", code, ws, full)
                self.ingest(f"e-{code}", code, ws, nxt)
                shutil.rmtree(ws, ignore_errors=True)
        self.cuts()

    def cuts(self) -> None:
        years = self.args.cuts_years
        first = CUT[0] - years + 1 if years < 11 else FIRST_YEAR
        folder = self.work / "cuts"
        folder.mkdir(parents=True, exist_ok=True)
        n = self.args.cuts
        spaces = {code: self.ws(f"f-{code}") for code in CODES}
        for k in range(1, n + 1):
            path, rows = generate_cut(folder, 2025, k, first, self.args.states, self.args.seed)
            self.inputs.setdefault("cuts", (path, rows))
            for code in (CODES if k % 2 else CODES[::-1]):
                ws = spaces[code]
                self.ingest(f"f{k}-{code}", code, ws, path)
                wh = ws / "warehouse" / "seguridad.duckdb"
                wal = wh.with_name(wh.name + ".wal")
                self.sizes[code].append(mb(sum(p.stat().st_size for p in (wh, wal)
                                               if p.exists())))
                if k in (1, n):
                    self.tables[code][k] = table_sizes(wh)
            if k > 1:
                path.unlink()
        for ws in spaces.values():
            shutil.rmtree(ws, ignore_errors=True)


def table_sizes(wh: Path) -> dict[str, float]:
    """MB of the blocks each table of the warehouse holds."""
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        (block,) = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
        names = [f"{s}.{t}" for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database()").fetchall()]
        out = {}
        for name in names:
            (blocks,) = con.execute("SELECT count(DISTINCT block_id) FROM pragma_storage_info(?) "
                                    "WHERE block_id >= 0", [name]).fetchone()
            out[name] = mb(blocks * block)
        return out
    finally:
        con.close()


def med(bench: Bench, key: str, i: int = 0) -> float | None:
    values = [s[i] for s in bench.samples.get(key, [])]
    return statistics.median(values) if values else None


def section(bench: Bench) -> str:
    args = bench.args
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    base, ours = bench.commits
    lines = [
        "## Municipal ingest: the baseline and this code in one run (issue 24)", "",
        f"`python -m benchmarks.municipal_ingest {' '.join(args.argv)}`".replace(" `", "`"),
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}, "
        f"{(time.monotonic() - bench.started) / 60:.0f} min in all.", "",
        f"- Machine: {os.cpu_count()} cores, {mem:.1f} GiB memory, {platform.platform()}; "
        f"load average {bench.load_start[0]:.1f} at the start, {load[0]:.1f} at the end "
        "(shared with other engineers' work: the spread shows how much that mattered).",
        f"- Baseline: commit `{base}` (`{args.before}`, municipal values stored one per row); "
        f"ours: commit `{ours}` (a row of twelve months per version). Same interpreter, same "
        "packages, same Prefect home (an ephemeral server per process, as the CLI runs; "
        "migrated by an unmeasured warm-up flow), default memory budget.",
        f"- Runs: {args.runs} of a, c, d, e (interleaved, the codes alternating which goes "
        "first); f once per code, the two codes alternating cut by cut.",
    ]
    for key, (path, rows) in bench.inputs.items():
        lines.append(f"- Input {key}: `{path.name}`, {rows:,} rows"
                     + (f", {mb(path.stat().st_size):,.0f} MB" if path.exists() else ""))
    lines += ["", "| item | what | baseline median s (min-max) | ours median s (min-max) | "
              "baseline peak RSS MB | ours peak RSS MB |", "|---|---|---|---|---|---|"]

    def cell(key: str, i: int = 0) -> str:
        values = [s[i] for s in bench.samples.get(key, [])]
        if not values:
            return ""
        m = statistics.median(values)
        if i:
            return f"{m:,.0f}"
        return f"{m:,.1f} ({min(values):,.1f}-{max(values):,.1f})"

    for key, what in (("a", "floor: DuckDB `CREATE TABLE AS read_csv`"),
                      ("c", "bare Prefect flow run")):
        lines.append(f"| {key} | {what} | {cell(key)} | (same) | {cell(key, 1)} | |")
    for key, what in (("d", "`seguridad ingest` of the 11-year file, empty warehouse"),
                      ("e", "`seguridad ingest` of the next cut after (d)")):
        lines.append(f"| {key} | {what} | {cell(key + '-base')} | {cell(key + '-ours')} | "
                     f"{cell(key + '-base', 1)} | {cell(key + '-ours', 1)} |")
    n = args.cuts
    for k in (1, n):
        lines.append(f"| f{k} | cut {k} of {n} ({args.cuts_years}-year file) | "
                     f"{cell(f'f{k}-base')} | {cell(f'f{k}-ours')} | {cell(f'f{k}-base', 1)} | "
                     f"{cell(f'f{k}-ours', 1)} |")
    a, c = med(bench, "a"), med(bench, "c")
    lines += ["", "| target | baseline | ours | met (ours) |", "|---|---|---|---|"]
    if None not in (a, c):
        db, do = med(bench, "d-base"), med(bench, "d-ours")
        lines.append(f"| (d) - (c) at most 3x (a) | ({db:.1f} - {c:.1f}) / {a:.2f} = "
                     f"{(db - c) / a:.2f}x | ({do:.1f} - {c:.1f}) / {a:.2f} = "
                     f"**{(do - c) / a:.2f}x** | {'yes' if (do - c) / a <= 3 else '**no**'} |")
    rb, ro = med(bench, "d-base", 1), med(bench, "d-ours", 1)
    eb, eo = med(bench, "e-base", 1), med(bench, "e-ours", 1)
    lines.append(f"| peak RSS of (d) and (e) at most 1 GB (1,024 MB) | {rb:,.0f} / {eb:,.0f} MB | "
                 f"**{ro:,.0f} / {eo:,.0f} MB** | {'yes' if max(ro, eo) <= 1024 else '**no**'} |")
    ratio = {c2: med(bench, f"e-{c2}") / med(bench, f"d-{c2}") for c2 in CODES}
    lines.append(f"| (e) at most 1.1x (d) | {ratio['base']:.2f}x | **{ratio['ours']:.2f}x** | "
                 f"{'yes' if ratio['ours'] <= 1.1 else '**no**'} |")
    grow = {c2: bench.sizes[c2][-1] / bench.sizes[c2][0] for c2 in CODES if bench.sizes[c2]}
    if grow:
        lines.append(f"| warehouse after {n} cuts at most 1.2x after 1 ({args.cuts_years}-year "
                     f"file) | {bench.sizes['base'][-1]:,.1f} / {bench.sizes['base'][0]:,.1f} MB"
                     f" = {grow['base']:.2f}x | {bench.sizes['ours'][-1]:,.1f} / "
                     f"{bench.sizes['ours'][0]:,.1f} MB = **{grow['ours']:.2f}x** | "
                     f"{'yes' if grow['ours'] <= 1.2 else '**no**'} |")
        lines += ["", "Warehouse file after each cut (MB):", "",
                  "| cut | " + " | ".join(str(k) for k in range(1, n + 1)) + " |",
                  "|---|" + "---|" * n]
        for c2 in CODES:
            lines.append(f"| {'baseline' if c2 == 'base' else 'ours'} | "
                         + " | ".join(f"{s:,.1f}" for s in bench.sizes[c2]) + " |")
        lines += ["", f"By table, MB of blocks after cut 1 and cut {n} (tables over 0.5 MB "
                  "in one of them):", "",
                  f"| table | baseline 1 | baseline {n} | ours 1 | ours {n} |",
                  "|---|---|---|---|---|"]
        names = sorted({t for c2 in CODES for k in (1, n)
                        for t, v in bench.tables[c2].get(k, {}).items() if v >= 0.5})
        for t in names:
            vals = [bench.tables[c2].get(k, {}).get(t) for c2 in CODES for k in (1, n)]
            lines.append(f"| {t} | " + " | ".join("" if v is None else f"{v:,.1f}"
                                                  for v in vals) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the baseline commit")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cuts-years", type=int, default=2,
                        help="years of the file of (f) (11: the full-size file)")
    parser.add_argument("--cuts", type=int, default=12, help="cuts of (f), 2..12")
    parser.add_argument("--states", help="only these states, e.g. 01,06 (a smoke test)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--output", type=Path, help="write the section here too")
    args = parser.parse_args(argv)
    args.argv = argv
    args.states = ({x.strip().zfill(2) for x in args.states.split(",")} if args.states
                   else None)
    args.work = args.work or Path(tempfile.mkdtemp(prefix="bench_municipal_"))
    bench = Bench(args)
    try:
        bench.measure()
    finally:
        text = section(bench) if bench.samples.get("d-ours") else ""
        print(text)
        if args.output and text:
            args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
