"""Check logic shared by the raw-format models. Each function takes the text the file holds
(pandas `str` columns, blank = missing) and returns True where the data is acceptable."""

from __future__ import annotations

import pandas as pd

from schemas.reference import municipality_names, normalize_name, state_codes_by_name


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


# A whole number as the files write it: digits, '1.0' (pandas writes whole numbers so when a
# column has blanks), or digits with thousands separators ('1,136': the SESNSP's Feb-2024 file
# quotes such cells; read as the number, and warned about). Not '1e3', '+12', '1.136', '1 136'.
WHOLE_NUMBER = r"\s*(\d+(\.0*)?|\d{1,3}(,\d{3})+)\s*"
THOUSANDS = r"\s*\d{1,3}(,\d{3})+\s*"
# No count, population or amount of any file comes near these: above them is damage, and
# their sums would overflow the warehouse's integers.
MAX_COUNT = 1_000_000_000
MAX_POPULATION = 1_000_000_000
MAX_PESOS = 10**14


def whole_number(s: pd.Series) -> pd.Series:
    """Blank, or a whole number as WHOLE_NUMBER says. Plain digits are told at C speed; only
    the rest (rare) goes through the regular expression."""
    ok = blank(s) | s.str.isdigit().fillna(False).astype(bool)
    rest = ~ok
    if rest.any():
        ok[rest] = s[rest].str.fullmatch(WHOLE_NUMBER).fillna(False).astype(bool)
    return ok


def number_of(s: pd.Series) -> pd.Series:
    """The value of a cell as a number (thousands separators dropped); NaN where it is not
    one."""
    if s.str.contains(",", regex=False).fillna(False).any():
        s = s.str.replace(",", "", regex=False)
    return _number(s)


def not_too_large(s: pd.Series, limit: int = MAX_COUNT) -> pd.Series:
    return ~(number_of(s) > limit)


def positive(s: pd.Series) -> pd.Series:
    """More than zero (a population of 0 would turn rates into nonsense)."""
    return _number(s) > 0


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


def _five_digits(value: object) -> str | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return f"{int(number):05d}" if number.is_integer() and 0 < number < 100_000 else None


def _municipality_code(code: pd.Series) -> pd.Series:
    """The 5-digit INEGI code of each cell as the files write it ('1001', '11020',
    '11020.0'); None where it is not one. Each distinct value is converted once."""
    return code.map({v: _five_digits(v) for v in code.dropna().unique()})


def known_municipality(code: pd.Series) -> pd.Series:
    """A code INEGI gave a municipality (schemas/reference/municipalities.csv). Codes that
    are not numbers fail elsewhere."""
    names = municipality_names()
    five = _municipality_code(code)
    return five.isna() | five.isin(list(names))


def municipality_name_matches(code: pd.Series, name: pd.Series) -> pd.Series:
    """The name is the municipality the code says (accents, case and a shortened official
    name aside: 'Dolores Hidalgo' for 'Dolores Hidalgo Cuna de la Independencia Nacional')."""
    names = municipality_names()

    def same(c: str | None, n: object) -> bool:
        if c is None or c not in names or not isinstance(n, str):
            return True
        e, g = normalize_name(names[c]), normalize_name(n)
        return e == g or e.startswith(g + " ") or g.startswith(e + " ")

    five = _municipality_code(code)
    verdict = {pair: same(*pair) for pair in set(zip(five, name, strict=True))}
    return pd.Series([verdict[p] for p in zip(five, name, strict=True)], index=code.index)
