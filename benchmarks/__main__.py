"""The benchmark of issue 11: seguridad on full-size municipal files against its floors,
measured in one run, and benchmarks/RESULTS.md written from it.

    python -m benchmarks                 # everything, full size (~40 min on a quiet machine)
    python -m benchmarks --quick         # a 2-state file, 3 cuts, 1 run each (a few minutes)
    python -m benchmarks --only a,b,d --runs 5

Items (each measured run is a fresh process, with its own landing zone and warehouse in the
run's temp dir; wall time by time.monotonic(), peak RSS from the kernel's rusage of that
process and its children):

    a  the floor: DuckDB CREATE TABLE t AS SELECT * FROM read_csv(file, encoding='latin-1')
    b  a naive pandas path: read_csv, pandera validate (wide), melt, insert into DuckDB
    c  a bare Prefect flow run, as the CLI runs one: the orchestration cost of any flow
    d  `seguridad ingest` of the file into an empty warehouse, end to end
    e  the next cut (one more month, ~0.1% of past cells revised), ingested after (d)
    f  twelve successive monthly cuts into one warehouse: each ingest, warehouse size after it
    g  a no-op `seguridad refresh`, `report compare` and `check-claims` on the full warehouse
       (the shipped files and the full-size municipal file)
    h  (d) at 1, 3 and 11 years of data (11 years is the file of (d))
    i  the fan-out (issue 14): `seguridad refresh --full` of a landing zone of 12 monthly
       state cuts and 3 municipal-size files, serial and with `--workers 2` (a local Dask
       cluster), interleaved; the two warehouses compared table by table (EXCEPT ALL both
       ways); memory as the peak of the whole process tree (the workers are grandchildren).
       `python -m benchmarks --only i` measures only this and writes its section into
       benchmarks/RESULTS.md, leaving the rest of the file as the last full run wrote it.
    j  the fixed cost of a writing command with nothing to do (issue 24): a no-op `refresh`
       and an `ingest` of known bytes on the local Prefect server, against the same commands
       and a bare flow with Prefect's temporary server (benchmarks/fixed_cost.py, which
       `python -m benchmarks --only j` runs; it writes its own section of RESULTS.md)

Runs of a, b, c, d, e and h are interleaved (round 1 of each, then round 2...), so a change
in the machine's load hits every item alike; ratios are computed within the run.
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
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import fixed_cost
from benchmarks.fanout import TreeMemory
from benchmarks.fanout import landing_zone as fanout_landing_zone
from benchmarks.municipal import FIRST_YEAR, generate_cut

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
ITEMS = "abcdefghij"
FANOUT_SECTION = "## Fan-out: a rebuild from the landing zone over Dask workers (issue 14)"
CUT = (2025, 11)  # the full-size file: 2015-2025, published to November 2025
NEXT_CUT = (2025, 12)
CLAIMS = REPO / "claims" / "cnsp_2015-12-18.toml"
TIME = Path("/usr/bin/time")  # GNU time: the peak RSS of a command, whatever runs it
QUICK_STATES = {"01", "06"}  # Aguascalientes and Colima: 21 municipalities
COMPARE_NATIONAL = ["--indicator", "homicidio_doloso", "--geo", "national",
                    "--current", "2015-01:2015-11", "--baseline", "2012-01:2012-11"]
COMPARE_MUNICIPAL = ["--indicator", "homicidio_doloso", "--geo", "{code}",
                     "--current", "2025-01:2025-11", "--baseline", "2024-01:2024-11"]


@dataclass
class Sample:
    seconds: float
    peak_rss_mb: float
    returncode: int
    warehouse_mb: float | None = None
    log: Path | None = None
    tree_rss_mb: float | None = None  # the peak of the process and all its descendants


@dataclass
class Row:
    key: str
    what: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.returncode == 0]

    @property
    def failed(self) -> list[Sample]:
        return [s for s in self.samples if s.returncode != 0]

    def median(self, attr: str = "seconds") -> float | None:
        values = [getattr(s, attr) for s in self.ok if getattr(s, attr) is not None]
        return statistics.median(values) if values else None

    def spread(self, attr: str = "seconds") -> tuple[float, float] | None:
        values = [getattr(s, attr) for s in self.ok if getattr(s, attr) is not None]
        return (min(values), max(values)) if values else None


def mb(nbytes: int) -> float:
    return nbytes / 2**20


def warehouse_bytes(ws: Path) -> int:
    path = ws / "warehouse" / "seguridad.duckdb"
    wal = path.with_name(path.name + ".wal")
    return sum(p.stat().st_size for p in (path, wal) if p.exists())


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.items = args.only
        self.work = args.work
        self.logs = self.work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.files_dir = self.work / "files"
        self.files_dir.mkdir(exist_ok=True)
        self.py = sys.executable
        self.seguridad = str(Path(sys.executable).parent / "seguridad")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SEGURIDAD_", "PREFECT_"))}
        # Every process gets the CLI's quiet settings and one Prefect home for the run (its
        # database is migrated once by the warm-up below, as on any machine after its first
        # flow), away from the user's ~/.prefect and from other engineers' processes.
        env.update(PREFECT_HOME=str(self.work / "prefect-home"),
                   PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
                   PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90")
        if args.prefect_api_url:
            env["PREFECT_API_URL"] = args.prefect_api_url
        self.env = env
        self.rows: dict[str, Row] = {}
        self.inputs: dict[str, tuple[Path, int]] = {}
        self.setup_notes: list[str] = []
        self.counter = 0
        self.base_ws: Path | None = None  # a warehouse holding the file of (d)
        self.started, self.load_start = time.monotonic(), os.getloadavg()
        self.output: Path | None = None
        self.git = git_state()  # the code measured: read before the first run
        self.fanout_inputs: list[tuple[Path, int]] = []
        self.fanout_differences: dict | None = None
        self.fanout_bytes: dict[Path, int] = {}
        self.fixed_cost: fixed_cost.FixedCost | None = None  # item (j)

    def save(self, done: bool) -> str:
        """Write the results file; while the run goes on it says so (a run that is stopped
        leaves what it measured)."""
        text = report(self, done)
        if self.args.fanout_run:  # only (i): its section replaces the one of the last run
            text = merge_section(self.output.read_text(encoding="utf-8")
                                 if self.output and self.output.exists() else "",
                                 fanout_section(self, done))
        if self.fixed_cost is not None:  # (j): its section, whichever run wrote the rest
            old = text if not self.args.fixed_cost_run else (
                self.output.read_text(encoding="utf-8")
                if self.output and self.output.exists() else "")
            text = fixed_cost.merge_section(old, self.fixed_cost.section(done))
        if self.output is not None:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self.output.write_text(text, encoding="utf-8")
        return text

    # -- measuring --------------------------------------------------------------------------

    def row(self, key: str, what: str, note: str = "") -> Row:
        if key not in self.rows:
            self.rows[key] = Row(key, what, note=note)
        return self.rows[key]

    def run(self, label: str, cmd: list[str], env: dict | None = None,
            tree: bool = False) -> Sample:
        """One fresh process: wall time, and its peak RSS as GNU time reports it (the largest
        resident set of the process or of a child it waited for, e.g. Prefect's server).
        Without /usr/bin/time, the kernel's rusage of the child (which counts the pages it
        shared with this process when it forked: an upper bound)."""
        self.counter += 1
        log = self.logs / f"{self.counter:03d}-{label}"
        rss_file = log.with_suffix(".rss")
        if TIME.exists():
            cmd = [str(TIME), "-f", "%M", "-o", str(rss_file), *cmd]
        with open(log.with_suffix(".out"), "wb") as out, \
                open(log.with_suffix(".err"), "wb") as err:
            started = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, env=env or self.env)
            memory = TreeMemory(proc.pid) if tree else None
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = usage.ru_maxrss
        if rss_file.exists():  # "Command exited with non-zero status N" may come first
            peak_kb = int(rss_file.read_text().split()[-1])
        sample = Sample(seconds, peak_kb / 1024, proc.returncode, log=log,
                        tree_rss_mb=memory.stop() if memory else None)
        if proc.returncode:
            tail = log.with_suffix(".err").read_text(errors="replace")[-1500:]
            print(f"  {label}: FAILED (exit {proc.returncode}); {log}.err:\n{tail}", flush=True)
        return sample

    def measure(self, key: str, what: str, label: str, cmd: list[str], env: dict | None = None,
                ws: Path | None = None, note: str = "", tree: bool = False) -> Sample:
        row = self.row(key, what, note)
        sample = self.run(label, cmd, env, tree)
        if ws is not None:
            sample.warehouse_mb = mb(warehouse_bytes(ws))
        row.samples.append(sample)
        self.save(done=False)
        size = f", warehouse {sample.warehouse_mb:,.0f} MB" if sample.warehouse_mb else ""
        if sample.tree_rss_mb:
            size += f", process tree peak {sample.tree_rss_mb:,.0f} MB"
        print(f"  [{key} {len(row.samples)}] {sample.seconds:7.1f} s, peak RSS "
              f"{sample.peak_rss_mb:,.0f} MB{size}", flush=True)
        return sample

    def setup_step(self, what: str, cmd: list[str], env: dict | None = None) -> None:
        sample = self.run("setup", cmd, env)
        self.setup_notes.append(f"{what}: {sample.seconds:.0f} s")
        print(f"  setup: {what}: {sample.seconds:.1f} s", flush=True)
        if sample.returncode:
            raise SystemExit(f"setup failed: {what} (see {sample.log}.err)")

    # -- workspaces -------------------------------------------------------------------------

    def workspace(self, name: str) -> Path:
        ws = self.work / "ws" / name
        if ws.exists():
            shutil.rmtree(ws)
        (ws / "raw").mkdir(parents=True)
        (ws / "warehouse").mkdir()
        return ws

    def ws_env(self, ws: Path) -> dict:
        return dict(self.env, SEGURIDAD_RAW=str(ws / "raw"),
                    SEGURIDAD_WAREHOUSE=str(ws / "warehouse" / "seguridad.duckdb"))

    def clone(self, source: Path, name: str) -> Path:
        """A copy of a workspace: raw files hard-linked (never modified), the warehouse and
        its journal copied (a build may write them in place), no snapshots or leftovers."""
        ws = self.workspace(name)
        shutil.rmtree(ws / "raw")
        shutil.copytree(source / "raw", ws / "raw", copy_function=os.link)
        for path in (source / "warehouse").iterdir():
            if path.is_file() and not path.name.startswith("."):
                shutil.copyfile(path, ws / "warehouse" / path.name)
        return ws

    def drop(self, ws: Path | None) -> None:
        if ws is not None and ws != self.base_ws:
            shutil.rmtree(ws, ignore_errors=True)

    # -- inputs -----------------------------------------------------------------------------

    def input_file(self, key: str, year: int, month: int, first_year: int = FIRST_YEAR,
                   out: Path | None = None) -> tuple[Path, int]:
        if key not in self.inputs:
            started = time.monotonic()
            path, rows = generate_cut(out or self.files_dir, year, month, first_year,
                                      self.args.states, self.args.seed)
            print(f"  generated {path.name}: {rows:,} rows, {mb(path.stat().st_size):,.0f} MB "
                  f"in {time.monotonic() - started:.0f} s", flush=True)
            self.inputs[key] = (path, rows)
        return self.inputs[key]

    def full_file(self) -> Path:
        return self.input_file("full", *CUT)[0]

    def ingest_cmd(self, *paths: Path) -> list[str]:
        return [self.seguridad, "ingest", *map(str, paths)]

    def ensure_base(self) -> Path:
        """A warehouse with the file of (d), when (d) itself did not leave one."""
        if self.base_ws is None:
            ws = self.workspace("base")
            self.setup_step("ingest of the full-size file for the items that need its "
                            "warehouse", self.ingest_cmd(self.full_file()), self.ws_env(ws))
            self.base_ws = ws
        return self.base_ws

    # -- the items --------------------------------------------------------------------------

    def warm_up(self) -> None:
        """One unmeasured flow run: Prefect migrates its new database (first run ~20 s)."""
        if not self.args.prefect_api_url and set(self.items) - {"j"}:  # (j) warms its own
            self.setup_step("Prefect warm-up (first flow run in the run's PREFECT_HOME)",
                            [self.py, "-m", "benchmarks.paths", "flow"])

    def item_a(self, r: int) -> None:
        db = self.work / f"floor-{r}.duckdb"
        full = self.full_file()
        self.measure("a", "floor: DuckDB `CREATE TABLE t AS SELECT * FROM read_csv(file, "
                          "encoding='latin-1')`", f"a{r}",
                     [self.py, "-m", "benchmarks.paths", "floor", str(full), str(db)])
        db.unlink(missing_ok=True)

    def item_b(self, r: int) -> None:
        db = self.work / f"naive-{r}.duckdb"
        self.measure("b", "naive pandas: `read_csv`, pandera `SesnspMunicipalNM` on the wide "
                          "frame, `melt`, insert into DuckDB", f"b{r}",
                     [self.py, "-m", "benchmarks.paths", "naive", str(self.full_file()),
                      str(db)])
        db.unlink(missing_ok=True)

    def item_c(self, r: int) -> None:
        self.measure("c", "bare Prefect flow run (ephemeral server, as the CLI runs a flow)",
                     f"c{r}", [self.py, "-m", "benchmarks.paths", "flow"])

    def item_d(self, r: int) -> Path:
        ws = self.workspace(f"d{r}")
        self.measure("d", "`seguridad ingest` of the file, empty warehouse, end to end",
                     f"d{r}", self.ingest_cmd(self.full_file()), self.ws_env(ws), ws)
        if self.rows["d"].samples[-1].returncode == 0:
            old, self.base_ws = self.base_ws, ws
            if old is not None and old != ws:
                shutil.rmtree(old, ignore_errors=True)
        return ws

    def item_e(self, r: int) -> None:
        nxt = self.input_file("next", *NEXT_CUT)[0]
        ws = self.clone(self.ensure_base(), f"e{r}")
        self.measure("e", "`seguridad ingest` of the next cut (Dec 2025: one more month, ~0.1% "
                          "of past cells revised) after (d)", f"e{r}", self.ingest_cmd(nxt),
                     self.ws_env(ws), ws)
        self.drop(ws)

    def item_h(self, r: int) -> None:
        for years in (1, 3):
            path = self.input_file(f"h{years}", *CUT, first_year=CUT[0] - years + 1)[0]
            ws = self.workspace(f"h{years}-{r}")
            self.measure(f"h{years}", f"(d) at {years} year{'s' * (years > 1)} of data "
                                      f"({CUT[0] - years + 1}-{CUT[0]})", f"h{years}-{r}",
                         self.ingest_cmd(path), self.ws_env(ws), ws)
            self.drop(ws)
        if "d" not in self.items:
            ws = self.workspace(f"h11-{r}")
            self.measure("h11", f"(d) at 11 years of data ({FIRST_YEAR}-{CUT[0]})",
                         f"h11-{r}", self.ingest_cmd(self.full_file()), self.ws_env(ws), ws)
            self.drop(ws)

    def item_f(self) -> None:
        n = self.args.cuts
        ws = self.workspace("f")
        env = self.ws_env(ws)
        year, month = NEXT_CUT
        cuts = []
        for _ in range(n):
            cuts.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out = self.work / "cuts"
        out.mkdir(exist_ok=True)
        for k, (year, month) in enumerate(reversed(cuts), start=1):
            started = time.monotonic()
            path, rows = generate_cut(out, year, month, FIRST_YEAR, self.args.states,
                                      self.args.seed)
            print(f"  generated cut {k} ({year}-{month:02d}) in "
                  f"{time.monotonic() - started:.0f} s", flush=True)
            self.measure(f"f{k}", f"cut {k} of {n}: `seguridad ingest` of the {year}-{month:02d} "
                                  f"cut, after the {k - 1} before", f"f{k}-{year}-{month:02d}",
                         self.ingest_cmd(path), env, ws)
            path.unlink()
        shutil.rmtree(ws, ignore_errors=True)

    def setup_g(self) -> Path:
        """The full warehouse: the warehouse of (d) plus every file shipped in raw/ (or, with
        --shipped-workspace, a warehouse of the shipped files plus the file of (d))."""
        if self.args.shipped_workspace:
            ws = self.clone(self.args.shipped_workspace, "g")
            self.setup_step("the full warehouse for (g): ingest of the full-size file into "
                            f"a copy of {self.args.shipped_workspace}",
                            self.ingest_cmd(self.full_file()), self.ws_env(ws))
            return ws
        from seguridad.intake.discovery import discover

        ws = self.clone(self.ensure_base(), "g")
        shipped = discover(REPO / "raw")
        self.setup_step(f"the full warehouse for (g): ingest of the {len(shipped)} shipped "
                        "files into the warehouse of (d)", self.ingest_cmd(*shipped),
                        self.ws_env(ws))
        return ws

    def item_g(self, ws: Path, r: int) -> None:
        env = self.ws_env(ws)
        code = self.municipal_code()
        self.item_c(r + self.args.runs)  # again beside (g1): its target is relative to (c)
        self.measure("g1", "no-op `seguridad refresh` (nothing new; writes the report set)",
                     f"g1-{r}", [self.seguridad, "refresh"], env)
        self.measure("g2", "no-op `seguridad refresh --no-report`", f"g2-{r}",
                     [self.seguridad, "refresh", "--no-report"], env)
        self.measure("g3", "`seguridad report compare` national homicides (the README's "
                           "example)", f"g3-{r}",
                     [self.seguridad, "report", "compare", *COMPARE_NATIONAL], env)
        self.measure("g4", f"`seguridad report compare` homicides in municipality {code}, "
                           "2025 vs 2024", f"g4-{r}",
                     [self.seguridad, "report", "compare",
                      *[a.format(code=code) for a in COMPARE_MUNICIPAL]], env)
        self.measure("g5", f"`seguridad check-claims {CLAIMS.relative_to(REPO)}`", f"g5-{r}",
                     [self.seguridad, "check-claims", str(CLAIMS)], env)

    def setup_i(self) -> Path:
        raw = self.work / "fanout-raw"
        if raw.exists():
            shutil.rmtree(raw)
        started = time.monotonic()
        n_state, n_municipal = (3, 1) if self.args.quick else (12, 3)
        self.fanout_inputs = fanout_landing_zone(raw, n_state, n_municipal, self.args.states,
                                                 self.args.seed)
        self.fanout_bytes = {p: p.stat().st_size for p, _ in self.fanout_inputs}
        self.setup_notes.append(f"writing the landing zone of (i): "
                                f"{time.monotonic() - started:.0f} s")
        print(f"  (i) landing zone: {len(self.fanout_inputs)} files, "
              f"{mb(sum(p.stat().st_size for p, _ in self.fanout_inputs)):,.0f} MB", flush=True)
        return raw

    def item_i(self, raw: Path, r: int) -> None:
        """Serial, then two workers (the other way round in even rounds); the two warehouses
        of the last round are compared."""
        modes = [("i1", "serial", []), ("i2", "workers2", ["--workers", "2"])]
        last = {}
        for key, mode, extra in (modes if r % 2 else modes[::-1]):
            ws = self.workspace(f"i-{mode}-{r}")
            env = dict(self.env, SEGURIDAD_RAW=str(raw),
                       SEGURIDAD_WAREHOUSE=str(ws / "warehouse" / "seguridad.duckdb"))
            what = ("`seguridad refresh --full --no-report`, serial" if not extra else
                    "`seguridad refresh --full --no-report --workers 2` (local Dask cluster)")
            sample = self.measure(key, what, f"{key}-{r}",
                                  [self.seguridad, "refresh", "--full", "--no-report", *extra],
                                  env, ws, tree=True)
            if sample.returncode == 0:
                last[key] = ws
        if r == self.args.runs and len(last) == 2:
            from seguridad.intake.fanout import differences

            self.fanout_differences = differences(
                *(last[k] / "warehouse" / "seguridad.duckdb" for k in ("i1", "i2")))
            print(f"  (i) serial vs 2 workers: differences {self.fanout_differences or 'none'}",
                  flush=True)
        for ws in last.values():
            shutil.rmtree(ws, ignore_errors=True)

    def municipal_code(self) -> str:
        from benchmarks.municipal import municipalities

        places = municipalities(self.args.states)
        codes = [p[1] for p in places]
        return "11020" if "11020" in codes else codes[0].zfill(5)

    def run_all(self) -> None:
        self.warm_up()
        if set(self.items) & set("abcdefgh"):
            self.full_file()
        rounds = [i for i in "abcdeh" if i in self.items]
        for r in range(1, self.args.runs + 1) if rounds else ():
            print(f"round {r} of {self.args.runs}: {', '.join(rounds)}", flush=True)
            for item in rounds:
                getattr(self, f"item_{item}")(r)
        if "g" in self.items:
            self.rounds_on("g", self.setup_g(), self.item_g)
        if "f" in self.items:
            print(f"(f) {self.args.cuts} successive cuts", flush=True)
            self.item_f()
        if "i" in self.items:
            self.rounds_on("i", self.setup_i(), self.item_i)
        if "j" in self.items:  # its own scratch folder, Prefect home and server
            print("(j) the fixed cost of a writing command", flush=True)
            self.fixed_cost = fixed_cost.FixedCost(self.work / "fixed-cost", self.args.runs,
                                                   self.args.shipped_workspace)
            self.fixed_cost.run_all()

    def rounds_on(self, key: str, folder: Path, item) -> None:
        """The runs of an item over one prepared folder, which is removed after them."""
        for r in range(1, self.args.runs + 1):
            print(f"({key}) round {r} of {self.args.runs}", flush=True)
            item(folder, r)
        shutil.rmtree(folder, ignore_errors=True)


# -- the report ------------------------------------------------------------------------------

def _fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _range(spread: tuple[float, float] | None, digits: int = 1) -> str:
    return "n/a" if spread is None else f"{spread[0]:,.{digits}f}-{spread[1]:,.{digits}f}"


def targets(bench: Bench) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for every target of issue 11 the run has the figures for."""
    rows = bench.rows

    def med(key: str, attr: str = "seconds") -> float | None:
        return rows[key].median(attr) if key in rows else None

    out: list[tuple[str, str, bool | None]] = []
    a, b, c, d, e = (med(k) for k in "abcde")
    if None not in (a, c, d):
        ratio = (d - c) / a
        out.append(("(d) - (c) at most 3x (a)", f"({d:,.1f} - {c:,.1f}) / {a:,.1f} = "
                    f"**{ratio:.2f}x**", ratio <= 3))
    if None not in (b, c, d):
        ratio = b / (d - c)
        out.append(("(d) - (c) at least 3x faster than (b)", f"{b:,.1f} / ({d:,.1f} - {c:,.1f}) "
                    f"= **{ratio:.2f}x** faster (b / d: {b / d:.2f}x)", ratio >= 3))
    if d is not None:
        rss = med("d", "peak_rss_mb")
        out.append(("(d) peak RSS < 1 GB (1,024 MB)", f"**{rss:,.0f} MB**", rss < 1024))
    if None not in (d, e):
        out.append(("(e) no slower than 1.2x (d)", f"{e:,.1f} / {d:,.1f} = **{e / d:.2f}x**",
                    e / d <= 1.2))
    n = bench.args.cuts
    first, last = med("f1"), med(f"f{n}")
    if None not in (first, last):
        out.append((f"(f) ingest {n} no slower than 1.2x ingest 1",
                    f"{last:,.1f} / {first:,.1f} = **{last / first:.2f}x**", last / first <= 1.2))
        s1, sn = med("f1", "warehouse_mb"), med(f"f{n}", "warehouse_mb")
        out.append((f"(f) warehouse after {n} cuts at most 1.5x after 1",
                    f"{sn:,.0f} / {s1:,.0f} MB = **{sn / s1:.2f}x**", sn / s1 <= 1.5))
    g1 = med("g1")
    if None not in (g1, c):
        out.append(("(g) no-op refresh within 2 s of (c)",
                    f"{g1:,.1f} - {c:,.1f} = **{g1 - c:+.1f} s** (`--no-report`: "
                    f"{_fmt(med('g2'))} s)", g1 - c <= 2))
    compares = [(k, med(k)) for k in ("g3", "g4") if med(k) is not None]
    if compares:
        worst = max(v for _, v in compares)
        shown = ", ".join(f"{k} {v:.2f} s" for k, v in compares)
        out.append(("(g) `report compare` under 0.5 s", f"**{shown}**", worst < 0.5))
    h11 = "d" if "d" in rows else "h11"
    sizes = {y: bench.inputs[k][1] for y, k in ((1, "h1"), (3, "h3"), (11, "full"))
             if k in bench.inputs}
    if c is not None and all(med(k) is not None for k in ("h1", "h3", h11)) and len(sizes) == 3:
        t = {1: med("h1") - c, 3: med("h3") - c, 11: med(h11) - c}
        m = {1: med("h1", "peak_rss_mb"), 3: med("h3", "peak_rss_mb"),
             11: med(h11, "peak_rss_mb")}
        parts, met = [], True
        for lo, hi in ((1, 3), (3, 11)):
            grow = sizes[hi] / sizes[lo]
            tr, mr = t[hi] / t[lo], m[hi] / m[lo]
            met = met and tr <= grow and mr <= grow
            parts.append(f"{lo}->{hi} years: input x{grow:.2f}, time - (c) x{tr:.2f}, "
                         f"peak RSS x{mr:.2f}")
        out.append(("(h) time and memory grow no faster than the input", "; ".join(parts),
                    met))
    return out


def git_state() -> tuple[str, str, str]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              cwd=REPO).stdout.strip()

    return (git("rev-parse", "--short", "HEAD") or "unknown", git("rev-parse", "--abbrev-ref",
            "HEAD"), git("status", "--porcelain", "--untracked-files=no", "--", "seguridad",
                         "flows", "schemas", "warehouse", "benchmarks",
                         ":!benchmarks/RESULTS.md"))  # the results are not the code


def report(bench: Bench, done: bool = True) -> str:
    import duckdb
    import pandas
    import pandera
    import prefect

    args = bench.args
    started, load_start, full_run = bench.started, bench.load_start, args.full_run
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit, branch, dirty = bench.git
    load_end = os.getloadavg()
    command = "python -m benchmarks " + " ".join(args.argv) if args.argv else \
        "python -m benchmarks"
    prefect_mode = (f"the Prefect server at {args.prefect_api_url}" if args.prefect_api_url
                    else "an ephemeral Prefect server per process, as the CLI runs (one "
                         "PREFECT_HOME for the run, migrated by an unmeasured warm-up flow)")
    lines = [
        "# Benchmark results" + ("" if full_run else " (partial or reduced run)")
        + ("" if done else " (IN PROGRESS: the run had not finished)"),
        "",
        f"`{command}`, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}, "
        f"{(time.monotonic() - started) / 60:.0f} min in all.",
        "",
        f"- Machine: {os.cpu_count()} cores (`nproc` {len(os.sched_getaffinity(0))}), "
        f"{mem:.1f} GiB memory, {platform.platform()}; load average "
        f"{load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end (the machine is "
        "shared: the spread shows how much that mattered).",
        f"- Python {platform.python_version()}, DuckDB {duckdb.__version__}, Prefect "
        f"{prefect.__version__}, pandas {pandas.__version__}, pandera {pandera.__version__}.",
        f"- Code measured: commit `{commit}` (branch `{branch}`"
        f"{', with uncommitted changes to the code' if dirty else ''}).",
        f"- Flows: {prefect_mode}.",
        f"- Runs: {args.runs} of each item (a, b, c, d, e, h interleaved round by round; "
        f"(c) again beside each (g) round); (f) is one sequence of {args.cuts} cuts. "
        "Median and min-max of the runs; peak RSS is the median run's kernel maximum "
        "resident set of the process (or its largest child); warehouse is the published "
        "file after the run.",
    ]
    for key, (path, rows) in bench.inputs.items():
        lines.append(f"- Input {key}: `{path.name}`, {rows:,} rows, "
                     f"{mb(path.stat().st_size) if path.exists() else 0:,.0f} MB (Latin-1, "
                     "CRLF, the SESNSP municipal format"
                     + (f", states {','.join(sorted(args.states))}" if args.states else "")
                     + ")")
    if bench.setup_notes:
        lines.append("- Not measured (setup): " + "; ".join(bench.setup_notes) + ".")
    lines += ["", "## Every item", "",
              "| item | what | runs | median s | min-max s | peak RSS MB | warehouse MB |",
              "|---|---|---|---|---|---|---|"]
    order = ["a", "b", "c", "d", "e"] + [f"f{k}" for k in range(1, args.cuts + 1)] + \
        ["g1", "g2", "g3", "g4", "g5", "h1", "h3", "h11"]
    for key in order:
        if key == "h11" and "d" in bench.rows and "h11" not in bench.rows:
            lines.append(f"| h11 | (d) at 11 years of data ({FIRST_YEAR}-{CUT[0]}) | see d | "
                         "| | | |")
            continue
        if key not in bench.rows:
            continue
        row = bench.rows[key]
        failed = f" ({len(row.failed)} FAILED)" if row.failed else ""
        wh = row.median("warehouse_mb")
        lines.append(f"| {key} | {row.what} | {len(row.samples)}{failed} | "
                     f"{_fmt(row.median(), 2 if (row.median() or 99) < 10 else 1)} | "
                     f"{_range(row.spread(), 2 if (row.median() or 99) < 10 else 1)} | "
                     f"{_fmt(row.median('peak_rss_mb'), 0)} | "
                     f"{'' if wh is None else _fmt(wh, 0)} |")
    lines += ["", "## Targets (issue 11)", "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in targets(bench):
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    if "i1" in bench.rows or "i2" in bench.rows:
        lines += ["", fanout_section(bench, done).rstrip("\n")]
    return "\n".join(lines) + "\n"


def fanout_section(bench: Bench, done: bool = True) -> str:
    """The section of item (i): each mode's runs, the ratio, memory, and the comparison."""
    rows, args = bench.rows, bench.args
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit, branch, dirty = bench.git
    load = os.getloadavg()
    command = "python -m benchmarks " + " ".join(args.argv) if args.argv else \
        "python -m benchmarks"
    state = [(p, n) for p, n in bench.fanout_inputs if p.name.startswith("estatal_")]
    muni = [(p, n) for p, n in bench.fanout_inputs if not p.name.startswith("estatal_")]
    lines = [
        FANOUT_SECTION + ("" if done else " (IN PROGRESS: the run had not finished)"), "",
        f"`{command}`, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}; "
        f"{os.cpu_count()} cores, {mem:.1f} GiB memory; load average {bench.load_start[0]:.1f} "
        f"at the start, {load[0]:.1f} at the end; commit `{commit}` (branch `{branch}`"
        f"{', with uncommitted changes to the code' if dirty else ''}).", "",
        f"- Landing zone: {len(state)} state cuts "
        + (f"(`{state[0][0].name}` .. `{state[-1][0].name}`, {sum(n for _, n in state):,} "
           f"rows, {mb(sum(bench.fanout_bytes.get(p, 0) for p, _ in state)):,.0f} MB; "
           "the real Nov-2024 state file cut back to each month)" if state else "")
        + f" and {len(muni)} municipal file{'s' * (len(muni) != 1)} "
        + (f"(`{muni[0][0].name}` .. `{muni[-1][0].name}`, {sum(n for _, n in muni):,} rows, "
           f"{mb(sum(bench.fanout_bytes.get(p, 0) for p, _ in muni)):,.0f} MB; "
           "benchmarks/municipal.py)" if muni else "") + ".",
        f"- {args.runs} run(s) of each mode, alternating which goes first; each run is "
        "`seguridad refresh --full --no-report` into an empty warehouse, a fresh process with "
        "an ephemeral Prefect server. Peak memory is the summed resident set of the process "
        "and all its descendants (Dask's nanny and worker processes included), sampled every "
        "0.2 s.", "",
        "| item | what | runs | median s | min-max s | process-tree peak MB |",
        "|---|---|---|---|---|---|",
    ]
    for key in ("i1", "i2"):
        if key in rows:
            row = rows[key]
            failed = f" ({len(row.failed)} FAILED)" if row.failed else ""
            lines.append(f"| {key} | {row.what} | {len(row.samples)}{failed} | "
                         f"{_fmt(row.median())} | {_range(row.spread())} | "
                         f"{_fmt(row.median('tree_rss_mb'), 0)} |")
    serial, fanned = (rows[k].median() if k in rows else None for k in ("i1", "i2"))
    lines.append("")
    if None not in (serial, fanned):
        lines.append(f"- Serial / 2 workers: {serial:,.1f} / {fanned:,.1f} = "
                     f"**{serial / fanned:.2f}x**.")
    if bench.fanout_differences is not None:
        lines.append("- The two warehouses of the last round, table by table (EXCEPT ALL both "
                     "ways, run timestamps and ids left out): "
                     + ("**identical**." if not bench.fanout_differences else
                        f"**DIFFERENT**: {bench.fanout_differences}."))
    return "\n".join(lines) + "\n"


def merge_section(text: str, section: str) -> str:
    """`text` with its fan-out section replaced by `section` (appended if it has none)."""
    if FANOUT_SECTION in text:
        head, rest = text.split(FANOUT_SECTION, 1)
        tail = rest.split("\n## ", 1)
        text = head.rstrip("\n") + "\n\n" + section + ("\n## " + tail[1] if len(tail) > 1 else "")
        return text
    return text.rstrip("\n") + ("\n\n" if text else "") + section


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--quick", action="store_true",
                        help="a 2-state file, 3 cuts, 1 run each: a smoke test")
    parser.add_argument("--only", default=ITEMS,
                        help="items to run, e.g. a,b,d (default: all of a-j)")
    parser.add_argument("--runs", type=int, help="runs of each item (default 3; --quick 1)")
    parser.add_argument("--cuts", type=int, help="successive cuts in (f) (default 12; "
                                                 "--quick 3)")
    parser.add_argument("--states", help="only these states' municipalities, e.g. 01,06 "
                                         "(default: all; --quick 01,06)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated counts")
    parser.add_argument("--output", type=Path, help="where to write the results (default: "
                        "benchmarks/RESULTS.md for a full run, else a /tmp/bench_ file)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new "
                        "/tmp/bench_* folder, removed at the end unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--prefect-api-url", help="run the flows against this Prefect server "
                        "instead of an ephemeral one per process (the tests use it)")
    parser.add_argument("--shipped-workspace", type=Path, help="a folder with raw/ and "
                        "warehouse/seguridad.duckdb already holding the shipped files: (g) "
                        "adds the full-size file to a copy of it instead of loading them again")
    args = parser.parse_args(argv)
    args.argv = argv
    args.only = "".join(i for i in args.only.replace(",", "") if not i.isspace())
    unknown = set(args.only) - set(ITEMS)
    if unknown:
        parser.error(f"unknown item(s) {', '.join(sorted(unknown))}: use letters of {ITEMS}")
    args.runs = args.runs or (1 if args.quick else 3)
    args.cuts = args.cuts or (3 if args.quick else 12)
    if not 1 <= args.cuts <= 12:
        parser.error("--cuts is between 1 and 12 (the cuts of 2025)")
    if args.states:
        args.states = {s.strip().zfill(2) for s in args.states.split(",") if s.strip()}
    else:
        args.states = set(QUICK_STATES) if args.quick else None
    args.full_run = (not args.quick and args.only == ITEMS and args.states is None
                     and args.cuts == 12 and args.runs >= 3 and not args.prefect_api_url
                     and not args.shipped_workspace)
    args.fanout_run = (not args.quick and args.only == "i" and args.states is None
                       and not args.prefect_api_url and args.runs >= 2)
    # (j) alone writes only its section of RESULTS.md (it measures its own servers)
    args.fixed_cost_run = not args.quick and args.only == "j" and not args.prefect_api_url
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    own_work = args.work is None
    args.work = Path(tempfile.mkdtemp(prefix="bench_")) if own_work else args.work
    args.work.mkdir(parents=True, exist_ok=True)
    output = args.output or (RESULTS if args.full_run or args.fanout_run or
                             args.fixed_cost_run else
                             Path(tempfile.gettempdir()) /
                             f"bench_results-{time.strftime('%Y%m%dT%H%M%S')}.md")
    print(f"benchmark: items {','.join(args.only)}, {args.runs} run(s), {args.cuts} cuts, "
          f"scratch {args.work}", flush=True)
    bench = Bench(args)
    bench.output = output
    failed, completed = False, False
    try:
        bench.run_all()
        completed = True
        failed = any(row.failed for row in bench.rows.values())
    finally:
        print(bench.save(done=completed))
        print(f"written: {output}")
        if own_work and not args.keep and not failed:
            shutil.rmtree(args.work, ignore_errors=True)
        elif failed or args.keep:
            print(f"scratch kept: {args.work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
