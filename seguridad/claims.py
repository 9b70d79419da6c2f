"""The claims file: a statement's figures written down as TOML, checked field by field before
anything is computed. See the README ("Fact-checking a statement") for the format.

    [statement]
    title = "..."; speaker = "..."; said_on = 2015-12-18; baseline_year = 2012

    [[claim]]
    id = "homicidios"; text = "..."; indicators = ["homicidio_doloso"]; geo = "national"
    change_pct = -22; bound = "about"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from seguridad.errors import SeguridadError

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
ClaimId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                                           max_length=80)]
WINDOW = re.compile(r"^\d{4}-\d{2}(:\d{4}-\d{2})?$")


class ClaimsFileError(SeguridadError):
    """A claims file that cannot be checked: the message names the file, claim and field."""


class Statement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    speaker: str = ""
    said_on: date
    baseline_year: int = Field(ge=1990, le=2100)
    administration_start: str | None = None  # YYYY-MM; default January of baseline_year + 1
    source: str | None = None
    lang: Literal["es", "en"] | None = None

    @field_validator("said_on", mode="before")
    @classmethod
    def _a_date(cls, v):
        if isinstance(v, str):  # "2015-12-18" written as a string works too
            try:
                return date.fromisoformat(v)
            except ValueError as e:
                raise ValueError("write it as a TOML date, e.g. said_on = 2015-12-18") from e
        return v

    @field_validator("administration_start")
    @classmethod
    def _a_month(cls, v):
        if v is not None and not re.fullmatch(r"\d{4}-\d{2}", v):
            raise ValueError("write it as YYYY-MM, e.g. 2012-12")
        return v

    @model_validator(mode="after")
    def _baseline_before(self):
        if self.baseline_year >= self.said_on.year:
            raise ValueError(f"baseline_year {self.baseline_year} must be before the year the "
                             f"statement was made ({self.said_on.year})")
        return self


KINDS = ("change", "spending", "difference", "level", "record")
# What each kind states, and the fields only it may have (besides id, text, kind, bound).
KIND_FIELDS = {
    "change": ("indicators", "geo", "change_pct", "measure", "current", "baseline", "series",
               "per", "family", "baseline_year"),
    "difference": ("indicators", "geo", "difference", "measure", "current", "baseline",
                   "series", "per", "family", "baseline_year"),
    "level": ("indicators", "geo", "value", "measure", "current", "series", "per"),
    "record": ("indicators", "geo", "record", "since", "compare", "measure", "current",
               "series", "per"),
    "spending": ("program", "amount_pesos", "years"),
}
FAMILY_CHOICES = ("ytd", "r12", "month", "avg_since", "full_year", "since_administration_month")


class Claim(BaseModel):
    """One figure of the statement."""

    model_config = ConfigDict(extra="forbid")

    id: ClaimId
    text: str = Field(min_length=1)
    kind: Literal["change", "spending", "difference", "level", "record"] = "change"
    bound: Literal["about", "more_than", "less_than", "almost"] = "about"
    # change, difference, level and record claims
    indicators: list[Key] | None = None
    geo: str = "national"
    change_pct: float | None = None
    measure: Literal["count", "rate", "victims", "victims_rate"] | None = None
    current: str | None = None
    baseline: str | None = None
    series: Key | None = None
    per: Literal["day", "month"] | None = None  # the window's total per day / per month
    family: Literal["ytd", "r12", "month", "avg_since", "full_year",
                    "since_administration_month"] | None = None  # the window the wording names
    baseline_year: int | None = Field(default=None, ge=1990, le=2100)  # this claim's own
    difference: float | None = None  # difference claims: current minus baseline, e.g. -14
    value: float | None = None  # level claims: the figure of the current window, e.g. 72.8
    record: Literal["lowest", "highest"] | None = None  # record claims
    since: int | None = Field(default=None, ge=1990, le=2100)
    compare: Literal["same_month", "any_month", "year"] | None = None
    # spending claims
    program: Key | None = None
    amount_pesos: float | None = None
    years: list[int] | None = None
    # what a draft recorded about how the claim was read (draft-claims)
    matched: list[str] | None = None

    @field_validator("current", "baseline")
    @classmethod
    def _window(cls, v):
        if v is not None and not WINDOW.fullmatch(v):
            raise ValueError("write a window as YYYY-MM:YYYY-MM, e.g. 2015-01:2015-11")
        return v

    @field_validator("geo")
    @classmethod
    def _geo(cls, v):
        if not v.strip() or len(v) > 80:
            raise ValueError("give a geography: national, a state, a municipality or a group")
        return v

    @model_validator(mode="after")
    def _fields_of_kind(self):
        own = KIND_FIELDS[self.kind]
        for name in ("indicators", "change_pct", "measure", "current", "baseline", "series",
                     "per", "family", "baseline_year", "difference", "value", "record",
                     "since", "compare", "program", "amount_pesos", "years"):
            if getattr(self, name) is not None and name not in own:
                kinds = [k for k, f in KIND_FIELDS.items() if name in f]
                which = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 \
                    else kinds[0]
                raise ValueError(f"{name} belongs to {which} claims (kind = \"{kinds[0]}\"), "
                                 f"not to a {self.kind} claim")
        if self.kind == "spending":
            if not self.program:
                raise ValueError("a spending claim needs program (e.g. \"pronapred\")")
            if self.amount_pesos is None or self.amount_pesos <= 0:
                raise ValueError("a spending claim needs amount_pesos, a positive number "
                                 "(e.g. 7.7e9 or 7_700_000_000)")
            if self.years is not None and (
                    len(self.years) != 2 or self.years[0] > self.years[1]):
                raise ValueError("years is [first, last], e.g. [2013, 2015]")
            return self
        if not self.indicators:
            raise ValueError(f"a {self.kind} claim needs indicators = [\"...\"]")
        if len(set(self.indicators)) != len(self.indicators):
            raise ValueError("indicators repeats a key")
        stated = {"change": "change_pct", "difference": "difference", "level": "value",
                  "record": "record"}[self.kind]
        if getattr(self, stated) is None:
            raise ValueError({
                "change": "a change claim needs change_pct (the stated change, in percent, "
                          "e.g. -22)",
                "difference": "a difference claim needs difference (current minus baseline, "
                              "in the claim's unit: -14 for '14 fewer a day', with per = "
                              "\"day\")",
                "level": "a level claim needs value (the figure of the current window, e.g. "
                         "72.8 with per = \"day\")",
                "record": "a record claim needs record = \"lowest\" or \"highest\""}[self.kind])
        if self.kind in ("change", "difference"):
            if (self.current is None) != (self.baseline is None):
                raise ValueError("give both current and baseline, or neither")
            if self.family and self.current:
                raise ValueError("give either family (the window the wording names) or "
                                 "current and baseline (the windows themselves), not both")
        if self.kind in ("level", "record") and self.current is None:
            raise ValueError(f"a {self.kind} claim needs current, the window it is about "
                             "(e.g. \"2024-12\")")
        if self.kind == "record":
            if self.since is None:
                raise ValueError("a record claim needs since, the year it holds from (e.g. "
                                 "2016 for 'the lowest since 2016')")
            if self.bound != "about":
                raise ValueError("a record claim has no bound: it holds or not")
            if self.compare == "year" and not re.fullmatch(r"(\d{4})-01:\1-12",
                                                           self.current):
                raise ValueError("compare = \"year\" needs current to be a whole year, e.g. "
                                 "\"2024-01:2024-12\"")
            if self.since >= int(self.current[:4]):
                raise ValueError(f"since ({self.since}) must be before the year of current "
                                 f"({self.current[:4]})")
        if self.kind in ("level", "record") and self.measure in ("rate", "victims_rate"):
            raise ValueError(f"a {self.kind} claim counts investigation files or victims: use "
                             "measure = \"count\" or \"victims\" (or leave it out)")
        if self.per and self.measure in ("rate", "victims_rate"):
            raise ValueError("per divides a count by its days or months; a rate per 100,000 "
                             "is already annualised: use measure = \"count\" or \"victims\"")
        return self

    @property
    def compare_with(self) -> str:
        """A record's comparable periods: same_month unless the claim says otherwise."""
        return self.compare or "same_month"


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement: Statement
    claim: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self):
        seen: set[str] = set()
        for c in self.claim:
            if c.id in seen:
                raise ValueError(f"claim id {c.id!r} is used twice: ids must be unique")
            seen.add(c.id)
            if c.baseline_year is not None and c.baseline_year >= self.statement.said_on.year:
                raise ValueError(f"claim {c.id!r}: baseline_year {c.baseline_year} must be "
                                 f"before the year the statement was made "
                                 f"({self.statement.said_on.year})")
        return self


@dataclass(frozen=True)
class Loaded:
    path: Path
    label: str
    statement: Statement
    claims: list[Claim]
    raw_numbers: dict[str, str]  # claim id -> the stated number as written in the file


def _where(data: dict, loc: tuple) -> str:
    """'claim 'homicidios', field change_pct' from a pydantic error location."""
    if not loc:
        return "the file"
    if loc[0] == "claim" and len(loc) > 1 and isinstance(loc[1], int):
        claims = data.get("claim") or []
        claim = claims[loc[1]] if loc[1] < len(claims) else {}
        name = claim.get("id") if isinstance(claim, dict) else None
        who = f"claim {name!r}" if name else f"claim #{loc[1] + 1}"
        rest = ".".join(str(x) for x in loc[2:])
        return f"{who}, field {rest}" if rest else who
    return "field " + ".".join(str(x) for x in loc)


def _as_written(text: str) -> dict[str, str]:
    """The number each claim states, as written (-44.60 keeps its two decimals, which TOML's
    float would lose): claim id -> text of change_pct / amount_pesos. Read block by block
    ([[claim]] to the next), so the order of the keys inside a claim does not matter."""
    out: dict[str, str] = {}
    for block in re.split(r"(?m)^\s*\[\[claim\]\]\s*(?:#.*)?$", text)[1:]:
        claim_id = number = None
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("["):  # a table that is not a claim ends the block
                break
            m = re.match(r'^id\s*=\s*["\']([^"\']+)["\']', line)
            if m:
                claim_id = m.group(1)
            m = re.match(r"^(change_pct|amount_pesos|difference|value)\s*=\s*([-+0-9_.eE]+)"
                         r"\s*$", line)
            if m:
                number = m.group(2).replace("_", "")
        if claim_id is not None and number is not None:
            out[claim_id] = number
    return out


def load(path: Path, label: str | None = None) -> Loaded:
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ClaimsFileError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ClaimsFileError(f"{label}: is a directory, not a claims file") from None
    except PermissionError:
        raise ClaimsFileError(f"{label}: cannot be read (permission denied)") from None
    except UnicodeDecodeError as e:
        raise ClaimsFileError(f"{label}: is not UTF-8 text (byte {e.start}); save the claims "
                              "file as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ClaimsFileError(f"{label}: is not valid TOML: {e}") from None
    try:
        parsed = ClaimsFile.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors(include_url=False)[:10]:
            loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and
                                                      x.startswith(("function-", "literal["))))
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  - {_where(data, loc)}: {msg}{shown}")
        raise ClaimsFileError(f"{label}: not a valid claims file:\n" + "\n".join(lines)) from None
    return Loaded(path, label, parsed.statement, parsed.claim, _as_written(text))


def stated_decimals(written: str | None, value: float) -> int:
    """How many decimals a figure was stated with: '-44.6' -> 1, '-22' -> 0."""
    text = written if written is not None else repr(value)
    if "e" in text.lower():
        return max(0, -Decimal(text).normalize().as_tuple().exponent)
    return len(text.split(".")[1]) if "." in text else 0


def amount_unit(written: str | None, value: float) -> Decimal:
    """The rounding unit of a stated amount: 7.7e9 and 7_700_000_000 -> 100,000,000 (the
    last significant digit); 7_778_230_000.00 -> 0.01."""
    text = written if written is not None else repr(value)
    d = Decimal(text)
    if "." in text and "e" not in text.lower():
        return Decimal(1).scaleb(d.as_tuple().exponent)
    return Decimal(1).scaleb(d.normalize().as_tuple().exponent)
