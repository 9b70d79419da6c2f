"""A fact check as Markdown (claims/<name>.md of the nightly set, `--format md`) and as the
terminal summary: a table of the claims, then each claim's verdict sentence, details and
sources."""

from __future__ import annotations

from datetime import date

from seguridad import __version__
from seguridad.factcheck.engine import ClaimCheck, FactCheck
from seguridad.i18n import t
from seguridad.reports.factcheck_words import (
    best_figure,
    cap,
    claim_name,
    details,
    money,
    pct,
    said_text,
    verdict_sentence,
    who_and_when,
)
from seguridad.reports.text import source_line


def render_md(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    lines = [f"# {t('fc_title', lang)}: {st.title}", "",
             f"{who_and_when(st)}. " + t("fc_baseline_year", lang, year=st.baseline_year)
             + (f" {t('fc_source', lang)}: {st.source}." if st.source else ""), "",
             f"| {t('fc_claim', lang)} | {t('fc_said', lang)} | {t('fc_verdict', lang)} | "
             f"{t('fc_best', lang)} | {t('fc_range', lang)} |",
             "|---|---:|---|---:|---|"]
    for n, c in enumerate(fc.checks, start=1):
        best = best_figure(c, lang)
        rng = c.range
        span = (f"{pct(rng['min'])} … {pct(rng['max'])} ({rng['candidates']})"
                if c.claim.kind == "change" and rng["min"] is not None else
                (f"{money(rng['min'], lang)} … {money(rng['max'], lang)}"
                 if c.claim.kind == "spending" and rng["min"] is not None else ""))
        lines.append(f"| {n} | {said_text(c, lang)} | "
                     f"{t('verdict_' + c.verdict, lang)} | {best} | {span} |")
    for n, c in enumerate(fc.checks, start=1):
        lines += ["", f"## {n}. «{c.claim.text}»", "", f"**{verdict_sentence(c, lang)}**", ""]
        lines += _detail_md(c, lang)
    lines += ["", t("fc_generated_md", lang, version=__version__, date=date.today(),
                    built=fc.built_at)]
    return "\n".join(lines) + "\n"


def _detail_md(c: ClaimCheck, lang: str) -> list[str]:
    out = []
    for item, subs in details(c, lang):
        out.append(f"- {item}")
        out += [f"  - {s}" for s in subs]
    return out + [f"- {source_line(s, lang=lang)}" for s in c.sources]


def render_table(fc: FactCheck) -> str:
    lang = fc.lang
    st = fc.loaded.statement
    lines = [f"{st.title} — {who_and_when(st)}", ""]
    for n, c in enumerate(fc.checks, start=1):
        lines.append(f"{claim_name(n, lang)}: «{c.claim.text}»")
        lines.append(f"  {verdict_sentence(c, lang)}")
        rng = c.range
        if c.claim.kind == "change" and rng["min"] is not None:
            j = c.judgement
            lines.append("  " + t("fc_range_line", lang, low=pct(rng["min"]),
                                  high=pct(rng["max"]), n=rng["candidates"],
                                  matches=len(c.matches), agreeing=j.agreeing if j else 0,
                                  plausible=j.plausible if j else 0))
        lines += [f"  - {cap(cv['text'])}" for cv in c.caveats]
        lines += [f"  {source_line(s, lang=lang)}" for s in c.sources]
        lines.append("")
    return "\n".join(lines)
