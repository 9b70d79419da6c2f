"""Check logic shared by the raw-format models. Each function takes the text the file holds
(pandas `str` columns, blank = missing) and returns True where the data is acceptable."""

from __future__ import annotations

import pandas as pd

from schemas.reference import normalize_name, state_codes_by_name


def blank(s: pd.Series, number: pd.Series | None = None) -> pd.Series:
    """Empty or only spaces. Only cells that are not numbers are looked at as text: string
    operations are slow per cell, and a municipal file has 36M month cells."""
    number = _number(s) if number is None else number
    out = s.isna()
    maybe = number.isna() & ~out
    if maybe.any():
        out[maybe] = s[maybe].str.strip().eq("")
    return out


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")  # surrounding spaces are accepted


def whole_number(s: pd.Series) -> pd.Series:
    """Blank, or a whole number ('1.0' too: pandas writes whole numbers so when a column has
    blanks)."""
    number = _number(s)
    return blank(s, number) | (number % 1 == 0)


def non_negative(s: pd.Series) -> pd.Series:
    number = _number(s)
    return blank(s, number) | ~(number < 0)


_VALID_CODES = {f"{n}" for n in range(1, 33)} | {f"{n:02d}" for n in range(1, 33)}


def state_code(s: pd.Series) -> pd.Series:
    """INEGI state code 1-32, written with or without the leading zero (or spaces)."""
    ok = s.isin(_VALID_CODES)
    if not ok.all():
        ok[~ok] = s[~ok].str.strip().isin(_VALID_CODES)
    return ok


def code_of_state_name(s: pd.Series) -> pd.Series:
    """Two-digit code for each state name (or known variant); NaN where unknown. Names are
    normalized once per distinct value, not once per row."""
    lookup = state_codes_by_name()
    codes = {v: lookup.get(normalize_name(v)) for v in s.dropna().unique()}
    return s.map(codes)


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
    # Distinct rows: a duplicated row is the uniqueness check's to report, not a reason to
    # call every other state short.
    per_state = (~df.duplicated()).groupby([df[year_col], code.fillna("?")]).transform("sum")
    fullest = per_state.groupby(df[year_col]).transform("max")
    # Invalid codes or names fail their own check; here only count the states that exist.
    states_in_year = code.groupby(df[year_col]).transform("nunique")
    return flag(df, {key_col: per_state == fullest, year_col: states_in_year == 32})


def municipality_of_state(code: pd.Series, state: pd.Series) -> pd.Series:
    """A 4- or 5-digit INEGI municipality code (an integer in the files, so states 1-9 lose
    the leading zero) whose first two digits are the row's state; '1.0'-style floats from a
    pandas re-save are accepted."""
    number = pd.to_numeric(code, errors="coerce")
    state_number = pd.to_numeric(state, errors="coerce")
    return ((number % 1 == 0) & number.between(1001, 32999) & (number // 1000 == state_number)
            & (number % 1000 != 0))
