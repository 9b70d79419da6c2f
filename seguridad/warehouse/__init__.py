"""The warehouse: build steps and rules, the declared grain of each table, the writer's lock,
publish and rollback, backfills, runs and their journal, the Parquet lake, the data dictionary
and status."""
