"""The shape of the code, checked: the import graph of seguridad, flows and schemas has no
cycle (imports inside functions count: they are how cycles hide), the warehouse module does
not pull in the reports, and ARCHITECTURE.md names files that exist."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("seguridad", "flows", "schemas")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in its body (ast, not by hand)."""
    modules = {module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                # `from seguridad import ingest` imports the module seguridad.intake.ingest
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not (
                        path.name == "__init__.py" and target == name):
                    graph[name].add(target)
    # a package's __init__ is imported by every module inside it: not an edge worth a cycle
    return {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read_as_it_is_written():
    graph = import_graph()
    assert "seguridad.db" in graph["seguridad.analysis.compare"]
    assert "seguridad.warehouse.build" in graph["flows.tasks"]
    assert "schemas.names" in graph["seguridad.warehouse.build"]
    # a cycle is found when there is one
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_import_graph_has_no_cycle():
    assert cycles(import_graph()) == []


def test_the_warehouse_module_does_not_import_the_reports():
    probe = ("import sys, seguridad.warehouse.build; "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('seguridad'))))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                                text=True, check=True).stdout.split())
    assert "seguridad.warehouse.build" in loaded
    assert not any(m.startswith(("seguridad.reports", "seguridad.factcheck",
                                 "seguridad.analysis")) for m in loaded)


def test_architecture_names_files_that_exist():
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:seguridad|flows|schemas|warehouse|tests|benchmarks)/"
                           r"[\w./-]+\.(?:py|sql|csv|toml|md))", text))
    assert len(named) >= 30
    missing = sorted(p for p in named if not (REPO / p).exists())
    assert missing == []


def test_each_raw_format_is_declared_once_and_its_model_agrees():
    """schemas/formats.toml is the one declaration of a format's header; the raw table is
    derived from it (warehouse.raw_table_ddl), and the pandera model must name the same
    columns (a regex column of the model covers the columns it matches)."""
    import duckdb

    from schemas.names import formats
    from seguridad.intake.validate import load_model
    from seguridad.warehouse import build as warehouse

    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    warehouse.create_raw_tables(con)
    for name, spec in formats().items():
        header = spec["header"]
        assert len(set(header)) == len(header), name
        if spec.get("raw_table"):
            schema, table = spec["raw_table"].split(".")
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? "
                "AND table_name = ? ORDER BY column_index", [schema, table]).fetchall()]
            assert columns == ["file_sha256", "row_number", *header], name
        model = load_model(spec["model"]).to_schema().columns
        patterns = [re.compile(k) for k, c in model.items() if c.regex]
        named = {k for k, c in model.items() if not c.regex}
        assert named <= set(header), (name, named - set(header))
        uncovered = [h for h in header if h not in named
                     and not any(p.fullmatch(h) for p in patterns)]
        assert uncovered == [], (name, uncovered)
    # and a drift is caught: a model column the header lacks
    assert "Clave_Ent" in load_model(formats()["sesnsp_state_nm"]["model"]).to_schema().columns


CUT_ORDER_FILE = REPO / "warehouse" / "sql" / "schema" / "05_files.sql"
# A window or an arg_max ordered by a file's cut or load time: a choice of "the newest cut".
NEWEST_CHOICE = re.compile(
    r"(OVER\s*\((?:[^()]|\([^()]*\))*ORDER\s+BY(?:[^()]|\([^()]*\))*\b(cut_date|loaded_at)\b"
    r"|arg_m(?:ax|in)\([^()]*,\s*(?:\w+\.)?(cut_date|loaded_at)\s*\)"
    r"|ORDER\s+BY[^;\"()]*?(?:\bm(?:ax|in)\()?(?:\w+\.)?\bloaded_at\b)", re.IGNORECASE)


def test_the_newest_cut_is_chosen_in_one_place():
    """Which of two files is the newer cut is written once (core.cut_order); everything else
    compares its cut_rank, so no SQL (or SQL in Python) orders files by cut or load time."""
    assert NEWEST_CHOICE.search(CUT_ORDER_FILE.read_text(encoding="utf-8"))
    assert NEWEST_CHOICE.search("row_number() OVER (PARTITION BY s ORDER BY cut_date DESC)")
    assert NEWEST_CHOICE.search("ORDER BY series, cut_date NULLS FIRST, max(rf.loaded_at)")
    offenders = []
    for path in [*(REPO / "warehouse" / "sql").rglob("*.sql"),
                 *(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))]:
        if path != CUT_ORDER_FILE:
            offenders += [f"{path.relative_to(REPO)}: {m.group(0)[:80]}"
                          for m in NEWEST_CHOICE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_table_of_the_warehouse_is_declared_with_its_grain(small_warehouse):
    """warehouse/sql/tables.toml declares each table and view of core, marts and ops once
    with its grain: a new table without an entry fails here, as does an entry whose table
    is gone, or a grain naming a column the table does not have."""
    import duckdb

    from seguridad.warehouse import grain

    declared = grain.registry()
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        present = grain.declared_in(con)
        columns = {}
        for schema, table, column in con.execute(
                "SELECT schema_name, table_name, column_name FROM duckdb_columns() "
                "WHERE database_name = current_database()").fetchall():
            columns.setdefault(f"{schema}.{table}", set()).add(column)
    assert sorted(present - set(declared)) == [], "tables without a declared grain"
    assert sorted(set(declared) - present) == [], "declared tables the warehouse lacks"
    named = {(t.name, c) for t in declared.values()
             for c in (*t.grain, *t.not_null, *t.accepted, *t.references)}
    assert sorted((t, c) for t, c in named if c not in columns[t]) == []


def _package(module: str) -> str:
    """The stage a module belongs to: seguridad.<subpackage>, or seguridad (the foundation),
    flows, schemas."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "seguridad" and len(parts) > 2 else parts[0]


def private_imports_across_packages() -> list[str]:
    """Every use of a private name (one underscore) of a module of another package: imported
    by name, or read as an attribute of the imported module (`html._e`)."""
    modules = {module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    if f"{node.module}.{a.name}" in modules:
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    elif (a.name.startswith("_") and not a.name.startswith("__")
                          and node.module in modules
                          and _package(node.module) != _package(name)):
                        found.append(f"{path.relative_to(REPO)}:{node.lineno} "
                                     f"from {node.module} import {a.name}")
            elif isinstance(node, ast.Import):
                aliases.update({a.asname or a.name: a.name for a in node.names
                                if a.name in modules})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.attr.startswith("_") and not node.attr.startswith("__")
                    and node.value.id in aliases
                    and _package(aliases[node.value.id]) != _package(name)):
                found.append(f"{path.relative_to(REPO)}:{node.lineno} "
                             f"{node.value.id}.{node.attr}")
    return sorted(found)


def test_no_private_name_is_used_across_packages():
    """Subpackages talk through public names only; a private one is free to change."""
    assert private_imports_across_packages() == []


def test_the_private_name_rule_sees_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "seguridad" / "reports"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text("from seguridad.analysis import compare\ncompare._hidden()\n"
                               "from seguridad.analysis.compare import _other\n")
    (tmp_path / "seguridad" / "analysis").mkdir()
    (tmp_path / "seguridad" / "analysis" / "compare.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    assert private_imports_across_packages() == [
        "seguridad/reports/x.py:2 compare._hidden",
        "seguridad/reports/x.py:3 from seguridad.analysis.compare import _other"]


def test_no_module_is_over_400_lines():
    """A module holds one job: none of seguridad/, flows/ or schemas/ over ~400 lines."""
    long = {str(p.relative_to(REPO)): n for pkg in PACKAGES
            for p in (REPO / pkg).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_each_sql_file_says_what_it_builds():
    """Every SQL file of warehouse/sql/ starts with a header read from its own statements:
    what it creates or defines, the grain of each table it creates (tables.toml) and what it
    reads, so the order of the build can be read from the files. After changing a file:
    `python tests/sql_headers.py --write`."""
    from sql_headers import mismatches

    assert sorted(mismatches()) == []
