"""The frame every HTML page of seguridad shares: the one style sheet, escaping, the list of
sources, the line saying which version made the page, and the document around a body. No
script, font, style sheet or image is loaded from anywhere, so each page works offline."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from seguridad import __version__
from seguridad.i18n import t

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 2rem auto; max-width: 980px; color: #1f2328; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.45rem; margin-bottom: .3rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #eaeef2; text-align: right; }
th:first-child, td:first-child, td.name, th.name { text-align: left; }
.flag { background: #fff3cd; border-left: 4px solid #d4a72c; padding: .5rem .8rem; }
.note { color: #57606a; }
.prov { font-size: .8rem; color: #57606a; word-break: break-all; }
svg text { font-size: 11px; fill: #57606a; }
svg .label, svg .legend-label { font-size: 12px; fill: #1f2328; }
svg.map { width: 100%; height: auto; max-width: 900px; display: block; }
svg.map text { font-size: inherit; fill: inherit; }
tr.low-count td { color: #57606a; }
table.ranking td:last-child { white-space: nowrap; }
"""


def escape(text: object) -> str:
    """Any value as HTML text."""
    return html.escape(str(text))


def sources_list(lines: Iterable[str], lang: str) -> str:
    """The "Sources" heading and one line per file behind the page."""
    return (f"<h2>{escape(t('sources', lang))}</h2><ul class='prov'>"
            + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>")


def generated_line(lang: str, key: str = "generated") -> str:
    """The last line of a page: which version of seguridad made it, and when."""
    return (f"<p class='prov'>{escape(t(key, lang, version=__version__, date=date.today()))}"
            "</p>")


def document(title: str, body: Iterable[str], lang: str, style: str = STYLE) -> str:
    """The whole page: head (title, style sheet) and body."""
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{style}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
