"""One workbook holding the books, the valuation their impairment test rests on, and the pledge of the same
asset: the 校验 sheet ties the three (交叉引用), live, and LibreOffice recalculates the ties to pass
(test_recalculation.py runs the ``cross-ref`` workbook with the others)."""

from __future__ import annotations

from decimal import Decimal as D

from openpyxl import load_workbook

from ledger_export.checks import ALL_PASS, TITLE
from tests.ledger_export.conftest import Exported


def test_the_impairment_and_the_pledge_are_tied_to_the_valuation(workbooks: dict[str, Exported]) -> None:
    w = workbooks["cross-ref"]
    assert w.report.checks_expected == ALL_PASS
    books = w.source["books"][2]
    imp = books.disclosures.impairments[0]
    # cost 2,400,000.00 over 60 months = 40,000.00 a month, January–December 2025: 480,000.00;
    # carrying before the test 1,920,000.00; recoverable = the parking conclusion 1,502,820.46 − 50,000.00
    # costs of disposal = 1,452,820.46; loss 1,920,000.00 − 1,452,820.46 = 467,179.54
    assert (imp.carrying_before, imp.recoverable_amount, imp.loss) == (
        D("1920000.00"), D("1452820.46"), D("467179.54"))
    ws = load_workbook(w.path)[TITLE]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=2) if r[1].value == "交叉引用 cross-reference"}
    imp_row = rows["PARK-001 评估结论 − 减值测试可收回金额 = 处置费用（2025-12-31）"]
    assert imp_row[4].value == "=PARK_001_V-PARK_001_recoverable" and imp_row[5].value == 50000.0
    pledge_row = rows["PARK-001 质押押品评估结论 = 评估底稿结论"]
    assert (pledge_row[4].value, pledge_row[5].value) == ("=pledge_concluded_value", "=PARK_001_V")
