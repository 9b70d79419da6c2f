"""pandera models of the money side: the Ramo 33 federal transfers by state (FASP, the
public-security fund, among them), the program-spending format prevention programs report
in, and the INPC price index that turns nominal pesos into real ones."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks

# '124 857.3': a space between thousands, one decimal, sometimes leading spaces.
_MILLIONS = r"^\s*\d{1,3}(?: \d{3})*(?:\.\d+)?\s*$"
LAST_YEAR = date.today().year + 1


def millions(s: pd.Series) -> pd.Series:
    """The amounts as numbers (millions of pesos); NaN where empty."""
    return pd.to_numeric(s.str.replace(" ", "", regex=False), errors="coerce")


class Ramo33State(pa.DataFrameModel):
    """Ramo 33 (aportaciones federales) by state, year and fund, in millions of current pesos,
    as published in the Informes de Gobierno (mexicoevalua/ramo33's r_33_long_14.csv). One
    row per state and year plus a national row (id 00); an empty cell is a fund that did not
    exist yet. Header names are read trimmed (the file pads r33_total with spaces)."""

    state_code: Series[str] = pa.Field(alias="id", str_matches=r"^(0\d|[12]\d|3[0-2])$",
                                       description="INEGI state code, 00 for the nation")
    state_name: Series[str] = pa.Field(alias="estado", description="State name, or Nacional")
    year: Series[str] = pa.Field(alias="yr", str_matches=r"^\d{4}$", description="Fiscal year")
    key: Series[str] = pa.Field(alias="id_yr", description="id and yr joined by '_'")
    amounts: Series[str] = pa.Field(alias=r"^r33_\w+$", regex=True, nullable=True,
                                    str_matches=_MILLIONS,
                                    description="Amount of the fund, millions of current pesos")

    @pa.check("yr", error=f"is not a year between 1990 and {LAST_YEAR}")
    def year_in_range(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce").between(1990, LAST_YEAR)

    @pa.dataframe_check(error="is not the state of the row's id (or Nacional for 00)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        national = df["id"].eq("00")
        named = checks.code_of_state_name(df["estado"])
        is_nation = df["estado"].str.strip().eq("Nacional")
        ok = (national & is_nation) | (~national & (named == df["id"]))
        return checks.flag(df, {"estado": ok})

    @pa.dataframe_check(error="is not id_yr (the id and the year joined by '_')")
    def key_is_id_and_year(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"id_yr": df["id_yr"] == df["id"] + "_" + df["yr"]})

    @pa.dataframe_check(error="belongs to a year that does not list the nation and 32 states")
    def every_year_complete(cls, df: pd.DataFrame) -> pd.DataFrame:
        n = df["id"].groupby(df["yr"]).transform("nunique")
        return checks.flag(df, {"yr": n == 33})

    class Config:
        strict = True
        unique = ["id", "yr"]


class Ramo33Warnings(pa.DataFrameModel):
    """What is suspicious in a valid Ramo 33 file: loaded, and flagged (ops.data_warnings,
    and data_warning in marts.spending_yearly)."""

    @pa.dataframe_check(error="FASP is zero or empty in a year the fund existed (it began in "
                              "1999): probably missing, not zero")
    def fasp_missing(cls, df: pd.DataFrame) -> pd.DataFrame:
        amount = millions(df["r33_segurid"])
        year = pd.to_numeric(df["yr"], errors="coerce")
        return checks.flag(df, {"r33_segurid": ~((year >= 1999) & ~(amount > 0))})

    @pa.dataframe_check(error="the national row is not the sum of the states (beyond rounding)")
    def national_is_sum(cls, df: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(True, index=df.index, columns=df.columns)
        funds = [c for c in df.columns if c.startswith("r33_")]
        states = df[df["id"] != "00"]
        nation = df[df["id"] == "00"]
        for col in funds:
            total = millions(states[col]).groupby(states["yr"]).sum(min_count=1)
            published = millions(nation[col])
            expected = nation["yr"].map(total)
            bad = (published - expected).abs() > 0.05 * 33
            out.loc[nation.index[bad.fillna(False).to_numpy()], col] = False
        return out


class ProgramSpending(pa.DataFrameModel):
    """The format prevention programs (PRONAPRED-style) report their spending in, one row per
    program, fiscal year, municipality, polygon and component. Amounts in pesos with a '.'
    for decimals and no thousands separators; beneficiaries may be empty when unknown."""

    program: Series[str] = pa.Field(alias="programa", str_matches=r"^\s*\S.*$",
                                    description="Program key, e.g. pronapred")
    fiscal_year: Series[str] = pa.Field(alias="ejercicio_fiscal", str_matches=r"^\s*\d{4}\s*$",
                                        description="Fiscal year")
    state_code: Series[str] = pa.Field(alias="clave_entidad",
                                       description="INEGI state code, 1-32 or 01-32")
    state_name: Series[str] = pa.Field(alias="entidad", description="State name")
    municipality_code: Series[str] = pa.Field(
        alias="clave_municipio", description="INEGI municipality code (4 or 5 digits)")
    municipality_name: Series[str] = pa.Field(alias="municipio", description="Municipality")
    polygon_id: Series[str] = pa.Field(alias="clave_poligono", str_matches=r"^\s*\S+\s*$",
                                       description="Polygon id, unique within the program")
    polygon_name: Series[str] = pa.Field(alias="poligono", nullable=True,
                                         description="Polygon name")
    component: Series[str] = pa.Field(alias="componente", str_matches=r"^\s*\S.*$",
                                      description="social, cultural, deportivo, productivo, "
                                                  "comunitario, ...")
    amount: Series[str] = pa.Field(alias="monto_pesos", str_matches=r"^\s*\d+(\.\d+)?\s*$",
                                   description="Amount spent, pesos (nominal)")
    beneficiaries: Series[str] = pa.Field(alias="beneficiarios", nullable=True,
                                          description="People reached (empty if unknown)")

    @pa.check("clave_entidad", error="is not a state code (1 to 32)")
    def state_code_valid(cls, s: Series[str]) -> Series[bool]:
        return checks.state_code(s)

    @pa.check("beneficiarios", error="is not a whole number of people")
    def beneficiaries_whole(cls, s: Series[str]) -> Series[bool]:
        return checks.whole_number(s) & checks.non_negative(s)

    @pa.check("ejercicio_fiscal", error=f"is not a year between 1990 and {LAST_YEAR}")
    def year_in_range(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce").between(1990, LAST_YEAR)

    @pa.dataframe_check(error="does not match the state code of its row (clave_entidad)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.name_matches_code(df, "clave_entidad", "entidad")

    @pa.dataframe_check(error="is not a municipality of the row's state (clave_entidad)")
    def municipality_in_state(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"clave_municipio": checks.municipality_of_state(
            df["clave_municipio"], df["clave_entidad"])})

    @pa.check("clave_municipio", error="is no such municipality in INEGI's catalogue "
                                      "(schemas/reference/municipalities.csv)")
    def municipality_exists(cls, s: Series[str]) -> Series[bool]:
        return checks.known_municipality(s)

    @pa.dataframe_check(error="is not the name of the municipality of its code "
                              "(clave_municipio)")
    def municipality_name_matches(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"municipio": checks.municipality_name_matches(
            df["clave_municipio"], df["municipio"])})

    @pa.check("monto_pesos", error=f"is too large to be an amount (over "
                                   f"{checks.MAX_PESOS:,} pesos)")
    def amount_not_too_large(cls, s: Series[str]) -> Series[bool]:
        return checks.not_too_large(s, checks.MAX_PESOS)

    @pa.dataframe_check(error="is the id of a polygon of another municipality of the program")
    def polygon_in_one_municipality(cls, df: pd.DataFrame) -> pd.DataFrame:
        polygon = df["programa"].str.strip() + "|" + df["clave_poligono"].str.strip()
        municipality = pd.to_numeric(df["clave_municipio"], errors="coerce")
        return checks.flag(df, {"clave_poligono":
                                municipality.groupby(polygon).transform("nunique") <= 1})

    class Config:
        strict = True
        unique = ["programa", "ejercicio_fiscal", "clave_municipio", "clave_poligono",
                  "componente"]


class Inpc(pa.DataFrameModel):
    """Índice Nacional de Precios al Consumidor (INEGI), one row per month: the deflator that
    turns nominal pesos into pesos of one base year."""

    month: Series[str] = pa.Field(alias="fecha", str_matches=r"^\s*\d{4}-(0[1-9]|1[0-2])\s*$",
                                  unique=True, description="Month, YYYY-MM")
    index: Series[str] = pa.Field(alias="inpc", str_matches=r"^\s*\d+(\.\d+)?\s*$",
                                  description="Index value")

    @pa.check("inpc", error="is not a positive index value")
    def positive(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce") > 0  # real pesos divide by it

    class Config:
        strict = True


class InpcFechaIpc(pa.DataFrameModel):
    """The INPC as a clean monthly file with dates (`Fecha,IPC`, `1969-01-01,0.011595`), as
    lapanquecita/cuenta-publica keeps it: one row per month, dated its first day. Its base is
    not stated; real pesos only use ratios of the index, so any base will do."""

    month: Series[str] = pa.Field(alias="Fecha",
                                  str_matches=r"^\s*\d{4}-(0[1-9]|1[0-2])-01\s*$", unique=True,
                                  description="Month, as the date of its first day (YYYY-MM-01)")
    index: Series[str] = pa.Field(alias="IPC", str_matches=r"^\s*\d+(\.\d+)?\s*$",
                                  description="Index value")

    @pa.check("IPC", error="is not a positive index value")
    def positive(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce") > 0

    class Config:
        strict = True


class InpcBie(pa.DataFrameModel):
    """The INPC as INEGI's BIE site exports it: after its metadata lines (series path, unit,
    periodicity) a quoted header `"Periodo","Índice general "`, one row per month
    (`"2005/01","58.3091603733014"`), then notes (source, date of the query). The unit line
    states the base (from 2018: second half of July 2018 = 100)."""

    month: Series[str] = pa.Field(alias="Periodo", str_matches=r"^\s*\d{4}/(0[1-9]|1[0-2])\s*$",
                                  unique=True, description="Month, YYYY/MM")
    index: Series[str] = pa.Field(alias="Índice general", str_matches=r"^\s*\d+(\.\d+)?\s*$",
                                  description="Índice general (all items), in the base the "
                                              "metadata states")

    @pa.check("Índice general", error="is not a positive index value")
    def positive(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce") > 0

    class Config:
        strict = True
