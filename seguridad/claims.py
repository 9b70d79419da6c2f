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
from seguridad.i18n import language, say

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
                raise ValueError(say("claims.toml_date")) from e
        return v

    @field_validator("administration_start")
    @classmethod
    def _a_month(cls, v):
        if v is not None and not re.fullmatch(r"\d{4}-\d{2}", v):
            raise ValueError(say("claims.a_month"))
        return v

    @model_validator(mode="after")
    def _baseline_before(self):
        if self.baseline_year >= self.said_on.year:
            raise ValueError(say("claims.baseline_before", year=self.baseline_year,
                                 said=self.said_on.year))
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
            raise ValueError(say("claims.a_window"))
        return v

    @field_validator("geo")
    @classmethod
    def _geo(cls, v):
        if not v.strip() or len(v) > 80:
            raise ValueError(say("claims.a_geo"))
        return v

    @model_validator(mode="after")
    def _fields_of_kind(self):
        own = KIND_FIELDS[self.kind]
        for name in ("indicators", "change_pct", "measure", "current", "baseline", "series",
                     "per", "family", "baseline_year", "difference", "value", "record",
                     "since", "compare", "program", "amount_pesos", "years"):
            if getattr(self, name) is not None and name not in own:
                kinds = [k for k, f in KIND_FIELDS.items() if name in f]
                which = ", ".join(kinds[:-1]) + say("claims.and") + kinds[-1] \
                    if len(kinds) > 1 else kinds[0]
                raise ValueError(say("claims.field_of_kind", name=name, which=which,
                                     first=kinds[0], kind=_kind(self.kind)))
        if self.kind == "spending":
            if not self.program:
                raise ValueError(say("claims.needs_program"))
            if self.amount_pesos is None or self.amount_pesos <= 0:
                raise ValueError(say("claims.needs_amount"))
            if self.years is not None and (
                    len(self.years) != 2 or self.years[0] > self.years[1]):
                raise ValueError(say("claims.years"))
            return self
        if not self.indicators:
            raise ValueError(say("claims.needs_indicators", kind=_kind(self.kind)))
        if len(set(self.indicators)) != len(self.indicators):
            raise ValueError(say("claims.repeated_indicator"))
        stated = {"change": "change_pct", "difference": "difference", "level": "value",
                  "record": "record"}[self.kind]
        if getattr(self, stated) is None:
            raise ValueError(say(f"claims.needs_{stated}"))
        if self.kind in ("change", "difference"):
            if (self.current is None) != (self.baseline is None):
                raise ValueError(say("claims.both_windows"))
            if self.family and self.current:
                raise ValueError(say("claims.family_or_windows"))
        if self.kind in ("level", "record") and self.current is None:
            raise ValueError(say("claims.needs_current", kind=_kind(self.kind)))
        if self.kind == "record":
            if self.since is None:
                raise ValueError(say("claims.needs_since"))
            if self.bound != "about":
                raise ValueError(say("claims.record_bound"))
            if self.compare == "year" and not re.fullmatch(r"(\d{4})-01:\1-12",
                                                           self.current):
                raise ValueError(say("claims.whole_year"))
            if self.since >= int(self.current[:4]):
                raise ValueError(say("claims.since_before", since=self.since,
                                     year=self.current[:4]))
        if self.kind in ("level", "record") and self.measure in ("rate", "victims_rate"):
            raise ValueError(say("claims.counts_only", kind=_kind(self.kind)))
        if self.per and self.measure in ("rate", "victims_rate"):
            raise ValueError(say("claims.per_with_rate"))
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
                raise ValueError(say("claims.id_twice", id=c.id))
            seen.add(c.id)
            if c.baseline_year is not None and c.baseline_year >= self.statement.said_on.year:
                raise ValueError(say("claims.claim_baseline_before", id=c.id,
                                     year=c.baseline_year, said=self.statement.said_on.year))
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
        return say("claims.the_file")
    if loc[0] == "claim" and len(loc) > 1 and isinstance(loc[1], int):
        claims = data.get("claim") or []
        claim = claims[loc[1]] if loc[1] < len(claims) else {}
        name = claim.get("id") if isinstance(claim, dict) else None
        who = say("claims.claim_named", name=repr(name)) if name else \
            say("claims.claim_number", n=loc[1] + 1)
        rest = ".".join(str(x) for x in loc[2:])
        return say("claims.claim_field", who=who, field=rest) if rest else who
    return say("claims.field", field=".".join(str(x) for x in loc))


# pydantic's own messages by their type, in the reader's language (its English otherwise).
_PYDANTIC = {"missing": "claims.pyd_missing", "extra_forbidden": "claims.pyd_extra",
             "literal_error": "claims.pyd_literal", "int_parsing": "claims.pyd_int",
             "int_type": "claims.pyd_int", "float_parsing": "claims.pyd_number",
             "float_type": "claims.pyd_number", "string_type": "claims.pyd_text",
             "date_from_datetime_parsing": "claims.toml_date", "date_parsing": "claims.toml_date",
             "date_type": "claims.toml_date", "list_type": "claims.pyd_list",
             "greater_than_equal": "claims.pyd_ge", "less_than_equal": "claims.pyd_le",
             "string_too_short": "claims.pyd_empty", "bool_type": "claims.pyd_bool",
             "bool_parsing": "claims.pyd_bool"}


def _kind(kind: str) -> str:
    """'de cambio' / 'change': a kind of claim in words."""
    return say(f"claims.kind_{kind}")


def _message(err: dict) -> str:
    if err["type"] == "value_error":
        return err["msg"].removeprefix("Value error, ")
    key = _PYDANTIC.get(err["type"])
    if key is None:
        return err["msg"]
    ctx = err.get("ctx") or {}
    expected = str(ctx.get("expected", ""))
    if language() == "es":
        expected = expected.replace("' or '", "' o '")
    return say(key, expected=expected, ge=ctx.get("ge", ""),
               le=ctx.get("le", ""))


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
        raise ClaimsFileError(say("claims.no_file", label=label)) from None
    except IsADirectoryError:
        raise ClaimsFileError(say("claims.directory", label=label)) from None
    except PermissionError:
        raise ClaimsFileError(say("claims.permission", label=label)) from None
    except UnicodeDecodeError as e:
        raise ClaimsFileError(say("claims.not_utf8", label=label, byte=e.start)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ClaimsFileError(say("claims.not_toml", label=label, why=e)) from None
    try:
        parsed = ClaimsFile.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors(include_url=False)[:10]:
            loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and
                                                      x.startswith(("function-", "literal["))))
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else \
                say("claims.got", got=repr(got))
            msg = _message(err)
            lines.append(f"  - {_where(data, loc)}: {msg}{shown}")
        raise ClaimsFileError(say("claims.invalid", label=label) + "\n"
                              + "\n".join(lines)) from None
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
