"""The fixed cost of a writing command with nothing to do (issue 24), seguridad's path and its
baseline measured in the same run, each a fresh process, rounds interleaved:

    python -m benchmarks.fixed_cost            # 5 runs of each; its section of RESULTS.md
    python -m benchmarks --only j              # the same, from the benchmark's command
    python -m benchmarks.fixed_cost --runs 1 --output /tmp/x.md --shipped-workspace DIR

The baseline (Prefect's temporary server in each process, as every writing command ran before
issue 24): a bare Prefect flow, and the no-op `refresh` and the `ingest` of known bytes with
SEGURIDAD_PREFECT_SERVER=off. seguridad's path, default settings: the same two commands on the
local server that the first command started (started once, unmeasured, before the rounds: "a
machine where it ran before"), the first command after that server stopped (it starts it
again), and a read-only command (`report compare`). What remains is broken down with `import
prefect` alone and a bare flow run as the CLI runs its flows (on the running server).

The workspace is the shipped raw/ (hard-linked) and a warehouse built from it (or a copy of
--shipped-workspace), in a scratch folder with its own PREFECT_HOME: the user's ~/.prefect and
their server are never touched, and the servers it starts are stopped at the end.
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

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Fixed cost of a writing command with nothing to do (issue 24)"
TARGET_S = 2.0  # issue 24: a no-op refresh or an ingest of known bytes in at most 2 s
KNOWN_FILE = "sesnsp/IDVFC_NM_dic24.csv"  # a shipped file (raw/): the ingest of known bytes
COMPARE = ["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
           "--current", "2015-01:2015-11", "--baseline", "2012-01:2012-11"]


@dataclass
class Item:
    key: str
    what: str
    seconds: list[float] = field(default_factory=list)
    failed: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


class FixedCost:
    def __init__(self, work: Path, runs: int, shipped: Path | None = None) -> None:
        self.work, self.runs, self.shipped = work, runs, shipped
        self.ws = work / "ws"
        self.home = work / "prefect-home"
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.py = sys.executable
        self.seguridad = str(Path(sys.executable).parent / "seguridad")
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("SEGURIDAD_", "PREFECT_"))}
        # Default settings (the repo's prefect.toml: no telemetry, warnings only), a Prefect
        # home of the run's own, the workspace's landing zone and warehouse.
        self.env = dict(base, PREFECT_HOME=str(self.home), SEGURIDAD_RAW=str(self.ws / "raw"),
                        SEGURIDAD_WAREHOUSE=str(self.ws / "warehouse" / "seguridad.duckdb"))
        self.off = dict(self.env, SEGURIDAD_PREFECT_SERVER="off")
        self.items: dict[str, Item] = {}
        self.setup_notes: list[str] = []
        self.counter = 0
        self.load_start = os.getloadavg()
        self.started = time.monotonic()

    # -- running ----------------------------------------------------------------------------

    def run(self, label: str, cmd: list[str], env: dict) -> tuple[float, int]:
        self.counter += 1
        log = self.logs / f"{self.counter:03d}-{label}"
        with open(log.with_suffix(".out"), "wb") as out, \
                open(log.with_suffix(".err"), "wb") as err:
            started = time.monotonic()
            code = subprocess.call(cmd, stdout=out, stderr=err, cwd=REPO, env=env)
            seconds = time.monotonic() - started
        if code:
            tail = log.with_suffix(".err").read_text(errors="replace")[-1500:]
            print(f"  {label}: FAILED (exit {code}); {log}.err:\n{tail}", flush=True)
        return seconds, code

    def measure(self, key: str, what: str, cmd: list[str], env: dict) -> None:
        item = self.items.setdefault(key, Item(key, what))
        seconds, code = self.run(key, cmd, env)
        if code:
            item.failed += 1
        else:
            item.seconds.append(seconds)
        print(f"  [{key} {len(item.seconds) + item.failed}] {seconds:6.2f} s", flush=True)

    def setup(self, what: str, cmd: list[str], env: dict) -> None:
        seconds, code = self.run("setup", cmd, env)
        self.setup_notes.append(f"{what}: {seconds:.0f} s")
        print(f"  setup: {what}: {seconds:.1f} s", flush=True)
        if code:
            raise SystemExit(f"setup failed: {what} (see {self.logs})")

    def prepare(self) -> None:
        """The workspace, and one command of each kind unmeasured: the warehouse built, the
        Prefect database migrated, our server started (a machine where it ran before)."""
        if self.ws.exists():
            shutil.rmtree(self.ws)
        source = self.shipped or REPO
        shutil.copytree(source / "raw", self.ws / "raw", copy_function=_link_or_copy)
        (self.ws / "warehouse").mkdir()
        if self.shipped is not None:
            for path in (self.shipped / "warehouse").iterdir():
                if path.is_file() and not path.name.startswith("."):
                    shutil.copyfile(path, self.ws / "warehouse" / path.name)
            self.setup("Prefect's first flow run in the run's PREFECT_HOME (its database)",
                       [self.py, "-m", "benchmarks.paths", "flow"], self.off)
        else:
            self.setup("the warehouse built from the shipped raw/ (and Prefect's database)",
                       [self.seguridad, "refresh", "--no-report"], self.off)
        self.setup("the local server started by a first command",
                   [self.seguridad, "refresh"], self.env)

    def stop_server(self) -> None:
        from seguridad.orchestration.prefect_server import stop
        from seguridad.orchestration.server_state import folder

        stop(folder(self.env))

    def round(self, r: int) -> None:
        refresh = [self.seguridad, "refresh"]
        ingest = [self.seguridad, "ingest", str(self.ws / "raw" / KNOWN_FILE)]
        bare = [self.py, "-m", "benchmarks.paths", "flow"]
        self.measure("s1", "no-op `seguridad refresh`, default settings (the local server, "
                           "running)", refresh, self.env)
        self.measure("s2", f"`seguridad ingest raw/{KNOWN_FILE}` (known bytes), default "
                           "settings", ingest, self.env)
        self.measure("r1", "read-only: `seguridad report compare` national homicides",
                     [self.seguridad, *COMPARE], self.env)
        self.measure("p1", "`python -c 'import prefect'`", [self.py, "-c", "import prefect"],
                     self.env)
        self.measure("p2", "bare Prefect flow as the CLI runs one now (the running local "
                           "server, no heartbeat)", [self.py, "-m", "benchmarks.paths",
                                                     "cli-flow"], self.env)
        self.measure("b1", "baseline: bare Prefect flow, Prefect's temporary server", bare,
                     self.off)
        self.measure("b2", "baseline: no-op `seguridad refresh`, SEGURIDAD_PREFECT_SERVER=off",
                     refresh, self.off)
        self.measure("b3", "baseline: the same `ingest` of known bytes, "
                           "SEGURIDAD_PREFECT_SERVER=off", ingest, self.off)
        self.stop_server()  # as after SEGURIDAD_PREFECT_SERVER_IDLE unused
        self.measure("s3", "no-op `seguridad refresh` that starts the local server (the first "
                           "command after it stopped)", refresh, self.env)

    def run_all(self) -> None:
        print(f"fixed cost: {self.runs} run(s) of each, scratch {self.work}", flush=True)
        try:
            self.prepare()
            for r in range(1, self.runs + 1):
                print(f"round {r} of {self.runs}", flush=True)
                self.round(r)
        finally:
            self.stop_server()

    # -- the section of RESULTS.md ----------------------------------------------------------

    def section(self, done: bool = True) -> str:
        import prefect

        from benchmarks.__main__ import git_state

        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        commit, branch, dirty = git_state()
        load = os.getloadavg()
        lines = [
            SECTION + ("" if done else " (IN PROGRESS: the run had not finished)"), "",
            f"`python -m benchmarks.fixed_cost --runs {self.runs}`, "
            f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}, "
            f"{(time.monotonic() - self.started) / 60:.0f} min; {os.cpu_count()} cores, "
            f"{mem:.1f} GiB memory, {platform.platform()}; load average "
            f"{self.load_start[0]:.1f} at the start, {load[0]:.1f} at the end (a shared "
            f"machine); Python {platform.python_version()}, Prefect {prefect.__version__}; "
            f"commit `{commit}` (branch `{branch}`"
            f"{', with uncommitted changes to the code' if dirty else ''}).", "",
            f"- {self.runs} run(s) of each item, rounds interleaved, each a fresh process timed "
            "from its start to its exit; median and min-max. The workspace: the shipped raw/ "
            "and its warehouse; its own PREFECT_HOME; otherwise default settings.",
        ]
        if self.setup_notes:
            lines.append("- Not measured (setup): " + "; ".join(self.setup_notes) + ".")
        lines += ["", "| item | what | runs | median s | min-max s |", "|---|---|---|---|---|"]
        for key in ("s1", "s2", "s3", "r1", "p1", "p2", "b1", "b2", "b3"):
            if key in self.items:
                item = self.items[key]
                failed = f" ({item.failed} FAILED)" if item.failed else ""
                spread = (f"{min(item.seconds):.2f}-{max(item.seconds):.2f}"
                          if item.seconds else "n/a")
                median = "n/a" if item.median is None else f"{item.median:.2f}"
                lines.append(f"| {key} | {item.what} | {len(item.seconds) + item.failed}"
                             f"{failed} | {median} | {spread} |")
        lines += ["", "| target (issue 24) | measured | met |", "|---|---|---|"]
        for target, measured, met in self.targets():
            lines.append(f"| {target} | {measured} | "
                         f"{'n/a' if met is None else 'yes' if met else '**no**'} |")
        return "\n".join(lines) + "\n"

    def targets(self) -> list[tuple[str, str, bool | None]]:
        med = {k: i.median for k, i in self.items.items()}
        out = []
        for key, what, base in (("s1", "no-op `refresh`", "b2"),
                                ("s2", "`ingest` of known bytes", "b3")):
            ours, before = med.get(key), med.get(base)
            if ours is None:
                continue
            ratio = f"; {before:.2f} s before ({base}), **{before / ours:.1f}x** faster" \
                if before else ""
            out.append((f"{what} ({key}) at most {TARGET_S:.0f} s, default settings, a "
                        "machine where it ran before", f"**{ours:.2f} s**{ratio}",
                        ours <= TARGET_S))
        if None not in (med.get("s1"), med.get("p1"), med.get("p2"), med.get("r1")):
            out.append(("where (s1) goes (not a target)",
                        f"`import prefect` {med['p1']:.2f} s; a bare flow on the running "
                        f"server {med['p2']:.2f} s (Prefect's import, engine and API calls); "
                        f"seguridad's own share (s1 - p2) {med['s1'] - med['p2']:+.2f} s; "
                        f"a read-only command {med['r1']:.2f} s", None))
        if med.get("s3") is not None:
            out.append(("the first command after the server stopped (not a target)",
                        f"{med['s3']:.2f} s (it starts the server)", None))
        if None not in (med.get("b1"), med.get("p2")):
            out.append(("orchestration: a bare flow, temporary server / running server",
                        f"{med['b1']:.2f} / {med['p2']:.2f} s = **{med['b1'] / med['p2']:.1f}x**",
                        None))
        return out


def _link_or_copy(src: str, dst: str) -> None:
    """Raw files are never modified: a hard link, or a copy across file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def merge_section(text: str, section: str, title: str = SECTION) -> str:
    """`text` with its section `title` replaced by `section` (appended if it has none); the
    other sections are kept as they are."""
    if title in text:
        head, rest = text.split(title, 1)
        tail = rest.split("\n## ", 1)
        return head.rstrip("\n") + "\n\n" + section + \
            ("\n## " + tail[1] if len(tail) > 1 else "")
    return text.rstrip("\n") + ("\n\n" if text else "") + section


def write_section(output: Path, section: str) -> None:
    old = output.read_text(encoding="utf-8") if output.exists() else ""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(merge_section(old, section), encoding="utf-8")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fixed_cost",
                                     description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--runs", type=int, default=5, help="runs of each item (default 5)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="the results file whose section is (re)written (default "
                             "benchmarks/RESULTS.md; its other sections are kept)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new /tmp one, "
                                                  "removed at the end unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--shipped-workspace", type=Path, help="a folder with raw/ and "
                        "warehouse/ already holding the shipped files (else built from raw/)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs is at least 1")
    return args


def run(runs: int, output: Path, work: Path | None = None, keep: bool = False,
        shipped: Path | None = None) -> int:
    """Measure, write the section into `output`; the exit code (1 if a run failed)."""
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="bench_fixed_")) if own else work
    work.mkdir(parents=True, exist_ok=True)
    bench = FixedCost(work, runs, shipped)
    completed = False
    try:
        bench.run_all()
        completed = True
    finally:
        section = bench.section(done=completed)
        write_section(output, section)
        print(section + f"written: {output}")
        failed = not completed or any(i.failed for i in bench.items.values())
        if own and not keep and not failed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"scratch kept: {work}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    return run(args.runs, args.output, args.work, args.keep, args.shipped_workspace)


if __name__ == "__main__":
    sys.exit(main())
