"""The hostile corpus, the settings people get wrong and the states a crash leaves: every case
ends in a one-line message and a non-zero exit, never a traceback, and never with the
published warehouse destroyed or another database overwritten. Commands run in this process
(the flows against the worker's test Prefect server), on copies of the small warehouse."""

from __future__ import annotations

import ast
import errno
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import MUNICIPAL_SLICE, REPO, RNID_2026_FILE, query
from conftest import run_cli as cli

MARTS = ("SELECT md5(string_agg(r, ',' ORDER BY r)) FROM (SELECT concat_ws('|', month, series, "
         "geo_code, indicator, value, file_sha256) AS r FROM marts.indicator_monthly)")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    text = result.stderr + result.stdout
    assert "Traceback" not in text, text
    for w in words:
        assert w in text, text


@pytest.fixture
def workspace(small_workspace: Path) -> Path:
    """The cases here break a warehouse, not the shipped files' variety: a private copy of the
    small warehouse (three 2026 cuts and a population file), which a refresh rebuilds in a
    fraction of the shipped one's time."""
    return small_workspace


@pytest.fixture
def wh(workspace: Path) -> Path:
    return workspace / "warehouse" / "seguridad.duckdb"


# --- published data destroyed -------------------------------------------------------------

def test_a_full_rebuild_over_an_empty_landing_zone_is_refused_then_undoable(workspace, wh):
    before = query(wh, MARTS)
    shutil.rmtree(workspace / "raw")
    (workspace / "raw").mkdir()
    refused(cli("refresh", "--full", "--no-report"), "vacío", "--force")
    assert query(wh, MARTS) == before
    forced = cli("refresh", "--full", "--force", "--no-report")
    assert forced.returncode == 0, forced.stderr
    assert query(wh, "SELECT count(*) FROM marts.indicator_monthly") == [(0,)]
    back = cli("rollback")
    assert back.returncode == 0, back.stderr
    assert query(wh, MARTS) == before


def test_a_full_rebuild_names_the_files_whose_data_it_drops(empty_workspace):
    raw = empty_workspace / "raw"
    assert cli("ingest", str(RNID_2026_FILE), str(MUNICIPAL_SLICE)).returncode == 0
    (raw / RNID_2026_FILE.name).unlink()
    result = cli("refresh", "--full", "--no-report")
    assert result.returncode == 0, result.stderr
    assert RNID_2026_FILE.name in result.stderr and "deja fuera" in result.stderr
    assert list((empty_workspace / "warehouse" / ".snapshots").glob("*.duckdb"))  # undoable


def test_another_duckdb_database_is_never_written(empty_workspace, monkeypatch):
    other = empty_workspace / "accounting.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE invoices AS SELECT 1 AS id")
    con.close()
    before = sha(other)
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(other))
    refused(cli("refresh", "--no-report"), "no un almacén de seguridad")
    refused(cli("ingest", str(RNID_2026_FILE)), "no un almacén de seguridad")
    refused(cli("status"), "no un almacén de seguridad")
    assert sha(other) == before


@pytest.mark.parametrize("kind", ["directory", "garbage", "truncated", "under_a_file"])
def test_a_warehouse_path_that_cannot_be_a_warehouse(workspace, wh, monkeypatch, kind):
    if kind == "directory":
        target = workspace / "a_folder"
        target.mkdir()
    elif kind == "garbage":
        target = workspace / "notes.duckdb"
        target.write_bytes(b"these are my notes, not a database\n" * 100)
    elif kind == "truncated":
        target = workspace / "half.duckdb"
        target.write_bytes(wh.read_bytes()[: 1 << 20])
    else:
        (workspace / "notes.txt").write_text("a file, not a folder")
        target = workspace / "notes.txt" / "seguridad.duckdb"
    monkeypatch.setenv("SEGURIDAD_WAREHOUSE", str(target))
    for args in (["status"], ["report", "compare", "--indicator", "homicidio_doloso", "--geo",
                              "national", "--preset", "r12"],
                 ["refresh", "--no-report"]):
        refused(cli(*args), "SEGURIDAD_WAREHOUSE" if kind in ("directory", "under_a_file")
                else str(target.name))


def test_a_damaged_published_warehouse_points_to_rollback(workspace, wh):
    wh.write_bytes(wh.read_bytes()[: 1 << 20])
    refused(cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
                "--preset", "r12"), "rollback")
    refused(cli("refresh", "--no-report"), "rollback")


# --- the landing zone and the environment -----------------------------------------------

def test_a_landing_zone_that_is_a_file(workspace, monkeypatch):
    path = workspace / "raw.txt"
    path.write_text("not a folder")
    monkeypatch.setenv("SEGURIDAD_RAW", str(path))
    refused(cli("refresh", "--no-report"), "SEGURIDAD_RAW")
    refused(cli("ingest", str(RNID_2026_FILE)), "SEGURIDAD_RAW")


@pytest.mark.parametrize("failure", [errno.EACCES, errno.ENOSPC])
def test_a_read_only_or_full_landing_zone(workspace, wh, monkeypatch, failure):
    from seguridad.intake import rawfiles

    def fail(source, target):
        raise OSError(failure, os.strerror(failure))

    monkeypatch.setattr(rawfiles, "_copy", fail)
    before = query(wh, MARTS)
    copy = shutil.copyfile(RNID_2026_FILE, workspace / "incoming.csv")
    copy.write_bytes(copy.read_bytes().replace(b"\n", b"\r\n"))  # new bytes
    refused(cli("ingest", str(copy)), "landing zone", os.strerror(failure))
    assert query(wh, MARTS) == before


def test_a_file_that_changes_while_it_is_read(workspace, wh, monkeypatch):
    from seguridad.intake import rawfiles

    real = rawfiles._copy

    def grows(source, target):
        with open(source, "ab") as f:
            f.write(b"2026,32,Zacatecas,more rows arriving")
        return real(source, target)

    monkeypatch.setattr(rawfiles, "_copy", grows)
    copy = workspace / "downloading.csv"
    copy.write_bytes(RNID_2026_FILE.read_bytes().replace(b"\n", b"\r\n"))
    refused(cli("ingest", str(copy)), "changed while it was being read")
    assert not (workspace / "raw" / "downloading.csv").exists()


@pytest.mark.parametrize("variable,value", [("SEGURIDAD_SNAPSHOTS", "three"),
                                            ("SEGURIDAD_LOCK_WAIT", "soon"),
                                            ("SEGURIDAD_SNAPSHOTS", "-1")])
def test_settings_that_are_not_numbers(workspace, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    refused(cli("status"), variable, value)


def test_file_names_people_and_zips_give(empty_workspace):
    """A 250-byte name, a Latin-1 name, a hidden name and no extension all load, and a full
    rebuild still finds them in the landing zone."""
    wh = empty_workspace / "warehouse" / "seguridad.duckdb"
    data = RNID_2026_FILE.read_bytes()
    names = ["x" * 246 + ".csv", os.fsdecode(b"Incidencia_A\xf1o_2026.csv"), ".oculto.csv",
             "IDEFC_sin_extension"]
    paths = []
    for i, name in enumerate(names):
        path = empty_workspace / name
        path.write_bytes(data + b"\n" * (i + 1))  # four different files of the same rows
        paths.append(path)
    result = cli("ingest", *map(str, paths))
    assert result.returncode == 0, result.stderr
    assert "Año" in result.stdout  # the Latin-1 name, printed as text
    count = "SELECT count(*) FROM ops.raw_files WHERE status <> 'rejected' AND rows = 3648"
    assert query(wh, count) == [(4,)]
    rebuilt = cli("refresh", "--full", "--no-report")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert query(wh, count) == [(4,)]


def test_state_files_the_program_writes_never_stop_it(workspace, wh):
    journal = workspace / "warehouse" / "runs.jsonl"
    with open(journal, "a", encoding="utf-8") as f:
        f.write('{"event": "start"}\n["not", "a", "run"]\n{"run_id": 7, "started_at": 3}\n'
                "\x00\x01 garbage\n")
    (workspace / "warehouse" / ".lock").write_text("pid not-a-number since whenever")
    assert cli("status").returncode == 0
    result = cli("refresh", "--no-report")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("args,words", [
    (["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
      "--current", "0000-01:0000-03", "--baseline", "0000-04:0000-06"], ["0000-01"]),
    (["report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
      "--preset", "since", "--since", "0000-01"], ["0000-01"]),
    (["backfill", "--from", "0000-01", "--to", "0000-02"], ["0000-01"]),
])
def test_year_zero(workspace, args, words):
    refused(cli(*args), *words)


def test_output_that_is_a_directory(workspace):
    folder = workspace / "out"
    folder.mkdir()
    refused(cli("report", "compare", "--indicator", "homicidio_doloso", "--geo", "national",
                "--preset", "mom", "--output", str(folder)), "es una carpeta")
    refused(cli("check-claims", str(REPO / "claims" / "cnsp_2015-12-18.toml"), "--output",
                str(folder)), "es una carpeta")
    refused(cli("dictionary", "--output", str(folder)), "es una carpeta")


# --- one poison file ----------------------------------------------------------------------

def test_one_poison_file_never_stops_the_good_ones(workspace, wh):
    lines = RNID_2026_FILE.read_bytes().split(b"\n")
    cells = lines[5].split(b",")
    cells[7] = b"99999999999999999999"
    lines[5] = b",".join(cells)
    poison = workspace / "raw" / "sesnsp" / "estatal_RNID_2026_mar2026_poison.csv"
    poison.write_bytes(b"\n".join(lines))
    good = workspace / "raw" / "sesnsp" / "estatal_RNID_2026_mar2026_crlf.csv"
    good.write_bytes(RNID_2026_FILE.read_bytes().replace(b"\n", b"\r\n"))
    first = cli("refresh", "--no-report")
    refused(first, "poison.csv", "demasiado grande")
    statuses = dict(query(wh, "SELECT file_name, status FROM ops.raw_files "
                              "WHERE file_name LIKE '%mar2026_%'"))
    named = {Path(k).name: v for k, v in statuses.items()}
    assert (named[poison.name], named[good.name]) == ("rejected", "loaded")
    second = cli("refresh", "--no-report")  # the known rejection is skipped, not fatal
    assert second.returncode == 0, second.stderr


# --- hostile parameters -------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "COPY (SELECT 1) TO '{dir}/leak.csv'",
    "EXPORT DATABASE '{dir}/export'",
    "ATTACH '{dir}/other.duckdb' AS other",
    "INSTALL httpfs",
    "SET memory_limit = '1GB'",
    "DELETE FROM ops.meta",
    "CREATE TABLE marts.x AS SELECT 1",
    "SELECT * FROM read_csv('/etc/passwd')",
])
def test_sql_cannot_write_or_reach_out(workspace, wh, statement):
    before = sha(wh)
    out = workspace / "out"
    out.mkdir(exist_ok=True)
    refused(cli("sql", statement.format(dir=out)))
    assert list(out.iterdir()) == []
    assert sha(wh) == before


@pytest.mark.parametrize("args,word", [
    (["--indicator", "homicidio_doloso'; DROP TABLE marts.geo; --", "--geo", "national"],
     "indicador desconocido"),
    (["--indicator", "homicidio_doloso", "--geo", "' OR 1=1 --"], "lugar desconocido"),
    (["--indicator", "homicidio_doloso", "--geo", "national", "--series", "x\"; SELECT 1"],
     "serie desconocida"),
    (["--indicator", "homicidio_doloso", "--geo", "national", "--sex", "Mujer' --",
      "--measure", "victims"], "--sex desconocido"),
])
def test_quotes_and_sql_in_parameters_are_just_unknown_values(workspace, wh, args, word):
    before = sha(wh)
    refused(cli("report", "compare", *args, "--current", "2026-03:2026-03", "--baseline",
                "2026-02:2026-02"), word)
    assert sha(wh) == before
    assert query(wh, "SELECT count(*) > 0 FROM marts.geo") == [(True,)]


# SQL text built with f-strings: each interpolation must be one of these, none from a user.
ALLOWED_INTERPOLATIONS = {
    ("seguridad/analysis/series_choice.py", "'es' if lang == 'es' else 'en'"),
    ("seguridad/analysis/compare.py", "column"),
    # the lake: table names checked against the warehouse's own catalogue first
    ("seguridad/warehouse/lake.py", "table"),
    ("seguridad/warehouse/lake.py", "', year(month) AS year' if derived_year else ''"),
    ("seguridad/db.py", "name"),  # set_variables: the variable's name, from our own code
    ("seguridad/warehouse/build.py", "name"),
    # raw tables from schemas/formats.toml: our own declarations, identifiers quoted
    ("seguridad/warehouse/build.py", "spec['raw_table']"),
    ("seguridad/warehouse/build.py", "columns"),
    ("seguridad/warehouse/build.py", "schema"),
    ("seguridad/warehouse/build.py", "table"),
    ("seguridad/warehouse/build.py", "column"),
    # a derive file's inputs: names from its generated header, checked against the catalogue
    ("seguridad/warehouse/incremental.py", "name"),
    ("seguridad/warehouse/build.py", "STORAGE_VERSION"),
    ("seguridad/intake/checking.py", "year_col"),
    ("seguridad/intake/checking.py", "m.column"),
    ("seguridad/intake/loading.py", "spec['raw_table']"),
    ("seguridad/intake/loading.py", "', '.join(values)"),
    ("seguridad/intake/loading.py", "', '.join(('?' for _ in values))"),
    ("seguridad/intake/loading.py", "updates"),
    ("seguridad/intake/loading.py", "table"),
    ("seguridad/intake/loading.py", "numbered"),
    ("seguridad/factcheck/engine.py", "col"),
    ("seguridad/factcheck/change_queries.py", "i"),
    ("seguridad/factcheck/engine.py", "population"),
    ("seguridad/warehouse/backfill.py", "spec['raw_table']"),
    ("seguridad/warehouse/backfill.py", "item.table"),
    ("seguridad/intake/fetch.py", "', '.join(row)"),
    ("seguridad/intake/fetch.py", "', '.join(('?' for _ in row))"),
    # the two tables of monthly facts, checked by facts_table() against a closed list
    ("seguridad/analysis/series_choice.py", "facts_table(facts)"),
    ("seguridad/reports/html.py", "facts_table(c.facts)"),
    # SQL validation: header names go through _q() (quoted, quotes doubled); rules come from
    # the models' SQL twins; mask and LIMIT are integers the code computes
    ("seguridad/intake/sqlvalidate.py", "grouping"),
    ("seguridad/intake/sqlvalidate.py", "cols"),
    ("seguridad/intake/sqlvalidate.py", "mask"),
    ("seguridad/intake/sqlvalidate.py", "r.ok"),
    ("seguridad/intake/sqlvalidate.py", "match"),
    ("seguridad/intake/sqlvalidate.py", "LIMIT"),
    ("seguridad/intake/sqlvalidate.py", "_q(r.column)"),
    # the lake's COPY: the warehouse's own names and comments, quoted (COPY takes no
    # parameters), and a path of ours
    ("seguridad/warehouse/lake.py", "select"),
    ("seguridad/warehouse/lake.py", "_literal(str(path))"),
    ("seguridad/warehouse/lake.py", "', '.join(options)"),
    # fan-out: staged Parquet paths of ours, quoted; the comparison of two warehouses reads
    # table and column names from their own catalogue, quoted
    ("seguridad/intake/fanout.py", "_quoted(staged.landing)"),
    ("seguridad/intake/fanout.py", "_quoted(staged.row_map)"),
    ("seguridad/intake/fanout.py", "cols"),
    ("seguridad/intake/fanout.py", "name"),
    ("seguridad/intake/fanout.py", "db"),  # 'a' or 'b', the two attached warehouses
    # warnings located in the file just loaded: a staging view named after formats.toml's
    # raw_table, or the municipal loader's temp table, and a column the code chooses; the
    # rules that warn are our own SQL files (warehouse/sql/checks/build_warnings/)
    ("seguridad/intake/loading.py", "view"),
    ("seguridad/intake/severity.py", "source"),
    ("seguridad/intake/severity.py", "'s.municipality_code' if municipal else 'NULL'"),
    ("seguridad/warehouse/reconciliation.py", "path.read_text(encoding='utf-8')"),
    # the checks generated from warehouse/sql/tables.toml (our own declaration): table and
    # column names quoted, accepted values quoted as literals, '?' placeholders
    ("seguridad/warehouse/grain.py", "_text([column, *grain])"),
    ("seguridad/warehouse/grain.py", "keys"),
    ("seguridad/warehouse/grain.py", "', '.join(parts)"),
    ("seguridad/warehouse/grain.py", "_q(ref_column)"),
    ("seguridad/warehouse/grain.py", "marks"),
    ("seguridad/warehouse/grain.py", "ref_table"),
    ("seguridad/warehouse/grain.py", "t"),
    ("seguridad/warehouse/grain.py", "_q(column)"),
    ("seguridad/warehouse/grain.py", "check"),
    ("seguridad/warehouse/grain.py", "_text(grain)"),
    ("seguridad/warehouse/grain.py", "table.name"),
    ("seguridad/warehouse/grain.py", "listed"),
}
SQL = re.compile(r"\b(SELECT\b.*\bFROM|INSERT INTO|DELETE FROM|UPDATE \S+ SET|"
                 r"CREATE (OR REPLACE )?(TEMP )?(TABLE|VIEW|MACRO)|COMMENT ON|SET VARIABLE|"
                 r"ATTACH |COPY .* TO )", re.S)


def test_no_sql_is_built_from_parameters():
    """Every f-string that reads as SQL interpolates only names the code itself controls
    (table names from formats.toml, columns from the code); values are always bound."""
    found = set()
    for path in sorted((REPO / "seguridad").rglob("*.py")) + sorted((REPO / "flows").glob("*.py")):
        rel = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            literal = "".join(v.value if isinstance(v, ast.Constant) else " x "
                              for v in node.values)
            if not SQL.search(literal):
                continue
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    found.add((rel, ast.unparse(v.value)))
    unexpected = found - ALLOWED_INTERPOLATIONS
    assert not unexpected, f"SQL built from values (bind them as parameters): {unexpected}"
