"""The reference paths the benchmark measures seguridad against, each run by the harness in a
fresh process (`python -m benchmarks.paths WHICH ...`):

    floor FILE DB    DuckDB alone: CREATE TABLE t AS SELECT * FROM read_csv(FILE, latin-1)
    naive FILE DB    the plain pandas way: read_csv, validate the wide frame with the project's
                     pandera model, melt to long form, insert the long frame into DuckDB
    flow             a trivial Prefect flow run as seguridad's CLI ran its flows before issue
                     24 (with no PREFECT_API_URL: Prefect's temporary server in the process;
                     the CLI's quiet settings): the orchestration cost of any flow
    cli-flow         the same flow as the CLI runs its flows now
    (seguridad/orchestration/prefect_server.py:
                     the local server, started or reused, or PREFECT_API_URL's; no heartbeat;
                     the CLI's exit): the part of a command's fixed cost that is Prefect's
"""

from __future__ import annotations

import sys


def floor(path: str, db: str) -> None:
    import duckdb

    con = duckdb.connect(db)
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, encoding = 'latin-1')", [path])
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    print(f"{rows:,} rows")


def naive(path: str, db: str) -> None:
    import duckdb
    import pandas as pd

    from schemas.sesnsp import MONTHS_NM, SesnspMunicipalNM

    wide = pd.read_csv(path, encoding="latin-1", dtype=str)  # the model checks cells as text
    SesnspMunicipalNM.validate(wide, lazy=True)
    keys = [c for c in wide.columns if c not in MONTHS_NM]
    long = wide.melt(id_vars=keys, value_vars=MONTHS_NM, var_name="Mes", value_name="valor")
    del wide
    long["valor"] = pd.to_numeric(long["valor"])
    con = duckdb.connect(db)
    con.register("long_frame", long)
    con.execute("CREATE TABLE crime AS SELECT * FROM long_frame")
    rows = con.execute("SELECT count(*) FROM crime").fetchall()[0][0]
    con.close()
    print(f"{rows:,} long rows")


def flow() -> None:
    from seguridad.cli.flowrun import quiet_prefect

    quiet_prefect()
    _bare_flow()


def _bare_flow() -> None:
    from prefect import flow as prefect_flow

    @prefect_flow(name="benchmark-bare-flow")
    def bare() -> int:
        return 1

    state = bare(return_state=True)  # as seguridad.cli.flowrun.run_flow runs a flow
    assert state.result(raise_on_failure=True) == 1


def cli_flow() -> None:
    from seguridad import config
    from seguridad.cli.app import _exit_now
    from seguridad.cli.flowrun import quiet_prefect
    from seguridad.orchestration import prefect_server

    quiet_prefect()
    with prefect_server.for_flow_runs(config.settings()):
        _bare_flow()
    _exit_now(0)


def main(argv: list[str]) -> None:
    which, *args = argv
    {"floor": floor, "naive": naive, "flow": flow, "cli-flow": cli_flow}[which](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
