"""The warehouse as a Parquet lake, for engines that do not read DuckDB files (Spark, BigQuery,
Athena/Trino, DuckDB itself): the marts and the core facts, with every cut, as Hive-partitioned
Parquet (ZSTD), one `_manifest.json` per publication, swapped in atomically.

Layout under the lake folder:

    publications/<published_at>-<build>/           one whole export, never changed again
        _manifest.json                             tables, columns, rows, sources, build
        marts/indicator_monthly/series=cnsp_2015/year=2024/data_0.parquet
        core/crime_state_monthly/series=.../year=.../data_0.parquet
    current -> publications/<...>                  a symbolic link, replaced in one rename

A reader opens `current/...` (or the manifest's own folder): it sees one publication whole,
never half of one. Partition columns (`dataset`, `series`, `year`, where a table has them;
`year` is derived from `month` when a table has only that) come last, as Hive readers put
them."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import duckdb

from seguridad.db import fetch_dicts, fetch_one
from seguridad.errors import SeguridadError
from seguridad.i18n import say

# What a lake holds by default: every marts table, and the core facts with their history.
CORE_TABLES = (
    "core.crime_state_monthly", "core.crime_municipal_cells",
    "core.crime_municipal_revised_cells", "core.victims_state_monthly",
    "core.victims_municipal_monthly", "core.population_yearly", "core.budget_yearly",
    "core.spending_yearly", "core.price_index_monthly", "core.crime_catalogue",
    "core.crime_crosswalk", "core.crime_indicator_map", "core.indicator", "core.series",
    "core.municipal_file_order", "ops.raw_files",
)
PARTITION_CANDIDATES = ("dataset", "series", "year")
KEEP_PUBLICATIONS = 3


def _literal(text: str) -> str:
    """A SQL string literal of our own metadata (COPY options take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def default_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    marts = [f"marts.{name}" for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND database_name = current_database() ORDER BY 1").fetchall()]
    return marts + list(CORE_TABLES)


def _objects(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """schema.table -> its comment, for every table and view of the analysts' schemas."""
    rows = con.execute("""
        SELECT schema_name || '.' || table_name, comment FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name IN ('marts', 'core', 'ops')
        UNION ALL
        SELECT schema_name || '.' || view_name, comment FROM duckdb_views()
        WHERE database_name = current_database() AND schema_name IN ('marts', 'core', 'ops')
          AND NOT internal""").fetchall()
    return dict(rows)


def export(con: duckdb.DuckDBPyConnection, lake: Path, tables: list[str] | None = None,
           keep: int = KEEP_PUBLICATIONS) -> dict:
    """Write one publication of the lake from a (read-only) warehouse connection and make it
    current. Returns its manifest. Nothing a reader sees changes until the final rename."""
    known = _objects(con)
    wanted = tables or default_tables(con)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise SeguridadError(say("lake.no_table", tables=", ".join(unknown)))
    meta = dict(con.execute("SELECT key, value FROM ops.meta").fetchall())
    build = meta.get("built_at", "unknown")
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    name = f"{stamp}-{time.time_ns() % 10**9:09d}"
    try:
        (lake / "publications").mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SeguridadError(say("lake.cannot_write", lake=lake, why=e.strerror or e)) from None
    staging = lake / "publications" / f".{name}.partial"
    final = lake / "publications" / name
    staging.mkdir()
    try:
        entries = [_export_table(con, staging, table, known[table], build) for table in wanted]
        shapes = export_geometry(con, staging) if tables is None else []
        manifest = {
            "publication": name,
            "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "warehouse": {"built_at": build, "schema_version": meta.get("schema_version"),
                          "marts_rows": meta.get("marts_rows")},
            "tables": entries,
            "geometry": shapes,
            "sources": [
                {**r, "cut_date": r["cut_date"].isoformat() if r["cut_date"] else None}
                for r in fetch_dicts(con, """
                    SELECT file_sha256 AS sha256, file_name, dataset, series, cut_date, status
                    FROM ops.raw_files WHERE status IN ('loaded', 'superseded')
                    ORDER BY dataset, cut_date, file_name""")],
        }
        (staging / "_manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        write_datapackage(staging, manifest)
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current(lake, final)
    _prune(lake, keep)
    return manifest


def current_manifest(lake: Path) -> dict | None:
    path = lake / "current" / "_manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def export_if_stale(con: duckdb.DuckDBPyConnection, lake: Path) -> dict | None:
    """Export unless the lake's current publication was made from this very build; returns
    the new manifest, or None when the lake was current."""
    row = fetch_one(con, "SELECT value FROM ops.meta WHERE key = 'built_at'")
    current = current_manifest(lake)
    if row and current and current["warehouse"]["built_at"] == row[0]:
        return None
    return export(con, lake)


def _export_table(con: duckdb.DuckDBPyConnection, staging: Path, table: str,
                  comment: str | None, build: str) -> dict:
    schema, bare = table.split(".")
    columns = fetch_dicts(con, """
        SELECT column_name AS name, data_type AS type, comment AS description
        FROM duckdb_columns() WHERE database_name = current_database()
          AND schema_name = ? AND table_name = ? ORDER BY column_index""", [schema, bare])
    names = [c["name"] for c in columns]
    derived_year = "year" not in names and "month" in names
    partition = [c for c in PARTITION_CANDIDATES if c in names or (c == "year" and derived_year)]
    (rows,) = fetch_one(con, f"SELECT count(*) FROM {table}")
    target = staging / schema / bare
    target.parent.mkdir(parents=True, exist_ok=True)
    select = f"SELECT *{', year(month) AS year' if derived_year else ''} FROM {table}"
    kv = {"seguridad.table": table, "seguridad.comment": comment or "",
          "seguridad.columns": json.dumps({c["name"]: c["description"] for c in columns},
                                          ensure_ascii=False),
          "seguridad.warehouse_built_at": build}
    options = ["FORMAT parquet", "COMPRESSION zstd",
               "KV_METADATA {" + ", ".join(f"{_literal(k)}: {_literal(v)}"
                                           for k, v in kv.items()) + "}"]
    if partition and rows:
        options.append(f"PARTITION_BY ({', '.join(partition)})")
        path = target
    else:  # one file; an empty table still gets its schema
        target.mkdir()
        path = target / "data_0.parquet"
    # table, columns and metadata are the warehouse's own names and text, quoted above
    con.execute(f"COPY ({select}) TO {_literal(str(path))} ({', '.join(options)})")
    files = sorted(str(p.relative_to(staging)) for p in target.rglob("*.parquet"))
    return {"table": table, "description": comment, "rows": rows, "partition_by": partition,
            "columns": columns + ([{"name": "year", "type": "BIGINT",
                                    "description": "Year of month (a partition column)."}]
                                  if derived_year and "year" in partition else []),
            "path": f"{schema}/{bare}", "files": files}


def _point_current(lake: Path, publication: Path) -> None:
    """Swap `current` onto the new publication with one rename (atomic on POSIX)."""
    link = lake / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path("publications") / publication.name)
    current = lake / "current"
    if current.exists() and not current.is_symlink():
        raise SeguridadError(say("lake.not_link", current=current))
    os.replace(link, current)


def _prune(lake: Path, keep: int) -> None:
    """Keep the newest `keep` publications (and never the one `current` names)."""
    current = (lake / "current").resolve().name
    done = sorted(p for p in (lake / "publications").iterdir()
                  if p.is_dir() and not p.name.startswith("."))
    for old in done[:-keep] if keep else done:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
    for partial in (lake / "publications").glob(".*.partial"):
        if time.time() - partial.stat().st_mtime > 24 * 3600:  # a dead export's leftovers
            shutil.rmtree(partial, ignore_errors=True)


# --- issue 23b: boundaries as GeoParquet, and a datapackage.json ---------------------------

GEOMETRY_TABLES = {"state": "geo/states", "municipality": "geo/municipalities"}


def _wkb_multipolygon(polygons: list) -> bytes:
    """GeoJSON MultiPolygon coordinates as WKB (little-endian, ISO)."""
    import struct

    out = [struct.pack("<BII", 1, 6, len(polygons))]
    for polygon in polygons:
        out.append(struct.pack("<BII", 1, 3, len(polygon)))
        for ring in polygon:
            out.append(struct.pack("<I", len(ring)))
            out.append(struct.pack(f"<{2 * len(ring)}d", *(v for point in ring
                                                           for v in point[:2])))
    return b"".join(out)


def export_geometry(con: duckdb.DuckDBPyConnection, staging: Path) -> list[dict]:
    """The shipped INEGI boundaries (raw/geo/, see raw/README.md) as GeoParquet 1.1: one row
    per state or municipality, its INEGI code, name and a WKB MultiPolygon in longitude and
    latitude (OGC:CRS84), the `geo` key in the file's metadata. DuckDB reads it as it is
    (geometry is a BLOB; ST_GeomFromWKB with the spatial extension)."""
    from seguridad import maps

    names = dict(con.execute("SELECT geo_code, geo_name FROM marts.geo "
                             "WHERE geo_level IN ('state', 'municipality')").fetchall())
    out = []
    for level, relative in GEOMETRY_TABLES.items():
        data = json.loads(maps.GEOMETRY[level].read_text(encoding="utf-8"))
        rows, bbox = [], [180.0, 90.0, -180.0, -90.0]
        for feature in data["features"]:
            geometry = feature["geometry"]
            polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                        else [geometry["coordinates"]])
            for polygon in polygons:
                for lon, lat in polygon[0]:
                    bbox = [min(bbox[0], lon), min(bbox[1], lat), max(bbox[2], lon),
                            max(bbox[3], lat)]
            code = feature["properties"][maps.KEYS[level]]
            rows.append((code, names.get(code), _wkb_multipolygon(polygons)))
        geo = {"version": "1.1.0", "primary_column": "geometry",
               "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["MultiPolygon"],
                                        "bbox": bbox}}}
        target = staging / relative
        target.mkdir(parents=True)
        mem = duckdb.connect()
        try:
            mem.execute("CREATE TABLE shapes (geo_code VARCHAR, geo_name VARCHAR, "
                        "geometry BLOB)")
            mem.executemany("INSERT INTO shapes VALUES (?, ?, ?)", rows)
            path = target / "data_0.parquet"
            kv = {"geo": json.dumps(geo), "seguridad.source": str(
                maps.GEOMETRY[level].relative_to(maps.GEO_DIR.parent.parent))}
            mem.execute(f"COPY shapes TO {_literal(str(path))} (FORMAT parquet, COMPRESSION "
                        "zstd, KV_METADATA {" + ", ".join(f"{_literal(k)}: {_literal(v)}"
                                                         for k, v in kv.items()) + "})")
        finally:
            mem.close()
        out.append({"table": relative, "level": level, "rows": len(rows), "path": relative,
                    "files": [f"{relative}/data_0.parquet"], "format": "GeoParquet 1.1",
                    "description": "INEGI, Marco Geoestadístico 2020, simplified (raw/README.md)",
                    "columns": [{"name": "geo_code", "type": "VARCHAR",
                                 "description": "INEGI code (2 digits: state; 5: municipality)."},
                                {"name": "geo_name", "type": "VARCHAR",
                                 "description": "Name, as marts.geo."},
                                {"name": "geometry", "type": "BLOB",
                                 "description": "MultiPolygon, WKB, longitude/latitude "
                                                "(OGC:CRS84)."}]})
    return out


def write_datapackage(folder: Path, manifest: dict) -> Path:
    """datapackage.json beside _manifest.json: every table and boundary file as a data
    resource, with the warehouse's column descriptions, and the raw files as sources."""
    from seguridad import datapackage

    resources = [datapackage.lake_resource(t) for t in manifest["tables"]]
    resources += [datapackage.lake_resource(g) for g in manifest.get("geometry", [])]
    sources = [{"file": s["file_name"], "sha256": s["sha256"], "cut_date": None} for s in
               manifest["sources"]]
    path = datapackage.write_descriptor(folder, f"seguridad-lake-{manifest['publication']}",
                                        resources, sources, title="seguridad: Parquet lake")
    return path
