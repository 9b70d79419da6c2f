"""CSV for people and for programs, described: an Excel-friendly copy of a table (UTF-8 with
a byte-order mark, so Excel in Spanish reads the accents; percentages and rates rounded;
headers in the reader's language) and a Frictionless Data Package descriptor
(datapackage.json) beside the CSV files and in the Parquet lake, whose field descriptions come
from warehouse/docs/columns.csv, the same text the warehouse's own column comments use."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from seguridad import __version__
from seguridad.i18n import t

COLUMN_DOCS = Path(__file__).resolve().parents[2] / "warehouse" / "docs" / "columns.csv"
ROUNDED = {"pct_change": 1, "rate_pct_change": 1, "contribution_pp": 2, "current_rate": 1,
           "baseline_rate": 1, "rate_per_100k": 1, "current_value": None,
           "baseline_value": None}
DUCKDB_TYPES = {"BIGINT": "integer", "INTEGER": "integer", "HUGEINT": "integer",
                "SMALLINT": "integer", "UBIGINT": "integer", "DOUBLE": "number",
                "FLOAT": "number", "BOOLEAN": "boolean", "DATE": "date", "VARCHAR": "string",
                "TIMESTAMP": "datetime", "TIMESTAMP WITH TIME ZONE": "datetime",
                "BLOB": "string"}


@cache
def column_docs() -> dict[str, str]:
    with open(COLUMN_DOCS, encoding="utf-8", newline="") as f:
        return {r["column_name"]: r["description"] for r in csv.DictReader(f)}


def field_type(values: list) -> str:
    """The Table Schema type of a column from its values (the first that is not empty)."""
    v = next((x for x in values if x is not None and x != ""), None)
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float | Decimal):
        return "number"
    if isinstance(v, datetime):
        return "datetime"
    if isinstance(v, date):
        return "date"
    return "string"


def schema(columns: list[str], rows: list[dict], lang: str | None = None) -> dict:
    """A Table Schema: each column's name, type and description; with a language, the
    header people see (title) too."""
    docs = column_docs()
    fields = []
    for c in columns:
        field = {"name": c, "type": field_type([r.get(c) for r in rows])}
        if lang:
            field["title"] = header(c, lang)
        if c in docs:
            field["description"] = docs[c]
        fields.append(field)
    return {"fields": fields}


def header(column: str, lang: str) -> str:
    """The header a person reads: the column's words in the text layer, else its name."""
    key = f"csv_{column}"
    from seguridad.i18n import TEXT

    return t(key, lang) if key in TEXT else column


def _cell(column: str, value):
    if value is None:
        return ""
    digits = ROUNDED.get(column)
    if digits is not None and isinstance(value, float | Decimal):
        return f"{value:.{digits}f}"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return value


def write_excel_csv(path: Path, columns: list[str], rows: list[dict], lang: str) -> Path:
    """The table for a spreadsheet: UTF-8 with a BOM, CRLF, headers in words, percentages and
    rates rounded, true/false as sí/no (yes/no)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([header(c, lang) for c in columns])
        for r in rows:
            writer.writerow([_yes_no(_cell(c, r.get(c)), lang) for c in columns])
    return path


def _yes_no(value, lang: str):
    if value in ("sí", "no") and lang != "es":
        return {"sí": "yes", "no": "no"}[value]
    return value


def resource(path: Path, columns: list[str], rows: list[dict], *, name: str,
             title: str = "", excel: bool = False, lang: str = "es") -> dict:
    """One CSV file as a tabular data resource."""
    out = {"name": name, "path": path.name, "profile": "tabular-data-resource",
           "format": "csv", "mediatype": "text/csv",
           "encoding": "utf-8-sig" if excel else "utf-8",
           "schema": schema(columns, rows, lang if excel else None)}
    if title:
        out["title"] = title
    if excel:
        out["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
        out["description"] = t("excel_csv_description", lang)
    return out


def write_descriptor(folder: Path, name: str, resources: list[dict],
                     sources: list[dict], title: str = "") -> Path:
    """datapackage.json in `folder`: the resources, and the raw files behind them (file,
    sha256, cut) as the package's sources."""
    descriptor = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title or name,
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "generator": f"seguridad {__version__}",
        "sources": [{"title": s["file"], "path": s["file"],
                     "sha256": s["sha256"],
                     **({"cut": f"{s['cut_date']:%Y-%m}"} if s.get("cut_date") else {})}
                    for s in sources],
        "resources": resources,
    }
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
    return path


def lake_resource(table: dict) -> dict:
    """A table of a lake publication (its _manifest.json entry) as a data resource of
    Parquet files, with the warehouse's column descriptions."""
    docs = column_docs()
    return {
        "name": table["table"].replace(".", "_"),
        "title": table["table"],
        "description": table.get("description") or "",
        "path": table["files"],
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "profile": "data-resource",
        "schema": {"fields": [{"name": c["name"],
                               "type": DUCKDB_TYPES.get(c["type"], "any"),
                               "description": c.get("description") or docs.get(c["name"], "")}
                              for c in table["columns"]]},
        **({"x-partition-by": table["partition_by"]} if table.get("partition_by") else {}),
    }
