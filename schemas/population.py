"""pandera models of the CONAPO population projections. Rates per 100,000 depend on the vintage
chosen (2010 and 2023 projections differ by up to ~5% for a state), so each file is one
vintage and says so."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks


def _count(alias: str, description: str) -> object:
    return pa.Field(alias=alias, str_matches=r"^\s*\d+\s*$", description=description)


_ZERO = "is not a plausible population: it must be more than 0"
_HUGE = f"is too large to be a population (over {checks.MAX_POPULATION:,})"


def _sums_hold(df: pd.DataFrame, total_col: str, part_cols: list[str]) -> pd.Series:
    """Total = sum of the parts, give or take 1: CONAPO rounds each figure on its own."""
    parts = sum(pd.to_numeric(df[c], errors="coerce") for c in part_cols)
    return (parts - pd.to_numeric(df[total_col], errors="coerce")).abs() <= 1


class Conapo2010State(pa.DataFrameModel):
    """CONAPO 2010-vintage projections (1990-2009 estimates, 2010-2030 projections), mid-year
    population per state and year; no national row (the states add up to it)."""

    females: Series[str] = _count("Females", "Women, mid-year")
    males: Series[str] = _count("Males", "Men, mid-year")
    total: Series[str] = _count("Total", "Mid-year population")
    year: Series[str] = pa.Field(alias="Year", str_matches=r"^\s*(19|20)\d\d\s*$",
                                 description="Year of the estimate or projection")
    state_code: Series[str] = pa.Field(alias="StateCode", description="INEGI state code, 1-32")
    state_name: Series[str] = pa.Field(alias="StateName",
                                       description="State name (Distrito Federal for 09)")

    @pa.check("StateCode", error="is not a state code (1 to 32)")
    def state_code_valid(cls, s: Series[str]) -> Series[bool]:
        return checks.state_code(s)

    @pa.check("Females", "Males", "Total", error=_ZERO)
    def not_zero(cls, s: Series[str]) -> Series[bool]:
        return checks.positive(s) | ~s.str.fullmatch(r"\s*\d+\s*").fillna(False)

    @pa.check("Females", "Males", "Total", error=_HUGE)
    def not_huge(cls, s: Series[str]) -> Series[bool]:
        return checks.not_too_large(s, checks.MAX_POPULATION)

    @pa.check("StateName", error="is not a Mexican state name")
    def state_name_known(cls, s: Series[str]) -> Series[bool]:
        return checks.known_state_name(s)

    @pa.dataframe_check(error="does not match the state code of its row (StateCode)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.name_matches_code(df, "StateCode", "StateName")

    @pa.dataframe_check(error="is not Females + Males (give or take 1 for rounding)")
    def total_adds_up(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"Total": _sums_hold(df, "Total", ["Females", "Males"])})

    @pa.dataframe_check(error="belongs to a year that does not list all 32 states")
    def every_year_all_states(cls, df: pd.DataFrame) -> pd.DataFrame:
        n = df["StateCode"].str.strip().str.zfill(2).groupby(df["Year"]).transform("nunique")
        return checks.flag(df, {"Year": n == 32})

    class Config:
        strict = True
        unique = ["Year", "StateCode"]


class Conapo2023State(pa.DataFrameModel):
    """CONAPO 2023-vintage projections ("Conciliación demográfica 1950-2019 y proyecciones
    2020-2070"): population by state, sex and year at the start and the middle of the year;
    cve_ent '00' is the national total."""

    year: Series[str] = pa.Field(alias="n_year", str_matches=r"^\s*(19|20)\d\d\s*$",
                                 description="Year")
    state_name: Series[str] = pa.Field(alias="nombre_estado",
                                       description="Short state name, or Nacional")
    state_code: Series[str] = pa.Field(alias="cve_ent",
                                       description="INEGI state code, '00' for the nation")
    sex: Series[str] = pa.Field(alias="genero", isin=["Hombres", "Mujeres", "Total"],
                                description="Sex: Hombres, Mujeres or Total")
    start_year: Series[str] = _count("pob_start_year", "Population on 1 January")
    mid_year: Series[str] = _count("pob_mid_year", "Population at mid-year (1 July)")

    @pa.check("pob_start_year", "pob_mid_year", error=_ZERO)
    def not_zero(cls, s: Series[str]) -> Series[bool]:
        return checks.positive(s) | ~s.str.fullmatch(r"\s*\d+\s*").fillna(False)

    @pa.check("pob_start_year", "pob_mid_year", error=_HUGE)
    def not_huge(cls, s: Series[str]) -> Series[bool]:
        return checks.not_too_large(s, checks.MAX_POPULATION)

    @pa.check("cve_ent", error="is not a state code (00 for the nation, 01 to 32)")
    def state_code_valid(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip().eq("00") | checks.state_code(s)

    @pa.check("nombre_estado", error="is not a Mexican state name (or Nacional)")
    def state_name_known(cls, s: Series[str]) -> Series[bool]:
        return s.str.strip().eq("Nacional") | checks.known_state_name(s)

    @pa.dataframe_check(error="does not match the state code of its row (cve_ent)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        national = df["cve_ent"].str.strip().eq("00")
        named = checks.name_is_code(df, "cve_ent", "nombre_estado")
        return checks.flag(df, {"nombre_estado": named & ~national | (
            national & df["nombre_estado"].str.strip().eq("Nacional"))})

    @pa.dataframe_check(error="is not Hombres + Mujeres of the same state and year")
    def total_adds_up(cls, df: pd.DataFrame) -> pd.DataFrame:
        key = [df["n_year"], df["cve_ent"]]
        ok = pd.Series(True, index=df.index)
        for col in ("pob_start_year", "pob_mid_year"):
            value = pd.to_numeric(df[col], errors="coerce")
            by_sex = value.groupby([*key, df["genero"]]).sum().unstack("genero")
            bad = by_sex.index[by_sex.get("Total") != by_sex.get("Hombres") + by_sex.get("Mujeres")]
            in_bad = pd.MultiIndex.from_arrays(key).isin(bad)
            ok &= ~(in_bad & df["genero"].eq("Total").to_numpy())
        return checks.flag(df, {"genero": ok})

    class Config:
        strict = True
        unique = ["n_year", "cve_ent", "genero"]


class MunicipalPopulation(pa.DataFrameModel):
    """Population per municipality and year, 1990-2040, one column per year (CONAPO municipal
    projections as republished by lapanquecita/incidencia-delictiva; values match CONAPO's,
    the vintage is not stated, so rates built on it say `conapo_municipal`)."""

    municipality_code: Series[str] = pa.Field(
        alias="CVE", unique=True, str_matches=r"^\s*\d{5}\s*$",
        description="INEGI municipality code, 5 digits, zero-padded")
    state_name: Series[str] = pa.Field(alias="Entidad", description="State (short name)")
    municipality_name: Series[str] = pa.Field(alias="Municipio", description="Municipality name")
    years: Series[str] = pa.Field(alias=r"^\d{4}$", regex=True, str_matches=r"^\s*\d+\s*$",
                                  description="Population in that year")

    @pa.check("Entidad", error="is not a Mexican state name")
    def state_name_known(cls, s: Series[str]) -> Series[bool]:
        return checks.known_state_name(s)

    @pa.dataframe_check(error=_ZERO)
    def not_zero(cls, df: pd.DataFrame) -> pd.DataFrame:
        years = [c for c in df.columns if c.isdigit()]
        return checks.flag(df, {c: checks.positive(df[c]) | ~df[c].str.fullmatch(
            r"\s*\d+\s*").fillna(False) for c in years})

    @pa.dataframe_check(error=_HUGE)
    def not_huge(cls, df: pd.DataFrame) -> pd.DataFrame:
        years = [c for c in df.columns if c.isdigit()]
        return checks.flag(df, {c: checks.not_too_large(df[c], checks.MAX_POPULATION)
                                for c in years})

    @pa.dataframe_check(error="is not a municipality of the row's state (Entidad)")
    def code_in_state(cls, df: pd.DataFrame) -> pd.DataFrame:
        state = checks.code_of_state_name(df["Entidad"])
        code = df["CVE"].str.strip()
        ok = state.isna() | ((code.str[:2] == state) & (code.str[2:] != "000"))
        return checks.flag(df, {"CVE": ok})

    class Config:
        strict = True
