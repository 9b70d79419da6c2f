"""pandera model of the SHCP's Cuenta Pública "gasto por categoría programática": federal
spending by program and budget stage, in pesos. One model for the flattened CSV and for the
SHCP's own .xls workbook (seguridad.intake.budget_xls writes the workbook in the CSV's columns
first),
so both are held to the same rules. Cells are checked as the text the file holds."""

from __future__ import annotations

from datetime import date
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks, reference

LAST_YEAR = date.today().year + 1
# Pesos as the files write them: '2500000000.0', '16090550', float noise such as
# '-1.6689300497141346e-08'. Never thousands separators, never text.
_NUMBER = r"^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$"
TOLERANCE_PESOS = 1.0  # the report's sums are rounded (its footnote 1/ says so)

CURRENT_PARTS = ["GC_SERVICIOS_PERSONALES", "GC_GASTO_DE_OPERACIÓN", "GC_SUBSIDIOS",
                 "GC_OTROS_DE_CORRIENTE"]
INVESTMENT_PARTS = ["GI_INVERSIÓN_FÍSICA", "GI_SUBSIDIOS", "GI_OTROS_DE_INVERSIÓN"]
PENSIONS = "GI_PENSIONES_Y_JUBILACIONES"
SHARES = ["PORCENTAJE_CORRIENTE", "PORCENTAJE_PENSIONES_Y_JUBILACIONES",
          "PORCENTAJE_INVERSIÓN"]
AMOUNTS = CURRENT_PARTS + ["GC_SUMA", PENSIONS] + INVESTMENT_PARTS + ["GI_SUMA", "TOTAL"]
KEY = ["CICLO", "ENTE", "RAMO", "SUBRAMO", "PROGRAMA"]

_STAGE_ORDER = ("is not the row expected here: under each program come Aprobado, Modificado, "
                "Devengado, Ejercicio, Porcentaje Ejer/Aprob and Porcentaje Ejer/Modif, in that "
                "order (a stage row missing, repeated or out of place?)")


@cache
def stages() -> pd.DataFrame:
    """schemas/reference/budget_stages.csv, with position as a number."""
    table = reference.load("budget_stages").copy()
    table["position"] = table["position"].astype(int)
    return table


def _present(df: pd.DataFrame, columns: list[str]) -> list[str]:
    return [c for c in columns if c in df.columns]


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.str.strip().eq("")


def _row_kind(df: pd.DataFrame) -> pd.Series:
    """amount (a budget stage), percentage, or name (a program's code-and-name row)."""
    kinds = dict(zip(stages()["label"], stages()["kind"], strict=True))
    return df["PRESUPUESTO"].str.strip().map(kinds).fillna("name")


def _amount(field: str, description: str) -> object:
    return pa.Field(alias=field, nullable=True, description=description)


def _joined(frame: pd.DataFrame) -> pd.Series:
    """Each row's cells joined with '|' (column by column, not row by row in Python)."""
    first, *rest = (frame[c] for c in frame.columns)
    return first.str.cat(rest, sep="|") if rest else first


def _blocks(df: pd.DataFrame) -> pd.DataFrame:
    """Each row's block (a run of rows with one key), whether the block repeats the key of an
    earlier one, and whether it repeats an earlier block of that key cell for cell."""
    key = df[_present(df, KEY)].fillna("").apply(lambda c: c.str.strip())
    block = key.ne(key.shift()).any(axis=1).cumsum()
    name = _joined(key)
    cells = df[_present(df, ["PRESUPUESTO", *AMOUNTS])].fillna("").apply(lambda c: c.str.strip())
    content = _joined(cells).groupby(block).agg("\n".join)
    per_block = pd.DataFrame({"name": name.groupby(block).first(), "content": content})
    per_block["repeated"] = per_block["name"].duplicated()
    per_block["same_as_before"] = per_block.duplicated(["name", "content"])
    return pd.DataFrame({"block": block,
                         "repeated": block.map(per_block["repeated"]),
                         "same_as_before": block.map(per_block["same_as_before"])},
                        index=df.index)


class CuentaPublicaProgramatica(pa.DataFrameModel):
    """Cuenta Pública, gasto por categoría programática (SHCP): for every ente, ramo and
    program of the federal government, the amounts of each budget stage (Aprobado,
    Modificado, Devengado, Ejercicio), split into current spending (GC_*), pensions (from
    2016) and investment (GI_*), in pesos; two percentage rows follow the stages. From 2015 a
    SUBRAMO column names the ramo under RAMO (Ramos Administrativos / Generales); from 2016
    GI_PENSIONES_Y_JUBILACIONES and its share are added. Stage rows right under an ente or a
    ramo carry PROGRAMA 'TOTAL': that level's total, not a program."""

    fiscal_year: Series[str] = pa.Field(alias="CICLO", str_matches=r"^\s*\d{4}\s*$",
                                        description="Fiscal year of the Cuenta Pública")
    entity: Series[str] = pa.Field(alias="ENTE", str_matches=r"^\s*\S.*$",
                                   description="Ente: Poder Legislativo, Poder Ejecutivo (until "
                                               "2014: Ramos Administrativos / Generales), ...")
    ramo: Series[str] = pa.Field(alias="RAMO", nullable=True,
                                 description="Ramo (from 2015, for the Executive, the group: "
                                             "Ramos Administrativos or Ramos Generales); empty "
                                             "on an ente's total")
    subramo: Series[str] = pa.Field(alias="SUBRAMO", nullable=True, required=False,
                                    description="From 2015: the Executive's ramo (Gobernación, "
                                                "Aportaciones Federales ...)")
    program_code: Series[str] = pa.Field(
        alias="PROGRAMA", str_matches=r"^\s*(TOTAL|(\d+-)?[A-Z]\d{3})\s*$",
        description="Programa presupuestario (U006), or TOTAL for a level's total")
    label: Series[str] = pa.Field(alias="PRESUPUESTO", str_matches=r"^\s*\S.*$",
                                  description="The program's name on its first row; then the "
                                              "stage (Aprobado, ...) or percentage of each row")
    services: Series[str] = _amount("GC_SERVICIOS_PERSONALES", "Current: personal services, "
                                                               "pesos")
    operation: Series[str] = _amount("GC_GASTO_DE_OPERACIÓN", "Current: operating costs, "
                                                              "pesos")
    current_subsidies: Series[str] = _amount("GC_SUBSIDIOS", "Current: subsidies, pesos")
    current_other: Series[str] = _amount("GC_OTROS_DE_CORRIENTE", "Current: other, pesos")
    current: Series[str] = _amount("GC_SUMA", "Current spending, pesos")
    pensions: Series[str] = pa.Field(alias=PENSIONS, nullable=True, required=False,
                                     description="Pensions and retirement (from 2016), pesos")
    physical: Series[str] = _amount("GI_INVERSIÓN_FÍSICA", "Investment: physical, pesos")
    investment_subsidies: Series[str] = _amount("GI_SUBSIDIOS", "Investment: subsidies, pesos")
    investment_other: Series[str] = _amount("GI_OTROS_DE_INVERSIÓN", "Investment: other, "
                                                                     "pesos")
    investment: Series[str] = _amount("GI_SUMA", "Investment spending, pesos")
    total: Series[str] = _amount("TOTAL", "Total: current + pensions + investment, pesos")
    share_current: Series[str] = _amount("PORCENTAJE_CORRIENTE", "Current share of the "
                                                                 "total, percent")
    share_pensions: Series[str] = pa.Field(alias="PORCENTAJE_PENSIONES_Y_JUBILACIONES",
                                           nullable=True, required=False,
                                           description="Pensions' share of the total, percent")
    share_investment: Series[str] = _amount("PORCENTAJE_INVERSIÓN", "Investment share of the "
                                                                    "total, percent")

    @pa.check("CICLO", error=f"is not a fiscal year between 2000 and {LAST_YEAR}")
    def year_in_range(cls, s: Series[str]) -> Series[bool]:
        return _number(s).between(2000, LAST_YEAR)

    @pa.dataframe_check(error="is not an amount in pesos (digits, '.' for decimals, no "
                              "thousands separators)")
    def amounts_are_numbers(cls, df: pd.DataFrame) -> pd.DataFrame:
        kind = _row_kind(df)
        out = {}
        for col in _present(df, AMOUNTS + SHARES):
            number = df[col].str.match(_NUMBER).fillna(False).astype(bool)
            blank = _blank(df[col])
            if col in SHARES:  # a percentage of a stage row may be empty (0 of 0)
                out[col] = number | blank | (kind == "name")
            else:  # percentage rows write 'n.s.' (over 500%) and blanks; checked below
                out[col] = number | blank | (kind != "amount")
        return checks.flag(df, out)

    @pa.dataframe_check(error=f"is too large to be an amount (over {checks.MAX_PESOS:,} pesos)")
    def amounts_not_too_large(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {col: checks.not_too_large(df[col], checks.MAX_PESOS)
                                for col in _present(df, AMOUNTS)})

    @pa.dataframe_check(error="is empty, but every budget stage has a TOTAL", ignore_na=False)
    def stage_has_total(cls, df: pd.DataFrame) -> pd.DataFrame:
        return checks.flag(df, {"TOTAL": ~((_row_kind(df) == "amount") & _blank(df["TOTAL"]))})

    @pa.dataframe_check(error="is not a percentage (a number, 'n.s.' for over 500%, or empty)")
    def percentages_are_numbers(cls, df: pd.DataFrame) -> pd.DataFrame:
        percentage = _row_kind(df) == "percentage"
        out = {}
        for col in _present(df, AMOUNTS):
            ok = (df[col].str.match(_NUMBER).fillna(False).astype(bool) | _blank(df[col])
                  | df[col].str.strip().eq("n.s."))
            out[col] = ok | ~percentage
        return checks.flag(df, out)

    @pa.dataframe_check(error="is an amount on a program's name row (only zeros or nothing "
                              "belong there: a stage label missing?)")
    def name_rows_carry_no_amounts(cls, df: pd.DataFrame) -> pd.DataFrame:
        name = _row_kind(df) == "name"
        return checks.flag(df, {col: ~name | _blank(df[col]) | (_number(df[col]) == 0)
                                for col in _present(df, AMOUNTS)})

    @pa.dataframe_check(error="is not the sum of its parts (beyond 1 peso of rounding): a "
                              "shifted column?", ignore_na=False)
    def sums_add_up(cls, df: pd.DataFrame) -> pd.DataFrame:
        amount = _row_kind(df) == "amount"

        def value(col: str) -> pd.Series:
            return _number(df[col]).fillna(0) if col in df.columns else 0

        current = sum(value(c) for c in CURRENT_PARTS)
        investment = sum(value(c) for c in INVESTMENT_PARTS)
        total = value("GC_SUMA") + value(PENSIONS) + value("GI_SUMA")
        return checks.flag(df, {
            "GC_SUMA": ~amount | ((current - value("GC_SUMA")).abs() <= TOLERANCE_PESOS),
            "GI_SUMA": ~amount | ((investment - value("GI_SUMA")).abs() <= TOLERANCE_PESOS),
            "TOTAL": ~amount | ((total - value("TOTAL")).abs() <= TOLERANCE_PESOS),
        })

    @pa.dataframe_check(error=_STAGE_ORDER)
    def stages_in_order(cls, df: pd.DataFrame) -> pd.DataFrame:
        """Rows of one program (one key) follow each other: an optional name row, then the
        six rows of budget_stages.csv in their order. A key that comes back later, a stage
        missing or a block cut short fails on the row where the order breaks."""
        label = df["PRESUPUESTO"].str.strip()
        position = label.map(dict(zip(stages()["label"], stages()["position"], strict=True)))
        key = df[_present(df, KEY)].fillna("").apply(lambda c: c.str.strip())
        block = key.ne(key.shift()).any(axis=1).cumsum()
        # Within a block: name row first (not for a level's TOTAL), then positions 1, 2, ...
        is_name = position.isna()
        first = block.ne(block.shift())
        name_ok = ~is_name | (first & key["PROGRAMA"].ne("TOTAL"))
        expected = (~is_name).astype(int).groupby(block).cumsum()
        order_ok = is_name | (position == expected)
        stage_count = len(stages())
        rows_in_block = (~is_name).groupby(block).transform("sum")
        last = block.ne(block.shift(-1))
        complete = ~last | (rows_in_block == stage_count) | ~(name_ok & order_ok)
        return checks.flag(df, {"PRESUPUESTO": name_ok & order_ok & complete})

    @pa.dataframe_check(error="is listed a second time under the same ente, ramo and "
                              "subramo with the same amounts: a total would count it twice "
                              "(a repeated block?)")
    def program_listed_once(cls, df: pd.DataFrame) -> pd.DataFrame:
        """A block (a program's or level's rows) written twice as it is: damage, since
        every sum would double. Flagged on every row of the copy."""
        blocks = _blocks(df)
        return checks.flag(df, {"PROGRAMA": ~(blocks["repeated"] & blocks["same_as_before"])})

    @pa.dataframe_check(error="is listed a second time under the same ente, ramo and "
                              "subramo, with other amounts: loaded as a block of its own (two "
                              "units under one name, as the 2020-2023 editions list the Consejo "
                              "de la Judicatura Federal)")
    def repeated_block_differs(cls, df: pd.DataFrame) -> pd.DataFrame:
        """The same key again with other amounts: the publisher's way of listing two units
        under one name. A warning (schemas/formats.toml), flagged on the block's first row;
        the blocks load apart (core.budget_yearly.block)."""
        blocks = _blocks(df)
        first_row = blocks["block"].ne(blocks["block"].shift())
        return checks.flag(df, {"PROGRAMA": ~(blocks["repeated"] & ~blocks["same_as_before"]
                                              & first_row)})

    class Config:
        strict = True
