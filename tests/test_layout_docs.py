"""The README's layout table and docs/architecture.md describe the tree as it is.

A folder added, moved or removed without its row, a method module outside the template's table, a
contract in pyproject.toml the docs do not explain, or a library the floor imports beyond the standard
library and pydantic: each fails here, naming what is missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
METHODS = ("cost", "income", "market")


def _section(text: str, heading: str) -> str:
    """The text under the markdown ``heading`` up to the next heading of the same or higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    end = re.compile(rf"^#{{1,{len(level)}}} ", re.M).search(text, start + len(heading))
    return text[start : end.start() if end else len(text)]


def _folders_in_table(section: str, column: int) -> set[str]:
    """The ``name/`` folders written in backticks in ``column`` of the table rows of ``section``."""
    names = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > column:
            names |= set(re.findall(r"`([a-z_]+)/`", cells[column]))
    return names


def _tracked_top_folders() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {f.split("/")[0] for f in files.splitlines() if "/" in f and not f.startswith(".")}


def test_readme_layout_table_lists_every_top_folder() -> None:
    listed = _folders_in_table(_section(README, "## Layout"), 1)
    tracked = _tracked_top_folders()
    assert tracked - listed == set(), "folders of the tree with no row in README's layout table"
    assert listed - tracked == set(), "rows of README's layout table with no such folder"


def test_architecture_rooms_are_the_packages() -> None:
    """Every package of the engine has its room in docs/architecture.md, and every room is a package."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    rooms = _folders_in_table(_section(ARCHITECTURE, "## The rooms"), 1)
    assert packages == rooms


def test_method_folders_follow_the_template_table() -> None:
    section = _section(ARCHITECTURE, "## One template per method")
    template = {m for m in re.findall(r"^\| `([a-z_]+)\.py` \|", section, re.M)}
    assert {"inputs", "prepare", "kernel", "explain", "method", "result", "batch"} <= template
    own = set(re.findall(r"`((?:cost|income|market)/[a-z_]+)\.py`", section))
    for method in METHODS:
        modules = {p.stem for p in (ROOT / "valuation" / method).glob("*.py")} - {"__init__"}
        assert template - modules == set(), f"valuation/{method}/ lacks modules of the template"
        extra = {f"{method}/{m}" for m in modules - template}
        assert extra - own == set(), f"valuation/{method}/ has modules neither in the template nor in its list"
        assert {o for o in own if o.startswith(method + "/")} - extra == set(), "listed modules that do not exist"


def test_every_contract_is_explained() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ids = {c["id"] for c in config["tool"]["importlinter"]["contracts"]}
    explained = set(re.findall(r"^\| `([a-z-]+)` \|", _section(ARCHITECTURE, "## The contracts"), re.M))
    assert ids == explained


def test_the_floor_imports_only_the_standard_library_and_pydantic() -> None:
    """The floor contract lists forbidden libraries; this checks the other way round: every library the
    floor imports, at any depth, is in the standard library or is pydantic."""
    graph = grimp.build_graph("base", include_external_packages=True, cache_dir=None)
    libraries = {m.split(".")[0] for m in graph.modules} - {"base"}
    assert "pydantic" in libraries  # external imports were read
    assert libraries - set(sys.stdlib_module_names) - {"pydantic", "pydantic_core", "typing_extensions"} == set()
