"""seguridad: Mexico's public-security statistics, from the SESNSP's raw files to a DuckDB
warehouse and change reports anyone can check."""

__version__ = "0.1.0"
