"""The geographies a comparison can be asked for: the nation, a state (by code or name, any
accents or case, or a common alias such as Edomex) or a group of states, resolved against
marts.geo. 'México' alone names both the country and a state: it is refused, naming both."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from schemas.names import normalize_name
from seguridad.db import fetch_one
from seguridad.errors import ComparisonRefused
from seguridad.i18n import say, t

NATIONAL = ("national", "nacional", "nation", "nación", "nacion", "pais", "país", "mx", "00",
            "0")
# Names of the country that are also the official name of a state (15): which one is meant?
AMBIGUOUS = {normalize_name(n) for n in ("México", "Mexico")}


@dataclass(frozen=True)
class Geo:
    level: str  # national | state | group | municipality
    code: str
    name: str  # as Spanish texts write it (marts.geo geo_name)
    name_en: str | None = None  # as English texts write it (marts.geo geo_name_en)
    article_es: str = ""  # 'el' Estado de México
    article_en: str = ""  # 'the' State of Mexico

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def place(self, lang: str) -> str:
        """Where, in a sentence: 'a nivel nacional', 'en el Estado de México', 'nationally',
        'in the State of Mexico'."""
        if self.level == "national":
            return t("nationally", lang)
        article = self.article_en if lang == "en" else self.article_es
        return f"{t('in', lang)} {article + ' ' if article else ''}{self.label(lang)}"


def resolve_geo(con: duckdb.DuckDBPyConnection, text: str) -> Geo:
    """'national', a state code ('2' or '02'), a state name or alias, a municipality code or
    name, or a group key."""
    key = text.strip()
    if key.lower() in NATIONAL:
        key = "00"
    elif key.isdigit() and len(key) <= 2:
        key = key.zfill(2)
    elif key.isdigit() and len(key) in (4, 5):  # a municipality, as the SESNSP writes it
        key = key.zfill(5)
    if normalize_name(text) in AMBIGUOUS:
        raise ComparisonRefused(say("geo.ambiguous", text=text))
    row = fetch_one(con, "SELECT geo_level, geo_code FROM marts.geo "
                         "WHERE geo_code = ? OR lower(geo_code) = lower(?)", [key, key])
    if row is None:
        row = _by_name(con).get(normalize_name(text))
    if row is None:  # a municipality by its name alone ('León'), if no other has it
        same = [r for r in con.execute(
            "SELECT geo_level, geo_code, geo_name FROM marts.geo "
            "WHERE geo_level = 'municipality' ORDER BY geo_code").fetchall()
            if normalize_name(r[2].split(",")[0]) == normalize_name(text)]
        if len(same) > 1:
            raise ComparisonRefused(say("geo.many_municipalities", text=text, n=len(same),
                                        which=", ".join(f"{c} {n}" for _, c, n in same)))
        row = same[0][:2] if same else None
    if row is None:
        raise ComparisonRefused(unknown_geo(con, text))
    return geo_of(con, *row)


def geo_of(con: duckdb.DuckDBPyConnection, level: str, code: str) -> Geo:
    name, name_en = fetch_one(con, "SELECT geo_name, geo_name_en FROM marts.geo "
                                   "WHERE geo_level = ? AND geo_code = ?", [level, code])
    articles = fetch_one(con, "SELECT article_es, article_en FROM core.geo_state "
                              "WHERE state_code = ?", [code]) if level == "state" else None
    return Geo(level, code, name, name_en, *(articles or ("", "")))


def _by_name(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Normalized name, short name, English name or alias -> (level, code)."""
    return {normalize_name(n): (lvl, c) for lvl, c, n in con.execute(
        "SELECT geo_level, geo_code, geo_name FROM marts.geo "
        "WHERE geo_level IN ('national', 'state', 'group') UNION ALL "
        "SELECT geo_level, geo_code, geo_name_en FROM marts.geo "
        "WHERE geo_level IN ('state', 'group') UNION ALL "
        "SELECT 'state', state_code, variant FROM core.geo_state_name_variant UNION ALL "
        "SELECT 'state', state_code, short_name FROM core.geo_state").fetchall()
        if normalize_name(n) not in AMBIGUOUS}


def unknown_geo(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The refusal of a place nobody knows, with the nearest one (difflib) when there is one."""
    from seguridad.usage import nearest

    groups = [g for (g,) in con.execute(
        "SELECT geo_code FROM marts.geo WHERE geo_level = 'group' ORDER BY 1").fetchall()]
    message = say("geo.unknown", text=text)
    names = {n: name for n, name in (
        (normalize_name(x), x) for (x,) in con.execute(
            "SELECT geo_name FROM marts.geo WHERE geo_level <> 'municipality' UNION ALL "
            "SELECT geo_code FROM marts.geo WHERE geo_level = 'group' UNION ALL "
            "SELECT variant FROM core.geo_state_name_variant UNION ALL "
            "SELECT split_part(geo_name, ',', 1) FROM marts.geo "
            "WHERE geo_level = 'municipality'").fetchall())
        if n not in AMBIGUOUS}
    guess = nearest(normalize_name(text), names, cutoff=0.75)
    if guess:
        message += "; " + say("usage.did_you_mean", guess=repr(names[guess]))
    return message + " " + say("geo.known", groups=", ".join(groups))
