"""The credit memo workbook (授信审查表) of a pledge assessment, with live formulas.

Sheets: 授信摘要 Summary (terms, collateral and liquidation value, the four loan limits and the maximum
loan as MIN of them, shortfall simulation, EL both ways), 还款计划 Schedule, 押品路径 Path (LTV and
coverage as formulas, with a chart), 预警与压力 Covenants (breaches and the reverse stress test).
Figures come from the PledgeAssessment; the derived cells are formulas a reviewer can follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ledger_export.cells import set_text_or_value
from ledger_export.style import CNY, FACTOR, RATIO, TITLE_FONT, finish_sheet, first_sheet, header_row


def _kv(ws: Worksheet, row: int, label: str, value: Any, fmt: str | None = None) -> int:
    set_text_or_value(ws.cell(row, 1), label)
    cell = ws.cell(row, 2)
    if isinstance(value, str) and value.startswith("="):
        cell.value = value  # a formula of ours, not user text
    else:
        set_text_or_value(cell, value)
    if fmt:
        cell.number_format = fmt
    return row + 1


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_credit_memo(case: Any, result: Any, path: Path) -> None:
    """Write the credit memo of ``result`` (a PledgeAssessment of ``case``) to ``path`` (atomically)."""
    wb = Workbook()
    ws = first_sheet(wb, "授信摘要 Summary")
    ts, col, liq = case.term_sheet, result.collateral, result.collateral.liquidation
    ws.cell(1, 1, "数据资产质押融资授信审查表 Data-asset pledge loan: credit memo").font = TITLE_FONT
    r = 3
    r = _kv(ws, r, "案例编号 case", result.case_id)
    r = _kv(ws, r, "质押物 collateral", f"{case.collateral.name} ({result.asset_id})")
    r = _kv(ws, r, "贷款银行 lender", ts.lender)
    r = _kv(ws, r, "申请金额 requested (CNY)", ts.amount, CNY)
    _name(wb, "requested", f"'{ws.title}'!$B${r - 1}")
    r = _kv(ws, r, "年利率 annual rate", ts.annual_rate, RATIO)
    r = _kv(ws, r, "期限（月）term (months)", ts.term_months)
    r = _kv(ws, r, "还款方式 repayment", ts.repayment.value)
    r += 1
    set_text_or_value(ws.cell(r, 1), "押品价值 Collateral").font = TITLE_FONT
    r += 1
    r = _kv(ws, r, "评估结论 concluded value (CNY)", col.concluded_value, CNY)
    v0 = r - 1
    r = _kv(ws, r, "评估方法折扣 method haircut Σ w·h", col.method_haircut, RATIO)
    r = _kv(ws, r, "押品价值 collateral value V = 结论 × (1 − 折扣)", f"=B{v0}*(1-B{v0 + 1})", CNY)
    v_row = r - 1
    _name(wb, "collateral_value", f"'{ws.title}'!$B${v_row}")
    r = _kv(ws, r, "变现折扣 liquidation discount d", liq.liquidation_discount, RATIO)
    r = _kv(ws, r, "变现收入 gross proceeds V(1 − d)", f"=B{v_row}*(1-B{r - 1})", CNY)
    gross = r - 1
    r = _kv(ws, r, "处置费用 disposal costs c·V(1 − d) + F", liq.disposal_costs, CNY)
    r = _kv(ws, r, "变现周期（月）time to sell T", liq.time_to_sell_months)
    r = _kv(ws, r, "变现期折现率 ρ", liq.sale_discount_rate, RATIO)
    r = _kv(ws, r, "清算价值 L = max(0, 收入 − 费用) / (1 + ρ)^(T/12)",
            f"=MAX(0,B{gross}-B{gross + 1})/(1+B{gross + 3})^(B{gross + 2}/12)", CNY)
    _name(wb, "liquidation_value", f"'{ws.title}'!$B${r - 1}")
    r += 1
    set_text_or_value(ws.cell(r, 1), "最高可贷额度 Maximum loan").font = TITLE_FONT
    r += 1
    header_row(ws, r, ["约束 constraint", "额度 amount (CNY)", "公式 formula", "测算 detail"])
    r += 1
    first = r
    for c in result.max_loan.constraints:
        set_text_or_value(ws.cell(r, 1), f"{c.label_zh} {c.constraint.value}")
        ws.cell(r, 2, c.amount).number_format = CNY
        set_text_or_value(ws.cell(r, 3), c.formula)
        set_text_or_value(ws.cell(r, 4), c.detail)
        r += 1
    r = _kv(ws, r, "最高可贷额度 maximum loan = MIN(约束)", f"=MIN(B{first}:B{r - 1})", CNY)
    _name(wb, "max_loan", f"'{ws.title}'!$B${r - 1}")
    r = _kv(ws, r, "约束条件 binding constraint", result.max_loan.binding.value)
    r = _kv(ws, r, "剩余额度 headroom = 最高额度 − 申请", f"=B{r - 2}-requested", CNY)
    r += 1
    sim, loss = result.simulation, result.loss
    set_text_or_value(ws.cell(r, 1), "风险 Risk").font = TITLE_FONT
    r += 1
    r = _kv(ws, r, f"押品不足概率 P(shortfall) ({sim.n_paths:,} paths, seed {sim.seed})", sim.prob_shortfall, RATIO)
    r = _kv(ws, r, "标准误 standard error", sim.prob_shortfall_std_error, RATIO)
    r = _kv(ws, r, "预期不足额 expected shortfall (CNY)", sim.expected_shortfall, CNY)
    r = _kv(ws, r, "违约概率 PD", loss.pd, RATIO)
    pd_row = r - 1
    r = _kv(ws, r, "违约风险暴露 EAD (CNY)", loss.ead, CNY)
    r = _kv(ws, r, "LGD（押品不合格 ineligible）", loss.lgd_ineligible, RATIO)
    r = _kv(ws, r, "LGD*（视同合格 as if eligible）", loss.lgd_eligible, RATIO)
    r = _kv(ws, r, "预期损失 EL = PD × LGD × EAD（不合格）", f"=B{pd_row}*B{pd_row + 2}*B{pd_row + 1}", CNY)
    r = _kv(ws, r, "预期损失 EL = PD × LGD* × EAD（视同合格）", f"=B{pd_row}*B{pd_row + 3}*B{pd_row + 1}", CNY)
    if result.warnings:
        r += 1
        for w in result.warnings:
            r = _kv(ws, r, "提示 warning", w)
    finish_sheet(ws, {"A": 52, "B": 20, "C": 30, "D": 50})

    # ---------------------------------------------------------------- schedule
    sc = wb.create_sheet("还款计划 Schedule")
    header_row(sc, 1, ["期次 period", "还款日 due", "期初本金 opening", "利息 interest", "本金 principal",
                       "本息合计 payment", "费用 fee", "当期支付 outflow", "期末本金 closing"])
    for i, row in enumerate(result.schedule.rows, start=2):
        sc.cell(i, 1, row.period)
        sc.cell(i, 2, row.due_date.isoformat() if row.due_date else row.month)
        sc.cell(i, 3, row.opening_balance)
        sc.cell(i, 4, row.interest)
        sc.cell(i, 5, row.principal)
        sc.cell(i, 6, f"=D{i}+E{i}")
        sc.cell(i, 7, row.fee)
        sc.cell(i, 8, f"=F{i}+G{i}")
        sc.cell(i, 9, f"=C{i}-E{i}")
        for j in range(3, 10):
            sc.cell(i, j).number_format = CNY
    last = len(result.schedule.rows) + 1
    tot = last + 1
    sc.cell(tot, 1, "合计 total")
    for j, letter in ((4, "D"), (5, "E"), (6, "F"), (7, "G"), (8, "H")):
        sc.cell(tot, j, f"=SUM({letter}2:{letter}{last})").number_format = CNY
    finish_sheet(sc, {c: 16 for c in "ABCDEFGHI"}, freeze="A2", landscape=True)

    # ---------------------------------------------------------------- path
    pa = wb.create_sheet("押品路径 Path")
    header_row(pa, 1, ["期次 period", "月 month", "敞口 exposure", "押品价值 V", "清算价值 L",
                       "抵质押率 LTV = 敞口/L", "覆盖率 coverage = V/敞口", "模拟 P5", "模拟 P50", "模拟 P95"])
    for i, p in enumerate(result.path, start=2):
        pa.cell(i, 1, p.period)
        pa.cell(i, 2, p.month)
        pa.cell(i, 3, p.exposure).number_format = CNY
        pa.cell(i, 4, p.collateral_value).number_format = CNY
        pa.cell(i, 5, p.liquidation_value).number_format = CNY
        pa.cell(i, 6, f'=IF(E{i}>0,C{i}/E{i},"")').number_format = FACTOR
        pa.cell(i, 7, f'=IF(C{i}>0,D{i}/C{i},"")').number_format = FACTOR
        for j, attr in ((8, "value_p5"), (9, "value_p50"), (10, "value_p95")):
            pa.cell(i, j, getattr(p, attr, None)).number_format = CNY
    n = len(result.path) + 1
    chart = LineChart()
    chart.title = "抵质押率与覆盖率 LTV and coverage"
    chart.y_axis.title = "ratio"
    chart.x_axis.title = "month"
    chart.add_data(Reference(pa, min_col=6, max_col=7, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(pa, min_col=2, min_row=2, max_row=n))
    chart.height, chart.width = 9, 18
    pa.add_chart(chart, "L2")
    finish_sheet(pa, {c: 16 for c in "ABCDEFGHIJ"}, freeze="A2", landscape=True)

    # ---------------------------------------------------------------- covenants
    cv = wb.create_sheet("预警与压力 Covenants")
    header_row(cv, 1, ["期次 period", "月 month", "条款 covenant", "观测值 observed", "限值 limit", "措施 trigger"])
    for i, b in enumerate(result.breaches, start=2):
        for j, v in enumerate((b.period, b.month, b.covenant.value, b.observed, b.limit, b.trigger.value), start=1):
            set_text_or_value(cv.cell(i, j), v)
    start = len(result.breaches) + 4
    set_text_or_value(cv.cell(start - 1, 1), "反向压力测试 reverse stress: 押品价值下跌多少触发各条款")
    header_row(cv, start, ["条款 covenant", "限值 limit", "价值下跌 drop", "触发期次 period",
                           "触发时押品价值 value at breach", "基准情形已触发 breached at base"])
    for i, s in enumerate(result.reverse_stress, start=start + 1):
        for j, v in enumerate((s.covenant.value, s.limit, s.drop, s.period, s.value_at_breach,
                               "是 yes" if s.breached_at_base else "否 no"), start=1):
            set_text_or_value(cv.cell(i, j), v)
        cv.cell(i, 3).number_format = RATIO
        cv.cell(i, 5).number_format = CNY
    finish_sheet(cv, {c: 22 for c in "ABCDEF"}, freeze="A2")

    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
