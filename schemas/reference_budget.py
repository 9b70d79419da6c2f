"""The pandera models of the budget reference tables (schemas/reference/): the funds of
Ramo 33, the security programs of the federal budget, the stages of a budget and the columns
of the Cuenta Pública. Registered with the others in schemas.reference.REFERENCE_MODELS."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series


class Ramo33Funds(pa.DataFrameModel):
    """The funds of Ramo 33: the source file's column, seguridad's program key, the name."""

    column: Series[str] = pa.Field(str_matches=r"^r33_\w+$", unique=True)
    program: Series[str] = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", unique=True)
    label_es: Series[str]
    note: Series[str] = pa.Field(nullable=True)


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
