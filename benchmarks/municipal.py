"""Full-size municipal files in the SESNSP's real format, and the ingest benchmark.

No complete municipal file (IDM_NM_<mes><aa>.csv, ~2.5-3M rows, ~500 MB) is public in a form
we can ship, so this writes one: the real crime catalogue (the 98 rows of the shipped state
file, with their exact text, quoting and accents), the real municipalities (codes and names of
the shipped municipal population file), Latin-1 bytes, CRLF line ends, municipality codes as
integers (4 digits for states 1-9), empty cells for the months after the cut. The counts are
random (seeded): they are not SESNSP figures. Any cut can be written (`generate_cut`): the
next cut of a file has one more month published and ~0.1% of its past cells revised, and a
file can hold any run of years, so the benchmark (`python -m benchmarks`) ingests successive
cuts and histories of 1 to 11 years.

    python -m benchmarks.municipal              # generate a full-size file and time its ingest
    python -m benchmarks.municipal --rows-only  # only generate (prints the path)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
STATE_FILE = REPO / "raw" / "sesnsp" / "estatal_IDEFC_NM_2015-2024_nov2024.csv"
MUNICIPALITIES = REPO / "raw" / "conapo" / "municipal_poblacion_1990-2040.csv"
HEADER = ["Año", "Clave_Ent", "Entidad", "Cve. Municipio", "Municipio",
          "Bien jurídico afectado", "Tipo de delito", "Subtipo de delito", "Modalidad",
          "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
          "Septiembre", "Octubre", "Noviembre", "Diciembre"]


def catalogue() -> list[tuple[str, str, str, str]]:
    """The 98 crime rows of the new methodology, in the state file's order."""
    seen: dict[tuple[str, str, str, str], None] = {}
    with open(STATE_FILE, encoding="latin-1", newline="") as f:
        for r in csv.DictReader(f):
            seen.setdefault((r["Bien jurídico afectado"], r["Tipo de delito"],
                             r["Subtipo de delito"], r["Modalidad"]), None)
    return list(seen)


def municipalities(states: set[str] | None = None) -> list[tuple[str, str, str]]:
    """(state code, municipality code as the SESNSP writes it, name)."""
    from schemas.reference import load

    state_names = dict(load("states")[["state_code", "state_name"]].itertuples(False))
    out = []
    with open(MUNICIPALITIES, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            state = r["CVE"][:2]
            if states is None or state in states:
                out.append((state, str(int(r["CVE"])), r["Municipio"], state_names[state]))
    return out


MONTH_NAMES = HEADER[9:]
FIRST_YEAR = 2015  # the first year of the new methodology, and of every generated history
REVISION_SHARE = 0.001  # each cut revises ~0.1% of the cells published before it


def cut_file_name(year: int, month: int, first_year: int = FIRST_YEAR) -> str:
    """The name the SESNSP gives the cut (its month and year are checked against the data)."""
    return f"Municipal-Delitos - {MONTH_NAMES[month - 1]} {year} ({first_year}-{year}).csv"


def _month_index(year: int, month: int) -> int:
    return (year - FIRST_YEAR) * 12 + month - 1


def _counts(years: range, last_month: int, n_places: int, n_crimes: int,
            seed: int) -> dict[int, np.ndarray]:
    """The counts of the cut (years[-1], last_month) for every municipality of the country,
    {year: int32 array (12 months, places, crimes)}. Deterministic by seed, and the same
    numbers whatever part of the country or of the history a file holds:

    - each year's counts are drawn once, from the seed and the year (Poisson, mean 0.4);
    - every cut since February 2015 revises ~0.1% of the cells published before it (drawn
      from the seed and the cut's month: -1, +1 or +2, never below zero), so the file of a
      cut holds every revision of the cuts up to it, and the next cut differs from it by one
      more month and ~0.1% of the past cells."""
    cells_per_month = n_places * n_crimes
    first = _month_index(years[0], 1)
    counts = {year: np.random.default_rng([seed, year]).poisson(
                  0.4, size=(12, n_places, n_crimes)).astype(np.int32)
              for year in years}
    for cut in range(1, _month_index(years[-1], last_month) + 1):
        rng = np.random.default_rng([seed, 1_000_000 + cut])
        picked = rng.integers(0, cut * cells_per_month,
                              size=round(cut * cells_per_month * REVISION_SHARE))
        delta = rng.choice(np.array([-1, 1, 2], dtype=np.int32), size=picked.size)
        month, rest = np.divmod(picked, cells_per_month)
        keep = month >= first  # revisions of years before the file's first are not in it
        month, rest, delta = month[keep], rest[keep], delta[keep]
        place, crime = np.divmod(rest, n_crimes)
        year = FIRST_YEAR + month // 12
        for y in np.unique(year):
            sel = year == y
            at = (month[sel] % 12, place[sel], crime[sel])
            old = counts[int(y)][at]
            new = old + delta[sel]
            counts[int(y)][at] = np.where(new < 0, old + 1, new)
    return counts


def generate(target: Path, years: range = range(2015, 2026), last_month: int = 11,
             states: set[str] | None = None, seed: int = 7) -> int:
    """Write the municipal file of the cut (years[-1], last_month) covering `years`, for the
    municipalities of `states` (all if None); return its number of data rows."""
    crimes = catalogue()
    every_place = municipalities()
    chosen = [i for i, p in enumerate(every_place) if states is None or p[0] in states]
    counts = _counts(years, last_month, len(every_place), len(crimes), seed)
    # The text before the counts of each (municipality, crime row), quoted as csv would.
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for i in chosen:
        state, code, name, state_name = every_place[i]
        for crime in crimes:
            w.writerow([int(state), state_name, code, name, *crime])
    prefixes = buf.getvalue().split("\n")[:-1]
    text = [str(v) for v in range(max(int(c.max()) for c in counts.values()) + 1)]
    rows = 0
    with open(target, "w", encoding="latin-1", newline="") as f:
        f.write(",".join(HEADER) + "\r\n")
        for year in years:
            published = 12 if year < years[-1] else last_month
            cells = counts[year][:published, chosen, :].reshape(published, -1).T.tolist()
            empty = "," * (12 - published) + "\r\n"
            lead = f"{year},"
            f.write("".join([lead + prefix + "," + ",".join([text[v] for v in values]) + empty
                             for prefix, values in zip(prefixes, cells, strict=True)]))
            rows += len(prefixes)
    return rows


def generate_cut(out_dir: Path, year: int, month: int, first_year: int = FIRST_YEAR,
                 states: set[str] | None = None, seed: int = 7) -> tuple[Path, int]:
    """The file of one publication cut, named as the SESNSP names it; (path, rows)."""
    target = out_dir / cut_file_name(year, month, first_year)
    return target, generate(target, range(first_year, year + 1), month, states, seed)


VICTIMS_HEADER = [*HEADER[:9], "Sexo", "Rango de edad", *HEADER[9:]]
SEXES = ["Hombre", "Mujer", "No identificado"]
AGE_BANDS_2026 = ["0 a 12 años", "13 a 17 años", "18 a 29 años", "30 a 60 años",
                  "Más de 60 años", "No especificado"]
VICTIM_TYPES = {"Homicidio", "Feminicidio", "Lesiones", "Secuestro", "Extorsión",
                "Trata de personas", "Tráfico de menores", "Rapto"}
RNID_STATE_FILE = REPO / "raw" / "sesnsp" / "estatal_RNID_2026_mar2026.csv"


def generate_victims(target: Path, year: int = 2026, last_month: int = 2,
                     states: set[str] | None = None, seed: int = 11) -> int:
    """A municipal victims file in the 2026 layout (RNID-Víctimas_Municipal): the 2026
    catalogue's crimes that have victims, x sex x the 2026 age bands. Illustrative counts."""
    crimes: dict[tuple[str, str, str, str], None] = {}
    with open(RNID_STATE_FILE, encoding="latin-1", newline="") as f:
        for r in csv.DictReader(f):
            if r["Tipo de delito"] in VICTIM_TYPES:
                crimes.setdefault((r["Bien jurídico afectado"], r["Tipo de delito"],
                                   r["Subtipo de delito"], r["Modalidad"]), None)
    rng = np.random.default_rng(seed)
    rows = 0
    with open(target, "w", encoding="latin-1", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(VICTIMS_HEADER)
        for state, code, name, state_name in municipalities(states):
            for crime in crimes:
                for sex in SEXES:
                    for age in AGE_BANDS_2026:
                        values = rng.poisson(0.3, size=last_month)
                        cells = [str(v) for v in values] + [""] * (12 - last_month)
                        writer.writerow([year, int(state), state_name, code, name, *crime, sex,
                                         age, *cells])
                        rows += 1
    return rows


def time_ingest(path: Path) -> dict:
    """`seguridad ingest` of one file into an empty warehouse, under /usr/bin/time -v."""
    work = Path(tempfile.mkdtemp(prefix="seguridad-bench-"))
    env = dict(os.environ, SEGURIDAD_RAW=str(work / "raw"),
               SEGURIDAD_WAREHOUSE=str(work / "warehouse" / "seguridad.duckdb"))
    seguridad = Path(sys.executable).parent / "seguridad"
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v", str(seguridad), "ingest", str(path)],
                            capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.monotonic() - started
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                            result.stderr).group(1))
    size = (work / "warehouse" / "seguridad.duckdb").stat().st_size
    shutil.rmtree(work)
    return {"returncode": result.returncode, "seconds": elapsed, "peak_rss_mb": peak_kb / 1024,
            "warehouse_mb": size / 2**20, "stdout": result.stdout[-2000:],
            "stderr": result.stderr[-3000:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--rows-only", action="store_true")
    args = parser.parse_args()
    target = args.out / "Municipal-Delitos - Noviembre 2025 (2015-2025).csv"
    started = time.monotonic()
    rows = generate(target)
    print(f"generated {target}: {rows:,} rows, {target.stat().st_size / 2**20:,.0f} MB "
          f"in {time.monotonic() - started:.0f} s")
    if args.rows_only:
        return
    result = time_ingest(target)
    print(result["stdout"])
    if result["returncode"]:
        print(result["stderr"])
    print(f"ingest: exit {result['returncode']}, {result['seconds']:.0f} s, "
          f"peak RSS {result['peak_rss_mb']:,.0f} MB, warehouse {result['warehouse_mb']:,.0f} MB")


if __name__ == "__main__":
    main()
