"""benchmarks/bench_trees.py runs end to end: a revision checked out beside this tree, both timed in
their own processes, the figures compared. HEAD against the working tree must agree to the bit when the
engine is unchanged (in CI the working tree is HEAD)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_head_against_this_tree_gives_the_same_figures(tmp_path: Path) -> None:
    engine_edits = subprocess.run(["git", "status", "--porcelain", "valuation", "bridges", "base"], cwd=ROOT,
                                  capture_output=True, text=True, check=True).stdout
    if engine_edits:
        pytest.skip("uncommitted engine edits: HEAD may value differently")  # never in CI: a clean clone
    out = tmp_path / "trees.json"
    run = subprocess.run([sys.executable, "benchmarks/bench_trees.py", "--before", "HEAD", "--assets", "300",
                          "--draws", "20", "--rounds", "1", "--repeat", "1", "--json", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["checksums_agree"] and result["bit_identical"], run.stdout
    assert "ratio after/before" in run.stdout
