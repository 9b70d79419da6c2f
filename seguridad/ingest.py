"""Ingest one raw file into a warehouse build: fingerprint, land, decode, recognise the format,
validate with its pandera model, load raw -> core, and record everything in ops.raw_files.

A file is accepted or rejected whole. A rejected file leaves core untouched (its load runs in
a transaction that is rolled back), its bytes stay in the landing zone, and ops.quarantine
says which row, column, rule and value failed."""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from schemas import reference
from schemas.reference import formats
from seguridad import archives, budget_xls, rawfiles, sqlvalidate, xlsx
from seguridad.config import SQL_DIR, Settings
from seguridad.db import fetch_dicts, fetch_one, run_sql_file, set_variables
from seguridad.errors import Failure, FileRejected
from seguridad.progress import progress
from seguridad.validate import HEADER_CHECKS, load_model, validate

QUARANTINE_LIMIT = 10_000
ALL_MONTHS = (date(1, 1, 1), date(9999, 12, 1))  # the month range of a whole file
BATCH_ROWS = 100_000
SKIP_NAMES = {"readme.md", "readme.txt", "sources.md", "sources.toml"}


@dataclass
class FileOutcome:
    """What happened to one file in one run."""

    label: str
    sha256: str
    status: str  # loaded | unchanged | skipped | rejected
    message: str
    format: str | None = None
    dataset: str | None = None
    series: str | None = None
    cut_date: date | None = None
    rows: int = 0
    rejection: FileRejected | None = field(default=None, repr=False)

    @property
    def new_rejection(self) -> bool:
        return self.status == "rejected"


@dataclass
class CheckedFile:
    """A file that passed every check, waiting in the temp table `landing` to be loaded."""

    label: str
    path: Path
    sha256: str
    format: str
    spec: dict
    series: str
    facts: rawfiles.TextFacts
    rows: int
    archive: ArchiveRef | None = None
    warnings: list[Failure] = field(default_factory=list)
    row_map: bool = False  # the file's row numbers are in landing_row_map (see map_rows)


def discover(raw_dir: Path) -> list[Path]:
    """Data files in the landing zone (any depth), skipping notes and partial copies."""
    if not raw_dir.exists():
        return []
    found = []
    for path in sorted(raw_dir.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.name.lower() in SKIP_NAMES:
            continue
        if path.suffix.lower() in rawfiles.DATA_SUFFIXES | rawfiles.ARCHIVE_SUFFIXES:
            found.append(path)
    return found


def load_order(paths: list[Path]) -> list[Path]:
    """The order a refresh loads the landing zone in: files whose name states no publication
    cut first (population, prices, budgets), then the others oldest cut first, each group in
    path order. Any order gives the same warehouse (the newest cut wins whatever arrives
    first), but a municipal cut that arrives after a newer one takes the slow general path
    (warehouse/sql/load/municipal/20_general.sql) and is stored apart; in cut order each one
    takes the in-order path. Names sort by month word, not by date ('Noviembre' before
    'Octubre'), so the path alone would load a year of cuts mostly backwards."""
    def key(path: Path) -> tuple:
        cut = rawfiles.cut_from_name(path.name)
        return (cut is not None, cut or date.min, str(path))
    return sorted(paths, key=key)


def unseen(con: duckdb.DuckDBPyConnection, settings: Settings,
           paths: list[Path] | None = None) -> list[Path]:
    """The landing zone's files the warehouse has not seen, told by path, size and
    modification time as ops.raw_files recorded them: a nightly run with nothing new reads no
    file (a municipal file is 400 MB to hash)."""
    known = {(path, size, mtime) for path, size, mtime in con.execute(
        "SELECT landing_path, bytes, mtime_ns FROM ops.raw_files "
        "WHERE mtime_ns IS NOT NULL").fetchall()}
    out = []
    for path in discover(settings.raw_dir) if paths is None else paths:
        stat = path.stat()
        if (_landing_path(path, settings), stat.st_size, stat.st_mtime_ns) not in known:
            out.append(path)
    return out


def known_rejections(con: duckdb.DuckDBPyConnection, settings: Settings,
                     paths: list[Path]) -> list[FileOutcome]:
    """The landing zone's files the warehouse rejected before, as a refresh reports them
    (skipped, with the reason), told by path, size and modification time like `unseen`."""
    rejected = {(path, size, mtime): (sha, reason) for path, size, mtime, sha, reason in
                con.execute("SELECT landing_path, bytes, mtime_ns, file_sha256, status_reason "
                            "FROM ops.raw_files WHERE status = 'rejected' "
                            "AND mtime_ns IS NOT NULL").fetchall()}
    out = []
    for path in paths:
        stat = path.stat()
        hit = rejected.get((_landing_path(path, settings), stat.st_size, stat.st_mtime_ns))
        if hit:
            out.append(FileOutcome(label_for(path), hit[0], "skipped",
                                   f"rejected before, skipped: {hit[1]}"))
    return out


def label_for(path: Path) -> str:
    """Name a file the way the user would: relative to the working directory when it is
    below it, else absolute."""
    try:
        label = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        label = str(path.resolve())
    return rawfiles.readable_name(label)


def known_file(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    return fetch_one(con, "SELECT status, file_name, cut_date, status_reason FROM ops.raw_files "
                          "WHERE file_sha256 = ?", [sha256])


@dataclass(frozen=True)
class ArchiveRef:
    """Where a member of a ZIP archive came from."""

    archive_sha256: str
    landing_path: str  # archive!member, relative to the landing zone


def ingest_path(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool = True) -> list[FileOutcome]:
    """One path given by the user or found in the landing zone: a data file, or a ZIP
    archive of them."""
    if not source.is_file():
        raise FileNotFoundError(f"{label}: no such file")
    if archives.is_zip_archive(source):
        return ingest_archive(con, source, label, settings, run_id, retry_rejected)
    return [ingest_file(con, source, label, settings, run_id, retry_rejected)]


def ingest_archive(con: duckdb.DuckDBPyConnection, source: Path, label: str,
                   settings: Settings, run_id: str, retry_rejected: bool) -> list[FileOutcome]:
    """Land the archive, unpack it safely into scratch space, ingest each data member (with
    its own sha256, and the archive's)."""
    sha = rawfiles.sha256_of(source)
    known = known_file(con, sha)
    if known:
        con.execute("UPDATE ops.raw_files SET mtime_ns = ? WHERE file_sha256 = ? "
                    "AND landing_path = ? AND mtime_ns IS DISTINCT FROM ?",
                    [source.stat().st_mtime_ns, sha, _landing_path(source, settings),
                     source.stat().st_mtime_ns])
    if known and known[0] == "unpacked":
        return [FileOutcome(label, sha, "unchanged", "archive already unpacked; nothing to do")]
    if known and known[0] == "rejected" and not retry_rejected:
        return [FileOutcome(label, sha, "skipped", f"rejected before, skipped: {known[3]}")]
    landed = rawfiles.land(source, settings.raw_dir, sha)
    scratch = settings.build_dir / f"zip-{sha[:16]}"
    try:
        members, skipped = archives.unpack(landed, label, scratch)
        landing = _landing_path(landed, settings)
        outcomes = [ingest_file(con, m.path, f"{label}!{m.name}", settings, run_id,
                                retry_rejected, ArchiveRef(sha, f"{landing}!{m.name}"))
                    for m in members]
    except FileRejected as rejected:
        record_rejection(con, sha, label, landed, settings, rejected, run_id)
        return [FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)]
    finally:
        archives.cleanup(scratch)
    note = f"{len(members)} data member(s)" + (
        f"; not data, left packed: {', '.join(skipped)}" if skipped else "")
    upsert_raw_file(con, sha, label, landed, settings, status="unpacked", reason=note,
                    run_id=run_id, fmt="zip", rows=len(members))
    return [FileOutcome(label, sha, "unpacked", f"archive unpacked: {note}"), *outcomes]


def _landing_path(path: Path, settings: Settings) -> str:
    try:
        return str(path.resolve().relative_to(settings.raw_dir))
    except ValueError:
        return str(path.resolve())


def ingest_file(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                run_id: str, retry_rejected: bool = True,
                archive: ArchiveRef | None = None, staged=None) -> FileOutcome:
    """Take one file as far as it can go. Never raises for a bad file: returns the outcome.
    `staged`: the file already checked by a worker (seguridad.fanout.Staged), whose parsed
    rows this loads instead of reading the file again."""
    try:
        return _ingest_file(con, source, label, settings, run_id, retry_rejected, archive,
                            staged)
    finally:
        if staged is not None:
            staged.discard()


def _ingest_file(con: duckdb.DuckDBPyConnection, source: Path, label: str, settings: Settings,
                 run_id: str, retry_rejected: bool, archive: ArchiveRef | None,
                 staged) -> FileOutcome:
    try:
        if staged is not None and not staged.sha256:
            raise OSError(staged.reason)
        sha = staged.sha256 if staged is not None else rawfiles.sha256_of(source)
    except OSError as e:
        reason = staged.reason if staged is not None else \
            f"the file cannot be read ({e.strerror or e})"
        return FileOutcome(label, "", "rejected", f"{label}: rejected: {reason}")
    known = known_file(con, sha)
    if known and not archive:  # remember how it looks, so the next refresh need not read it
        con.execute("UPDATE ops.raw_files SET mtime_ns = ? WHERE file_sha256 = ? "
                    "AND landing_path = ? AND mtime_ns IS DISTINCT FROM ?",
                    [source.stat().st_mtime_ns, sha, _landing_path(source, settings),
                     source.stat().st_mtime_ns])
    if known and known[0] in ("loaded", "superseded"):
        cut = f", cut {known[2]:%Y-%m}" if known[2] else ""
        same = "" if known[1] == label else f" (same bytes as {known[1]})"
        return FileOutcome(label, sha, "unchanged",
                           f"already ingested{same}: {known[0]}{cut}; nothing to do")
    if known and known[0] == "rejected" and not retry_rejected:
        return FileOutcome(label, sha, "skipped",
                           f"rejected before, skipped: {known[3]}")

    # An archive's member stays packed in the landing zone: the archive is the raw file.
    try:
        landed = source if archive else rawfiles.land(source, settings.raw_dir, sha)
    except FileRejected as changed:  # it changed while it was copied: nothing was landed
        changed.file_label = label
        return FileOutcome(label, sha, "rejected", changed.summary(), rejection=changed)
    work = settings.build_dir / f"work-{sha[:16]}.csv"
    # what was found out before a rejection: kept in ops.raw_files
    learned: dict = staged.learned if staged is not None else {}
    try:
        checked = staged.restore(con, landed) if staged is not None else \
            check_file(con, landed, label, sha, work, archive, learned)
        return load_file(con, checked, settings, run_id)
    except FileRejected as rejected:
        record_rejection(con, sha, label, landed, settings, rejected, run_id, archive,
                         **learned)
        return FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)
    except (duckdb.Error, ValueError, OverflowError, UnicodeError) as e:
        # Something the checks let through and the database (or a reader) refused: the file
        # is rejected on its own, recorded, and skipped by later refreshes; never a crash of
        # the whole run.
        rejected = FileRejected(label, "the file passed its checks but could not be loaded: "
                                       + str(e).splitlines()[0])
        record_rejection(con, sha, label, landed, settings, rejected, run_id, archive,
                         **learned)
        return FileOutcome(label, sha, "rejected", rejected.summary(), rejection=rejected)
    finally:
        work.unlink(missing_ok=True)
        con.execute("DROP TABLE IF EXISTS landing")
        con.execute("DROP TABLE IF EXISTS landing_row_map")


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
        failures = validate_big(con, model, header, rows)
        if not any(f.check in HEADER_CHECKS for f in failures):  # rules across rows
            failures += file_check_failures(con, spec)
    else:
        failures = validate(model, landing_frame(con, mapped=mapped))
    if failures:
        raise FileRejected(label, f"{len(failures):,} problems found by the {fmt} checks",
                           failures)
    series = spec["series"] if spec["series"] != "detect" else detect_series(con, spec, label)
    warnings = count_warnings(con, spec)
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


def _numbered(mapped: bool) -> tuple[str, str]:
    """`landing` with each row's number in the file as `__row` (rowid + 2 when the header is
    row 1), and the expression of the landing order."""
    if not mapped:
        return 'SELECT rowid + 2 AS "__row", * FROM landing', "rowid"
    return ('SELECT m.row_number AS "__row", l.* FROM landing AS l '
            'JOIN landing_row_map AS m ON m.landing_rowid = l.rowid'), "l.rowid"


def landing_frame(con: duckdb.DuckDBPyConnection, first: int = 0,
                  limit: int | None = None, mapped: bool = False) -> pd.DataFrame:
    """Rows of `landing` as text, indexed by their row number in the file."""
    sql, order = _numbered(mapped)
    if limit is not None:
        sql += f" WHERE {order} >= {int(first)} AND {order} < {int(first) + int(limit)}"
    frame = con.sql(sql + f" ORDER BY {order}").df()
    return frame.set_index("__row").astype("str")


def validate_big(con: duckdb.DuckDBPyConnection, model, header: list[str],
                 rows: int) -> list[Failure]:
    """The model over a file too big for one pandas frame: the header by pandera itself (on
    no rows), then every row rule inside DuckDB (seguridad.sqlvalidate); in pandas batches
    only if the model has a rule without an SQL twin."""
    failures = validate(model, landing_frame(con, 0, 0))
    if any(f.check in HEADER_CHECKS for f in failures):
        return failures
    in_sql = sqlvalidate.validate(con, model, header)
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


MAX_COLUMNS = 200  # the widest format has 23; a first line wider than this is not a header


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


def outlier_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """Values more than 20 times the rest of their own row's months (warehouse/sql/checks/
    outliers.sql): loaded, and warned about."""
    if spec["dataset"] not in ("crime_state", "crime_municipal", "victims_state",
                               "victims_municipal"):
        return []
    out = []
    names = dict(reference.load("states")[["state_code", "state_name"]].itertuples(False))
    for r in fetch_dicts(con, (SQL_DIR / "checks" / "outliers.sql").read_text(encoding="utf-8")):
        code = r.get("state_code") or (r.get("municipality_code") or "")[:2]
        place = names.get(code, code)
        if r.get("municipality_code"):
            place = f"municipality {r['municipality_code']} ({place})"
        extra = "".join(f", {r[k]}" for k in ("sex", "age_group") if r.get(k))
        month = r["top_month"]
        out.append(Failure(
            OUTLIER, f"{place}, {r['tipo']} / {r['subtipo']} / {r['modalidad']}{extra}, "
                     f"{month:%Y-%m}: {r['top']:,} is more than 20 times the mean of the row's "
                     f"other {r['months'] - 1} months ({r['mean_of_others']:,.1f}): check it "
                     "against the source", column=MONTH_NAMES[month.month - 1],
            value=str(r["top"])))
    return out


MONTH_NAMES = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
               "Septiembre", "Octubre", "Noviembre", "Diciembre"]


def read_header(work: Path, label: str, encoding: str = "utf-8") -> list[str]:
    """The column names, trimmed (some files pad them with spaces)."""
    with open(work, encoding=encoding, newline=None) as f:
        first = f.readline(1_000_000)
    if len(first) >= 1_000_000 and not first.endswith("\n"):
        commas = first.count(",")
        raise FileRejected(label, "the first line is over 1,000,000 characters long"
                                  + (f" with {commas:,}+ commas: {commas + 1:,}+ columns"
                                     if commas else " and has no commas")
                                  + "; it does not match any known format (a header lists "
                                  f"at most {MAX_COLUMNS} columns)")
    try:
        header = next(csv.reader([first]), None)
    except csv.Error as e:
        raise FileRejected(label, f"the first line cannot be read as CSV ({e}); it does not "
                                  "match any known format") from None
    header = [h.strip() for h in header] if header else header
    if not header or not any(header):
        raise FileRejected(label, "the first line is empty: no header")
    if len(header) > MAX_COLUMNS:
        raise FileRejected(label, f"the first line has {len(header):,} columns; no known format "
                                  f"has more than {MAX_COLUMNS} (is this a data file?)")
    duplicated = sorted(h for h, n in Counter(header).items() if n > 1)
    if duplicated:
        names = ", ".join(map(repr, duplicated))
        raise FileRejected(label, f"the header repeats column(s) {names}")
    return header


def detect_format(header: list[str], label: str, workbook: bool = False) -> str:
    """The format whose header this is (columns a format calls optional may be absent). A
    header that is close to a known one (a column missing or added) is taken as that format
    so the checks can say exactly what differs."""
    cleaned = [h.strip() for h in header]
    best, best_score = None, 0.0
    for name, spec in formats().items():
        expected = spec["header"]
        optional = set(spec.get("optional", []))
        if cleaned == [c for c in expected if c not in optional or c in cleaned]:
            return name
        score = len(set(cleaned) & set(expected)) / len(set(expected) | set(cleaned))
        if score > best_score:
            best, best_score = name, score
    if best is not None and best_score >= 0.6:
        return best
    shown = ", ".join(_short(h) for h in cleaned[:8]) + (", ..." if len(cleaned) > 8 else "")
    hint = ""
    if len(cleaned) == 1:
        for sep, name in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
            if cleaned[0].count(sep) >= 3:
                hint = (f" The columns seem separated by {name}: the formats use commas; save "
                        "the file as CSV with commas.")
                break
    also = (f" A workbook is read either as a table (its first row one of those headers) or as "
            f"{budget_xls.EXPECTED}." if workbook else "")
    raise FileRejected(label, f"the header does not match any known format (it reads: {shown})."
                              f"{hint} Known formats are listed in schemas/formats.toml.{also}")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + f"... ({len(text):,} characters)"


def _fields(line: str) -> list[str]:
    """A line's fields, trimmed; none for a line the csv module refuses (a 20 MB field)."""
    try:
        return [h.strip() for h in next(csv.reader([line]), [])]
    except csv.Error:
        return []


def strip_preamble(text: Path, encoding: str, work: Path, label: str,
                   scan: int = 30) -> list[int] | None:
    """For formats exported with metadata around the table (`preamble = true`, INEGI's BIE):
    when the header of such a format comes after some lines, keep only the table: from the
    header to the first blank line (what follows is notes). Returns the file's line number of
    each data row, or None when the file starts with its header. Only the first lines are read
    unless such a header is found (a municipal file is half a gigabyte)."""
    headers = [spec["header"] for spec in formats().values() if spec.get("preamble")]
    if not headers:
        return None
    with open(text, encoding=encoding, newline=None) as f:
        head = [line.rstrip("\n") for line in itertools.islice(f, scan)]
    start = next((i for i, line in enumerate(head) if _fields(line) in headers), None)
    if not start:  # no such header, or already on the first line
        return None
    with open(text, encoding=encoding, newline=None) as f:
        lines = f.read().split("\n")  # a small export: the header was near the top
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    width = len(next(csv.reader([lines[start]])))
    for i in range(end, len(lines)):  # notes must not hide months of data
        fields = next(csv.reader([lines[i]]), [])
        if len(fields) == width and re.match(r"^\s*\d{4}\D\d{2}\s*$", fields[0]):
            raise FileRejected(label, f"line {i + 1:,} looks like a row of data ({lines[i]!r}) "
                                      f"but comes after the blank line {end + 1:,} that ends "
                                      "the table: a damaged or concatenated export?",
                               [Failure("layout", f"line {i + 1:,}: data after the notes",
                                        row=i + 1)])
    with open(work, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines[start:end]) + "\n")
    return list(range(start + 2, end + 1))


_CSV_ERROR = re.compile(r"CSV Error on Line: (\d+).*?Expected Number of Columns: (\d+) "
                        r"Found: (\d+)", re.S)


def read_into_landing(con: duckdb.DuckDBPyConnection, work: Path, header: list[str],
                      label: str, encoding: str = "utf-8") -> int:
    """Parse the normalized file with DuckDB (fixed dialect, no sniffing, all text) into the
    temp table `landing`. Insertion order is the file's order, so rowid + 2 is the row number
    a spreadsheet shows (the header is row 1)."""
    columns = {h: "VARCHAR" for h in header}
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE landing AS SELECT * FROM read_csv(?, header = true, "
            "auto_detect = false, columns = ?, delim = ',', quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, encoding = ?)",
            [str(work), columns, encoding])
    except duckdb.InvalidInputException as e:
        m = _CSV_ERROR.search(str(e))
        if not m:
            raise FileRejected(label, f"the CSV cannot be parsed: {str(e).splitlines()[0]}") from e
        line, expected, found = map(int, m.groups())
        hint = " (the file seems cut short: truncated?)" if found < expected else ""
        raise FileRejected(label, f"row {line:,} has {found} fields but the header has "
                                  f"{expected}{hint}",
                           [Failure("field_count", f"row {line:,} has {found} fields, expected "
                                    f"{expected}", row=line)]) from e
    rows = fetch_one(con, "SELECT count(*) FROM landing")[0]
    if rows == 0:
        raise FileRejected(label, "the file has a header but no data rows")
    _no_hidden_extra_field(con, work, len(header), label, encoding)
    return rows


# DuckDB drops a trailing empty field without a word ('4,5,6,' under a 3-column header), so a
# count written unquoted as 1,136 in a row that ends empty would shift every later cell of
# the row. The lines that end with the delimiter are counted here, quotes minded.
_EXTRA_FIELD_SQL = """
SELECT count(*) FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = '\x1f', quote = '',
                              escape = '', header = false, auto_detect = false,
                              strict_mode = false, encoding = ?)
WHERE ends_with(line, ',')
  AND length(regexp_replace(line, '"[^"]*"', '', 'g'))
      - length(replace(regexp_replace(line, '"[^"]*"', '', 'g'), ',', '')) + 1 > ?
"""


def _no_hidden_extra_field(con: duckdb.DuckDBPyConnection, work: Path, columns: int,
                           label: str, encoding: str = "utf-8") -> None:
    (extra,) = fetch_one(con, _EXTRA_FIELD_SQL, [str(work), encoding, columns])
    if not extra:
        return
    with open(work, encoding=encoding, newline="") as f:  # the slow path: find the row
        for line, fields in enumerate(csv.reader(f), start=1):
            if len(fields) > columns:
                raise FileRejected(label, f"row {line:,} has {len(fields)} fields but the "
                                          f"header has {columns} (an unquoted comma, such as "
                                          "1,136 written without quotes?)",
                                   [Failure("field_count", f"row {line:,} has {len(fields)} "
                                            f"fields, expected {columns}", row=line)])


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


def load_file(con: duckdb.DuckDBPyConnection, checked: CheckedFile, settings: Settings,
              run_id: str) -> FileOutcome:
    """raw -> core in one transaction, then the file's row in ops.raw_files."""
    spec = checked.spec
    con.execute("BEGIN TRANSACTION")
    try:
        if not spec.get("versioned"):  # a raw copy, for backfills (versioned files reread)
            numbered, _ = _numbered(checked.row_map)
            con.execute(f"INSERT INTO {spec['raw_table']} BY NAME SELECT ? AS file_sha256, "
                        f"* RENAME (__row AS row_number) FROM ({numbered})", [checked.sha256])
        set_variables(con, file_sha256=checked.sha256, series=checked.series,
                      dataset=spec["dataset"], core_table=spec["core_table"],
                      month_from=ALL_MONTHS[0], month_to=ALL_MONTHS[1])
        # Registered first: the staging views read the file's series from ops.raw_files.
        upsert_raw_file(con, checked.sha256, checked.label, checked.path, settings,
                        status="loaded", reason=None, run_id=run_id, fmt=checked.format,
                        dataset=spec["dataset"], series=checked.series, facts=checked.facts,
                        rows=checked.rows, archive=checked.archive)
        known = catalogue_ids(con, checked.series)
        for name in spec["load_sql"]:
            run_sql_file(con, SQL_DIR / "load" / name)
        if spec.get("versioned"):
            load_versions(con, checked)
        if known:  # a series already seen: rows new to it are worth a word
            checked.warnings += new_crime_rows(con, checked.series, known)
        checked.warnings += outlier_warnings(con, spec)
        if "overlap_checks" in spec:
            checked.warnings += overlap_warnings(con, spec)
        first, last = fetch_one(
            con, "SELECT min(month), max(month) FROM core.file_months "
                 "WHERE file_sha256 = ? AND published_cells > 0", [checked.sha256])
        name_cut = rawfiles.cut_from_name(checked.path.name)
        cut = None
        if spec.get("publication_cut", True):
            cut = last
            if name_cut and name_cut != last:
                raise FileRejected(
                    checked.label,
                    f"its name says the {name_cut:%Y-%m} cut but its last published month is "
                    f"{last:%Y-%m}: truncated, or named for another cut")
        elif spec.get("edition") == "name" and name_cut:
            # A yearly report's edition: published after the last year it reports on.
            if name_cut.year <= last.year:
                raise FileRejected(
                    checked.label,
                    f"its name says the edition of {name_cut:%Y-%m}, but it reports fiscal year "
                    f"{last:%Y}, which can only be published after the year ends")
            cut = name_cut
        upsert_raw_file(con, checked.sha256, checked.label, checked.path, settings,
                        status="loaded", reason=None, run_id=run_id, fmt=checked.format,
                        dataset=spec["dataset"], series=checked.series, facts=checked.facts,
                        cut=cut, name_cut=name_cut, first=first, last=last, rows=checked.rows,
                        archive=checked.archive)
        record_failures(con, "ops.data_warnings", checked.sha256, checked.label,
                        checked.warnings, run_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    cut_text = f", cut {cut:%Y-%m}" if cut else ""
    warned = ""
    if checked.warnings:
        kinds = sorted({w.check for w in checked.warnings})
        warned = (f"; {len(checked.warnings)} warning(s), see ops.data_warnings: "
                  + "; ".join(kinds))
    # Yearly figures (budgets, populations) are listed by their January: say years.
    span = (f"{first:%Y}" if first.year == last.year else f"{first:%Y} to {last:%Y}") \
        if reference.is_yearly(checked.format) else f"{first:%Y-%m} to {last:%Y-%m}"
    return FileOutcome(
        checked.label, checked.sha256, "loaded",
        f"loaded {checked.rows:,} rows as {checked.format} ({checked.series}{cut_text}; "
        f"{span}; {checked.facts.encoding}, {checked.facts.line_ending}){warned}",
        checked.format, spec["dataset"], checked.series, cut, checked.rows)


def load_versions(con: duckdb.DuckDBPyConnection, checked: CheckedFile) -> str:
    """Write what a staged municipal file adds or revises (warehouse/sql/load/municipal/):
    `first` for the first file of its series, `in_order` for a file newer than every file of
    its series (the monthly case), `general` for one older than some (a backfill, a late
    copy). Returns the path taken."""
    (cut,) = fetch_one(con, "SELECT max(month) FROM core.file_months WHERE file_sha256 = ? "
                            "AND published_cells > 0", [checked.sha256])
    (cells,) = fetch_one(con, "SELECT count(*) FROM (SELECT 1 FROM core.crime_municipal_cells "
                              "WHERE series = ? LIMIT 1)", [checked.series])
    (newer,) = fetch_one(con, """
        SELECT count(*) FROM ops.raw_files
        WHERE dataset = ? AND series = ? AND status IN ('loaded', 'superseded')
          AND file_sha256 <> ? AND cut_date > ?""",
                         [checked.spec["dataset"], checked.series, checked.sha256, cut])
    mode = "first" if not cells else "in_order" if not newer else "general"
    set_variables(con, cut=cut)
    run_sql_file(con, SQL_DIR / "load" / "municipal" / f"20_{mode}.sql")
    if mode == "in_order":
        run_sql_file(con, SQL_DIR / "load" / "municipal" / "30_write_cells.sql")
    for temp in ("staged", "staged_catalogue", "staged_months", "changed_rows", "new_cells",
                 "incoming", "prior", "restored", "touched_cells", "file_rank", "this_rank"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    con.execute("DROP VIEW IF EXISTS staged_cells")
    return mode


def upsert_raw_file(con: duckdb.DuckDBPyConnection, sha: str, label: str, path: Path,
                    settings: Settings, *, status: str, reason: str | None, run_id: str,
                    fmt: str | None = None, dataset: str | None = None,
                    series: str | None = None, facts: rawfiles.TextFacts | None = None,
                    cut: date | None = None, name_cut: date | None = None,
                    first: date | None = None, last: date | None = None,
                    rows: int | None = None, archive: ArchiveRef | None = None) -> None:
    now = datetime.now().astimezone()
    values = {
        "file_sha256": sha, "file_name": label,
        "landing_path": archive.landing_path if archive else _landing_path(path, settings),
        "bytes": path.stat().st_size, "format": fmt, "dataset": dataset, "series": series,
        "encoding": facts.encoding if facts else None,
        "line_ending": facts.line_ending if facts else None, "cut_date": cut,
        "name_cut": name_cut, "first_month": first, "last_month": last, "rows": rows,
        "status": status, "status_reason": reason, "first_seen_at": now,
        "loaded_at": now if status in ("loaded", "unpacked") else None, "updated_at": now,
        "run_id": run_id, "archive_sha256": archive.archive_sha256 if archive else None,
        "mtime_ns": None if archive else path.stat().st_mtime_ns,
    }
    updates = ", ".join(f"{k} = excluded.{k}" for k in values
                        if k not in ("file_sha256", "first_seen_at"))
    con.execute(
        f"INSERT INTO ops.raw_files ({', '.join(values)}) "
        f"VALUES ({', '.join('?' for _ in values)}) "
        f"ON CONFLICT (file_sha256) DO UPDATE SET {updates}", list(values.values()))


def overlap_warnings(con: duckdb.DuckDBPyConnection, spec: dict) -> list[Failure]:
    """What the format's overlap check (warehouse/sql/checks/) finds between the file being
    loaded and the files of its dataset loaded before: warnings, not rejections."""
    set_variables(con, value_column=spec["header"][-1])
    sql = (SQL_DIR / "checks" / spec["overlap_checks"]).read_text(encoding="utf-8")
    return [Failure(check, message, row=row, column=column, value=value)
            for row, column, check, value, message in con.execute(sql).fetchall()]


def catalogue_ids(con: duckdb.DuckDBPyConnection, series: str) -> set[int]:
    return {i for (i,) in con.execute(
        "SELECT crime_id FROM core.crime_catalogue WHERE series = ?", [series]).fetchall()}


def new_crime_rows(con: duckdb.DuckDBPyConnection, series: str,
                   known: set[int]) -> list[Failure]:
    """Crime rows the file just added to a series whose catalogue was already known: a new or
    renamed row of the SESNSP catalogue, which the crosswalk may not map yet. Warned, since
    a renamed row silently leaves every indicator but delitos_total."""
    rows = con.execute("""
        SELECT tipo, subtipo, modalidad FROM core.crime_catalogue
        WHERE series = $1 AND NOT list_contains($2, crime_id)
        ORDER BY ALL""", [series, sorted(known)]).fetchall()
    return [Failure("new crime row", f"a crime row new to the {series} catalogue: {tipo} / "
                    f"{subtipo} / {modalidad}; it counts in delitos_total and in another "
                    "indicator only if schemas/reference/crime_crosswalk.csv maps it",
                    value=f"{tipo} / {subtipo} / {modalidad}")
            for tipo, subtipo, modalidad in rows]


def record_rejection(con: duckdb.DuckDBPyConnection, sha: str, label: str, path: Path,
                     settings: Settings, rejected: FileRejected, run_id: str,
                     archive: ArchiveRef | None = None, fmt: str | None = None,
                     dataset: str | None = None,
                     facts: rawfiles.TextFacts | None = None) -> None:
    upsert_raw_file(con, sha, label, path, settings, status="rejected", reason=rejected.reason,
                    run_id=run_id, archive=archive, fmt=fmt, dataset=dataset, facts=facts)
    record_failures(con, "ops.quarantine", sha, label,
                    rejected.failures or [Failure("file", rejected.reason)], run_id)


def record_failures(con: duckdb.DuckDBPyConnection, table: str, sha: str, label: str,
                    failures: list[Failure], run_id: str) -> None:
    """Replace the file's rows in ops.quarantine (rejections) or ops.data_warnings."""
    con.execute(f"DELETE FROM {table} WHERE file_sha256 = ?", [sha])
    if not failures:
        return
    now = datetime.now().astimezone()
    rows = pd.DataFrame(
        [(sha, label, f.row, f.column, f.check, f.value, f.message, run_id, now)
         for f in failures[:QUARANTINE_LIMIT]],
        columns=["file_sha256", "file_name", "row_number", "column_name", "check_name", "value",
                 "message", "run_id", "recorded_at"])
    con.register("failure_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM failure_rows")
    finally:
        con.unregister("failure_rows")
