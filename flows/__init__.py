"""Prefect flows: `ingest` (files given by the user) and `refresh` (the nightly job). They
orchestrate; the work is done by plain functions in the `seguridad` package."""
