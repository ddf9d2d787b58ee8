"""A workbook whose one sheet's XML is cut short: it opens (read-only mode reads a sheet only when it is
iterated) and fails while its rows are read, with the parse error lxml or ElementTree raises."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook


def cut_sheet(good: Path, out: Path, sheet: str) -> Path:
    """``good`` copied to ``out`` with the XML of ``sheet`` cut in half (openpyxl names the parts
    xl/worksheets/sheet<k>.xml in the order of the sheets)."""
    wb = load_workbook(good, read_only=True)
    part = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    wb.close()
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        assert part in zin.namelist(), zin.namelist()
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, data[: len(data) // 2] if item.filename == part else data)
    return out
