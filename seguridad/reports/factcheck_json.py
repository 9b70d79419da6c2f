"""A fact check as JSON, the contract scripts rely on: the statement, when and against which
warehouse it was checked, and every claim with its stated figure, its verdict, the candidate
definitions and the files behind them (sha256, publication cut)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from seguridad.analysis.windows import Window
from seguridad.factcheck.engine import ClaimCheck, FactCheck, SpendingDefinition
from seguridad.factcheck.levels import Reading
from seguridad.reports.factcheck_words import verdict_sentence


def definition_dict(check: ClaimCheck, d) -> dict:
    if isinstance(d, SpendingDefinition):
        return {"program": check.claim.program, "stage": d.stage,
                "years": f"{d.years[0]}:{d.years[1]}", "amount_pesos": float(d.amount_pesos),
                "by_year": [{"fiscal_year": y, "amount_pesos": float(a)} for y, a in d.by_year],
                "ends_by_said_on": d.ends_by_said_on, "reproduces": d.reproduces,
                "file_sha256s": d.files}
    where = {"indicators": check.claim.indicators,
             "geo": check.geo.code if check.geo else None,
             "geo_level": check.geo.level if check.geo else None,
             "geo_name": check.geo.name if check.geo else None}
    if isinstance(d, Reading):
        return {**where, "family": d.family, "measure": d.measure, "per": d.per,
                "series": d.series, "current": _window(d.current),
                "cut": f"{d.cut:%Y-%m}" if d.cut else None, "cut_of_the_day": d.cut_of_the_day,
                "value": round(d.value, 4), "count": d.count, "periods": [
                    {"window": p["window"], "value": round(p["value"], 4)} for p in d.periods],
                "since_period": d.since_period and {
                    "window": d.since_period["window"],
                    "value": round(d.since_period["value"], 4)},
                "published_by_said_on": d.published_by_said_on,
                "has_missing_cells": d.has_missing_cells, "reproduces": d.reproduces,
                "file_sha256s": d.files}
    rounded = d.is_rate or d.per is not None
    return {
        **where,
        "family": d.family, "measure": d.measure, "population_vintage": d.population_vintage,
        "series": d.series, "baseline_series": d.baseline_series or d.series,
        "current": _window(d.current), "baseline": _window(d.baseline),
        "cut": f"{d.cut:%Y-%m}" if d.cut else None,
        "cut_of_the_day": d.cut_of_the_day,
        "current_value": round(d.current_value, 4) if rounded else d.current_value,
        "baseline_value": round(d.baseline_value, 4) if rounded else d.baseline_value,
        "current_count": d.current_count, "baseline_count": d.baseline_count,
        "monthly_average": d.per == "month", "per": d.per,
        "current_days": d.current_days, "baseline_days": d.baseline_days,
        "pct_change": None if d.pct_change is None else round(d.pct_change, 2),
        "difference": None if d.difference is None else round(d.difference, 4),
        "named": d.named, "in_unit": d.in_unit,
        "published_by_said_on": d.published_by_said_on,
        "has_missing_cells": d.has_missing_cells, "reproduces": d.reproduces,
        "file_sha256s": d.files,
    }


def _window(w: Window) -> str:
    return f"{w.start:%Y-%m}:{w.end:%Y-%m}"


def _source(s: dict) -> dict:
    return {"file": s["file"], "sha256": s["sha256"], "series": s["series"],
            "cut_date": f"{s['cut_date']:%Y-%m}" if s["cut_date"] else None}


def stated_dict(check: ClaimCheck) -> dict:
    c = check.claim
    field = {"change": "change_pct", "spending": "amount_pesos", "difference": "difference",
             "level": "value"}.get(c.kind)
    out = {"bound": c.bound, "text": check.stated_text}
    if field:
        out[field] = getattr(c, field)
    if c.kind == "record":
        out.update(record=c.record, since=c.since, compare=c.compare_with)
    for name in ("per", "family", "current", "baseline", "measure"):
        if getattr(c, name, None) is not None:
            out[name] = getattr(c, name)
    return out


def claim_dict(check: ClaimCheck, lang: str) -> dict:
    c = check.claim
    rng = check.range
    j = check.judgement
    return {
        "id": c.id, "kind": c.kind, "text": c.text, "verdict": check.verdict,
        "verdict_text": verdict_sentence(check, lang),
        "stated": stated_dict(check),
        "best": definition_dict(check, check.best) if check.best else None,
        "matches": [definition_dict(check, d) for d in check.matches],
        "range": {"min": None if rng["min"] is None else round(rng["min"], 2),
                  "max": None if rng["max"] is None else round(rng["max"], 2),
                  "candidates": rng["candidates"]},
        "judgement": j.as_dict() if j else None,
        "wording": definition_dict(check, check.wording) if check.wording else None,
        "closest": definition_dict(check, check.closest) if check.closest else None,
        "record": check.record,
        "caveats": check.caveats,
        "reason": check.reason,
        "candidates": [definition_dict(check, d) for d in check.candidates],
        "members": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in m.items()}
                    for m in check.members],
        "sources": [_source(s) for s in check.sources],
    }


def to_dict(fc: FactCheck) -> dict:
    st = fc.loaded.statement
    return {
        "statement": {
            "title": st.title, "speaker": st.speaker, "said_on": st.said_on.isoformat(),
            "baseline_year": st.baseline_year,
            "administration_start": st.administration_start
            or f"{st.baseline_year + 1}-01",
            "source": st.source, "claims_file": fc.loaded.label,
        },
        "checked_on": date.today().isoformat(),
        "as_of": fc.as_of.isoformat() if fc.as_of else None,
        "warehouse_built_at": fc.built_at,
        "verdict_rules": fc.rules.as_dict() if fc.rules else None,
        "claims": [claim_dict(c, fc.lang) for c in fc.checks],
    }


def _json_default(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    raise TypeError(type(v))


def render_json(fc: FactCheck) -> str:
    return json.dumps(to_dict(fc), ensure_ascii=False, indent=2,
                      default=_json_default) + "\n"
