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


def settings() -> Settings:
    """Read the environment now (not at import), so a test can change it per case."""
    raw = os.environ.get("SEGURIDAD_RAW") or PROJECT_ROOT / "raw"
    wh = os.environ.get("SEGURIDAD_WAREHOUSE") or PROJECT_ROOT / "warehouse" / "seguridad.duckdb"
    vintage = os.environ.get("SEGURIDAD_POPULATION_VINTAGE") or DEFAULT_POPULATION_VINTAGE
    return Settings(raw_dir=Path(raw).resolve(), warehouse_path=Path(wh).resolve(),
                    population_vintage=vintage,
                    snapshots=int(os.environ.get("SEGURIDAD_SNAPSHOTS", "3")),
                    lock_wait_s=float(os.environ.get("SEGURIDAD_LOCK_WAIT", "600")),
                    claims_dir=Path(os.environ.get("SEGURIDAD_CLAIMS")
                                    or PROJECT_ROOT / "claims").resolve())
