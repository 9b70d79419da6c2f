"""The header every SQL file of warehouse/sql/ starts with, read from the file itself: what it
creates or defines, the grain of each table it creates (warehouse/sql/tables.toml), and what
it reads. tests/test_architecture.py checks that each file's header is the one its statements
give; after changing a file, `python tests/sql_headers.py --write` rewrites the headers."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SQL_DIR = REPO / "warehouse" / "sql"
SCHEMAS = "raw|staging|core|marts|ops"
CREATE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(TABLE|VIEW|MACRO)\s+"
                    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:" + SCHEMAS + r")\.\w+)", re.I)
READ = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+((?:" + SCHEMAS + r")\.\w+)"
                  r"|query_table\('((?:" + SCHEMAS + r")\.\w+)'"
                  r"|\b((?:" + SCHEMAS + r")\.\w+)\s*\(", re.I)
MARK = ("-- Creates:", "-- Defines:", "-- Grain:", "-- Reads:", "--          ")
WIDTH = 96


def _body(text: str) -> str:
    """The statements, without comments (a comment may name a table it does not read)."""
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def _wrap(label: str, items: list[str]) -> list[str]:
    lines, line = [], f"-- {label:<8} "
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else "")
        if len(line) + len(piece.rstrip()) > WIDTH and not line.endswith(" " * 2):
            lines.append(line.rstrip())
            line = "--          "
        line += piece
    lines.append(line.rstrip())
    return lines


def expected_header(text: str, grains: dict[str, list[str]]) -> list[str]:
    body = _body(text)
    made: dict[str, str] = {}
    for kind, name in CREATE.findall(body):
        made.setdefault(name.lower(), kind.lower())
    read = []
    for match in READ.finditer(body):
        name = next(g for g in match.groups() if g).lower()
        if name not in made and name not in read:
            read.append(name)
    objects = [f"{n} ({k})" for n, k in made.items() if k != "macro"]
    macros = [n for n, k in made.items() if k == "macro"]
    out = []
    if objects:
        out += _wrap("Creates:", objects)
    if macros:
        out += _wrap("Defines:", macros)
    for name in made:
        if name in grains:
            out += _wrap("Grain:", [f"{name}: " + " x ".join(grains[name])])
    out += _wrap("Reads:", sorted(read) or ["nothing of the warehouse"])
    return out


def current_header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith(MARK):
            break
        lines.append(line)
    return lines


def grains() -> dict[str, list[str]]:
    data = tomllib.loads((SQL_DIR / "tables.toml").read_text(encoding="utf-8"))
    return {name: spec["grain"] for name, spec in data.items() if name != "values"}


def files() -> list[Path]:
    return sorted(SQL_DIR.rglob("*.sql"))


def mismatches() -> dict[str, tuple[list[str], list[str]]]:
    declared, out = grains(), {}
    for path in files():
        text = path.read_text(encoding="utf-8")
        want, have = expected_header(text, declared), current_header(text)
        if want != have:
            out[str(path.relative_to(REPO))] = (have, want)
    return out


def write() -> int:
    declared, changed = grains(), 0
    for path in files():
        text = path.read_text(encoding="utf-8")
        have = current_header(text)
        want = expected_header(text, declared)
        if have == want:
            continue
        rest = text.splitlines(keepends=True)[len(have):]
        if rest and rest[0].strip() and not have:
            want = [*want, "--"]
        elif have and rest and rest[0].strip() == "--":
            want = [*want]
        path.write_text("\n".join(want) + "\n" + "".join(rest), encoding="utf-8")
        changed += 1
    return changed


if __name__ == "__main__":
    if "--write" in sys.argv:
        print(f"{write()} file(s) rewritten")
    else:
        for name, (_have, want) in mismatches().items():
            print(name, *want, sep="\n  ")
