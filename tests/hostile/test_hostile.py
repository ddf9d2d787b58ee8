"""The hostile-input slice run in CI: a fixed-seed sample of generated inputs per command.

Each command gets a few pinned inputs (``harness.pinned_jobs``: 10,000-level nesting, 5,000-digit
integers, NaN tokens, far as-of dates, BOM / empty / semicolon / formula CSVs, empty / truncated /
random / formula workbooks, non-object JSON) and ``HOSTILE_CI_INPUTS`` inputs (default 10) drawn with ``derandomize=True`` — the same
inputs on every run — from the strategies in ``tests/hostile/harness.py``, each run as a ``dataval``
subprocess (``HOSTILE_JOBS`` at a time, default 2). A run must exit 0, 2 or 3, print no traceback,
finish within ``HOSTILE_TIMEOUT`` seconds (default 60) and leave its outputs complete or absent, and
write none when it refused the input. Failures are kept as reproducer folders under
``HOSTILE_FAILURES_DIR`` (default ``$TMPDIR/dataval-hostile-failures``).

The long run (≥ 5,000 inputs): ``.venv/bin/python tests/hostile/run_long.py --inputs 5000``.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.hostile import harness
from tests.hostile.gen import json_schema

CI_INPUTS = int(os.environ.get("HOSTILE_CI_INPUTS", "10"))


@pytest.mark.parametrize("kind", ["case", "books", "pledge"])
def test_schema_command_prints_the_file_schema(kind: str) -> None:
    """The strategies draw from the schema ``dataval schema KIND`` prints."""
    out = subprocess.run([*harness.DATAVAL, "schema", kind], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout) == json.loads(json.dumps(json_schema(kind)))


def test_schema_batch_still_lists_the_columns() -> None:
    out = subprocess.run([*harness.DATAVAL, "schema", "--batch"], capture_output=True, text=True, timeout=120, check=True)
    columns = json.loads(out.stdout)
    assert any(c["name"] == "asset_id" for c in columns)


@pytest.mark.slow
@pytest.mark.parametrize("target", list(harness.TARGETS))
def test_hostile_inputs(target: str) -> None:
    pinned = harness.pinned_jobs(target)  # the listed hostile categories, always
    outcomes = harness.run_jobs(pinned + harness.draw_jobs(target, CI_INPUTS))
    report = harness.format_report(outcomes)
    print(report)
    failed = [o for o in outcomes if o.problems]
    assert len(outcomes) >= len(pinned) + CI_INPUTS * 3 // 4, f"only {len(outcomes)} distinct inputs drawn"
    assert not failed, f"{len(failed)} of {len(outcomes)} hostile inputs broke a promise:\n{report}"
