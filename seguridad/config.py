"""Where things live. Every path can be moved with an environment variable, so tests and
users can point the pipeline at another landing zone or warehouse.

The environment variables: SEGURIDAD_RAW (the landing zone), SEGURIDAD_WAREHOUSE (the
published .duckdb file), SEGURIDAD_POPULATION_VINTAGE, SEGURIDAD_SNAPSHOTS, SEGURIDAD_LOCK_WAIT,
SEGURIDAD_CLAIMS, SEGURIDAD_LAKE, SEGURIDAD_MEMORY_LIMIT, SEGURIDAD_DASK_ADDRESS (each read
below), and SEGURIDAD_LANG: the language of the command line's messages and of the nightly
report set, es (the default) or en; the global `--lang` of the command line overrides it
(read by seguridad/i18n.py `language`, checked here).

Where the writing commands record their flow runs (issue 24,
seguridad/orchestration/prefect_server.py;
docs/orchestration.md): with no PREFECT_API_URL, the first writing command starts a local
Prefect server of ours that later commands reuse and that stops itself when idle.
SEGURIDAD_PREFECT_SERVER: `auto` (the default: ours, unless PREFECT_API_URL names a server, which
is then used and ours never started) or `off` (no server of ours: Prefect starts its temporary
server inside each command, ~7 s each, as before). SEGURIDAD_PREFECT_SERVER_IDLE: the seconds
without a command after which ours stops (default 1800, 30 minutes)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from seguridad.i18n import LANGUAGE_VARIABLE, say, unknown_language

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "warehouse" / "sql"
COLUMN_DOCS = PROJECT_ROOT / "warehouse" / "docs" / "columns.csv"

DEFAULT_POPULATION_VINTAGE = "conapo_2023"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse_path: Path
    population_vintage: str
    snapshots: int = 3
    lock_wait_s: float = 600.0
    claims_dir: Path | None = None  # claims files the nightly refresh re-checks
    lake_dir: Path | None = None  # SEGURIDAD_LAKE: the refresh also exports the Parquet lake
    # SEGURIDAD_MEMORY_LIMIT: DuckDB's budget in a build. 700MB, not 1GB: the Python process
    # (Prefect's engine and client, pandas, pandera) holds ~250 MB besides, and DuckDB's
    # resident memory overshoots its budget by ~100 MB, so with 1GB a full municipal ingest
    # peaked at 1.24-1.31 GB; with 700MB at 0.99 GB, as fast (benchmarks/RESULTS.md, issue 24)
    memory_limit: str = "700MB"
    dask_address: str | None = None  # SEGURIDAD_DASK_ADDRESS: the cluster --workers uses
    # SEGURIDAD_REVIEWER / SEGURIDAD_REVIEWER_URL: the organisation that publishes fact checks
    # (check-claims --format claimreview names it as the ClaimReview's author), and the page
    # that hosts them (each review's url is it, #claim-id)
    reviewer: str | None = None
    reviewer_url: str | None = None
    prefect_server: str = "auto"  # SEGURIDAD_PREFECT_SERVER: auto or off (see the docstring)
    prefect_server_idle_s: float = 1800.0  # SEGURIDAD_PREFECT_SERVER_IDLE

    @property
    def warehouse_dir(self) -> Path:
        return self.warehouse_path.parent

    @property
    def build_dir(self) -> Path:
        """Scratch space for builds; on the warehouse's filesystem so the final swap is atomic."""
        return self.warehouse_dir / ".build"

    @property
    def lock_path(self) -> Path:
        return self.warehouse_dir / ".lock"

    @property
    def snapshots_dir(self) -> Path:
        """Earlier published warehouses, for `seguridad rollback`."""
        return self.warehouse_dir / ".snapshots"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "reports"


def _number(name: str, default: str, kind: type, minimum: float) -> int | float:
    from seguridad.errors import SeguridadError

    text = os.environ.get(name, default)
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise SeguridadError(say("config.not_whole" if kind is int else "config.not_seconds",
                                 name=name, text=text, default=default))
    return value


def _memory(name: str, default: str) -> str:
    """A DuckDB memory size such as 700MB or 2GB (at least 100MB)."""
    import re

    from seguridad.errors import SeguridadError

    text = (os.environ.get(name) or default).strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(MB|GB)", text, re.IGNORECASE)
    size = float(match.group(1)) * (1024 if match.group(2).upper() == "GB" else 1) \
        if match else 0
    if size < 100:
        raise SeguridadError(say("config.not_memory", name=name, text=text, default=default))
    return f"{match.group(1)}{match.group(2).upper()}"


PREFECT_SERVER_MODES = ("auto", "off")


def _prefect_server(name: str) -> str:
    from seguridad.errors import SeguridadError

    text = (os.environ.get(name) or "auto").strip().lower()
    if text not in PREFECT_SERVER_MODES:
        raise SeguridadError(say("server.bad_mode", name=name, text=text))
    return text


def settings() -> Settings:
    """Read the environment now (not at import), so a test can change it per case."""
    from seguridad.errors import SeguridadError

    raw = Path(os.environ.get("SEGURIDAD_RAW") or PROJECT_ROOT / "raw").resolve()
    wh = Path(os.environ.get("SEGURIDAD_WAREHOUSE")
              or PROJECT_ROOT / "warehouse" / "seguridad.duckdb").resolve()
    if raw.exists() and not raw.is_dir():
        raise SeguridadError(say("config.raw_is_file", raw=raw))
    if wh.is_dir():
        raise SeguridadError(say("config.warehouse_is_dir", wh=wh))
    folder = next((p for p in wh.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise SeguridadError(say("config.folder_is_file", wh=wh, folder=folder))
    if unknown_language() is not None:
        raise SeguridadError(say("error.unknown_lang", variable=LANGUAGE_VARIABLE,
                                 value=unknown_language()))
    vintage = os.environ.get("SEGURIDAD_POPULATION_VINTAGE") or DEFAULT_POPULATION_VINTAGE
    return Settings(raw_dir=raw, warehouse_path=wh, population_vintage=vintage,
                    snapshots=_number("SEGURIDAD_SNAPSHOTS", "3", int, 0),
                    lock_wait_s=_number("SEGURIDAD_LOCK_WAIT", "600", float, 0),
                    claims_dir=Path(os.environ.get("SEGURIDAD_CLAIMS")
                                    or PROJECT_ROOT / "claims").resolve(),
                    lake_dir=Path(os.environ["SEGURIDAD_LAKE"]).resolve()
                    if os.environ.get("SEGURIDAD_LAKE") else None,
                    memory_limit=_memory("SEGURIDAD_MEMORY_LIMIT", "700MB"),
                    dask_address=os.environ.get("SEGURIDAD_DASK_ADDRESS") or None,
                    reviewer=(os.environ.get("SEGURIDAD_REVIEWER") or "").strip() or None,
                    reviewer_url=(os.environ.get("SEGURIDAD_REVIEWER_URL") or "").strip()
                    or None,
                    prefect_server=_prefect_server("SEGURIDAD_PREFECT_SERVER"),
                    prefect_server_idle_s=_number("SEGURIDAD_PREFECT_SERVER_IDLE", "1800",
                                                  float, 0))

