"""Pages of one ranking: its map and its table (`seguridad report ranking --format html`,
and the indicator pages of the nightly set), self-contained like every page of seguridad."""

from __future__ import annotations

from datetime import date

from seguridad import __version__
from seguridad.i18n import t
from seguridad.reports import html, maps, ranking


def ranking_html(r: ranking.Ranking) -> str:
    """The ranking as a table, low counts and places without population flagged."""
    head, body = ranking.table_rows(r)
    rows = "".join("<tr" + (" class='low-count'" if place["low_count"] else "") + ">"
                   + "".join(f"<td{' class=name' if i in (1, 5) else ''}>{html._e(v)}</td>"
                             for i, v in enumerate(cells)) + "</tr>"
                   for cells, place in zip(body, r.places, strict=True))
    return ("<table class='ranking'><thead><tr>"
            + "".join(f"<th{' class=name' if i in (1, 5) else ''}>{html._e(h)}</th>"
                      for i, h in enumerate(head))
            + f"</tr></thead><tbody>{rows}</tbody></table>"
            + "".join(f"<p class='note'>{html._e(n)}</p>" for n in ranking.notes(r)))


def ranking_page(r: ranking.Ranking) -> str:
    """The map, the table, the notes and the sources, in one offline page."""
    body = [f"<h1>{html._e(ranking.title(r))}</h1>", maps.svg(r, titled=False),
            ranking_html(r),
            f"<h2>{html._e(t('sources', r.lang))}</h2><ul class='prov'>"
            + "".join(f"<li>{html._e(p)}</li>" for p in ranking.provenance(r)) + "</ul>",
            f"<p class='prov'>{html._e(t('generated', r.lang, version=__version__, date=date.today()))}</p>"]  # noqa: E501
    return (f"<!DOCTYPE html>\n<html lang='{r.lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html._e(ranking.title(r))}</title><style>{html.STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
