"""Pages of one ranking: its map and its table (`seguridad report ranking --format html`,
and the indicator pages of the nightly set), self-contained like every page of seguridad."""

from __future__ import annotations

from seguridad.reports import maps, ranking
from seguridad.reports.layout import document, escape, generated_line, sources_list


def ranking_html(r: ranking.Ranking) -> str:
    """The ranking as a table, low counts and places without population flagged."""
    head, body = ranking.table_rows(r)
    rows = "".join("<tr" + (" class='low-count'" if place["low_count"] else "") + ">"
                   + "".join(f"<td{' class=name' if i in (1, 5) else ''}>{escape(v)}</td>"
                             for i, v in enumerate(cells)) + "</tr>"
                   for cells, place in zip(body, r.places, strict=True))
    return ("<table class='ranking'><thead><tr>"
            + "".join(f"<th{' class=name' if i in (1, 5) else ''}>{escape(h)}</th>"
                      for i, h in enumerate(head))
            + f"</tr></thead><tbody>{rows}</tbody></table>"
            + "".join(f"<p class='note'>{escape(n)}</p>" for n in ranking.notes(r)))


def ranking_page(r: ranking.Ranking) -> str:
    """The map, the table, the notes and the sources, in one offline page."""
    body = [f"<h1>{escape(ranking.title(r))}</h1>", maps.svg(r, titled=False),
            ranking_html(r), sources_list(ranking.provenance(r), r.lang),
            generated_line(r.lang)]
    return document(ranking.title(r), body, r.lang)
