"""Reference data and raw-format models: valid, documented, and agreeing with each other."""

from __future__ import annotations

import contextlib
import re

import pandera.pandas as pa
import pytest

from schemas import reference
from schemas.reference import normalize_name
from seguridad.intake.validate import load_model


@pytest.mark.parametrize("name", reference.REFERENCE_MODELS)
def test_reference_files_validate(name):
    assert len(reference.load(name)) > 0


@pytest.mark.parametrize("fmt", reference.formats())
def test_every_raw_format_has_a_documented_model(fmt):
    spec = reference.formats()[fmt]
    model = load_model(spec["model"])
    schema = model.to_schema()
    assert model.__doc__ and spec["description"]
    fields = [re.compile(name if col.regex else re.escape(name))
              for name, col in schema.columns.items()]
    for column in spec["header"]:  # formats.toml and the model describe the same columns
        assert sum(1 for f in fields if f.fullmatch(column)) == 1, column
    assert len(spec["header"]) >= len(fields)
    assert all(col.description for col in schema.columns.values())


def test_regions_partition_the_country_and_the_border_has_six_states():
    members = reference.load("geo_group_members")
    groups = reference.load("geo_groups")
    regions = groups.loc[groups["kind"] == "region", "group_key"]
    in_regions = members[members["group_key"].isin(regions)]
    assert sorted(in_regions["state_code"]) == sorted(reference.load("states")["state_code"])
    border = members.loc[members["group_key"] == "frontera_norte", "state_code"]
    assert sorted(border) == ["02", "05", "08", "19", "26", "28"]


@pytest.mark.parametrize("variant,code", [
    ("DISTRITO FEDERAL", "09"), ("CIUDAD DE MEXICO", "09"), ("Ciudad de México", "09"),
    ("MEXICO", "15"), ("México", "15"), ("Estado de México", "15"), ("NUEVO LEON", "19"),
    ("Coahuila de Zaragoza", "05"), ("VERACRUZ", "30"), ("Michoacán", "16"),
])
def test_state_name_variants_resolve(variant, code):
    assert reference.state_codes_by_name()[normalize_name(variant)] == code


def test_a_broken_reference_file_is_refused(tmp_path, monkeypatch):
    bad = reference.load("states").copy()
    bad.loc[0, "state_code"] = "33"
    with pytest.raises(pa.errors.SchemaErrors):
        reference.States.validate(bad, lazy=True)


def test_sql_and_python_normalize_names_alike():
    import duckdb

    from seguridad.config import SQL_DIR

    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts")
    con.execute((SQL_DIR / "macros" / "1_values" / "10_values.sql").read_text())
    names = list(reference.load("state_name_variants")["variant"]) + \
        list(reference.load("states")["state_name"]) + ["  Edo.de  México ", "querétaro"]
    for name in names:
        (sql,), = con.execute("SELECT staging.normalize_name(?)", [name]).fetchall()
        assert sql == normalize_name(name), name


def test_a_month_column_is_parsed_once_and_the_failures_are_the_same(monkeypatch):
    """Validating a frame parses each column's text to numbers once (schemas.checks.
    numbers_once), not once per check; the failures found are those of parsing it each time.
    The March 2026 state file, two cells damaged."""
    import pandas as pd

    from conftest import RNID_2026_FILE
    from schemas import checks, sesnsp
    from seguridad.intake import validate

    df = pd.read_csv(RNID_2026_FILE, encoding="latin-1", dtype=str, keep_default_na=False,
                     na_values=[""])
    df.index = df.index + 2  # the file's row numbers
    df.loc[102, "Enero"], df.loc[203, "Marzo"] = "7x", "-3"
    parsed: list[str] = []
    real = pd.to_numeric
    monkeypatch.setattr(checks.pd, "to_numeric",
                        lambda s, *a, **k: (parsed.append(s.name), real(s, *a, **k))[1])
    once = validate.validate(sesnsp.SesnspStateNM, df)
    assert parsed.count("Enero") == 1 and parsed.count("Marzo") == 1
    monkeypatch.setattr(checks, "numbers_once", contextlib.nullcontext)  # each check parses
    each = validate.validate(sesnsp.SesnspStateNM, df)
    assert parsed.count("Enero") > 2
    assert [f.message for f in once] == [f.message for f in each]
    assert any("row 102, column Enero: '7x'" in f.message for f in once)
