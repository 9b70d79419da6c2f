"""Reference data as data: the CSV files under schemas/reference/ are read here, validated by
their own pandera models, and shared by the raw-format checks and the warehouse."""

from __future__ import annotations

import re
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


class Ramo33Funds(pa.DataFrameModel):
    """The funds of Ramo 33: the source file's column, seguridad's program key, the name."""

    column: Series[str] = pa.Field(str_matches=r"^r33_\w+$", unique=True)
    program: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True)
    label_es: Series[str]
    note: Series[str] = pa.Field(nullable=True)


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


class ReconciliationTolerance(pa.DataFrameModel):
    """How far a state's municipal file may sum from its state file, in a year and indicator,
    before the build warns (marts.state_municipal_reconciliation); '*' is every indicator
    not listed."""

    indicator: Series[str] = pa.Field(str_matches=r"^(\*|[a-z][a-z0-9_]*)$", unique=True,
                                      description="An indicator key, or * for the rest")
    tolerance_pct: Series[str] = pa.Field(str_matches=r"^\d+(\.\d+)?$",
                                          description="Percent of the state total")
    note: Series[str] = pa.Field(description="Why this tolerance")

    @pa.dataframe_check(error="a '*' row is needed: the tolerance of every other indicator")
    def has_default(cls, df: pd.DataFrame) -> bool:
        return bool((df["indicator"] == "*").any())


class PublicationCalendar(pa.DataFrameModel):
    """When each dataset's monthly cut comes out: the cut of month M on day `day` of month
    M + months_after."""

    dataset: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True)
    months_after: Series[str] = pa.Field(str_matches=r"^\d{1,2}$")
    day: Series[str] = pa.Field(str_matches=r"^([1-9]|1\d|2[0-8])$",
                                description="1-28, so that every month has it")
    note: Series[str]


class BudgetPrograms(pa.DataFrameModel):
    """The federal budget programs seguridad follows in the Cuenta Pública. A program code is
    reused across ramos (U006 is prevention in Gobernación and something else in Educación),
    so a program is its code within its ramo, in the years it existed. Following another
    program is a new row here."""

    program: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True,
                                    description="seguridad's key, e.g. pronapred")
    label: Series[str] = pa.Field(description="How reports name it, e.g. PRONAPRED")
    ramo: Series[str] = pa.Field(
        description="The ramo as the Cuenta Pública names it (Gobernación): the file's RAMO "
                    "until 2014, its SUBRAMO from 2015, when RAMO became Ramos "
                    "Administrativos / Ramos Generales")
    subramo: Series[str] = pa.Field(
        nullable=True, description="Only to pin the 2015 layout exactly: with ramo set to the "
                                   "file's RAMO, the file's SUBRAMO. Usually empty")
    program_code: Series[str] = pa.Field(str_matches=r"^[A-Z]\d{3}$",
                                         description="Programa presupuestario, e.g. U006")
    first_year: Series[str] = pa.Field(str_matches=r"^\d{4}$",
                                       description="First fiscal year it existed")
    last_year: Series[str] = pa.Field(str_matches=r"^\d{4}$", nullable=True,
                                      description="Last fiscal year (empty: still exists)")
    name_es: Series[str] = pa.Field(description="Its name in the budget")
    description: Series[str] = pa.Field(description="What it is, in one line")

    @pa.dataframe_check(error="first_year is after last_year")
    def years_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return df["last_year"].isna() | (df["first_year"] <= df["last_year"])


class BudgetStages(pa.DataFrameModel):
    """The rows under each program of the Cuenta Pública report: four budget stages, never
    added together, and two percentage rows (derived, not loaded)."""

    label: Series[str] = pa.Field(unique=True, description="As the report writes it")
    stage: Series[str] = pa.Field(nullable=True, isin=["approved", "modified", "accrued",
                                                       "exercised"],
                                  description="seguridad's stage key; empty for percentages")
    kind: Series[str] = pa.Field(isin=["amount", "percentage"], description="amount or "
                                                                             "percentage")
    position: Series[str] = pa.Field(str_matches=r"^\d+$", unique=True,
                                     description="Order under a program")
    description: Series[str] = pa.Field(description="What the stage means")


class CuentaPublicaColumns(pa.DataFrameModel):
    """The amount columns of the Cuenta Pública report: the workbook's heading and
    sub-heading (compared without accents, case or spaces) -> the flattened CSV's column."""

    heading: Series[str] = pa.Field(description="Top header cell, e.g. GASTO CORRIENTE")
    subheading: Series[str] = pa.Field(nullable=True, description="Lowest header cell above "
                                                                  "the column")
    column: Series[str] = pa.Field(unique=True, description="Column of the flattened CSV")
    description: Series[str] = pa.Field(description="What the column holds")

    class Config:
        unique = ["heading", "subheading"]


class ReportThresholds(pa.DataFrameModel):
    """Numbers the reports use to judge a figure (the low-count flag of rankings and maps)."""

    setting: Series[str] = pa.Field(isin=["low_count"], unique=True,
                                    description="Which threshold")
    value: Series[str] = pa.Field(str_matches=r"^[1-9]\d{0,5}$", description="A whole number")
    description: Series[str] = pa.Field(description="What it means and why this value")


CLAIM_ALIAS_KEYS = {
    # kind -> what its key is (a regular expression); see the README, "Drafting the claims
    # file from the speech"
    "indicator": r"^[a-z][a-z0-9_]*$",  # an indicator of indicators.csv
    "unsupported": r"^[a-z][a-z0-9_]*$",  # words seguridad cannot check: the note says why
    "ignore": r"^[a-z][a-z0-9_]*$",  # a name whose words mean nothing here
    "geo": r"^(national|0[1-9]|[12]\d|3[0-2]|(0[1-9]|[12]\d|3[0-2])\d{3}|[a-z][a-z0-9_]*)$",
    "program": r"^[a-z][a-z0-9_]*$",
    "direction": r"^(fall|rise)$",  # anywhere in the figure's clause
    "direction_after": r"^(fall|rise)$",  # only right after the figure: '22% menos'
    "bound": r"^(about|more_than|less_than|almost)$",  # right before (or after) the figure
    "window": r"^(ytd|r12|avg_since|month_last_year|full_year|since_administration_month)$",
    "per": r"^(day|month)$",  # 'promedio diario', 'a day': the figure per day of the window
    "record": r"^(lowest|highest)$",  # 'el más bajo desde 2016'
    "measure": r"^victims$",  # 'víctimas': the claim counts victims, not investigation files
    "percent": r"^(percent|points)$",  # the unit after a number
    "scale": r"^1e\d{1,2}$",  # 'millones' = 1e6
    "pesos_scale": r"^1e\d{1,2}$",  # a scale that names pesos too: 'mdp'
    "currency": r"^(pesos|usd)$",
}


class ClaimAliases(pa.DataFrameModel):
    """The words draft-claims reads a speech with: one row per alias and language. Matched
    accent- and case-insensitively, longest first; a trailing '*' matches any ending
    ('disminu*': disminuyó, disminución). State names come from states.csv and
    state_name_variants.csv, group names from geo_groups.csv and municipal_groups.csv."""

    alias: Series[str] = pa.Field(str_matches=r"^[^*]+\*?$",
                                  description="The words, as a speaker writes them")
    lang: Series[str] = pa.Field(isin=["es", "en", "any"], description="es, en or any")
    kind: Series[str] = pa.Field(isin=list(CLAIM_ALIAS_KEYS), description="What the words say")
    key: Series[str] = pa.Field(description="What they mean: an indicator, geography, ...")
    note: Series[str] = pa.Field(nullable=True, description="Why, when it is not obvious")

    @pa.dataframe_check(error="the key does not fit the kind (the README lists each kind's keys)")
    def key_fits_kind(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([bool(re.match(CLAIM_ALIAS_KEYS.get(k, r"^$"), v))
                          for k, v in zip(df["kind"], df["key"], strict=True)], index=df.index)

    @pa.dataframe_check(error="the same alias twice in one language (accents and case aside)")
    def one_row_per_alias_and_language(cls, df: pd.DataFrame) -> pd.Series:
        names = df["alias"].map(lambda a: normalize_name(a).lower())
        return ~pd.DataFrame({"a": names, "l": df["lang"]}).duplicated(keep=False)


VERDICT_RULES = {
    # rule -> what its value is (a regular expression); see the README, "Verdicts"
    "low_count": r"^\d{1,6}$",  # cases in a window
    "agree_within_pp": r"^\d{1,3}(\.\d+)?$",  # percentage points
    "agree_within_share": r"^(0(\.\d+)?|1(\.0+)?)$",  # a share, 0..1
    "min_agreeing_share": r"^(0(\.\d+)?|1(\.0+)?)$",
    "almost_from": r"^0\.\d+$",  # a share below 1
    "victims_indicators": r"^[a-z][a-z0-9_]*( [a-z][a-z0-9_]*)*$",  # indicator keys
}


class VerdictRules(pa.DataFrameModel):
    """The thresholds of check-claims' verdicts (issue 21): one row per rule, every rule once,
    each value of the form its rule needs. seguridad/verdicts.py reads them from the
    warehouse (core.verdict_rule); the README states what each one decides."""

    rule: Series[str] = pa.Field(isin=list(VERDICT_RULES), unique=True,
                                 description="The rule's name")
    value: Series[str] = pa.Field(description="Its threshold (a number) or, for "
                                              "victims_indicators, indicator keys")
    description: Series[str] = pa.Field(description="What it decides")

    @pa.dataframe_check(error="the value does not fit the rule (a number, a share from 0 to 1, "
                              "or indicator keys; see VERDICT_RULES)")
    def value_fits_rule(cls, df: pd.DataFrame) -> pd.Series:
        return pd.Series([bool(re.match(VERDICT_RULES.get(r, r"^$"), v))
                          for r, v in zip(df["rule"], df["value"], strict=True)], index=df.index)

    @pa.dataframe_check(error=f"every rule must have its row: {', '.join(VERDICT_RULES)}")
    def every_rule(cls, df: pd.DataFrame) -> bool:
        return set(df["rule"]) == set(VERDICT_RULES)


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


