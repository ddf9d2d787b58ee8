"""The dependency rules of docs/architecture.md hold, and breaking one fails the check.

The rules are import-linter contracts in pyproject.toml; scripts/test.sh runs ``lint-imports``
before the tests. These tests run the same check here, break a rule on purpose in a scratch copy of
the tree to show the check would catch it, and build the import graph from the source to show it has
no circle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("base", "valuation", "accounting", "pledge", "bridges", "ledger_export", "register", "cli", "app")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the packages and pyproject.toml, to break on purpose."""
    root = tmp_path_factory.mktemp("tree")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    yield root


def test_every_contract_is_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "Contracts: 7 kept, 0 broken."


@contextmanager
def _break(scratch: Path, module: str, line: str) -> Iterator[subprocess.CompletedProcess[str]]:
    path = scratch / (module.replace(".", "/") + ".py")
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}\n", encoding="utf-8")
    try:
        yield _lint(scratch)
    finally:
        path.write_text(original, encoding="utf-8")


@pytest.mark.parametrize(("module", "line", "named"), [
    ("valuation.models", "import streamlit", "valuation.models -> streamlit"),
    ("pledge.sizing", "import openpyxl", "pledge.sizing -> openpyxl"),
    ("accounting.journal", "import sqlalchemy", "accounting.journal -> sqlalchemy"),
    ("accounting.journal", "from valuation import models", "accounting.journal -> valuation.models"),
    ("valuation.conclusion", "from cli import main", "valuation.conclusion -> cli.main"),
    ("base.money", "import numpy", "base.money -> numpy"),
    ("register.models", "from app import i18n", "register.models -> app.i18n"),
    ("valuation.dates", "from valuation import engine", ".dates -> .engine"),
    ("valuation.market.kernel", "from valuation.market import explain",
     "valuation.market.kernel -> valuation.market.explain"),
], ids=["pure-streamlit", "pure-openpyxl", "pure-sqlalchemy", "accounting-valuation", "pure-shell", "floor-numpy",
        "app-imported", "circle", "method-template"])
def test_a_broken_rule_fails_the_check_and_names_the_import(scratch: Path, module: str, line: str, named: str) -> None:
    """Each rule, broken by one added import in a scratch copy: the check fails and names that import."""
    with _break(scratch, module, line) as result:
        assert result.returncode != 0, result.stdout
        assert named in result.stdout, result.stdout


def _module_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:  # iterative depth-first search: the graph is deep enough for recursion limits
        nonlocal counter
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.find_modules_directly_imported_by(node):
                    found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_the_import_graph_has_no_circle() -> None:
    """Every import in the source, at module level or inside a function, in one graph: no circle."""
    graph = _module_graph()
    assert len(graph.modules) > 150  # the whole tree was read
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle(scratch: Path) -> None:
    path = scratch / "valuation" / "dates.py"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\nfrom valuation import engine\n", encoding="utf-8")
    sys.path.insert(0, str(scratch))
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in PACKAGES}
    try:
        for k in saved:
            del sys.modules[k]
        graph = grimp.build_graph("valuation", "base", cache_dir=None)
        assert any("valuation.dates" in c and "valuation.engine" in c for c in _cycles(graph))
    finally:
        sys.path.remove(str(scratch))
        sys.modules.update(saved)
        path.write_text(original, encoding="utf-8")
