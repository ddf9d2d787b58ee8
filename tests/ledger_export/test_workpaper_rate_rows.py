"""The income workpaper's WACC build (CAPM) and tax amortization benefit as live rows.

The parking sample (data/examples/parking_city_investment.json) with its discount rate built from its
parts and a TAB (value type market_value, a fair value). Hand figures:

    rf 2.5 %, β_U 0.9, D/E 0.5, T 25 %, ERP 6.5 %, size 1 %, specific 2 %, Kd 4 %, asset premium 2 %
    β_L  = 0.9 × (1 + (1 − 0.25) × 0.5) = 1.2375
    Ke   = 0.025 + 1.2375 × 0.065 + 0.01 + 0.02 = 0.1354375
    WACC = 2/3 × 0.1354375 + 1/3 × 0.04 × 0.75 = 0.100291667
    i    = 0.100291667 + 0.02 = 0.120291667

    cash flows (docs/valuation.md §Sample corrections): 459,375 at t = 0.5, 465,075 at 1.5, 229,635 at 2.25
    PV   = 459,375 / 1.120291667^0.5 + 465,075 / 1.120291667^1.5 + 229,635 / 1.120291667^2.25
         = 434,012.07 + 392,216.93 + 177,845.59 = 1,004,074.58
    TAB: n = 10, T = 25 %: AF = (1 − 1.120291667^(−10)) / 0.120291667 = 5.643483
         TAB = PV × (1 / (1 − 0.25 × 5.643483 / 10) − 1) = 1,004,074.58 × 0.164262 = 164,931.69
         P with TAB = 1,004,074.58 + 164,931.69 = 1,169,006.27
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from cli.commands.export import load_valuation
from ledger_export.checks import ALL_PASS
from ledger_export.export import export_workbook
from tests.conftest import require
from tests.ledger_export.libreoffice import formula_cells, mismatches, recalculate, soffice

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
INCOME = "收益法 Income"
P = "PARK_001"

CAPM = {"risk_free": 0.025, "beta_unlevered": 0.9, "debt_to_equity": 0.5, "tax_rate": 0.25,
        "equity_risk_premium": 0.065, "size_premium": 0.01, "specific_premium": 0.02, "cost_of_debt": 0.04,
        "evidence": "10y CGB 2.5 %; β_U median of 6 listed data-service peers; ERP 6.5 %; 1y LPR + 0.9 pp"}
TAB = {"period_years": 10, "tax_rate": 0.25,
       "basis_text": "企业所得税法实施条例第六十七条：无形资产摊销年限不低于10年; market value = fair value"}

BETA_L = 0.9 * (1 + (1 - 0.25) * 0.5)
KE = 0.025 + BETA_L * 0.065 + 0.01 + 0.02
WACC = 1 / (1 + 0.5) * KE + 0.5 / (1 + 0.5) * 0.04 * (1 - 0.25)
RATE = WACC + 0.02
PV = 459_375 / (1 + RATE) ** 0.5 + 465_075 / (1 + RATE) ** 1.5 + 229_635 / (1 + RATE) ** 2.25
AF = (1 - (1 + RATE) ** -10) / RATE
TAB_AMOUNT = PV * (1 / (1 - 0.25 * AF / 10) - 1)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    raw = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    income = raw["assets"][0]["income"]
    income["discount_rate"] = {"capm": CAPM, "asset_premium": 0.02, "basis": "after_tax",
                               "evidence": "WACC from its parts plus a 2 % data-asset premium"}
    income["tax_amortization_benefit"] = TAB
    tmp = tmp_path_factory.mktemp("rate_rows")
    case = tmp / "park_capm_tab.json"
    case.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    _, result, index = load_valuation(case)
    assert not result.errors
    path = tmp / "park_capm_tab.xlsx"
    report = export_workbook(path, valuation=result, price_index=index, record=True)
    return path, report


def _cell(wb: Any, name: str) -> tuple[str, str]:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return sheet, ref.replace("$", "")


def test_hand_figures() -> None:
    assert round(BETA_L, 10) == 1.2375 and round(KE, 10) == 0.1354375 and round(WACC, 9) == 0.100291667
    assert round(PV, 2) == 1_004_074.58 and round(AF, 6) == 5.643483
    assert round(TAB_AMOUNT, 2) == 164_931.69 and round(PV + TAB_AMOUNT, 2) == 1_169_006.27


def test_rate_and_tab_rows_are_live_formulas_carrying_the_hand_figures(exported: tuple[Path, Any]) -> None:
    path, report = exported
    wb = load_workbook(path)
    expect = {(e.sheet, e.cell): e for e in report.expectations}
    want = {f"{P}_beta_L": BETA_L, f"{P}_Ke": KE, f"{P}_WACC": WACC, f"{P}_i": RATE, f"{P}_AF": AF}
    for name, figure in want.items():
        sheet, cell = _cell(wb, name)
        assert sheet == INCOME
        assert str(wb[sheet][cell].value).startswith("="), name
        assert expect[(sheet, cell)].kind == "ratio"
        assert expect[(sheet, cell)].expect == pytest.approx(figure, rel=1e-12), name
    money = {f"{P}_PV_before_TAB": PV, f"{P}_TAB": TAB_AMOUNT, f"{P}_P_income": PV + TAB_AMOUNT}
    for name, figure in money.items():
        sheet, cell = _cell(wb, name)
        assert str(wb[sheet][cell].value).startswith("=")
        assert expect[(sheet, cell)].expect == pytest.approx(figure, abs=0.005), name
    ws = wb[INCOME]
    # β_L, Ke and WACC reference the yellow inputs of their rows; the rate used sums the live WACC
    beta_l = ws[_cell(wb, f"{P}_beta_L")[1]].value
    assert beta_l.count("*(1+(1-") == 1
    wacc_row = int(_cell(wb, f"{P}_WACC")[1][1:])
    rate_cells = [row for row in ws.iter_rows(min_row=wacc_row + 1, max_row=wacc_row + 4)
                  if row[1].value == "wacc"]
    assert rate_cells and rate_cells[0][2].value == f"=C{wacc_row}"
    tab = ws[_cell(wb, f"{P}_TAB")[1]].value
    assert "/(1-" in tab and tab.endswith("-1)")
    # each input of the build is a key input (yellow) with its evidence beside it
    inputs = [row for row in ws.iter_rows() if row[1].value in ("risk_free", "beta_unlevered", "debt_to_equity",
                                                                "tax_rate", "erp", "cost_of_debt")]
    assert len(inputs) == 6
    for row in inputs:
        assert row[2].fill.fgColor.rgb.endswith("FFF2CC") and "CGB" in str(row[3].value)


def test_every_formula_cell_is_recorded_and_every_tie_holds(exported: tuple[Path, Any]) -> None:
    path, report = exported
    recorded = {(e.sheet, e.cell) for e in report.expectations}
    assert formula_cells(path) == recorded
    assert report.checks_expected == ALL_PASS


def test_libreoffice_evaluates_the_rows_to_the_hand_figures(exported: tuple[Path, Any],
                                                            tmp_path: Path) -> None:
    require(soffice() is not None, "LibreOffice")
    path, report = exported
    (converted,) = recalculate([path], tmp_path)
    bad = mismatches(report.expectations, converted)
    assert not bad, f"{len(bad)} of {len(report.expectations)} formula cells differ, e.g. {bad[:5]}"
    wb = load_workbook(converted, data_only=True)
    names = load_workbook(path).defined_names

    def value(name: str) -> Any:
        ((sheet, ref),) = list(names[name].destinations)
        return wb[sheet][ref.replace("$", "")].value

    assert value(f"{P}_beta_L") == pytest.approx(1.2375, rel=1e-12)
    assert value(f"{P}_Ke") == pytest.approx(0.1354375, rel=1e-12)
    assert value(f"{P}_WACC") == pytest.approx(WACC, rel=1e-12)
    assert value(f"{P}_i") == pytest.approx(RATE, rel=1e-12)
    assert value(f"{P}_AF") == pytest.approx(AF, rel=1e-12)
    assert value(f"{P}_TAB") == pytest.approx(TAB_AMOUNT, abs=0.005)
    assert value(f"{P}_P_income") == pytest.approx(PV + TAB_AMOUNT, abs=0.005)
