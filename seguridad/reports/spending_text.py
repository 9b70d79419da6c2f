"""A spending report (seguridad/reports/spending.py) for readers and scripts: sentences in
the style of the statement this project checks, the tables by year (spent; approved against
exercised), notes and sources, as text, Markdown, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from seguridad.analysis.windows import Window
from seguridad.i18n import t
from seguridad.reports.spending import Budget, SpendingReport
from seguridad.reports.text import source_line


def _money(amount: float, lang: str) -> str:
    millions = amount / 1e6
    word = "millones de pesos" if lang == "es" else "million pesos"
    return f"{millions:,.1f} {word}"


def _millions(amount: Decimal) -> str:
    return f"{amount / 1_000_000:,.0f}"


def budget_sentence(b: Budget, lang: str) -> str:
    """'Between 2013 and 2015 Congress approved 7,778 million pesos for PRONAPRED; 6,872
    million were spent (88%).' Nominal pesos, as the Cuenta Pública gives them."""
    es = lang == "es"
    first, last = b.years
    if first == last:
        when = f"En {first}" if es else f"In {first}"
    else:
        when = f"Entre {first} y {last}" if es else f"Between {first} and {last}"
    gap = ""
    if b.missing_years:  # a year without a line is not a zero: said, not hidden
        listed = ", ".join(map(str, b.missing_years))
        gap = (f" (sin partida en la Cuenta Pública de {listed})" if es else
               f" (no line in the Cuenta Pública of {listed})")
    share = (f" ({b.exercised / b.approved * 100:.0f}%)" if b.approved else "")
    if es:
        return (f"{when} el Congreso aprobó {_millions(b.approved)} millones de pesos para "
                f"{b.label}{gap}; se ejercieron {_millions(b.exercised)} millones{share}.")
    return (f"{when} Congress approved {_millions(b.approved)} million pesos for {b.label}"
            f"{gap}; {_millions(b.exercised)} million were spent{share}.")


def price_basis(b: Budget, lang: str) -> str:
    if b.price_base is None:
        return ("pesos reales: sin INPC para todos los años" if lang == "es" else
                "real pesos: no INPC for every year")
    month = Window(b.price_base, b.price_base).describe(lang)
    return (f"pesos reales: pesos de {month} (INPC)" if lang == "es" else
            f"real pesos: pesos of {month} (INPC)")


BUDGET_COLUMNS = ["program", "fiscal_year", "approved_pesos", "exercised_pesos",
                  "exercised_share", "approved_real_pesos", "exercised_real_pesos",
                  "price_base", "cumulative_approved_pesos", "cumulative_exercised_pesos"]


def _columns(lang: str, keys: list[str], widths: list[int]) -> str:
    return " ".join(f"{t(k, lang):<{w}}" if i == 0 else f"{t(k, lang):>{w}}"
                    for i, (k, w) in enumerate(zip(keys, widths, strict=True)))


BUDGET_HEADS = ["col_year", "col_approved", "col_exercised", "col_share", "col_approved_real",
                "col_exercised_real", "col_cum_approved", "col_cum_exercised"]
BUDGET_WIDTHS = [5, 20, 20, 9, 20, 20, 20, 20]


def budget_table(b: Budget, lang: str) -> list[str]:
    def money(v: Decimal | None) -> str:
        return f"{v:,.2f}" if v is not None else t("na", lang)

    lines = ["", _columns(lang, BUDGET_HEADS, BUDGET_WIDTHS)]
    for y in b.by_year:
        share = (f"{y['exercised_share'] * 100:.1f}%" if y["exercised_share"] is not None
                 else t("na", lang))
        lines.append(f"{y['fiscal_year']:<5} {money(y['approved_pesos']):>20} "
                     f"{money(y['exercised_pesos']):>20} {share:>9} "
                     f"{money(y['approved_real_pesos']):>20} "
                     f"{money(y['exercised_real_pesos']):>20} "
                     f"{money(y['cumulative_approved_pesos']):>20} "
                     f"{money(y['cumulative_exercised_pesos']):>20}")
    total = (f"{t('col_total', lang):<5} {money(b.approved):>20} {money(b.exercised):>20} "
             + (f"{b.exercised / b.approved * 100:>8.1f}%" if b.approved
                else f"{t('na', lang):>9}"))
    real = [y for y in b.by_year if y["approved_real_pesos"] is not None]
    if b.price_base and len(real) == len(b.by_year):
        total += (f" {money(sum(y['approved_real_pesos'] for y in real)):>20} "
                  f"{money(sum(y['exercised_real_pesos'] or 0 for y in real)):>20}")
    nominal = "montos nominales" if lang == "es" else "nominal amounts"
    lines += [total, f"Cuenta Pública (SHCP), {nominal}; {price_basis(b, lang)}"]
    return lines


def basis_words(basis: str | None, lang: str) -> str:
    """marts.spending_yearly.price_basis ('real, pesos of 2023 (INPC)') in the reader's
    language."""
    if not basis or basis.startswith("nominal"):
        return t("nominal_pesos", lang)
    return t("real_pesos_of", lang, year=basis.split("pesos of ", 1)[-1].split(" ", 1)[0])


SPENDING_HEADS = ["col_year", "col_amount", "col_polygons", "col_municipalities",
                  "col_beneficiaries"]
SPENDING_WIDTHS = [4, 18, 9, 14, 13]


def spending_table(r: SpendingReport) -> list[str]:
    lang = r.lang
    real = {y["price_basis"] for y in r.by_year if y["amount_real_mxn"] is not None}
    heads = _columns(lang, SPENDING_HEADS, SPENDING_WIDTHS)
    if len(real) == 1:
        heads += f"  {t('col_amount_real', lang, basis=basis_words(real.pop(), lang))}"
    lines = ["", heads]
    for y in r.by_year:
        line = (f"{y['fiscal_year']:<4} {float(y['amount_mxn']):>18,.2f} "
                f"{y['polygons'] or '':>9} {y['municipalities'] or '':>14} "
                f"{y['beneficiaries'] or '':>13}")
        if y["amount_real_mxn"] is not None:
            line += f"  {float(y['amount_real_mxn']):>18,.2f}"
        lines.append(line)
    return lines


def provenance(r: SpendingReport) -> list[str]:
    return [source_line(s, lang=r.lang) for s in r.sources]


def sentences(r: SpendingReport) -> list[str]:
    """In the style of the statement this project checks."""
    if not r.by_year:  # only the Cuenta Pública
        return [budget_sentence(r.budget, r.lang)] if r.budget else []
    out = _spending_sentences(r)
    if r.budget:
        out.append(budget_sentence(r.budget, r.lang))
    return out


def _spending_sentences(r: SpendingReport) -> list[str]:
    tot = r.totals
    span = f"{r.years[0]}" if r.years[0] == r.years[1] else f"{r.years[0]}-{r.years[1]}"
    es = r.lang == "es"
    money = _money(float(tot["amount_mxn"]), r.lang)
    if tot["polygons"]:
        reach, counted = "", ""
        if tot["beneficiaries"]:
            # As agencies report them: summed over years and components, so a person served
            # twice counts twice. Said, not hidden.
            reach = (f" llegó a {tot['beneficiaries']:,} beneficiarios" if es else
                     f" reached {tot['beneficiaries']:,} beneficiaries")
            counted = ("; beneficiarios sumados por año y componente" if es else
                       "; beneficiaries summed over years and components")
        out = [(f"Una inversión de {money} en {tot['polygons']:,} polígonos de "
                f"{tot['municipalities']:,} municipios{reach} ({r.label}, {span}{counted})."
                if es else
                f"An investment of {money} in {tot['polygons']:,} polygons of "
                f"{tot['municipalities']:,} municipalities{reach} ({r.label}, {span}{counted}).")]
    else:
        doubtful = [str(y["fiscal_year"]) for y in r.by_year if y["data_warning"]]
        caveat = ""
        if doubtful:  # e.g. FASP 2014: zero in the file, probably missing
            caveat = (f"; {', '.join(doubtful)} con aviso de dato dudoso, ver notas" if es else
                      f"; {', '.join(doubtful)} flagged as doubtful, see the notes")
        out = [(f"{r.label}: {money} en {span} (suma de los años; pesos corrientes{caveat})."
                if es else
                f"{r.label}: {money} in {span} (sum of the years; current pesos{caveat}).")]
    for e in r.evaluation:
        label = e["label_es"] if es else e["label_en"]
        if e["did_pct_points"] is None:
            continue
        out.append(
            f"{label}: {e['funded_pct_change']:+.1f}% en los {e['funded_municipalities']} "
             f"municipios con el programa y {e['comparison_pct_change']:+.1f}% en los "
             f"{e['comparison_municipalities']} comparables sin él ({r.before} contra "
             f"{r.after}): una diferencia de {e['did_pct_points']:+.1f} puntos." if es else
             f"{label}: {e['funded_pct_change']:+.1f}% in the {e['funded_municipalities']} "
             f"municipalities with the program and {e['comparison_pct_change']:+.1f}% in the "
             f"{e['comparison_municipalities']} comparable ones without it ({r.before} against "
             f"{r.after}): a difference of {e['did_pct_points']:+.1f} points.")
    return out


EVALUATION_COLUMNS = [
    "program", "indicator", "series", "before_start", "before_end", "after_start", "after_end",
    "funded_municipalities", "funded_before", "funded_after", "funded_pct_change",
    "funded_rate_before", "funded_rate_after", "comparison_municipalities",
    "comparison_before", "comparison_after", "comparison_pct_change",
    "comparison_rate_before", "comparison_rate_after", "did_pct_points", "did_rate_per_100k",
]

SOURCE_COLUMNS = ["source_files", "source_sha256"]


def _budget_records(r: SpendingReport) -> list[dict]:
    b = r.budget
    return [{"program": r.program, **{k: y[k] for k in BUDGET_COLUMNS[1:]}}
            for y in (b.by_year if b else [])]


def render(r: SpendingReport, fmt: str) -> str:
    if fmt == "json":
        budget = None
        if r.budget:
            budget = {"label": r.budget.label, "years": list(r.budget.years),
                      "approved_pesos": r.budget.approved,
                      "exercised_pesos": r.budget.exercised,
                      "missing_years": r.budget.missing_years,
                      "price_base": r.budget.price_base, "by_year": _budget_records(r)}
        return json.dumps({"program": r.program, "sentences": sentences(r),
                           "totals": r.totals, "by_year": r.by_year,
                           "evaluation": [{k: e[k] for k in EVALUATION_COLUMNS}
                                          for e in r.evaluation], "budget": budget,
                           "notes": r.notes, "sources": r.sources},
                          ensure_ascii=False, indent=2, default=str)
    files = {"source_files": ";".join(s["file"] for s in r.sources),
             "source_sha256": ";".join(s["sha256"] for s in r.sources)}
    if fmt == "csv":
        buf = io.StringIO()
        if r.budget and not r.evaluation:  # a federal program: its years, approved vs spent
            writer = csv.DictWriter(buf, fieldnames=BUDGET_COLUMNS + SOURCE_COLUMNS,
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows({**rec, **files} for rec in _budget_records(r))
            return buf.getvalue()
        writer = csv.DictWriter(buf, fieldnames=EVALUATION_COLUMNS + SOURCE_COLUMNS,
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows({**{k: e[k] for k in EVALUATION_COLUMNS}, **files}
                         for e in r.evaluation)
        return buf.getvalue()
    said = sentences(r)
    lines: list[str] = []
    if r.by_year:
        lines += spending_table(r)
    if r.budget:
        lines += budget_table(r.budget, r.lang)
    lines += [f"{t('note_word', r.lang)}: {n}" for n in r.notes]
    lines += provenance(r)
    if fmt == "md":
        return "\n\n".join(said) + "\n\n```\n" + "\n".join(lines).lstrip("\n") + "\n```\n"
    return "\n".join(said + lines) + "\n"
