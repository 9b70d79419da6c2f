"""Check logic shared by the raw-format models. Each function takes the text the file holds
(pandas `str` columns, blank = missing) and returns True where the data is acceptable."""

from __future__ import annotations

import pandas as pd

from schemas.reference import normalize_name, state_codes_by_name

# pandas re-writes whole numbers as '1.0' when a column has blanks; that is still a count.
_WHOLE_NUMBER = r"-?\d+(?:\.0+)?"
_STATE_CODES = {str(n) for n in range(1, 33)}


def blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.str.strip().eq("")


def whole_number(s: pd.Series) -> pd.Series:
    return blank(s) | s.str.strip().str.fullmatch(_WHOLE_NUMBER).fillna(False).astype(bool)


def non_negative(s: pd.Series) -> pd.Series:
    return blank(s) | ~s.str.strip().str.startswith("-").fillna(False).astype(bool)


def state_code(s: pd.Series) -> pd.Series:
    """INEGI state code 1-32, written with or without the leading zero."""
    stripped = s.str.strip()
    return stripped.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool) & stripped.str.lstrip(
        "0"
    ).isin(_STATE_CODES)


def code_of_state_name(s: pd.Series) -> pd.Series:
    """Two-digit code for each state name (or known variant); NaN where unknown."""
    lookup = state_codes_by_name()
    return s.map(lambda v: lookup.get(normalize_name(v)) if isinstance(v, str) else None)


def known_state_name(s: pd.Series) -> pd.Series:
    return code_of_state_name(s).notna()


def flag(df: pd.DataFrame, column_ok: dict[str, pd.Series]) -> pd.DataFrame:
    """A full-shape boolean frame (what pandera wants from a dataframe check) that is False
    only in the given columns where the data failed."""
    out = pd.DataFrame(True, index=df.index, columns=df.columns)
    for column, ok in column_ok.items():
        out[column] = ok.fillna(True).astype(bool)
    return out


def name_matches_code(df: pd.DataFrame, code_col: str, name_col: str) -> pd.DataFrame:
    """The state name must be the state the code says (unknown names fail elsewhere)."""
    named = code_of_state_name(df[name_col])
    code = df[code_col].str.strip().str.zfill(2)
    ok = named.isna() | (named == code)
    return flag(df, {name_col: ok})


def months_published_together(df: pd.DataFrame, year_col: str, months: list[str]) -> pd.DataFrame:
    """Within a year, a month is published for every row or for none: an empty cell among
    published counts is a damaged file, not an unpublished month."""
    is_blank = pd.DataFrame({m: blank(df[m]) for m in months}, index=df.index)
    share_blank = is_blank.groupby(df[year_col]).transform("mean")
    partial = (share_blank > 0) & (share_blank < 1)
    return flag(df, {m: ~(partial[m] & is_blank[m]) for m in months})


def every_state_lists_every_crime(df: pd.DataFrame, year_col: str, code_col: str | None,
                                  name_col: str) -> pd.DataFrame:
    """Each state lists, in each year, as many crime rows as the fullest state of that year,
    and each year lists all 32 states: fewer means a truncated or cut-down file. The state is
    its code, or its name where the layout has no code column."""
    code = (df[code_col].str.strip().str.zfill(2).where(state_code(df[code_col]))
            if code_col else code_of_state_name(df[name_col]))
    key_col = code_col or name_col
    per_state = df.groupby([df[year_col], code.fillna("?")])[year_col].transform("size")
    fullest = per_state.groupby(df[year_col]).transform("max")
    # Invalid codes or names fail their own check; here only count the states that exist.
    states_in_year = code.groupby(df[year_col]).transform("nunique")
    return flag(df, {key_col: per_state == fullest, year_col: states_in_year == 32})
