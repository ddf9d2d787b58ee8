"""The Excel engagement template round-trips: case → workbook → case is the same case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.io import case_from_dict
from ledger_export.case_template import ASSETS, read_case_workbook, write_case_workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_round_trip(path: Path, tmp_path: Path) -> None:
    case, errors = case_from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert not errors
    xlsx = tmp_path / "case.xlsx"
    write_case_workbook(case, xlsx)
    again, errors = case_from_dict(read_case_workbook(xlsx))
    assert not errors
    assert again == case


def test_hostile_text_stays_inert_text(tmp_path: Path) -> None:
    raw = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    raw["assets"][0]["asset"]["name"] = '=HYPERLINK("http://evil.example","click")'
    raw["assets"][0]["asset"]["description"] = "+cmd|' /C calc'!A0 " + "长" * 3000
    case, _ = case_from_dict(raw)
    xlsx = tmp_path / "case.xlsx"
    write_case_workbook(case, xlsx)
    ws = load_workbook(xlsx)[ASSETS]
    keys = [c.value for c in ws[1]]
    name_cell = ws.cell(3, keys.index("asset.name") + 1)
    assert name_cell.data_type == "s"  # text, not a formula
    again, _ = case_from_dict(read_case_workbook(xlsx))
    assert again.assets[0].asset.name == raw["assets"][0]["asset"]["name"]
    assert again == case


def _parking_workbook(tmp_path: Path) -> Path:
    """The parking engagement written as the template, case.xlsx in ``tmp_path``."""
    case, _ = case_from_dict(json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8")))
    xlsx = tmp_path / "case.xlsx"
    write_case_workbook(case, xlsx)
    return xlsx


def test_row_for_an_unknown_asset_is_reported(tmp_path: Path) -> None:
    xlsx = _parking_workbook(tmp_path)
    wb = load_workbook(xlsx)
    ws = wb["方法 Methods"]
    ws.cell(3, 1).value = "NOPE-9"
    wb.save(xlsx)
    from base.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"方法 Methods.*row 3.*NOPE-9"):
        read_case_workbook(xlsx)


def test_rows_are_numbered_as_in_the_sheet_and_duplicates_refused(tmp_path: Path) -> None:
    from base.errors import InvalidInput

    xlsx = _parking_workbook(tmp_path)
    wb = load_workbook(xlsx)
    ws = wb["方法 Methods"]
    ws.insert_rows(3, amount=2)  # two blank rows before the data
    ws.cell(6, 1).value = "NOPE-9"  # data rows are now 5, 6, 7
    wb.save(xlsx)
    with pytest.raises(InvalidInput, match=r"方法 Methods.*row 6.*NOPE-9"):
        read_case_workbook(xlsx)

    wb = load_workbook(xlsx)
    assets = wb[ASSETS]
    for col in range(1, assets.max_column + 1):
        assets.cell(4, col).value = assets.cell(3, col).value  # the same asset twice
    wb.save(xlsx)
    with pytest.raises(InvalidInput, match=r"row 4.*PARK-001.*twice"):
        read_case_workbook(xlsx)


def test_a_damaged_sheet_is_refused_naming_file_and_sheet(tmp_path: Path) -> None:
    from base.errors import InvalidInput
    from tests.xlsx_damage import cut_sheet

    damaged = cut_sheet(_parking_workbook(tmp_path), tmp_path / "damaged.xlsx", "方法 Methods")
    with pytest.raises(InvalidInput, match=r"damaged.xlsx: 工作表 '方法 Methods' 内容已损坏") as info:
        read_case_workbook(damaged)
    assert info.value.field == "方法 Methods"
