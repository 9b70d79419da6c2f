"""Checking one file, before any of it reaches the warehouse: decode it (Latin-1, Windows-1252,
a BOM, CR-only line ends), flatten a workbook, read it into the temp table `landing`
(header, format, preamble and parse: seguridad/intake/reading.py), validate it with its
pandera model (or the model's SQL twins over a big file) and the file-wide SQL checks, tell
its catalogue, and note what is odd but loadable. Raises FileRejected naming file, row,
column, rule and value. Needs no warehouse: a worker runs it in its own DuckDB
(seguridad/intake/fanout.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from schemas import reference
from schemas.reference import formats
from seguridad.config import SQL_DIR
from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import Failure, FileRejected
from seguridad.intake import rawfiles, severity, sqlvalidate, xlsx
from seguridad.intake.outcomes import ArchiveRef, CheckedFile
from seguridad.intake.reading import detect_format, read_header, read_into_landing, strip_preamble
from seguridad.intake.validate import HEADER_CHECKS, load_model, validate
from seguridad.progress import progress

QUARANTINE_LIMIT = 10_000


BATCH_ROWS = 100_000


# The encodings DuckDB's CSV reader decodes itself, by the names it knows them by.
DUCKDB_ENCODINGS = {"ascii": "utf-8", "utf-8": "utf-8", "latin-1": "latin-1"}


def check_file(con: duckdb.DuckDBPyConnection, path: Path, label: str, sha: str,
               work: Path, archive: ArchiveRef | None = None,
               learned: dict | None = None) -> CheckedFile:
    """Decode, parse and validate; raises FileRejected. `learned` receives the encoding and
    format as soon as they are known, so that a rejection still records them."""
    learned = {} if learned is None else learned
    workbook = xlsx.kind(path)
    if workbook:
        source_rows = xlsx.to_csv(path, label, work)
        facts = rawfiles.TextFacts(encoding=workbook, line_ending="n/a", final_newline=True)
        text, encoding = work, "utf-8"
    else:
        facts = rawfiles.inspect_text(path, label)
        if facts.encoding in DUCKDB_ENCODINGS and facts.line_ending in ("LF", "CRLF"):
            # DuckDB reads these as they are: no transcoded copy of a 400 MB file
            text, encoding = path, DUCKDB_ENCODINGS[facts.encoding]
        else:  # Windows-1252, a BOM, CR-only or mixed line ends: a UTF-8, LF copy first
            rawfiles.normalize(path, facts, work)
            text, encoding = work, "utf-8"
        source_rows = strip_preamble(text, encoding, work, label)
        if source_rows is not None:
            text, encoding = work, "utf-8"
    learned["facts"] = facts
    header = read_header(text, label, encoding)
    fmt = detect_format(header, label, workbook is not None)
    spec = formats()[fmt]
    learned.update(fmt=fmt, dataset=spec["dataset"])
    rows = read_into_landing(con, text, header, label, encoding)
    mapped = map_rows(con, source_rows)
    model = load_model(spec["model"])
    if spec.get("validation") == "batched":
        failures = validate_big(con, model, header, rows, severity.once_per_value(model, spec))
        if not any(f.check in HEADER_CHECKS for f in failures):  # rules across rows
            failures += file_check_failures(con, spec)
    else:
        failures = validate(model, landing_frame(con, mapped=mapped))
    # Damage rejects the file whole; the publisher's oddities load, warned about
    # (the severity of each check is declared in schemas/formats.toml).
    failures, odd = severity.split(model, spec, failures)
    if failures:
        raise FileRejected(label, f"{len(failures):,} problems found by the {fmt} checks",
                           failures)
    series = spec["series"] if spec["series"] != "detect" else detect_series(con, spec, label)
    warnings = odd + count_warnings(con, spec) + unattributed_warnings(con, spec)
    if "warnings_model" in spec:  # suspicious but loadable: recorded, flagged, not rejected
        warnings += validate(load_model(spec["warnings_model"]),
                            landing_frame(con, mapped=mapped))
    return CheckedFile(label, path, sha, fmt, spec, series, facts, rows, archive, warnings,
                       mapped)


def map_rows(con: duckdb.DuckDBPyConnection, source_rows: list[int] | None) -> bool:
    """Where the rows of `landing` are not the file's rows one for one (a workbook report
    flattened, metadata lines above a header), keep the row each came from, so that errors
    and raw.row_number point into the original file."""
    con.execute("DROP TABLE IF EXISTS landing_row_map")
    if source_rows is None:
        return False
    con.execute("CREATE TEMP TABLE landing_row_map AS SELECT unnest(range(?)) AS landing_rowid, "
                "unnest(?) AS row_number", [len(source_rows), source_rows])
    return True


def numbered_landing(mapped: bool) -> tuple[str, str]:
    """`landing` with each row's number in the file as `__row` (rowid + 2 when the header is
    row 1), and the expression of the landing order."""
    if not mapped:
        return 'SELECT rowid + 2 AS "__row", * FROM landing', "rowid"
    return ('SELECT m.row_number AS "__row", l.* FROM landing AS l '
            'JOIN landing_row_map AS m ON m.landing_rowid = l.rowid'), "l.rowid"


def landing_frame(con: duckdb.DuckDBPyConnection, first: int = 0,
                  limit: int | None = None, mapped: bool = False) -> pd.DataFrame:
    """Rows of `landing` as text, indexed by their row number in the file."""
    sql, order = numbered_landing(mapped)
    if limit is not None:
        sql += f" WHERE {order} >= {int(first)} AND {order} < {int(first) + int(limit)}"
    frame = con.sql(sql + f" ORDER BY {order}").df()
    return frame.set_index("__row").astype("str")


def validate_big(con: duckdb.DuckDBPyConnection, model, header: list[str],
                 rows: int, once_per_value: frozenset[str] = frozenset()) -> list[Failure]:
    """The model over a file too big for one pandas frame: the header by pandera itself (on
    no rows), then every row rule inside DuckDB (seguridad.intake.sqlvalidate); in pandas batches
    only if the model has a rule without an SQL twin."""
    failures = validate(model, landing_frame(con, 0, 0))
    if any(f.check in HEADER_CHECKS for f in failures):
        return failures
    in_sql = sqlvalidate.validate(con, model, header, once_per_value)
    if in_sql is not None:
        if len(in_sql) >= QUARANTINE_LIMIT:
            in_sql.append(Failure("validation_stopped", f"validation stopped after "
                                  f"{QUARANTINE_LIMIT:,} failures"))
        return in_sql
    return validate_in_batches(con, model, rows)


def validate_in_batches(con: duckdb.DuckDBPyConnection, model, rows: int,
                        batch: int | None = None) -> list[Failure]:
    """The model's row rules over a file too big for one pandas frame, a batch at a time;
    memory stays at one batch. Stops collecting after QUARANTINE_LIMIT failures."""
    batch = batch or BATCH_ROWS
    failures: list[Failure] = []
    with progress(rows, "validating rows") as advance:
        for first in range(0, rows, batch):
            failures += validate(model, landing_frame(con, first, batch))
            advance(min(batch, rows - first))
            if any(f.check in HEADER_CHECKS for f in failures):  # the same in every batch
                break
            if len(failures) >= QUARANTINE_LIMIT:
                failures.append(Failure("validation_stopped", f"validation stopped at row "
                                        f"{first + batch + 1:,}: over {QUARANTINE_LIMIT:,} "
                                        "failures"))
                break
    return failures


def file_check_failures(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """Rules across rows of a big file, as SQL over the whole of it (warehouse/sql/checks/)."""
    key = spec["row_key"]  # column names from formats.toml, never user input
    sql = (SQL_DIR / "checks" / spec["file_checks"]).read_text(encoding="utf-8").format(
        key_columns=", ".join(f'"{c}"' for c in key),
        key_match=" AND ".join(f'l."{c}" = k."{c}"' for c in key),
        key_values=", ".join(f'l."{c}"' for c in key),
        key_names="'" + ", ".join(key).replace("'", "''") + "'")
    out = []
    for row, column, check, value in con.execute(sql).fetchall():
        shown = "an empty cell" if value is None else repr(value)
        out.append(Failure(check, f"row {row:,}, column {column}: {shown} {check}", row=row,
                           column=column, value=value))
    return out


THOUSANDS = "a count written with a thousands separator"


OUTLIER = "implausible value"


def _has_months(spec: dict) -> bool:
    return any(h.upper() in MONTH_COLUMNS for h in spec["header"])


MONTH_COLUMNS = {"ENERO", "FEBRERO", "MARZO", "ABRIL", "MAYO", "JUNIO", "JULIO", "AGOSTO",
                 "SEPTIEMBRE", "OCTUBRE", "NOVIEMBRE", "DICIEMBRE"}


def count_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """Cells a SESNSP file writes oddly but unambiguously ('1,136'): loaded as the number,
    recorded in ops.data_warnings with the text as written."""
    if not _has_months(spec):
        return []
    rows = con.execute((SQL_DIR / "checks" / "count_warnings.sql").read_text(
        encoding="utf-8")).fetchall()
    return [Failure(THOUSANDS, f"row {row:,}, column {column}: {text!r} is {THOUSANDS}; read "
                               f"as {text.replace(',', '').strip()}", row=row, column=column,
                    value=text) for row, column, text in rows]


UNATTRIBUTED = "rows of no single municipality"


def unattributed_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """A municipal file's rows of crimes with no single municipality ('No especificado', the
    state code + 999, a district: warehouse/sql/checks/municipal_unattributed.sql): loaded,
    counted in their state only, warned about once per code."""
    if "Cve. Municipio" not in spec["header"]:
        return []
    sqlvalidate.prepare(con)
    names = dict(reference.load("states")[["state_code", "state_name"]].itertuples(False))
    out = []
    for row, code, name, state, rows in con.execute((SQL_DIR / "checks" /
                                                     "municipal_unattributed.sql").read_text(
                                                         encoding="utf-8")).fetchall():
        out.append(Failure(
            UNATTRIBUTED, f"row {row:,}, column Cve. Municipio: {code!r} ({name}) is a row of no "
                          f"single municipality: its {rows:,} row(s) count in the total of "
                          f"{names.get(state, state)}, in no municipality and no municipal "
                          "ranking (schemas/reference/municipal_unattributed.csv)",
            row=row, column="Cve. Municipio", value=code, rows=rows))
    return out


def outlier_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """Values more than 20 times the rest of their own row's months (warehouse/sql/checks/
    outliers.sql): loaded, and warned about."""
    if spec["dataset"] not in ("crime_state", "crime_municipal", "victims_state",
                               "victims_municipal"):
        return []
    out = []
    names = dict(reference.load("states")[["state_code", "state_name"]].itertuples(False))
    # a municipal crime file: over the rows it just wrote, stored a year at a time
    sql = "outliers_municipal.sql" if spec.get("versioned") else "outliers.sql"
    for r in fetch_dicts(con, (SQL_DIR / "checks" / sql).read_text(encoding="utf-8")):
        code = r.get("state_code") or (r.get("municipality_code") or "")[:2]
        place = names.get(code, code)
        if r.get("municipality_code"):
            place = f"municipality {r['municipality_code']} ({place})"
        extra = "".join(f", {r[k]}" for k in ("sex", "age_group") if r.get(k))
        month = r["top_month"]
        municipal = bool(r.get("municipality_code"))
        out.append(Failure(
            OUTLIER, f"{place}, {r['tipo']} / {r['subtipo']} / {r['modalidad']}{extra}, "
                     f"{month:%Y-%m}: {r['top']:,} is more than 20 times the mean of the row's "
                     f"other {r['months'] - 1} months ({r['mean_of_others']:,.1f}): check it "
                     "against the source", column=MONTH_NAMES[month.month - 1],
            value=str(r["top"]), geo_level="municipality" if municipal else "state",
            geo_code=r["municipality_code"] if municipal else code, crime_id=r["crime_id"],
            month_from=month, month_to=month))
    return out


MONTH_NAMES = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
               "Septiembre", "Octubre", "Noviembre", "Diciembre"]


def detect_series(con: duckdb.DuckDBPyConnection, spec: dict, label: str) -> str:
    """The 2015 and 2026 catalogues share a header: the years a file holds and the crime rows
    only one catalogue has (schemas/reference/series_markers.csv) decide, and must agree."""
    year_col = spec["header"][0]
    first, last = fetch_one(con, f'SELECT min(CAST(trim("{year_col}") AS INTEGER)), '
                                 f'max(CAST(trim("{year_col}") AS INTEGER)) FROM landing')
    catalogue = reference.load("series")
    by_years = [
        row.series for row in catalogue.itertuples()
        if int(row.first_year) <= first and (pd.isna(row.last_year) or last <= int(row.last_year))
        and row.series in spec["series_candidates"]]
    if not by_years:
        raise FileRejected(label, f"its years ({first}-{last}) do not fit one crime catalogue: "
                                  "2015-2025 and 2026 onwards are published in separate files")
    series = by_years[0]
    markers = reference.load("series_markers")
    found: dict[str, list[str]] = {}
    values: dict[str, set[str]] = {}  # each marker column's distinct values, read once
    for m in markers.itertuples():
        if m.series in spec["series_candidates"] and m.column in spec["header"]:
            if m.column not in values:
                values[m.column] = {v for (v,) in con.execute(
                    f'SELECT DISTINCT trim("{m.column}") FROM landing').fetchall()}
            if m.value in values[m.column]:
                found.setdefault(m.series, []).append(f"{m.column} {m.value!r}")
    others = {s: v for s, v in found.items() if s != series}
    if others:
        other, evidence = next(iter(others.items()))
        raise FileRejected(
            label, f"its years ({first}-{last}) say {series}, but its crime rows are those of "
                   f"{other} ({'; '.join(evidence[:2])}): the file mixes catalogues or is "
                   "mislabelled")
    return series
