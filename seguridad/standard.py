"""The standard comparisons, computed at every build by the comparison engine and kept in
marts.standard_changes: for each crime series, at its last published month, the month
against the one before (mom) and the same month a year before (yoy), year to date (ytd) and
the last 12 months against the 12 before (r12), for every indicator, nationally, by state
and by group. The nightly report and the Prefect artifacts are drawn from this table."""

from __future__ import annotations

import duckdb

from seguridad.compare import preset_windows
from seguridad.warehouse import fetch_dicts

PRESETS = ("mom", "yoy", "ytd", "r12")

DDL = """
CREATE OR REPLACE TABLE marts.standard_changes (
    preset VARCHAR, series VARCHAR, indicator VARCHAR, geo_level VARCHAR, geo_code VARCHAR,
    geo_name VARCHAR, current_start DATE, current_end DATE, baseline_start DATE,
    baseline_end DATE, current_value BIGINT, baseline_value BIGINT, abs_change BIGINT,
    pct_change DOUBLE, contribution_pp DOUBLE, current_rate DOUBLE, baseline_rate DOUBLE,
    rate_pct_change DOUBLE, population_vintage VARCHAR, has_missing_cells BOOLEAN,
    cut_date DATE, file_sha256s VARCHAR[]
)"""

COMMENTS = {
    "": "Standard comparisons (mom, yoy, ytd, r12) at the last published month of each crime "
        "series, for every indicator, nationally, by state and by group, computed with "
        "marts.compare_windows at build time. Only windows fully published are listed.",
    "preset": "mom: month vs month before; yoy: month vs same month a year before; ytd: "
              "January to the last month vs the same months a year before; r12: last 12 "
              "months vs the 12 before.",
    "contribution_pp": "For states: the state's change as percentage points of the national "
                       "change (state rows add up to the national pct_change).",
    "rate_pct_change": "Percent change of the annualised rate per 100,000.",
    "file_sha256s": "sha256 of the raw files behind both windows.",
}


def build(con: duckdb.DuckDBPyConnection, vintage: str) -> int:
    con.execute(DDL)
    series_last = con.execute("SELECT series, last_month FROM marts.series_coverage").fetchall()
    for series, last in series_last:
        for preset in PRESETS:
            current, baseline = preset_windows(preset, last)
            con.execute("""
                INSERT INTO marts.standard_changes
                SELECT ?, current_series, indicator, geo_level, geo_code, geo_name,
                       ?, ?, ?, ?, current_value, baseline_value, abs_change, pct_change,
                       NULL, current_rate, baseline_rate, rate_pct_change, ?,
                       has_missing_cells, cut_date, file_sha256s
                FROM marts.compare_windows(NULL, ?, ?, ?, ?, ?, ?, p_vintage := ?)
                WHERE geo_level IN ('national', 'state', 'group')
                  AND current_months_published = current_months_expected
                  AND baseline_months_published = baseline_months_expected""",
                        [preset, current.start, current.end, baseline.start, baseline.end,
                         vintage, series, current.start, current.end, series, baseline.start,
                         baseline.end, vintage])
    # Each state's share of the national change, in percentage points.
    con.execute("""
        UPDATE marts.standard_changes AS s
        SET contribution_pp = s.abs_change * 100.0 / n.baseline_value
        FROM marts.standard_changes AS n
        WHERE s.geo_level = 'state' AND n.geo_level = 'national' AND n.preset = s.preset
          AND n.series = s.series AND n.indicator = s.indicator AND n.baseline_value > 0""")
    for column, text in COMMENTS.items():
        target = "TABLE marts.standard_changes" if not column else \
            f"COLUMN marts.standard_changes.{column}"
        con.execute(f"COMMENT ON {target} IS '{text.replace(chr(39), chr(39) * 2)}'")
    return fetch_dicts(con, "SELECT count(*) AS n FROM marts.standard_changes")[0]["n"]


TITLES = {
    "r12": {"es": "Últimos 12 meses contra los 12 anteriores",
            "en": "Last 12 months against the 12 before"},
    "ytd": {"es": "Año a la fecha contra los mismos meses del año anterior",
            "en": "Year to date against the same months a year before"},
    "yoy": {"es": "El último mes contra el mismo mes del año anterior",
            "en": "The last month against the same month a year before"},
    "mom": {"es": "El último mes contra el mes anterior",
            "en": "The last month against the month before"},
}


def report_series(con: duckdb.DuckDBPyConnection) -> str | None:
    """The newest series with a 12-month comparison."""
    rows = con.execute("""
        SELECT s.series FROM marts.standard_changes AS s JOIN core.series AS c USING (series)
        WHERE s.preset = 'r12' ORDER BY c.rank DESC LIMIT 1""").fetchall()
    return rows[0][0] if rows else None


def _fmt(v, digits: int = 0) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}" if digits else f"{v:,}"


def _pct(v) -> str:
    return "n/a" if v is None else f"{v:+.1f}%"


def _cuts(rows: list[dict]) -> str:
    """The publication cut behind the national figures, and any other cut behind some rows
    (a group of municipalities comes from the municipal files)."""
    national = max(r["cut_date"] for r in rows if r["geo_level"] == "national")
    others: dict = {}
    for r in rows:
        if r["cut_date"] != national:
            others.setdefault(r["cut_date"], set()).add(r["geo_name"])
    return f"{national:%Y-%m}" + "".join(f" ({', '.join(sorted(names))}: {cut:%Y-%m})"
                                         for cut, names in sorted(others.items()))


def _by_state(rows: list[dict], label: str, lang: str) -> list[str]:
    """One line per state, one column per indicator: the percent change."""
    states = [r for r in rows if r["geo_level"] == "state"]
    if not states:
        return []
    from seguridad.compare import LOW_COUNT

    indicators = list(dict.fromkeys(r[label] for r in states))
    change = {(r["geo_name"], r[label]): _pct(r["pct_change"]) + (
        "†" if min(r["current_value"] or 0, r["baseline_value"] or 0) < LOW_COUNT else "")
        for r in states}
    out = ["", f"{'Por entidad, cambio %' if lang == 'es' else 'By state, % change'}:", "",
           f"| {'Entidad' if lang == 'es' else 'State'} | " + " | ".join(indicators) + " |",
           "|---|" + "---:|" * len(indicators)]
    for name in dict.fromkeys(r["geo_name"] for r in states):
        out.append(f"| {name} | " + " | ".join(change.get((name, i), "n/a")
                                              for i in indicators) + " |")
    out += ["", f"† menos de {LOW_COUNT} en un periodo: el porcentaje dice poco." if lang == "es"
            else f"† fewer than {LOW_COUNT} in a window: the percentage says little."]
    return out


def write_report_set(con: duckdb.DuckDBPyConnection, out_dir, lang: str = "es") -> dict | None:
    """The nightly report set under out_dir: cambios.md, cambios.csv, and one HTML page per
    indicator (national, last 12 months, by state), plus index.html."""
    import csv

    from seguridad import compare, html
    from seguridad.i18n import t
    from seguridad.report import headline

    series = report_series(con)
    if series is None:
        return None
    rows = fetch_dicts(con, """
        SELECT s.*, i.label_es, i.label_en FROM marts.standard_changes AS s
        JOIN core.indicator AS i USING (indicator)
        WHERE s.series = ? ORDER BY s.preset, s.indicator,
              CASE s.geo_level WHEN 'national' THEN 0 WHEN 'group' THEN 1 ELSE 2 END,
              s.geo_code""", [series])
    shas = sorted({sha for r in rows for sha in r["file_sha256s"]})
    srcs = compare.sources(con, shas)
    out_dir.mkdir(parents=True, exist_ok=True)

    csv_path = out_dir / "cambios.csv"
    columns = [c for c in rows[0] if c not in ("file_sha256s", "label_es", "label_en")]
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*columns, "source_sha256"], lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**{c: r[c] for c in columns},
                             "source_sha256": ";".join(r["file_sha256s"])})

    r12 = [r for r in rows if r["preset"] == "r12" and r["geo_level"] == "national"]
    last = r12[0]["current_end"]
    label = "label_es" if lang == "es" else "label_en"
    md = [f"# {'Cambios en la incidencia delictiva' if lang == 'es' else 'Crime changes'}: "
          f"{series}, {last:%Y-%m}", "",
          f"- {t('series', lang)}: **{series}**; {t('cut', lang).lower()}: "
          + _cuts(rows),
          f"- {t('population', lang)}: {rows[0]['population_vintage']} (CONAPO)"]
    md += [f"- {t('sources', lang)}: `{s['file']}` (sha256 `{s['sha256']}`"
           + (f", {s['cut_date']:%Y-%m})" if s["cut_date"] else ")") for s in srcs]
    newer = con.execute("""
        SELECT DISTINCT s.series, s.preset FROM marts.standard_changes AS s
        JOIN core.series AS c USING (series)
        WHERE c.rank > (SELECT rank FROM core.series WHERE series = ?) ORDER BY ALL""",
                        [series]).fetchall()
    if newer:
        words = "Series más recientes, aún cortas" if lang == "es" else "Newer series, short"
        md.append(f"- {words}: " + ", ".join(f"{s} ({p})" for s, p in newer)
                  + " (marts.standard_changes)")
    pages = []
    for preset in ("r12", "ytd", "yoy", "mom"):
        chosen = [r for r in rows if r["preset"] == preset]
        if not chosen:
            continue
        first = chosen[0]
        md += ["", f"## {TITLES[preset][lang]}: {first['current_start']:%Y-%m}.."
                   f"{first['current_end']:%Y-%m} / {first['baseline_start']:%Y-%m}.."
                   f"{first['baseline_end']:%Y-%m}", "",
               f"| {t('indicator', lang)} | {t('geography', lang)} | {t('baseline', lang)} | "
               f"{t('current', lang)} | {t('change_pct', lang)} | tasa / rate |",
               "|---|---|---:|---:|---:|---:|"]
        for r in chosen:
            if r["geo_level"] == "state":
                continue
            md.append(f"| {r[label]} | {r['geo_name']} | {_fmt(r['baseline_value'])} | "
                      f"{_fmt(r['current_value'])} | {_pct(r['pct_change'])} | "
                      f"{_fmt(r['baseline_rate'], 1)} → {_fmt(r['current_rate'], 1)} |")
        md += _by_state(chosen, label, lang)
    md += spending_section(con, lang)
    every_row = ("Todas las filas, con conteos y tasas" if lang == "es"
                 else "All rows, with counts and rates")
    md += ["", f"{every_row}: `{csv_path.name}`."]
    for r in r12:
        window_cur = compare.Window(r["current_start"], r["current_end"])
        window_base = compare.Window(r["baseline_start"], r["baseline_end"])
        c = compare.compare(con, indicator=r["indicator"], geo="national", current=window_cur,
                            baseline=window_base, series=series, lang=lang, by="state")
        page = out_dir / f"{r['indicator']}.html"
        page.write_text(html.render_html(con, c), encoding="utf-8")
        pages.append((r[label], page.name, c))
    index = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>seguridad</title>"
             f"<style>{html.STYLE}</style></head><body>",
             f"<h1>{html._e(md[0].lstrip('# '))}</h1><ul>"]
    index += [f"<li><a href='{name}'>{html._e(text)}</a>: {html._e(headline(c))}</li>"
              for text, name, c in pages]
    index.append("</ul></body></html>\n")
    (out_dir / "index.html").write_text("".join(index), encoding="utf-8")
    md_text = "\n".join(md) + "\n"
    (out_dir / "cambios.md").write_text(md_text, encoding="utf-8")
    national = [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in r.items() if k not in ("file_sha256s", "label_en", "label_es")}
                for r in rows if r["geo_level"] == "national"]
    return {"markdown": out_dir / "cambios.md", "csv": csv_path, "text": md_text,
            "series": series, "rows": len(rows), "pages": [p for _, p, _ in pages],
            "national": national}


def spending_section(con: duckdb.DuckDBPyConnection, lang: str) -> list[str]:
    """The money next to crime: the public-security fund's last year, and each prevention
    program in a sentence, with how crime moved where it spent."""
    from seguridad import spending

    lines: list[str] = []
    fasp = fetch_dicts(con, """
        SELECT fiscal_year, amount_mxn, per_capita_mxn, data_warning FROM marts.spending_yearly
        WHERE program = 'fasp' AND geo_level = 'national' AND amount_mxn > 0
        ORDER BY fiscal_year DESC LIMIT 1""")
    programs = [p for (p,) in con.execute(
        "SELECT DISTINCT program FROM core.program_spending ORDER BY 1").fetchall()]
    if not fasp and not programs:
        return lines
    lines += ["", "## " + ("Gasto en seguridad y prevención" if lang == "es"
                           else "Security and prevention spending"), ""]
    if fasp:
        f = fasp[0]
        lines.append(
            f"- FASP {f['fiscal_year']}: {float(f['amount_mxn']) / 1e6:,.1f} millones de pesos "
             f"({f['per_capita_mxn']:,.2f} por habitante)." if lang == "es" else
             f"- FASP {f['fiscal_year']}: {float(f['amount_mxn']) / 1e6:,.1f} million pesos "
             f"({f['per_capita_mxn']:,.2f} per inhabitant).")
    reports = [spending.build(con, program, lang=lang) for program in programs]
    for r in reports:
        lines += [f"- {s}" for s in spending.sentences(r)]
    if fasp:
        reports.append(spending.build(con, "fasp", lang=lang))
    provenance = dict.fromkeys(line for r in reports for line in spending.provenance(r))
    lines += [""] + [f"- {line}" for line in provenance]
    return lines
