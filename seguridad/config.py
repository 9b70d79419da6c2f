"""Where things live. Every path can be moved with an environment variable, so tests and
users can point the pipeline at another landing zone or warehouse."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
    memory_limit: str = "1GB"  # SEGURIDAD_MEMORY_LIMIT: DuckDB's budget in a build
    dask_address: str | None = None  # SEGURIDAD_DASK_ADDRESS: the cluster --workers uses
    # SEGURIDAD_REVIEWER / SEGURIDAD_REVIEWER_URL: the organisation that publishes fact checks
    # (check-claims --format claimreview names it as the ClaimReview's author), and the page
    # that hosts them (each review's url is it, #claim-id)
    reviewer: str | None = None
    reviewer_url: str | None = None

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
        what = "a whole number of snapshots" if kind is int else "a number of seconds"
        raise SeguridadError(f"{name}={text!r} is not {what} (0 or more; default {default})")
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
        raise SeguridadError(f"{name}={text!r} is not a memory size of 100MB or more "
                             f"(e.g. 700MB or 2GB; default {default})")
    return f"{match.group(1)}{match.group(2).upper()}"


def settings() -> Settings:
    """Read the environment now (not at import), so a test can change it per case."""
    from seguridad.errors import SeguridadError

    raw = Path(os.environ.get("SEGURIDAD_RAW") or PROJECT_ROOT / "raw").resolve()
    wh = Path(os.environ.get("SEGURIDAD_WAREHOUSE")
              or PROJECT_ROOT / "warehouse" / "seguridad.duckdb").resolve()
    if raw.exists() and not raw.is_dir():
        raise SeguridadError(f"SEGURIDAD_RAW={raw} is a file: the landing zone must be a folder")
    if wh.is_dir():
        raise SeguridadError(f"SEGURIDAD_WAREHOUSE={wh} is a directory: give the path of the "
                             "warehouse's .duckdb file (it is created if it does not exist)")
    folder = next((p for p in wh.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise SeguridadError(f"SEGURIDAD_WAREHOUSE={wh}: {folder} is a file, not a folder")
    vintage = os.environ.get("SEGURIDAD_POPULATION_VINTAGE") or DEFAULT_POPULATION_VINTAGE
    return Settings(raw_dir=raw, warehouse_path=wh, population_vintage=vintage,
                    snapshots=_number("SEGURIDAD_SNAPSHOTS", "3", int, 0),
                    lock_wait_s=_number("SEGURIDAD_LOCK_WAIT", "600", float, 0),
                    claims_dir=Path(os.environ.get("SEGURIDAD_CLAIMS")
                                    or PROJECT_ROOT / "claims").resolve(),
                    lake_dir=Path(os.environ["SEGURIDAD_LAKE"]).resolve()
                    if os.environ.get("SEGURIDAD_LAKE") else None,
                    memory_limit=_memory("SEGURIDAD_MEMORY_LIMIT", "1GB"),
                    dask_address=os.environ.get("SEGURIDAD_DASK_ADDRESS") or None,
                    reviewer=(os.environ.get("SEGURIDAD_REVIEWER") or "").strip() or None,
                    reviewer_url=(os.environ.get("SEGURIDAD_REVIEWER_URL") or "").strip()
                    or None)

