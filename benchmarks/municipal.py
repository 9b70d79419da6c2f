"""Full-size municipal files in the SESNSP's real format, and the ingest benchmark.

No complete municipal file (IDM_NM_<mes><aa>.csv, ~2.5-3M rows, ~500 MB) is public in a form
we can ship, so this writes one: the real crime catalogue (the 98 rows of the shipped state
file, with their exact text, quoting and accents), the real municipalities (codes and names of
the shipped municipal population file), Latin-1 bytes, CRLF line ends, municipality codes as
integers (4 digits for states 1-9), empty cells for the months after the cut. The counts are
random (seeded): they are not SESNSP figures.

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


def generate(target: Path, years: range = range(2015, 2026), last_month: int = 11,
             states: set[str] | None = None, seed: int = 7) -> int:
    """Write a municipal file; return its number of data rows."""
    crimes = catalogue()
    places = municipalities(states)
    rng = np.random.default_rng(seed)
    rows = 0
    with open(target, "w", encoding="latin-1", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        for year in years:
            published = 12 if year < years[-1] else last_month
            for state, code, name, state_name in places:
                counts = rng.poisson(0.4, size=(len(crimes), published))
                buf = io.StringIO()
                w = csv.writer(buf, lineterminator="\r\n")
                for crime, values in zip(crimes, counts, strict=True):
                    cells = [str(v) for v in values] + [""] * (12 - published)
                    w.writerow([year, int(state), state_name, code, name, *crime, *cells])
                f.write(buf.getvalue())
                rows += len(crimes)
    return rows


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
