"""`seguridad indicadores` and `seguridad lugares`: what `--indicator` and `--geo` accept, read
from the published warehouse (its reference tables, built from schemas/reference/), and the
nearest right word when one is misspelt."""

from __future__ import annotations

import json

import duckdb

from schemas.names import normalize_name
from seguridad.analysis.geography import AMBIGUOUS
from seguridad.i18n import has, say
from seguridad.usage import nearest


def indicators(con: duckdb.DuckDBPyConnection, lang: str) -> list[dict]:
    """Every indicator: its key (what --indicator takes), its name, its unit, and the
    catalogues (series) whose crime rows the crosswalk maps to it."""
    return [{"indicator": key, "label": name, "unit": unit, "series": list(series or [])}
            for key, name, unit, series in con.execute("""
                SELECT i.indicator, CASE WHEN ? = 'en' THEN i.label_en ELSE i.label_es END,
                       i.unit,
                       list(DISTINCT m.series ORDER BY m.series)
                           FILTER (WHERE m.series IS NOT NULL)
                FROM core.indicator AS i
                LEFT JOIN core.crime_indicator_map AS m USING (indicator)
                GROUP BY ALL ORDER BY i.indicator""", [lang]).fetchall()]


LEVELS = ("national", "state", "group", "municipality")


def places(con: duckdb.DuckDBPyConnection, lang: str, level: str | None = None,
           search: str | None = None) -> list[dict]:
    """The places --geo takes: the nation, the states (with the other names they answer to),
    the groups (with their members) and, when asked for by level or by a search word, the
    municipalities."""
    rows = con.execute("""
        SELECT g.geo_level, g.geo_code,
               CASE WHEN ? = 'en' THEN g.geo_name_en ELSE g.geo_name END,
               CASE WHEN g.geo_level = 'state' THEN [g.short_name] || (
                   SELECT list(v.variant ORDER BY v.variant)
                   FROM core.geo_state_name_variant AS v WHERE v.state_code = g.geo_code)
               END,
               CASE WHEN g.geo_level = 'group' THEN g.member_count END
        FROM marts.geo AS g
        ORDER BY list_position(?, g.geo_level), g.geo_code""", [lang, list(LEVELS)]).fetchall()
    wanted = normalize_name(search) if search else None
    out = []
    for lvl, code, label, variants, members in rows:
        if level and lvl != level:
            continue
        if lvl == "municipality" and not level and not wanted:
            continue
        names = [label.split(",")[0] if lvl == "municipality" else label, *(variants or [])]
        if wanted and not any(wanted in normalize_name(n) for n in names) and \
                wanted != normalize_name(code):
            continue
        seen = {normalize_name(label), *AMBIGUOUS}  # 'México' alone is refused: not listed
        aliases = []
        for v in variants or []:
            if normalize_name(v) not in seen:
                seen.add(normalize_name(v))
                aliases.append(v)
        out.append({"level": lvl, "code": code, "name": label, "aliases": aliases,
                    "members": members})
    return out


def render_indicators(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    table = [(r["indicator"], r["label"],
              say(f"unit.{r['unit']}") if has(f"unit.{r['unit']}") else r["unit"] or "",
              ", ".join(r["series"])) for r in rows]
    head = (say("list.key"), say("list.name"), say("list.unit"), say("list.series"))
    return (say("list.indicators_title") + "\n\n" + _table([head, *table])
            + "\n" + say("list.indicators_use") + "\n")


def render_places(rows: list[dict], fmt: str, municipalities: int = 0) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = [say("list.places_title"), ""]
    for level in LEVELS:
        these = [r for r in rows if r["level"] == level]
        if not these:
            continue
        out.append(say(f"list.level_{level}"))
        table = []
        for r in these:
            also = ", ".join(r["aliases"])
            if r["members"]:
                also = say("list.members", n=r["members"])
            table.append((r["code"], r["name"], also))
        out.append(_table([(say("list.geo"), say("list.name"), say("list.also")), *table]))
    if not any(r["level"] == "municipality" for r in rows):
        out.append(say("list.municipalities_hint", n=f"{municipalities:,}"))
    return "\n".join(out) + "\n"


def municipality_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM marts.geo WHERE geo_level = 'municipality'"
                       ).fetchone()[0]


def _table(rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))
                     .rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def unknown_indicator(con: duckdb.DuckDBPyConnection, indicator: str,
                      lang: str | None = None) -> str:
    """The refusal of an indicator key nobody knows, with the nearest key or name."""
    known = {k: k for (k,) in con.execute(
        "SELECT indicator FROM core.indicator ORDER BY 1").fetchall()}
    for key, es, en in con.execute(
            "SELECT indicator, label_es, label_en FROM core.indicator").fetchall():
        known[normalize_name(es).lower()] = key
        known[normalize_name(en).lower()] = key
    text = say("list.unknown_indicator", lang, indicator=indicator)
    guess = nearest(normalize_name(indicator).lower().replace(" ", "_"), known,
                    cutoff=0.6) or nearest(normalize_name(indicator).lower(), known, 0.6)
    if guess:
        text += "; " + say("usage.did_you_mean", lang, guess=known[guess])
    return text + " " + say("list.known_indicators", lang,
                            known=", ".join(sorted(set(known.values()))))
