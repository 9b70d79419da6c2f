"""Check logic shared by the raw-format models. Each function takes the text the file holds
(pandas `str` columns, blank = missing) and returns True where the data is acceptable."""

from __future__ import annotations

import contextlib

import pandas as pd

from schemas.reference import (
    municipality_names,
    normalize_name,
    state_codes_by_name,
    unattributed_rules,
)


def blank(s: pd.Series, number: pd.Series | None = None) -> pd.Series:
    """Empty or only spaces. Only cells that are not numbers are looked at as text: string
    operations are slow per cell, and a municipal file has 36M month cells."""
    number = _number(s) if number is None else number
    out = s.isna()
    maybe = number.isna() & ~out
    if maybe.any():
        out[maybe] = s[maybe].str.strip().eq("")
    return out


# Within `numbers_once()`: column array id -> (array, its numbers). A month column goes through
# four checks (whole, not negative, not too large, published together), each of which parsed
# its text again: a third of a large file's validation. pandera hands each check the same
# array (under an index object of its own).
_NUMBERS: dict[int, tuple[object, object]] | None = None


@contextlib.contextmanager
def numbers_once():
    """Parse each column's text to numbers once while validating one frame (the column
    arrays must not change meanwhile: pandera's checks only read them)."""
    global _NUMBERS
    _NUMBERS = {}
    try:
        yield
    finally:
        _NUMBERS = None


def _number(s: pd.Series) -> pd.Series:
    if _NUMBERS is None:
        return pd.to_numeric(s, errors="coerce")  # surrounding spaces are accepted
    array = s.array
    kept = _NUMBERS.get(id(array))
    if kept is not None and kept[0] is array:
        return pd.Series(kept[1], index=s.index, name=s.name, copy=False)
    number = pd.to_numeric(s, errors="coerce")
    _NUMBERS[id(array)] = (array, number.array)
    return number


# A whole number as the files write it: digits, '1.0' (pandas writes whole numbers so when a
# column has blanks), or digits with thousands separators ('1,136': the SESNSP's Feb-2024 file
# quotes such cells; read as the number, and warned about), with a minus sign where the
# publisher corrects a count ('-1': a number, warned about as negative, not damage). Not '1e3',
# '+12', '1.136', '1 136'.
WHOLE_NUMBER = r"\s*-?([0-9]+(\.0*)?|[0-9]{1,3}(,[0-9]{3})+)\s*"
THOUSANDS = r"\s*[0-9]{1,3}(,[0-9]{3})+\s*"
# No count, population or amount of any file comes near these: above them is damage, and
# their sums would overflow the warehouse's integers.
MAX_COUNT = 1_000_000_000
MAX_POPULATION = 1_000_000_000
MAX_PESOS = 10**14


def whole_number(s: pd.Series) -> pd.Series:
    """Blank, or a whole number as WHOLE_NUMBER says. Plain digits are told at C speed; only
    the rest (rare) goes through the regular expression."""
    ok = blank(s) | (s.str.isascii() & s.str.isdigit()).fillna(False).astype(bool)
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


def flag(df: pd.DataFrame, column_ok: dict[str, pd.Series]) -> pd.DataFrame | bool:
    """A full-shape boolean frame (what pandera wants from a dataframe check, to name each
    failing cell) that is False only in the given columns where the data failed; just True
    when nothing failed (pandera then has no frame of cells to look through)."""
    column_ok = {column: ok.fillna(True).astype(bool) for column, ok in column_ok.items()}
    if all(ok.all() for ok in column_ok.values()):
        return True
    out = pd.DataFrame(True, index=df.index, columns=df.columns)
    for column, ok in column_ok.items():
        out[column] = ok
    return out


def name_is_code(df: pd.DataFrame, code_col: str, name_col: str) -> pd.Series:
    """True where the state name is the state the code says (unknown names fail elsewhere)."""
    named = code_of_state_name(df[name_col])
    code = df[code_col].str.strip().str.zfill(2)
    return named.isna() | (named == code)


def name_matches_code(df: pd.DataFrame, code_col: str, name_col: str) -> pd.DataFrame | bool:
    """The state name must be the state the code says (a dataframe check's output)."""
    return flag(df, {name_col: name_is_code(df, code_col, name_col)})


def months_published_together(df: pd.DataFrame, year_col: str,
                              months: list[str]) -> pd.DataFrame | bool:
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
    number = pd.to_numeric(pd.Series([value], dtype="str"), errors="coerce").iloc[0]
    if pd.isna(number) or number % 1 != 0 or not 0 < number < 100_000:
        return None
    return f"{int(number):05d}"


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


def unattributed(code: pd.Series, name: pd.Series) -> pd.Series:
    """Rows of crimes with no single municipality (schemas/reference/municipal_unattributed.csv:
    the state code + 999, 'No especificado', 'Otros municipios', a judicial district)."""
    rules = unattributed_rules()
    five = _municipality_code(code)
    names = {v: normalize_name(v) for v in name.dropna().unique()}
    normal = name.map(names)
    by_prefix = normal.map(lambda n: isinstance(n, str) and any(
        n == p or n.startswith(p + " ") for p in rules["name_prefix"]))
    return (five.str[2:].isin(list(rules["code_suffix"])).fillna(False).astype(bool)
            | normal.isin(list(rules["name"])).fillna(False).astype(bool)
            | by_prefix.fillna(False).astype(bool))


def known_or_unattributed(code: pd.Series, name: pd.Series) -> pd.Series:
    """A municipality of INEGI's catalogue, or a row the publisher attributes to none (which
    counts in its state only). Anything else is a code INEGI has not listed (yet)."""
    return known_municipality(code) | unattributed(code, name)


def municipality_name_matches(code: pd.Series, name: pd.Series) -> pd.Series:
    """The name is the municipality the code says (accents, case and a shortened official
    name aside: 'Dolores Hidalgo' for 'Dolores Hidalgo Cuna de la Independencia Nacional')."""
    names = municipality_names()

    def same(c: str | None, n: object) -> bool:
        if c is None or c not in names or not isinstance(n, str):
            return True
        e, g = normalize_name(names[c]), normalize_name(n)
        # a shortened name, or one without the honorific INEGI's current name adds
        # ('Heroica Ciudad de Juchitán de Zaragoza' for 'Juchitán de Zaragoza')
        return (e == g or e.startswith(g + " ") or g.startswith(e + " ")
                or e.endswith(" " + g) or g.endswith(" " + e))

    five = _municipality_code(code)
    verdict = {pair: same(*pair) for pair in set(zip(five, name, strict=True))}
    return pd.Series([verdict[p] for p in zip(five, name, strict=True)], index=code.index)


# --- the same rules in SQL -----------------------------------------------------------------
# Twins of the checks above, for the files too big for pandas (seguridad/intake/sqlvalidate.py runs
# them inside DuckDB). Each is an expression that is true where the cell is acceptable, with
# {c} for the quoted column; NULL cells are left to the nullable rule, as pandera does. The
# numbers are read as pandas.to_numeric reads them (staging.pandas_number), so both engines
# say the same of every cell; tests/test_sqlvalidate.py holds them to it.
SQL_PLAIN_COUNT = "CAST(TRY_CAST({c} AS UINTEGER) AS VARCHAR) = {c} AND length({c}) <= 9"
SQL_TWINS = {
    "count_is_whole": "trim({c}) = '' OR regexp_full_match({c}, '" + WHOLE_NUMBER + "')",
    "count_not_negative": "coalesce(NOT (staging.pandas_number({c}) < 0), true)",
    "count_not_too_large": "coalesce(NOT (staging.pandas_number(replace({c}, ',', '')) > "
                           f"{MAX_COUNT} AND NOT isnan(staging.pandas_number(replace({{c}}, "
                           "',', '')))), true)",
    "state_code_valid": "trim({c}) IN (" + ", ".join(f"'{v}'" for v in sorted(_VALID_CODES))
                        + ")",
    "state_name_known": "staging.normalize_name({c}) IN (SELECT name FROM ref_state_names)",
}
# Checks across the columns of a row: the column they flag, and the expression.
SQL_ROW_TWINS = {
    "name_matches_code": ("{name}", "coalesce((SELECT code FROM ref_state_names WHERE name = "
                                    "staging.normalize_name({name})) = lpad(trim({code}), 2, "
                                    "'0'), true)"),
    "municipality_in_state": ("{municipality}",
                              "coalesce(staging.pandas_number({municipality}) % 1 = 0 AND "
                              "staging.pandas_number({municipality}) BETWEEN 1001 AND 32999 "
                              "AND floor(staging.pandas_number({municipality}) / 1000) = "
                              "staging.pandas_number({code}) AND "
                              "staging.pandas_number({municipality}) % 1000 <> 0, false)"),
    # a catalogue code, or a row of no single municipality (ref_unattributed, normalized)
    "municipality_exists": ("{municipality}",
                            "staging.municipality_code({municipality}) IS NULL OR "
                            "staging.municipality_code({municipality}) IN (SELECT code FROM "
                            "ref_municipalities) OR right(staging.municipality_code("
                            "{municipality}), 3) IN (SELECT value FROM ref_unattributed WHERE "
                            "rule = 'code_suffix') OR coalesce(staging.normalize_name({name}) "
                            "IN (SELECT value FROM ref_unattributed WHERE rule = 'name'), "
                            "false) OR EXISTS (SELECT 1 FROM ref_unattributed AS u WHERE u.rule = "
                            "'name_prefix' AND (staging.normalize_name({name}) = u.value OR "
                            "starts_with(staging.normalize_name({name}), u.value || ' ')))"),
}
