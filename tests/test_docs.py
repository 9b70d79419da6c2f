"""The README a newcomer reads in five minutes, its Spanish twin, and the pages under docs/:
every link resolves, both give the same two Quick start commands, and CI runs the README's
test commands."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

PAGES = [REPO / "README.md", REPO / "LEEME.md", REPO / "ARCHITECTURE.md",
         *sorted((REPO / "docs").glob("*.md"))]


def quick_start(path: Path, heading: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    return block.split()


def test_every_relative_link_resolves():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if not target.startswith(("http:", "https:", "mailto:")) and \
                    not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert broken == []


def test_the_readme_is_short_and_the_leeme_has_the_same_quick_start():
    assert len((REPO / "README.md").read_text("utf-8").splitlines()) <= 200
    assert quick_start(REPO / "README.md", "Quick start") == ["make", "run", "make", "test"]
    assert quick_start(REPO / "LEEME.md", "Para empezar") == ["make", "run", "make", "test"]


def test_every_docs_page_is_listed_in_the_readme_and_the_index():
    readme = (REPO / "README.md").read_text("utf-8")
    index = (REPO / "docs" / "README.md").read_text("utf-8")
    for page in (REPO / "docs").glob("*.md"):
        if page.name != "README.md":
            assert f"docs/{page.name}" in readme, page.name
            assert f"({page.name})" in index, page.name


def test_ci_runs_the_readmes_test_commands():
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert re.search(r"^make test-all$", ci, re.M)
    # test-all is the README's `make test` plus the slow tier
    recipe = re.search(r"^test:.*\n\t(.*)\n", makefile, re.M).group(1)
    recipe_all = re.search(r"^test-all:.*\n\t(.*)\n", makefile, re.M).group(1)
    assert recipe.replace(' -m "not slow"', "") == recipe_all
