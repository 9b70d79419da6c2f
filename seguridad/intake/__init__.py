"""Intake: from a file on disk to checked rows in the warehouse's raw and core tables (discovery,
raw files and archives, workbooks, checks by severity, validation, loading, fan-out, downloads)."""
