"""The municipal checks run as SQL (seguridad.intake.sqlvalidate) over the whole file inside DuckDB;
the pandera model is still the definition. On the same damaged real file both ways must find
the same failures: the same check, row, column, value and message."""

from __future__ import annotations

import duckdb
import pytest
from hostile.hostile_cases import rows_of, write

from conftest import MUNICIPAL_SLICE
from seguridad import config
from seguridad.intake import checking, reading, sqlvalidate
from seguridad.warehouse import build as warehouse


def _cell(column: str, row: int, value: str):
    def change(header, rows):
        rows[row][header.index(column)] = value
    return change


def _many(header, rows):
    for i, (column, value) in enumerate([("Enero", "12a"), ("Febrero", "-3"), ("Marzo", "2.5"),
                                         ("Abril", "1e3"), ("Mayo", " 7 "), ("Junio", "x"),
                                         ("Julio", "99999999999"), ("Agosto", "12a")]):
        rows[20 + i * 7][header.index(column)] = value


DAMAGES = {
    "not_a_number": _cell("Marzo", 4, "12a"),
    "negative": _cell("Octubre", 30, "-1"),
    "decimal": _cell("Enero", 11, "3.5"),
    "no_such_municipality": _cell("Cve. Municipio", 6, "11920"),
    "municipality_of_another_state": _cell("Cve. Municipio", 5, "14039"),
    "state_name_of_another_code": _cell("Entidad", 9, "Jalisco"),
    "state_code_out_of_range": _cell("Clave_Ent", 2, "33"),
    "empty_key": _cell("Tipo de delito", 8, ""),
    "year_not_a_year": _cell("Año", 3, "20x4"),
    "many_at_once": _many,
}


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    warehouse.setup(con, config.settings())  # the schemas and the macros the twins call
    yield con
    con.close()


def landing(con, tmp_path, damage):
    header, rows = rows_of(MUNICIPAL_SLICE, "utf-8")
    damage(header, rows)
    path = write(tmp_path / "damaged.csv", header, rows, "utf-8")
    header = reading.read_header(path, path.name, "utf-8")
    spec = reading.formats()[reading.detect_format(header, path.name, False)]
    assert spec.get("validation") == "batched"  # the municipal format is the SQL path's
    rows_read = reading.read_into_landing(con, path, header, path.name, "utf-8")
    return checking.load_model(spec["model"]), header, rows_read


def as_tuples(failures):
    return sorted((f.check, f.row, f.column, f.value, f.message) for f in failures)


@pytest.mark.parametrize("name", DAMAGES)
def test_sql_and_pandas_find_the_same_failures(con, tmp_path, name):
    model, header, rows = landing(con, tmp_path, DAMAGES[name])
    in_sql = sqlvalidate.validate(con, model, header)
    assert in_sql is not None, "every municipal check has an SQL twin"
    in_pandas = checking.validate_in_batches(con, model, rows, batch=997)
    assert in_pandas, f"{name}: the damage is a failure"
    assert as_tuples(in_sql) == as_tuples(in_pandas)


def test_the_undamaged_file_passes_both_ways(con, tmp_path):
    model, header, rows = landing(con, tmp_path, lambda header, rows: None)
    assert sqlvalidate.validate(con, model, header) == []
    assert checking.validate_in_batches(con, model, rows, batch=997) == []
