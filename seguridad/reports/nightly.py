"""The nightly report set, written from the published warehouse after each refresh: the
standard change report (cambios.md, cambios.csv, one HTML page per indicator), the fact
checks of every claims file under claims/ (seguridad/reports/nightly_claims.py), the rankings
by rate (nightly_rankings.py), and index.html, the page people open first (frontpage.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from seguridad.analysis import compare, provenance, windows
from seguridad.analysis.windows import PRESET_TABLE, STANDARD_PRESETS
from seguridad.db import fetch_dicts
from seguridad.factcheck.engine import cut_words
from seguridad.i18n import t, vintage_words
from seguridad.reports import frontpage, html, maps, pages, ranking, spending, spending_text
from seguridad.reports.frontpage import closed_series_lines
from seguridad.reports.layout import escape
from seguridad.reports.nightly_claims import check_all_claims, claims_markdown
from seguridad.reports.nightly_rankings import municipal_rankings, write_rankings
from seguridad.reports.text import source_line
from seguridad.warehouse import datapackage

TITLES = {p.key: p.titles for p in PRESET_TABLE}  # the one definition: windows.PRESET_TABLE


def report_series(con: duckdb.DuckDBPyConnection) -> str | None:
    """The newest series with a 12-month comparison."""
    rows = con.execute("""
        SELECT s.series FROM marts.standard_changes AS s JOIN core.series AS c USING (series)
        WHERE s.preset = 'r12' ORDER BY c.rank DESC LIMIT 1""").fetchall()
    return rows[0][0] if rows else None


def current_series(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The series still current, newest first: those whose last month no newer series
    publishes (the 2015 methodology ends where the 2026 catalogue begins; the old one of
    1997-2017 is covered by the 2015 one)."""
    return [s for (s,) in con.execute("""
        SELECT c.series FROM marts.series_coverage AS c
        WHERE EXISTS (SELECT 1 FROM marts.standard_changes AS s WHERE s.series = c.series)
          AND NOT EXISTS (SELECT 1 FROM marts.series_coverage AS n
                          WHERE n.rank > c.rank AND n.first_month <= c.last_month)
        ORDER BY c.rank DESC""").fetchall()]


def _fmt(v, digits: int = 0, lang: str = "es") -> str:
    if v is None:
        return t("na", lang)
    return f"{v:,.{digits}f}" if digits else f"{v:,}"


def _pct(v, lang: str = "es") -> str:
    return t("na", lang) if v is None else f"{v:+.1f}%"


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


def _by_state(rows: list[dict], label: str, lang: str, low_count: int) -> list[str]:
    """One line per state, one column per indicator: the percent change."""
    states = [r for r in rows if r["geo_level"] == "state"]
    if not states:
        return []

    indicators = list(dict.fromkeys(r[label] for r in states))
    change = {(r["geo_name"], r[label]): _pct(r["pct_change"], lang) + (
        html.LOW_MARK if min(r["current_value"] or 0, r["baseline_value"] or 0) < low_count
        else "") for r in states}
    out = ["", f"{t('by_state_change', lang)}:", "",
           f"| {t('state_word', lang)} | " + " | ".join(indicators) + " |",
           "|---|" + "---:|" * len(indicators)]
    for name in dict.fromkeys(r["geo_name"] for r in states):
        out.append(f"| {name} | " + " | ".join(change.get((name, i), t("na", lang))
                                              for i in indicators) + " |")
    out += ["", t("low_flag_legend", lang, mark=html.LOW_MARK, n=low_count) + "."]
    return out


CSV_COLUMNS = ["preset", "series", "indicator", "geo_level", "geo_code", "geo_name",
               "current_start", "current_end", "baseline_start", "baseline_end",
               "current_value", "baseline_value", "abs_change", "pct_change",
               "contribution_pp", "current_rate", "baseline_rate", "rate_pct_change",
               "population_vintage", "has_missing_cells", "cut_date", "source_sha256"]


def people_rows(con: duckdb.DuckDBPyConnection, rows: list[dict], lang: str) -> list[dict]:
    """The same rows with words where the machine CSV has keys (indicator, series,
    comparison, level, population projection), for the spreadsheet copy."""
    words = compare.series_words(con, lang)
    label = "label_es" if lang == "es" else "label_en"
    return [{**r, "indicator": r[label], "series": words.get(r["series"], r["series"]),
             "preset": TITLES[r["preset"]][lang], "geo_level": t(f"level_{r['geo_level']}", lang),
             "population_vintage": vintage_words(r["population_vintage"], lang)}
            for r in rows]


def write_report_set(con: duckdb.DuckDBPyConnection, out_dir, lang: str = "es") -> dict | None:
    """The nightly report set under out_dir: cambios.md, cambios.csv (with a spreadsheet copy
    and datapackage.json), one HTML page per indicator (national, last 12 months, by state,
    with its map and its ranking by rate), the maps as files, the rankings by rate, and the
    data behind index.html. Every series still current is reported, newest first: the 2026
    catalogue's months as soon as they are published, the 2015 methodology's last 12."""
    import csv

    series_list = current_series(con)
    if not series_list:
        return None
    r12_series = report_series(con)  # None while no series has 12 + 12 months
    series = r12_series or series_list[0]
    rows = fetch_dicts(con, """
        SELECT s.*, i.label_es, i.label_en FROM marts.standard_changes AS s
        JOIN core.indicator AS i USING (indicator) JOIN core.series AS c USING (series)
        WHERE list_contains(?, s.series) ORDER BY c.rank DESC, s.preset, s.indicator,
              CASE s.geo_level WHEN 'national' THEN 0 WHEN 'group' THEN 1 ELSE 2 END,
              s.geo_code""", [series_list])
    low_count = compare.low_count_threshold(con)
    words = compare.series_words(con, lang)
    shas = sorted({sha for r in rows for sha in r["file_sha256s"]})
    srcs = provenance.sources(con, shas)
    out_dir.mkdir(parents=True, exist_ok=True)

    csv_path = out_dir / "cambios.csv"
    records = [{**{c: r[c] for c in CSV_COLUMNS if c != "source_sha256"},
                "source_sha256": ";".join(r["file_sha256s"])} for r in rows]
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    excel_path = out_dir / "cambios-excel.csv"
    people = people_rows(con, rows, lang)
    for p, r in zip(people, records, strict=True):
        p["source_sha256"] = r["source_sha256"]
    datapackage.write_excel_csv(excel_path, CSV_COLUMNS, people, lang)
    resources = [datapackage.resource(csv_path, CSV_COLUMNS, records, name="cambios",
                                      title=t("every_row", lang)),
                 datapackage.resource(excel_path, CSV_COLUMNS, people, name="cambios-excel",
                                      excel=True, lang=lang)]

    label = "label_es" if lang == "es" else "label_en"
    newest = rows[0]["current_end"]
    md = [f"# {t('changes_title', lang)}: "
          f"{t('data_up_to', lang, month=month_words(newest, lang))}",
          "", f"- {t('population', lang)}: {vintage_words(rows[0]['population_vintage'], lang)}"]
    md += [f"- {source_line(s, lang=lang)}" for s in srcs]
    md += [f"- {line}" for line in closed_series_lines(con, lang)]
    for name in series_list:
        chosen_rows = [r for r in rows if r["series"] == name]
        cut = max(r["cut_date"] for r in chosen_rows if r["geo_level"] == "national")
        heading = words.get(name, name)
        md += ["", f"## {heading[:1].upper()}{heading[1:]}: {cut_words(cut, lang)}",
               "", f"- {t('cut', lang)}: {_cuts(chosen_rows)}"]
        for preset in reversed(STANDARD_PRESETS):  # the longest windows first
            chosen = [r for r in chosen_rows if r["preset"] == preset]
            if not chosen:
                continue
            first = chosen[0]
            cur = windows.Window(first["current_start"], first["current_end"])
            base = windows.Window(first["baseline_start"], first["baseline_end"])
            md += ["", f"### {TITLES[preset][lang]}: {cur.describe(lang)} / "
                       f"{base.describe(lang)}", "",
                   f"| {t('indicator', lang)} | {t('geography', lang)} | {t('baseline', lang)} | "
                   f"{t('current', lang)} | {t('change_pct', lang)} | {t('rate_col', lang)} |",
                   "|---|---|---:|---:|---:|---:|"]
            for r in chosen:
                if r["geo_level"] == "state":
                    continue
                md.append(f"| {r[label]} | {r['geo_name']} | "
                          f"{_fmt(r['baseline_value'], 0, lang)} | "
                          f"{_fmt(r['current_value'], 0, lang)} | {_pct(r['pct_change'], lang)} | "
                          f"{_fmt(r['baseline_rate'], 1, lang)} → "
                          f"{_fmt(r['current_rate'], 1, lang)} |")
            md += _by_state(chosen, label, lang, low_count)
    md += spending_section(con, lang)

    written, rankings = [], []
    r12 = [r for r in rows if r["series"] == series and r["preset"] == "r12"
           and r["geo_level"] == "national"]
    (out_dir / "mapas").mkdir(exist_ok=True)
    for r in r12:
        window_cur = windows.Window(r["current_start"], r["current_end"])
        window_base = windows.Window(r["baseline_start"], r["baseline_end"])
        c = compare.compare(con, indicator=r["indicator"], geo="national", current=window_cur,
                            baseline=window_base, series=series, lang=lang, by="state")
        ranked = ranking.build(con, r["indicator"], "state", window_cur, series, lang=lang)
        rankings.append(ranked)
        extra = [f"<h2>{escape(ranking.title(ranked))}</h2>", maps.svg(ranked, titled=False),
                 pages.ranking_html(ranked)]
        page = out_dir / f"{r['indicator']}.html"
        page.write_text(html.render_html(con, c, extra=extra), encoding="utf-8")
        base = out_dir / "mapas" / f"{r['indicator']}_estados"
        maps.write(ranked, base.with_suffix(".svg"), base.with_suffix(".png"))
        written.append((r[label], page.name, c))
    municipal = municipal_rankings(con, lang)
    for ranked in municipal:
        base = out_dir / "mapas" / f"{ranked.indicator}_municipios"
        maps.write(ranked, base.with_suffix(".svg"), base.with_suffix(".png"))
    resources += write_rankings(out_dir, rankings + municipal, lang)
    datapackage.write_descriptor(out_dir, f"seguridad-cambios-{out_dir.name}", resources,
                                 srcs + [s for rk in rankings + municipal for s in rk.sources],
                                 title=t("changes_title", lang))
    md += ["", f"{t('every_row', lang)}: `{csv_path.name}` "
               f"({t('excel_copy', lang)}: `{excel_path.name}`; `datapackage.json`)."]
    md_text = "\n".join(md) + "\n"
    (out_dir / "cambios.md").write_text(md_text, encoding="utf-8")
    national = [{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                 for k, v in r.items() if k not in ("file_sha256s", "label_en", "label_es")}
                for r in rows if r["geo_level"] == "national"]
    return {"markdown": out_dir / "cambios.md", "csv": csv_path, "text": md_text,
            "series": series, "r12_series": r12_series, "series_list": series_list,
            "rows": len(rows),
            "pages": [p for _, p, _ in written], "comparisons": written,
            "rankings": rankings, "municipal": municipal,
            "cut": max(r["cut_date"] for r in rows if r["geo_level"] == "national"
                       and r["series"] == series),
            "newest": newest, "national": national}


def month_words(m, lang: str) -> str:
    return windows.Window(m, m).describe(lang)


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
        lines += [f"- {s}" for s in spending_text.sentences(r)]
    if fasp:
        reports.append(spending.build(con, "fasp", lang=lang))
    provenance = dict.fromkeys(line for r in reports for line in spending_text.provenance(r))
    lines += [""] + [f"- {line}" for line in provenance]
    return lines


# --- index.html: seguridad/reports/frontpage.py --------------------------------------------------

def write_index(con: duckdb.DuckDBPyConnection, out_dir: Path, report: dict | None,
                entries: list[dict], lang: str = "es") -> Path:
    return frontpage.write_index(con, out_dir, report, entries, lang)


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
