"""Reference data as data: the CSV files under schemas/reference/ are read here, validated by
their own pandera models, and shared by the raw-format checks and the warehouse."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.names import (  # noqa: F401 (re-exported: the light half of this module)
    FORMATS_FILE,
    REFERENCE_DIR,
    formats,
    is_yearly,
    normalize_name,
)
from schemas.reference_budget import (
    BudgetPrograms,
    BudgetStages,
    CuentaPublicaColumns,
    Ramo33Funds,
)
from schemas.reference_rules import (  # noqa: F401 (CLAIM_ALIAS_KEYS, VERDICT_RULES re-exported)
    CLAIM_ALIAS_KEYS,
    VERDICT_RULES,
    ClaimAliases,
    PublicationCalendar,
    ReconciliationTolerance,
    ReportThresholds,
    VerdictRules,
)


class States(pa.DataFrameModel):
    """The 32 federal entities with their INEGI codes."""

    state_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])$", unique=True,
                                       description="INEGI code, two digits")
    state_name: Series[str] = pa.Field(unique=True, description=(
        "Name as texts write it: INEGI's official name, except for 15, whose official name "
        "'México' is the country's too (it is a spelling in state_name_variants.csv)"))
    short_name: Series[str] = pa.Field(unique=True, description="Name in everyday use")
    abbreviation: Series[str] = pa.Field(unique=True)
    name_en: Series[str] = pa.Field(unique=True, description="Name in English texts")
    article_es: Series[str] = pa.Field(isin=["", "el", "la"], nullable=True, description=(
        "The article a Spanish sentence puts before the name ('en el Estado de México')"))
    article_en: Series[str] = pa.Field(isin=["", "the"], nullable=True, description=(
        "The article an English sentence puts before the name ('in the State of Mexico')"))

    @pa.dataframe_check(error="there must be exactly 32 states")
    def all_32(cls, df: pd.DataFrame) -> bool:
        return len(df) == 32


class StateNameVariants(pa.DataFrameModel):
    """Other spellings of state names found in the source files."""

    state_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])$")
    variant: Series[str] = pa.Field(unique=True)
    seen_in: Series[str]


class GeoGroups(pa.DataFrameModel):
    group_key: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True)
    kind: Series[str] = pa.Field(isin=["border", "region", "custom"])
    name_es: Series[str]
    name_en: Series[str]
    description: Series[str]


class GeoGroupMembers(pa.DataFrameModel):
    group_key: Series[str]
    state_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])$")

    class Config:
        unique = ["group_key", "state_code"]


class SeriesCatalogue(pa.DataFrameModel):
    series: Series[str] = pa.Field(unique=True)
    rank: Series[str] = pa.Field(str_matches=r"^\d+$", unique=True)
    name_es: Series[str]
    name_en: Series[str]
    words_es: Series[str] = pa.Field(description="The series in words, for readers")
    words_en: Series[str] = pa.Field(description="The series in words, for readers")
    first_year: Series[str] = pa.Field(str_matches=r"^\d{4}$")
    last_year: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{4}$")
    description: Series[str]
    closed_cut: Series[str] = pa.Field(
        nullable=True, str_matches=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="YYYY-MM: the series is closed, this cut is its last and completes it (a "
                    "closed series is complete, never stale); empty while it is published")
    closed_note: Series[str] = pa.Field(nullable=True, description="Why and how it closed")

    @pa.dataframe_check(error="a closed series needs its last year, the year of its last cut")
    def closed_in_its_last_year(cls, df: pd.DataFrame) -> pd.Series:
        return df["closed_cut"].isna() | (df["closed_cut"].str[:4] == df["last_year"])


class Indicators(pa.DataFrameModel):
    indicator: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True)
    label_es: Series[str]
    label_en: Series[str]
    unit: Series[str]
    description: Series[str]


class CrimeCrosswalk(pa.DataFrameModel):
    """Which rows of each catalogue make up each indicator. Fields are SQL LIKE patterns
    ('%' matches anything). For the old catalogue, the file's MODALIDAD / TIPO / SUBTIPO are in
    the columns of the same names (its MODALIDAD is the broadest level)."""

    indicator: Series[str]
    series: Series[str]
    bien_juridico: Series[str]
    tipo: Series[str]
    subtipo: Series[str]
    modalidad: Series[str]
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        unique = ["indicator", "series", "bien_juridico", "tipo", "subtipo", "modalidad"]


class SeriesMarkers(pa.DataFrameModel):
    """Crime rows only one catalogue has: how a file's content tells its series (the 2015 and
    2026 catalogues share a header)."""

    series: Series[str]
    column: Series[str]
    value: Series[str]
    note: Series[str] = pa.Field(nullable=True)


class SeriesBreaks(pa.DataFrameModel):
    """How comparable each indicator is across a methodology break."""

    from_series: Series[str]
    to_series: Series[str]
    indicator: Series[str]
    comparability: Series[str] = pa.Field(isin=["comparable", "partial", "not_comparable"])
    note: Series[str] = pa.Field(description="Why, in English")
    note_es: Series[str] = pa.Field(description="Why, in Spanish (the reports' default)")

    class Config:
        unique = ["from_series", "to_series", "indicator"]


class MunicipalGroups(pa.DataFrameModel):
    """User-defined groups of municipalities (one row per member), usable as --geo KEY."""

    group_key: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$")
    name_es: Series[str]
    name_en: Series[str]
    municipality_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])\d{3}$")
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        unique = ["group_key", "municipality_code"]


class Municipalities(pa.DataFrameModel):
    """INEGI's municipalities (code, state, name): the codes a municipal file may use. INEGI's
    current catalogue, 2,478 municipalities (origin, version and licence in
    schemas/reference/README.md); a municipality INEGI creates is a new row, and the files'
    rows with its code are attributed to it at the next build."""

    municipality_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])\d{3}$",
                                              unique=True, description="5-digit INEGI code")
    state_code: Series[str] = pa.Field(str_matches=r"^(0[1-9]|[12]\d|3[0-2])$")
    municipality_name: Series[str]

    @pa.dataframe_check(error="the state code is not the first two digits of the municipality")
    def state_prefix(cls, df: pd.DataFrame) -> pd.Series:
        return df["municipality_code"].str[:2] == df["state_code"]


class MunicipalUnattributed(pa.DataFrameModel):
    """How the SESNSP's municipal files write crimes that belong to no single municipality:
    by code (the state code + 999) or by name ('No especificado', 'Otros municipios', a
    judicial district). Such rows count in their state's total, in no municipality, never in
    a municipal ranking; the reconciliation (marts.state_municipal_reconciliation) shows them
    apart. Names are compared as people read them (accents, case)."""

    rule: Series[str] = pa.Field(isin=["code_suffix", "name", "name_prefix"],
                                 description="code_suffix: the last three digits of the code; "
                                             "name: the whole name; name_prefix: its first "
                                             "word(s)")
    value: Series[str] = pa.Field(description="The three digits, or the name (prefix)")
    kind: Series[str] = pa.Field(isin=["unspecified", "district"],
                                 description="unspecified (no municipality identified) or "
                                             "district (several municipalities together)")
    note: Series[str] = pa.Field(description="Why")

    @pa.dataframe_check(error="a code_suffix rule is three digits (a municipality's part of "
                              "the code)")
    def suffix_is_three_digits(cls, df: pd.DataFrame) -> pd.Series:
        return (df["rule"] != "code_suffix") | df["value"].str.fullmatch(r"\d{3}")

    class Config:
        unique = ["rule", "value"]


REFERENCE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "states": States,
    "state_name_variants": StateNameVariants,
    "geo_groups": GeoGroups,
    "geo_group_members": GeoGroupMembers,
    "series": SeriesCatalogue,
    "indicators": Indicators,
    "crime_crosswalk": CrimeCrosswalk,
    "series_markers": SeriesMarkers,
    "series_breaks": SeriesBreaks,
    "ramo33_funds": Ramo33Funds,
    "municipal_groups": MunicipalGroups,
    "publication_calendar": PublicationCalendar,
    "municipalities": Municipalities,
    "municipal_unattributed": MunicipalUnattributed,
    "reconciliation_tolerance": ReconciliationTolerance,
    "budget_programs": BudgetPrograms,
    "budget_stages": BudgetStages,
    "cuenta_publica_columns": CuentaPublicaColumns,
    "claim_aliases": ClaimAliases,
    "report_thresholds": ReportThresholds,
    "verdict_rules": VerdictRules,
}


def reference_path(name: str) -> Path:
    return REFERENCE_DIR / f"{name}.csv"


def read(name: str, directory: Path | None = None) -> pd.DataFrame:
    """A reference table as text (codes keep their zeros), indexed by its row in the file as a
    spreadsheet numbers it (header = 1), not yet validated."""
    path = (directory or REFERENCE_DIR) / f"{name}.csv"  # read at call time: tests move it
    df = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    df.index += 2
    return df


@cache
def load(name: str) -> pd.DataFrame:
    """A reference table, read as text and validated."""
    return REFERENCE_MODELS[name].validate(read(name).reset_index(drop=True), lazy=True)


@cache
def state_codes_by_name() -> dict[str, str]:
    """Normalized name or variant -> two-digit INEGI code."""
    states = load("states")
    variants = load("state_name_variants")
    out: dict[str, str] = {}
    for code, *names in states[["state_code", "state_name", "short_name"]].itertuples(False):
        for n in names:
            out[normalize_name(n)] = code
    for code, variant in variants[["state_code", "variant"]].itertuples(False):
        out[normalize_name(variant)] = code
    return out


@cache
def unattributed_rules() -> dict[str, set[str]]:
    """rule -> values of schemas/reference/municipal_unattributed.csv, names normalized."""
    rules = load("municipal_unattributed")
    out: dict[str, set[str]] = {"code_suffix": set(), "name": set(), "name_prefix": set()}
    for rule, value in rules[["rule", "value"]].itertuples(False):
        out[rule].add(value if rule == "code_suffix" else normalize_name(value))
    return out


@cache
def municipality_names() -> dict[str, str]:
    """5-digit INEGI code -> municipality name (schemas/reference/municipalities.csv)."""
    m = load("municipalities")
    return dict(zip(m["municipality_code"], m["municipality_name"], strict=True))


