"""The pandera models of the reference tables that set rules (schemas/reference/): the
reconciliation tolerances, the publication calendar, the report thresholds, the aliases of
the claims file and the thresholds of the verdicts. Registered with the others in
schemas.reference.REFERENCE_MODELS."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.names import normalize_name


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
    each value of the form its rule needs. seguridad/factcheck/verdicts.py reads them from the
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
