"""Inputs and measurements of item (i), the fan-out of a backfill over Dask workers (issue
14): a landing zone of 12 monthly state cuts and 3 municipal-size files, rebuilt by
`seguridad refresh --full` serially and with `--workers 2`.

The 12 state cuts (Dec 2023 to Nov 2024) are the real November-2024 state file cut back to
each month, as the SESNSP published them month after month: the rows of later years dropped,
the months after the cut left empty, the file named for its cut. (The real Jul-2023, Dec-2023
and Jun-2024 cuts also differ by revisions; the work a load does is the same.) The municipal
files are three successive cuts written by benchmarks/municipal.py."""

from __future__ import annotations

import contextlib
import csv
import io
import threading
import time
from pathlib import Path

from benchmarks.municipal import FIRST_YEAR, STATE_FILE, generate_cut

MONTH_ABBR = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
MONTH_COLUMNS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
                 "Septiembre", "Octubre", "Noviembre", "Diciembre"]


def state_cuts(n: int = 12, last: tuple[int, int] = (2024, 11)) -> list[tuple[int, int]]:
    year, month = last
    out = []
    for _ in range(n):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def write_state_cut(out_dir: Path, year: int, month: int, source: Path = STATE_FILE) -> Path:
    """The state file as of the (year, month) cut, in the source's bytes (Latin-1, CRLF)."""
    target = out_dir / f"estatal_IDEFC_NM_2015-{year}_{MONTH_ABBR[month - 1]}{year}.csv"
    with open(source, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    months = [header.index(m) for m in MONTH_COLUMNS]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in body:
        row_year = int(row[0])
        if row_year > year:
            continue
        if row_year == year:
            row = [("" if i in months[month:] else v) for i, v in enumerate(row)]
        w.writerow(row)
    target.write_bytes(buf.getvalue().encode("latin-1"))
    return target


def landing_zone(raw: Path, n_state: int, n_municipal: int, states: set[str] | None,
                 seed: int) -> list[tuple[Path, int]]:
    """Write the landing zone of (i); [(path, rows)]."""
    raw.mkdir(parents=True, exist_ok=True)
    files = []
    for year, month in state_cuts(n_state):
        path = write_state_cut(raw, year, month)
        files.append((path, path.read_bytes().count(b"\r\n") - 1))
    for month in range(12 - n_municipal, 12):
        files.append(generate_cut(raw, 2025, month, FIRST_YEAR, states, seed))
    return files


class TreeMemory:
    """The peak of the summed resident memory of a process and all its descendants (Dask's
    nanny and worker processes are grandchildren, which GNU time does not count), sampled
    every 0.2 s with psutil."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak / 2**20
