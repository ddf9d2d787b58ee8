"""Recalculate workbooks with LibreOffice headless and compare formula cells with expected figures.

``soffice --headless --convert-to xlsx`` loads each workbook, recalculates every formula (the fresh
profile is set to always recalculate OOXML files on load) and saves the results as cached values,
which openpyxl reads with ``data_only=True``. One soffice run converts many files: start-up costs
seconds, so the tests convert everything they need at once.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""
FEN = 0.005
RATIO_TOLERANCE = 1e-9


def soffice() -> str | None:
    return shutil.which("soffice")


def recalculate(files: Sequence[Path], outdir: Path, timeout: float = 300) -> list[Path]:
    """Convert ``files`` to ``outdir`` with LibreOffice (recalculating); returns the converted paths."""
    exe = soffice()
    assert exe is not None
    profile = Path(tempfile.mkdtemp(prefix="dataval_lo_"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, files)],
                       check=True, timeout=timeout, capture_output=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = [outdir / f.name for f in files]
    missing = [p.name for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return out


def formula_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, cell) of every formula in a workbook."""
    wb = load_workbook(path, read_only=True)
    try:
        return {(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if getattr(c, "data_type", None) == "f"}
    finally:
        wb.close()


def matches(kind: str, expected: Any, got: Any) -> bool:
    """Money to the fen, ratios to 1e-9 (relative above 1), text and counts exactly."""
    if kind in ("money", "ratio"):
        if not isinstance(got, int | float) or isinstance(got, bool):
            return False
        tol = FEN if kind == "money" else RATIO_TOLERANCE * max(1.0, abs(float(expected)))
        return abs(float(got) - float(expected)) <= tol
    if kind == "count":
        return isinstance(got, int | float) and float(got) == float(expected)
    return got == expected


def mismatches(expectations: Iterable[Any], recalculated: Path) -> list[tuple[str, str, str, Any, Any]]:
    """Every expectation whose cell, once recalculated, does not show the expected figure."""
    wb = load_workbook(recalculated, data_only=True)
    bad = []
    for e in expectations:
        got = wb[e.sheet][e.cell].value
        if not matches(e.kind, e.expect, got):
            bad.append((e.sheet, e.cell, e.formula, e.expect, got))
    return bad
