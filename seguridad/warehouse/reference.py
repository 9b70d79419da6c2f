"""The reference data a build reads (schemas/reference/*.csv) and the pandera models that check
it: a fingerprint of both, whether it changed since a warehouse was built, and their
validation. A build validates the CSVs again, and rebuilds the marts, only when the fingerprint
differs from the one the warehouse was built with (ops.meta reference_sha256)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from schemas.names import REFERENCE_DIR
from seguridad.db import fetch_one
from seguridad.i18n import say

# The reference CSVs' models, and the name rules they use
REFERENCE_MODELS_FILES = tuple(REFERENCE_DIR.parent / f for f in (
    "reference.py", "reference_budget.py", "reference_rules.py", "names.py"))


def reference_fingerprint(directory: Path | None = None) -> str:
    """sha256 over the reference CSVs (names and bytes) and the models that validate them
    (schemas/reference*.py, schemas/names.py): the CSVs are validated again, and the marts
    rebuilt, when it differs from the one the published build was made with (ops.meta
    reference_sha256)."""
    import hashlib

    digest = hashlib.sha256()
    for path in REFERENCE_MODELS_FILES:
        digest.update(path.read_bytes() + b"\0")
    for path in sorted((directory or REFERENCE_DIR).glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of ops.meta (the fingerprints a build keeps); None where it is not set or the
    warehouse has no ops.meta yet."""
    (has_meta,) = fetch_one(con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                                 "current_database() AND schema_name = 'ops' "
                                 "AND table_name = 'meta'")
    row = fetch_one(con, "SELECT value FROM ops.meta WHERE key = ?", [key]) if has_meta else None
    return row[0] if row else None


def reference_changed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the reference data (schemas/reference/) changed since this warehouse's marts
    were built: a new indicator or crosswalk row needs a rebuild of the marts, not a reload."""
    return meta(con, "reference_sha256") != reference_fingerprint()


# Fingerprints (reference_fingerprint) of reference data this process has validated: the same
# bytes and models pass again, so a process that builds several warehouses (the nightly job of
# `seguridad serve`, a backfill, the tests) validates them once (~0.3 s, 1.3 s the first time).
_PASSED: set[str] = set()


def validate_reference(directory: Path) -> None:
    """Validate every reference table (schemas/reference/*.csv) by its pandera model, as the
    build reads them; raise FileRejected naming the file, row, column and value."""
    from schemas import reference
    from seguridad.errors import FileRejected
    from seguridad.intake import validate

    fingerprint = reference_fingerprint(directory)
    if fingerprint in _PASSED:
        return
    for name, model in reference.REFERENCE_MODELS.items():
        failures = validate.validate(model, reference.read(name, directory))
        if failures:
            raise FileRejected(str(directory / f"{name}.csv"),
                               say("warehouse.reference_broken", model=model.__name__),
                               failures)
    _PASSED.add(fingerprint)
