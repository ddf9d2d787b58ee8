"""Figures computed by hand, read from the workbooks after LibreOffice recalculated them.

The books case (tests/ledger_export/data/hand_books.json): a dataset bought on 2025-01-10 for
CNY 1,200,000 plus deductible VAT 72,000 on account, ready for use on 2025-01-20, 60 months straight
line — so CNY 20,000 a month from January (当月增加当月摊销).
"""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook

from ledger_export.accounts import BALANCE_SHEET, GENERAL_LEDGER, SUBLEDGER, TRIAL_BALANCE
from ledger_export.checks import ALL_PASS
from ledger_export.notes import TABLE_A
from ledger_export.pledge_sheets import SUMMARY
from ledger_export.workpapers import INCOME
from tests.ledger_export.conftest import Exported

MONTHLY = 1_200_000 / 60


def _book(recalculated: dict[str, Exported], name: str) -> Any:
    path = recalculated[name].recalculated
    assert path is not None
    return load_workbook(path, data_only=True)


def _named(wb: Any, name: str) -> Any:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")].value


def _rows(ws: Any, **match: Any) -> list[tuple[Any, ...]]:
    """Rows whose columns (letter=value) all match."""
    out = []
    for row in ws.iter_rows(values_only=True):
        if all(row[ord(c) - ord("A")] == v for c, v in match.items()):
            out.append(row)
    return out


def test_year_books_by_hand(recalculated: dict[str, Exported]) -> None:
    wb = _book(recalculated, "book-hand")
    twelve = 12 * MONTHLY  # 240,000
    total = 1_200_000 + 72_000 + twelve
    assert _named(wb, "journal_total_debit") == pytest.approx(total, abs=0.005)
    assert _named(wb, "journal_total_credit") == pytest.approx(total, abs=0.005)
    assert _named(wb, "tb_closing_debit") == pytest.approx(1_200_000 + 72_000 + twelve, abs=0.005)
    assert _named(wb, "tb_closing_credit") == pytest.approx(twelve + 1_272_000, abs=0.005)
    assert _named(wb, "bs_intangible_data") == pytest.approx(1_200_000 - twelve, abs=0.005)
    tb = wb[TRIAL_BALANCE]
    (acc,) = _rows(tb, A="1702.01")
    assert acc[8] == 0 and acc[9] == pytest.approx(twelve, abs=0.005)  # closing Dr / Cr
    gl = wb[GENERAL_LEDGER]
    months = _rows(gl, A="6602", I="月 month")
    assert [m[3] for m in months] == [f"2025-{k:02d}" for k in range(1, 13)]
    assert all(m[5] == pytest.approx(MONTHLY, abs=0.005) for m in months)
    assert months[-1][7] == pytest.approx(twelve, abs=0.005)  # running balance after December
    (total_row,) = _rows(gl, A="1702.01", I="合计 total")
    assert total_row[6] == pytest.approx(twelve, abs=0.005) and total_row[7] == pytest.approx(-twelve, abs=0.005)
    sub = _rows(wb[SUBLEDGER], A="1702.01", J="明细 line")
    assert sub[5][8] == pytest.approx(-6 * MONTHLY, abs=0.005)  # balance after June
    ta = wb[TABLE_A]
    closing = [r for r in ta.iter_rows(values_only=True) if r[0] == "期末余额"]
    assert closing[0][2] == pytest.approx(1_200_000, abs=0.005)  # 一、账面原值, 外购
    assert closing[1][2] == pytest.approx(twelve, abs=0.005)  # 二、累计摊销, 外购
    (carrying,) = [r for r in ta.iter_rows(values_only=True) if r[0] == "期末"]
    assert carrying[5] == pytest.approx(1_200_000 - twelve, abs=0.005)  # 合计
    assert _named(wb, "checks_result") == ALL_PASS


def test_second_half_opening_balances_by_hand(recalculated: dict[str, Exported]) -> None:
    wb = _book(recalculated, "book-hand-h2")
    six = 6 * MONTHLY  # 120,000 booked January–June, before the period
    tb = wb[TRIAL_BALANCE]
    (cost,) = _rows(tb, A="1701.01")
    assert cost[4] == pytest.approx(1_200_000, abs=0.005) and cost[6] == 0  # opening Dr, no period Dr
    (amort,) = _rows(tb, A="1702.01")
    assert amort[5] == pytest.approx(six, abs=0.005)  # opening Cr
    assert amort[7] == pytest.approx(six, abs=0.005)  # period Cr
    assert amort[9] == pytest.approx(2 * six, abs=0.005)  # closing Cr
    (expense,) = _rows(tb, A="6602")
    assert expense[4] == pytest.approx(six, abs=0.005)  # same fiscal year: opening Dr, not retained earnings
    assert _named(wb, "journal_period_debit") == pytest.approx(six, abs=0.005)
    assert _named(wb, "journal_total_debit") == pytest.approx(1_272_000 + 2 * six, abs=0.005)
    (bs,) = [r for r in wb[BALANCE_SHEET].iter_rows(values_only=True) if r[3] == "of which: data resources"
             and r[4] and r[4] > 0]
    assert bs[4] == pytest.approx(1_200_000 - 2 * six, abs=0.005)
    assert bs[5] == pytest.approx(1_200_000 - six, abs=0.005)
    ta = [r for r in wb[TABLE_A].iter_rows(values_only=True)]
    amort_block = ta[[r[0] for r in ta].index("二、累计摊销"):]
    opening, increase = amort_block[1], amort_block[2]
    assert opening[5] == pytest.approx(six, abs=0.005) and increase[5] == pytest.approx(six, abs=0.005)


def test_valuation_arithmetic_by_hand(recalculated: dict[str, Exported]) -> None:
    wb = _book(recalculated, "value-parking")
    # δ_q = Σ w·s with the case's weights and scores; δ_life = remaining / (elapsed + remaining)
    dq = 0.25 * 0.92 + 0.15 * 0.88 + 0.20 * 0.95 + 0.10 * 0.90 + 0.20 * 0.97 + 0.10 * 0.85
    dl = 2.5 / (1.75 + 2.5)
    assert _named(wb, "PARK_001_delta_q") == pytest.approx(dq, abs=1e-12)
    assert _named(wb, "PARK_001_delta_life") == pytest.approx(dl, abs=1e-12)
    assert _named(wb, "PARK_001_delta") == pytest.approx(dq * dl, abs=1e-12)
    assert _named(wb, "PARK_001_P_cost") == pytest.approx(_named(wb, "PARK_001_C") * dq * dl, abs=0.005)
    i = 0.0185 + 0.02 + 0.025 + 0.02 + 0.015
    assert _named(wb, "PARK_001_i") == pytest.approx(i, abs=1e-12)
    ws = wb[INCOME]
    rows = list(ws.iter_rows(values_only=True))
    first = [r[0] for r in rows].index("期 k") + 1
    y1, y2 = rows[first], rows[first + 1]
    # a profit split (利润分成): EBIT × K × decay^(k−1) × (1 − T), EBIT of the business plan
    f1 = 2_450_000 * 0.25 * 1.0 * (1 - 0.25)  # 459,375.00
    f2 = 2_756_000 * 0.25 * 0.9 * (1 - 0.25)  # decay 10 % a year: 465,075.00
    assert y1[11] == pytest.approx(f1, abs=0.005) and y2[11] == pytest.approx(f2, abs=0.005)
    assert y1[13] == pytest.approx((1 + i) ** -0.5, abs=1e-12)  # mid-year timing
    assert y2[13] == pytest.approx((1 + i) ** -1.5, abs=1e-12)
    assert y1[14] == pytest.approx(f1 * (1 + i) ** -0.5, abs=0.005)
    v = 0.3 * _named(wb, "PARK_001_P_cost") + 0.7 * _named(wb, "PARK_001_P_income") + 0.0 * _named(
        wb, "PARK_001_P_market")
    assert _named(wb, "PARK_001_V") == pytest.approx(v, abs=0.005)


def test_credit_memo_by_hand(recalculated: dict[str, Exported]) -> None:
    wb = _book(recalculated, "memo-retail")
    rows = {r[0]: r[1] for r in wb[SUMMARY].iter_rows(values_only=True) if r and r[0]}
    pd, ead = rows["违约概率 PD"], rows["违约风险暴露 EAD (CNY)"]
    assert rows["预期损失 EL = PD × LGD × EAD（不合格）"] == pytest.approx(
        pd * rows["LGD（押品不合格 ineligible）"] * ead, abs=0.005)
    limits = [v for k, v in rows.items() if isinstance(k, str) and k.split(" ")[-1] in
              ("policy_pledge_rate", "liquidation_ltv", "dscr", "shortfall_probability")]
    assert len(limits) == 4
    assert _named(wb, "max_loan") == pytest.approx(min(limits), abs=0.005)
    v = rows["评估结论 concluded value (CNY)"] * (1 - rows["评估方法折扣 method haircut Σ w·h"])
    assert _named(wb, "collateral_value") == pytest.approx(v, abs=0.005)
