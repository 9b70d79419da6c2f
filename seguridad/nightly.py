"""The nightly report set, written from the published warehouse after each refresh: the
standard change report (cambios.md, cambios.csv, one HTML page per indicator), the fact
checks of every claims file under claims/, and index.html, the page people open first."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from seguridad import (
    __version__,
    claims,
    compare,
    factcheck,
    factcheck_report,
    html,
    provenance,
    spending,
    windows,
)
from seguridad.compare import LOW_COUNT
from seguridad.db import fetch_dicts
from seguridad.errors import SeguridadError
from seguridad.factcheck import cut_words, series_words
from seguridad.factcheck_report import (
    BADGE_STYLE,
    VERDICT_WORDS,
    _best_figure,
    badge,
    said_text,
    who_and_when,
)
from seguridad.i18n import t
from seguridad.provenance import sources
from seguridad.report import headline, source_line
from seguridad.windows import PRESET_TABLE, STANDARD_PRESETS

TITLES = {p.key: p.titles for p in PRESET_TABLE}  # the one definition: windows.PRESET_TABLE


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
    srcs = provenance.sources(con, shas)
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
    md += [f"- {line}" for line in closed_series_lines(con, lang)]
    if newer:
        words = "Series más recientes, aún cortas" if lang == "es" else "Newer series, short"
        md.append(f"- {words}: " + ", ".join(f"{s} ({p})" for s, p in newer)
                  + " (marts.standard_changes)")
    pages = []
    for preset in reversed(STANDARD_PRESETS):  # the longest windows first
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
        window_cur = windows.Window(r["current_start"], r["current_end"])
        window_base = windows.Window(r["baseline_start"], r["baseline_end"])
        c = compare.compare(con, indicator=r["indicator"], geo="national", current=window_cur,
                            baseline=window_base, series=series, lang=lang, by="state")
        page = out_dir / f"{r['indicator']}.html"
        page.write_text(html.render_html(con, c), encoding="utf-8")
        pages.append((r[label], page.name, c))
    md_text = "\n".join(md) + "\n"
    (out_dir / "cambios.md").write_text(md_text, encoding="utf-8")
    national = [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in r.items() if k not in ("file_sha256s", "label_en", "label_es")}
                for r in rows if r["geo_level"] == "national"]
    return {"markdown": out_dir / "cambios.md", "csv": csv_path, "text": md_text,
            "series": series, "rows": len(rows), "pages": [p for _, p, _ in pages],
            "comparisons": pages, "cut": max(r["cut_date"] for r in rows
                                             if r["geo_level"] == "national"),
            "national": national}


def spending_section(con: duckdb.DuckDBPyConnection, lang: str) -> list[str]:
    """The money next to crime: the public-security fund's last year, and each prevention
    program in a sentence, with how crime moved where it spent."""

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


# --- fact checks of the claims files -----------------------------------------------------

def check_all_claims(con: duckdb.DuckDBPyConnection, out_dir: Path, claims_dir: Path | None,
                     lang: str = "es") -> list[dict]:
    """Re-check every claims file under claims_dir against tonight's warehouse; write
    claims/<name>.{json,md,html} and say which verdicts changed since the last report set that
    checked the same file. A bad claims file is reported, never stops the night."""

    files = sorted(claims_dir.glob("*.toml")) if claims_dir and claims_dir.is_dir() else []
    if not files:
        return []
    folder = out_dir / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in files:
        entry: dict = {"name": path.stem, "file": str(path), "error": None, "changes": []}
        try:
            loaded = claims.load(path, path.name)
            fc = factcheck.check_file(con, loaded, lang)
        except SeguridadError as e:
            entry["error"] = str(e)
            out.append(entry)
            continue
        data = factcheck_report.to_dict(fc)
        (folder / f"{path.stem}.json").write_text(factcheck_report.render_json(fc),
                                                  encoding="utf-8")
        (folder / f"{path.stem}.md").write_text(factcheck_report.render_md(fc),
                                                encoding="utf-8")
        (folder / f"{path.stem}.html").write_text(factcheck_report.render_html(fc),
                                                  encoding="utf-8")
        previous, when = previous_verdicts(out_dir, path.stem)
        for claim in data["claims"]:
            before = previous.get(claim["id"])
            if before is not None and before != claim["verdict"]:
                entry["changes"].append({"id": claim["id"], "before": before,
                                         "after": claim["verdict"], "since": when})
        entry.update(factcheck=fc, data=data)
        out.append(entry)
    return out


def previous_verdicts(out_dir: Path, name: str) -> tuple[dict[str, str], str | None]:
    """Verdicts of the newest earlier report set that checked this claims file."""
    parent = out_dir.parent
    if not parent.is_dir():
        return {}, None
    for folder in sorted((p for p in parent.iterdir() if p.is_dir() and p.name < out_dir.name),
                         reverse=True):
        path = folder / "claims" / f"{name}.json"
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                return {c["id"]: c["verdict"] for c in data["claims"]}, folder.name
            except (ValueError, KeyError, TypeError):
                continue  # a damaged earlier report never stops tonight's
    return {}, None


def claims_markdown(entries: list[dict], lang: str) -> list[str]:

    if not entries:
        return []
    es = lang == "es"
    lines = ["", "## " + ("Verificación de declaraciones" if es else "Fact checks"), ""]
    for e in entries:
        if e["error"]:
            lines.append(f"- `{e['file']}`: {e['error']}")
            continue
        st = e["factcheck"].loaded.statement
        lines.append(f"- **{st.title}** ({who_and_when(st)}): "
                     f"`claims/{e['name']}.md`")
        for c in e["factcheck"].checks:
            lines.append(f"  - {c.claim.id} ({said_text(c, lang)}): "
                         f"{VERDICT_WORDS[c.verdict]['es' if es else 'en']}")
        for ch in e["changes"]:
            lines.append(f"  - **{'Cambió' if es else 'Changed'}**: {ch['id']} "
                         f"{ch['before']} → {ch['after']} "
                         f"({'desde' if es else 'since'} {ch['since']})")
    return lines


# --- index.html ---------------------------------------------------------------------------

def write_index(con: duckdb.DuckDBPyConnection, out_dir: Path, report: dict | None,
                entries: list[dict], lang: str = "es") -> Path:
    """The page people open: one small chart per indicator with its sentence, the fact checks
    with their verdicts, and the methodology and cut in words."""

    es = lang == "es"
    words = series_words(con, lang)
    body = []
    if report:
        title = (f"Incidencia delictiva: {cut_words(report['cut'], lang)}" if es else
                 f"Crime in Mexico: {cut_words(report['cut'], lang)}")
        population = report["national"][0]["population_vintage"] if report["national"] else ""
        body += [f"<h1>{html._e(title)}</h1>",
                 "<p>" + html._e(
                     (f"Cifras de la {words.get(report['series'], '')}, "
                      f"{cut_words(report['cut'], lang)}; tasas con la población de "
                      f"{_vintage_words(population, lang)}. Últimos 12 meses contra los 12 "
                      "anteriores, a nivel nacional.") if es else
                     (f"Figures of {words.get(report['series'], '')}, "
                      f"{cut_words(report['cut'], lang)}; rates with "
                      f"{_vintage_words(population, lang)}. The last 12 months against the 12 "
                      "before, nationally.")) + "</p>",
                 *[f"<p class='note'>{html._e(line)}</p>"
                   for line in closed_series_lines(con, lang)],
                 "<div class='cards'>"]
        for label, page, c in report["comparisons"]:
            chart = html.line_chart(html.monthly_points(con, c), c, width=440, height=150,
                                   window_labels=False)
            body.append(f"<div class='card'><h3><a href='{html._e(page)}'>{html._e(label)}</a>"
                        f"</h3>{chart}<p>{html._e(headline(c))}</p></div>")
        body.append("</div>")
    else:
        body.append("<h1>seguridad</h1><p>" + html._e(
            "Aún no hay series con 12 meses publicados." if es else
            "No series has 12 published months yet.") + "</p>")
    if entries:
        body.append("<h2>" + html._e("Verificación de declaraciones" if es else "Fact checks")
                    + "</h2>")
        for e in entries:
            if e["error"]:
                body.append(f"<p class='flag'>{html._e(e['file'])}: {html._e(e['error'])}</p>")
                continue
            fc = e["factcheck"]
            st = fc.loaded.statement
            body.append(f"<h3><a href='claims/{html._e(e['name'])}.html'>{html._e(st.title)}"
                        f"</a></h3><p class='note'>{html._e(who_and_when(st))}</p>")
            changed = {ch["id"]: ch for ch in e["changes"]}
            rows = []
            for c in fc.checks:
                ch = changed.get(c.claim.id)
                note = ""
                if ch:
                    note = (f" <strong>{'cambió' if es else 'changed'}</strong> "
                            f"({'antes' if es else 'was'} {html._e(ch['before'])}, "
                            f"{html._e(ch['since'])})")
                rows.append(f"<tr><td class=name>{html._e(c.claim.text)}</td>"
                            f"<td>{html._e(said_text(c, lang))}</td>"
                            f"<td class=name>{badge(c.verdict, lang)}{note}</td>"
                            f"<td>{html._e(_best_figure(c, lang))}</td></tr>")
            head = (("Afirmación", "Dijo", "Veredicto", "Los datos") if es else
                    ("Claim", "Said", "Verdict", "The data"))
            body.append("<table><thead><tr>" + "".join(
                f"<th class=name>{html._e(h)}</th>" for h in head) + "</tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")
    if report:
        shas = sorted({s for _, _, c in report["comparisons"] for s in
                       [x["sha256"] for x in c.sources]})
        body.append("<h2>" + html._e("Fuentes" if es else "Sources") + "</h2><ul class='prov'>"
                    + "".join(f"<li>{html._e(source_line(s))}</li>"
                              for s in sources(con, shas)) + "</ul>")
    body.append("<p class='prov'>" + html._e(
        (f"Generado por seguridad {__version__} el {date.today()}. Todas las filas: "
         "cambios.csv; el informe completo: cambios.md.") if es else
        (f"Generated by seguridad {__version__} on {date.today()}. Every row: cambios.csv; "
         "the full report: cambios.md.")) + "</p>")
    style = html.STYLE + BADGE_STYLE + """
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr));
         gap: 1rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .8rem; }
.card h3 { margin: .3rem 0; font-size: 1rem; }
.card p { font-size: .88rem; margin: .3rem 0; }
"""
    page = (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>seguridad</title><style>{style}</style></head><body>"
            + "".join(body) + "</body></html>\n")
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def closed_series_lines(con: duckdb.DuckDBPyConnection, lang: str) -> list[str]:
    """One sentence per closed crime series whose last cut is loaded (core.series_status,
    schemas/reference/series.csv closed_cut): complete, not stale, and what replaced it."""
    words = series_words(con, lang)
    lines = []
    for series, cut, following in con.execute("""
            SELECT s.series, s.closed_cut,
                   (SELECT n.series FROM core.series AS n WHERE n.rank = c.rank + 1)
            FROM core.series_status AS s JOIN core.series AS c USING (series)
            WHERE s.state = 'complete' AND s.dataset = 'crime_state'
            ORDER BY c.rank""").fetchall():
        after = (t("series_closed_after", lang, next=words.get(following, following))
                 if following else "")
        lines.append(t("series_closed", lang, series=words.get(series, series),
                       cut=cut_words(cut, lang), after=after))
    return lines


def _vintage_words(vintage: str | None, lang: str) -> str:
    if not vintage:
        return "CONAPO"
    year = vintage.rsplit("_", 1)[-1]
    return (f"las proyecciones de CONAPO {year}" if lang == "es" else
            f"CONAPO's {year} projections")


def write_all(con: duckdb.DuckDBPyConnection, out_dir: Path, claims_dir: Path | None,
              lang: str = "es") -> dict | None:
    """Everything the nightly refresh writes under warehouse/reports/<date>/."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = write_report_set(con, out_dir, lang)
    entries = check_all_claims(con, out_dir, claims_dir, lang)
    write_index(con, out_dir, report, entries, lang)
    if report is not None and entries:
        extra = "\n".join(claims_markdown(entries, lang)) + "\n"
        with open(report["markdown"], "a", encoding="utf-8") as f:
            f.write(extra)
        report["text"] += extra
    if report is not None:
        report["claims"] = [{"name": e["name"], "error": e["error"], "changes": e["changes"],
                             "verdicts": {c["id"]: c["verdict"]
                                          for c in e.get("data", {}).get("claims", [])}}
                            for e in entries]
        report.pop("comparisons", None)
    return report
