"""pandera models of the SESNSP's crime-statistics files. Every cell is checked as the text the
file holds (so a bad cell is reported as written); the loaders cast after validation.

Two catalogues, two families: the new methodology (2015-2025, and the 2026 catalogue with the
same header) and the old one (CIEISP, 1997-2017). Each family shares its fields and checks;
each format adds what its layout has."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks

MONTHS_NM = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
             "Septiembre", "Octubre", "Noviembre", "Diciembre"]
MONTHS_OLD = [m.upper() for m in MONTHS_NM]
LAST_YEAR = date.today().year + 1

_MONTH_NOTE = "Count for the month; empty while the month is not published yet (not a zero)."
_TRUNCATED = ("belongs to a year or state with fewer crime rows than the rest "
              "(truncated or cut-down file?)")
_TOO_LARGE = f"is too large to be a count (over {checks.MAX_COUNT:,})"
_PARTIAL_MONTH = "is empty although other rows of the same year have a count for this month"


# SQL twins of this module's own checks (the shared ones are in schemas.checks.SQL_TWINS).
SQL_TWINS = {"year_in_range": "coalesce(staging.pandas_number({c}) BETWEEN 1997 AND "
                              f"{LAST_YEAR}, false)"}


def _month(alias: str) -> object:
    return pa.Field(alias=alias, nullable=True, description=_MONTH_NOTE)


class _NewCatalogue(pa.DataFrameModel):
    """Fields and checks every new-methodology file has."""

    year: Series[str] = pa.Field(alias="Año", str_matches=r"^\s*\d{4}\s*$",
                                 description="Year of the counts")
    state_code: Series[str] = pa.Field(alias="Clave_Ent",
                                       description="INEGI state code, 1-32 (zero-padded from 2026)")
    state_name: Series[str] = pa.Field(alias="Entidad", description="State name as published")
    bien_juridico: Series[str] = pa.Field(alias="Bien jurídico afectado",
                                          description="Legal good affected (top of the catalogue)")
    tipo: Series[str] = pa.Field(alias="Tipo de delito", description="Crime type")
    subtipo: Series[str] = pa.Field(alias="Subtipo de delito", description="Crime subtype")
    modalidad: Series[str] = pa.Field(alias="Modalidad", description="Modality (weapon, violence)")
    enero: Series[str] = _month("Enero")
    febrero: Series[str] = _month("Febrero")
    marzo: Series[str] = _month("Marzo")
    abril: Series[str] = _month("Abril")
    mayo: Series[str] = _month("Mayo")
    junio: Series[str] = _month("Junio")
    julio: Series[str] = _month("Julio")
    agosto: Series[str] = _month("Agosto")
    septiembre: Series[str] = _month("Septiembre")
    octubre: Series[str] = _month("Octubre")
    noviembre: Series[str] = _month("Noviembre")
    diciembre: Series[str] = _month("Diciembre")

    @pa.check("Año", error=f"is not a year between 1997 and {LAST_YEAR}")
    def year_in_range(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce").between(1997, LAST_YEAR)

    @pa.check("Clave_Ent", error="is not a state code (1 to 32)")
    def state_code_valid(cls, s: Series[str]) -> Series[bool]:
        return checks.state_code(s)

    @pa.check("Entidad", error="is not a Mexican state name")
    def state_name_known(cls, s: Series[str]) -> Series[bool]:
        return checks.known_state_name(s)

    @pa.check(*MONTHS_NM, error="is not a whole number")
    def count_is_whole(cls, s: Series[str]) -> Series[bool]:
        return checks.whole_number(s)

    @pa.check(*MONTHS_NM, error="is negative")
    def count_not_negative(cls, s: Series[str]) -> Series[bool]:
        return checks.non_negative(s)

    @pa.check(*MONTHS_NM, error=_TOO_LARGE)
    def count_not_too_large(cls, s: Series[str]) -> Series[bool]:
        return checks.not_too_large(s)

    @pa.dataframe_check(error="does not match the state code of its row (Clave_Ent)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.name_matches_code(df, "Clave_Ent", "Entidad")


class _NewCatalogueStateFile(_NewCatalogue):
    """Rules of the state files (crimes and victims): a year's months are published for every
    row or for none, and every state lists every crime row of the year."""

    @pa.dataframe_check(error=_PARTIAL_MONTH, ignore_na=False)
    def months_published_together(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.months_published_together(df, "Año", MONTHS_NM)

    @pa.dataframe_check(error=_TRUNCATED)
    def complete(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.every_state_lists_every_crime(df, "Año", "Clave_Ent", "Entidad")


class SesnspStateNM(_NewCatalogueStateFile):
    """Incidencia delictiva del fuero común, nueva metodología, estatal (IDEFC_NM_<mes><aa>.csv):
    investigation files (carpetas) per state, year and crime, one column per month. The 2026
    catalogue (RNID) uses the same header."""

    class Config:
        strict = True
        unique = ["Año", "Clave_Ent", "Bien jurídico afectado", "Tipo de delito",
                  "Subtipo de delito", "Modalidad"]


class SesnspVictimsStateNM(_NewCatalogueStateFile):
    """Víctimas de delitos del fuero común, nueva metodología, estatal (IDVFC_NM_<mes><aa>.csv):
    victims (not investigation files) of the crimes that have them, by sex and age band.
    Zeros are written: every state x crime x sex x age band row is present."""

    sex: Series[str] = pa.Field(alias="Sexo", isin=["Hombre", "Mujer", "No identificado"],
                                description="Victim's sex")
    age_group: Series[str] = pa.Field(
        alias="Rango de edad", description="Victim's age band",
        isin=["Menores de edad (0-17)", "Adultos (18 y más)", "No especificado",
              "No identificado"])

    class Config:
        strict = True
        unique = ["Año", "Clave_Ent", "Bien jurídico afectado", "Tipo de delito",
                  "Subtipo de delito", "Modalidad", "Sexo", "Rango de edad"]


class SesnspMunicipalNM(_NewCatalogue):
    """Incidencia delictiva del fuero común, nueva metodología, municipal (IDM_NM_<mes><aa>.csv,
    later 'Municipal-Delitos - <Mes> <Año> (2015-<Año>).csv'): ~2.5-3M rows, ~500 MB. Validated
    in batches with the row rules below; the rules that span rows (no duplicated key, months
    published together, every municipality listing the same crime rows) run in SQL over the
    whole file (warehouse/sql/checks/sesnsp_municipal_nm.sql)."""

    municipality_code: Series[str] = pa.Field(
        alias="Cve. Municipio",
        description="INEGI municipality code: state code + 3 digits (4 digits for states 1-9)")
    municipality_name: Series[str] = pa.Field(alias="Municipio", description="Municipality name")

    @pa.dataframe_check(error="is not a municipality code of the row's state (Clave_Ent)")
    def municipality_in_state(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"Cve. Municipio": checks.municipality_of_state(
            df["Cve. Municipio"], df["Clave_Ent"])})

    @pa.dataframe_check(error="is no municipality of INEGI's catalogue "
                              "(schemas/reference/municipalities.csv): loaded under its state "
                              "and flagged unknown; if INEGI has created it, add it there and "
                              "the next build attributes it")
    def municipality_exists(cls, df: pd.DataFrame) -> pd.DataFrame:
        """A catalogue code, or a row of crimes with no single municipality ('No
        especificado', the state code + 999, a district: schemas/reference/
        municipal_unattributed.csv), which counts in its state only."""
        return checks.flag(df, {"Cve. Municipio": checks.known_or_unattributed(
            df["Cve. Municipio"], df["Municipio"])})

    class Config:
        strict = True


class SesnspVictimsMunicipal(SesnspMunicipalNM):
    """Víctimas de delitos del fuero común, municipal (RNID-Víctimas_Municipal, published
    since 2026): the municipal layout plus sex and the 2026 age bands. Validated in batches,
    with the rules across rows in SQL, like the municipal crime file."""

    sex: Series[str] = pa.Field(alias="Sexo", isin=["Hombre", "Mujer", "No identificado"],
                                description="Victim's sex")
    age_group: Series[str] = pa.Field(
        alias="Rango de edad", description="Victim's age band (2026 bands)",
        isin=["0 a 12 años", "13 a 17 años", "18 a 29 años", "30 a 60 años", "Más de 60 años",
              "No especificado", "No identificado"])

    class Config:
        strict = True


class _OldCatalogue(pa.DataFrameModel):
    """Fields and checks of the old methodology (CIEISP): upper-case names without accents;
    MODALIDAD is the broadest level of the catalogue."""

    year: Series[str] = pa.Field(alias="AÑO", str_matches=r"^\s*\d{4}\s*$",
                                 description="Year of the counts")
    state_name: Series[str] = pa.Field(alias="ENTIDAD", description="State name, upper case")
    modalidad: Series[str] = pa.Field(alias="MODALIDAD",
                                      description="Crime group (broadest level), e.g. HOMICIDIOS")
    tipo: Series[str] = pa.Field(alias="TIPO", description="Crime type, e.g. DOLOSOS")
    subtipo: Series[str] = pa.Field(alias="SUBTIPO", description="Subtype, e.g. CON ARMA DE FUEGO")
    enero: Series[str] = _month("ENERO")
    febrero: Series[str] = _month("FEBRERO")
    marzo: Series[str] = _month("MARZO")
    abril: Series[str] = _month("ABRIL")
    mayo: Series[str] = _month("MAYO")
    junio: Series[str] = _month("JUNIO")
    julio: Series[str] = _month("JULIO")
    agosto: Series[str] = _month("AGOSTO")
    septiembre: Series[str] = _month("SEPTIEMBRE")
    octubre: Series[str] = _month("OCTUBRE")
    noviembre: Series[str] = _month("NOVIEMBRE")
    diciembre: Series[str] = _month("DICIEMBRE")

    @pa.check("AÑO", error=f"is not a year between 1997 and {LAST_YEAR}")
    def year_in_range(cls, s: Series[str]) -> Series[bool]:
        return pd.to_numeric(s, errors="coerce").between(1997, LAST_YEAR)

    @pa.check("ENTIDAD", error="is not a Mexican state name")
    def state_name_known(cls, s: Series[str]) -> Series[bool]:
        return checks.known_state_name(s)

    @pa.check(*MONTHS_OLD, error="is not a whole number")
    def count_is_whole(cls, s: Series[str]) -> Series[bool]:
        return checks.whole_number(s)

    @pa.check(*MONTHS_OLD, error="is negative")
    def count_not_negative(cls, s: Series[str]) -> Series[bool]:
        return checks.non_negative(s)

    @pa.check(*MONTHS_OLD, error=_TOO_LARGE)
    def count_not_too_large(cls, s: Series[str]) -> Series[bool]:
        return checks.not_too_large(s)


class SesnspStateOld(_OldCatalogue):
    """Incidencia delictiva del fuero común, metodología anterior (CIEISP), estatal 1997-2017,
    as CSV (an export of the SESNSP's workbook), with the INEGI state code."""

    state_code: Series[str] = pa.Field(alias="INEGI", description="INEGI state code, 1-32")

    @pa.check("INEGI", error="is not a state code (1 to 32)")
    def state_code_valid(cls, s: Series[str]) -> Series[bool]:
        return checks.state_code(s)

    @pa.dataframe_check(error="does not match the state code of its row (INEGI)")
    def name_matches_code(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.name_matches_code(df, "INEGI", "ENTIDAD")

    @pa.dataframe_check(error=_PARTIAL_MONTH, ignore_na=False)
    def months_published_together(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.months_published_together(df, "AÑO", MONTHS_OLD)

    @pa.dataframe_check(error=_TRUNCATED)
    def complete(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.every_state_lists_every_crime(df, "AÑO", "INEGI", "ENTIDAD")

    class Config:
        strict = True
        unique = ["AÑO", "INEGI", "MODALIDAD", "TIPO", "SUBTIPO"]


class SesnspStateOldWorkbook(_OldCatalogue):
    """The SESNSP's own workbook of the old methodology, 1997 - December 2014: no state code
    column (the name says the state), a TOTAL AÑO column (formulas in 2013), and cells of three
    spaces or empty for 'no data' even in published months (they stay empty, never zero)."""

    total: Series[str] = pa.Field(alias="TOTAL AÑO", nullable=True,
                                  description="Sum of the year's months, as the workbook states it")

    @pa.dataframe_check(error="is not the sum of the year's months")
    def total_is_sum_of_months(cls, df: pd.DataFrame) -> pd.DataFrame:
        months = sum(pd.to_numeric(df[m], errors="coerce").fillna(0) for m in MONTHS_OLD)
        total = pd.to_numeric(df["TOTAL AÑO"], errors="coerce")
        return checks.flag(df, {"TOTAL AÑO": total.isna() | (total == months)})

    @pa.dataframe_check(error=_TRUNCATED)
    def complete(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.every_state_lists_every_crime(df, "AÑO", None, "ENTIDAD")

    class Config:
        strict = True
        unique = ["AÑO", "ENTIDAD", "MODALIDAD", "TIPO", "SUBTIPO"]
