"""The pledge workpaper sheets of a pledge assessment (授信审查表), with live formulas.

Sheets: 授信摘要 Summary (terms, collateral and liquidation value, the four loan limits and the maximum
loan as MIN of them, shortfall simulation, EL both ways), 还款计划 Schedule (payment, outflow, closing
and the next opening balance as formulas, totals), 押品路径 Path (LTV and coverage as formulas, with a
chart), 预警与压力 Covenants (breaches and the reverse stress test). Figures come from the
PledgeAssessment; the derived cells are formulas a reviewer can follow, each with the engine's figure
recorded for the recalculation test, and the ties go to the 校验 sheet.

:func:`write_pledge_sheets` adds the sheets to a workbook being written: the full export
(``dataval export --pledge``) and the credit memo on its own (:func:`ledger_export.credit_memo.write_credit_memo`,
``dataval pledge -o``) both call it through :func:`ledger_export.export.export_workbook`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.chart import LineChart, Reference

from ledger_export.style import CNY, DATE, FACTOR, RATIO
from ledger_export.workbook import Book, CellInput, Formula, Sheet, Styled

if TYPE_CHECKING:
    from pledge import PledgeAssessment, PledgeCase

SUMMARY = "授信摘要 Summary"
SCHEDULE = "还款计划 Schedule"
PATH = "押品路径 Path"
COVENANTS = "预警与压力 Covenants"
SECTION = "质押 pledge"
CONTENTS = [
    (SUMMARY, "授信摘要：押品价值、清算价值、四项额度约束与最高可贷额度、风险与预期损失"),
    (SCHEDULE, "还款计划：逐期本息、费用与余额"),
    (PATH, "押品路径：敞口、押品价值、LTV 与覆盖率（含图）"),
    (COVENANTS, "预警与压力：触发条款与反向压力测试"),
]


def _kv(sh: Sheet, label: str, value: CellInput) -> int:
    return sh.append([label, value])


def write_pledge_sheets(book: Book, case: PledgeCase, result: PledgeAssessment) -> None:
    """The four pledge sheets of ``result`` (a PledgeAssessment of ``case``) added to ``book``."""
    _summary(book, case, result)
    _schedule(book, result)
    _path(book, result)
    _covenants(book, result)


def _summary(book: Book, case: PledgeCase, result: PledgeAssessment) -> None:
    sh = book.sheet(SUMMARY, {"A": 52, "B": 20, "C": 30, "D": 50}, freeze=None, title_rows=None)
    ts, col, liq = case.term_sheet, result.collateral, result.collateral.liquidation
    sh.title_row("数据资产质押融资授信审查表 Data-asset pledge loan: credit memo")
    sh.blank()
    _kv(sh, "案例编号 case", result.case_id)
    _kv(sh, "质押物 collateral", case.collateral.name)
    _kv(sh, "资产编号 asset", result.asset_id)
    _kv(sh, "借款人 borrower", case.borrower.name)
    _kv(sh, "贷款银行 lender", ts.lender)
    r = _kv(sh, "申请金额 requested (CNY)", Styled(ts.amount, fmt=CNY, fill="input"))
    book.define("requested", sh, 2, r)
    _kv(sh, "年利率 annual rate", Styled(ts.annual_rate, fmt=RATIO, fill="input"))
    _kv(sh, "期限（月）term (months)", ts.term_months)
    _kv(sh, "还款方式 repayment", ts.repayment.value)
    if ts.drawdown_date is not None:
        _kv(sh, "放款日 drawdown", Styled(ts.drawdown_date, fmt=DATE))
    sh.blank()
    sh.append([Styled("押品价值 Collateral", title=True)])
    v0 = _kv(sh, "评估结论 concluded value (CNY)", Styled(col.concluded_value, fmt=CNY, fill="input"))
    book.define("pledge_concluded_value", sh, 2, v0)
    _kv(sh, "评估方法折扣 method haircut Σ w·h", Styled(col.method_haircut, fmt=RATIO, fill="input"))
    v_row = _kv(sh, "押品价值 collateral value V = 结论 × (1 − 折扣)",
                Formula(f"=B{v0}*(1-B{v0 + 1})", col.collateral_value, fmt=CNY))
    book.define("collateral_value", sh, 2, v_row)
    d_row = _kv(sh, "变现折扣 liquidation discount d", Styled(liq.liquidation_discount, fmt=RATIO, fill="input"))
    gross = _kv(sh, "变现收入 gross proceeds V(1 − d)", Formula(f"=B{v_row}*(1-B{d_row})", liq.gross_proceeds, fmt=CNY))
    _kv(sh, "处置费用 disposal costs c·V(1 − d) + F", Styled(liq.disposal_costs, fmt=CNY))
    _kv(sh, "变现周期（月）time to sell T", liq.time_to_sell_months)
    _kv(sh, "变现期折现率 ρ", Styled(liq.sale_discount_rate, fmt=RATIO, fill="input"))
    lr = _kv(sh, "清算价值 L = max(0, 收入 − 费用) / (1 + ρ)^(T/12)",
             Formula(f"=MAX(0,B{gross}-B{gross + 1})/(1+B{gross + 3})^(B{gross + 2}/12)", liq.liquidation_value,
                     fmt=CNY))
    book.define("liquidation_value", sh, 2, lr)
    sh.blank()
    sh.append([Styled("最高可贷额度 Maximum loan", title=True)])
    sh.header(["约束 constraint", "额度 amount (CNY)", "公式 formula", "测算 detail"])
    first = sh.row + 1
    for c in result.max_loan.constraints:
        sh.append([f"{c.label_zh} {c.constraint.value}", Styled(c.amount, fmt=CNY), c.formula, c.detail])
    last = sh.row
    ml = result.max_loan
    m_row = _kv(sh, "最高可贷额度 maximum loan = MIN(约束)", Formula(f"=MIN(B{first}:B{last})", ml.amount, fmt=CNY,
                                                                bold=True))
    book.define("max_loan", sh, 2, m_row)
    _kv(sh, "约束条件 binding constraint", ml.binding.value)
    _kv(sh, "剩余额度 headroom = 最高额度 − 申请", Formula(f"=B{m_row}-requested", ml.headroom, fmt=CNY))
    _kv(sh, "是否在额度内 within limit", "是 yes" if ml.within_limit else "否 no")
    sh.blank()
    sim, loss = result.simulation, result.loss
    sh.append([Styled("风险 Risk", title=True)])
    _kv(sh, f"押品不足概率 P(shortfall) ({sim.n_paths:,} paths, seed {sim.seed})", Styled(sim.prob_shortfall, fmt=RATIO))
    _kv(sh, "标准误 standard error", Styled(sim.prob_shortfall_std_error, fmt=RATIO))
    _kv(sh, "到期押品不足概率 P(shortfall at maturity)", Styled(sim.prob_shortfall_final, fmt=RATIO))
    _kv(sh, "预期不足额 expected shortfall (CNY)", Styled(sim.expected_shortfall, fmt=CNY))
    pd_row = _kv(sh, "违约概率 PD", Styled(loss.pd, fmt=RATIO, fill="input"))
    _kv(sh, "违约风险暴露 EAD (CNY)", Styled(loss.ead, fmt=CNY))
    _kv(sh, "LGD（押品不合格 ineligible）", Styled(loss.lgd_ineligible, fmt=RATIO))
    _kv(sh, "LGD*（视同合格 as if eligible）", Styled(loss.lgd_eligible, fmt=RATIO))
    _kv(sh, "预期损失 EL = PD × LGD × EAD（不合格）",
        Formula(f"=B{pd_row}*B{pd_row + 2}*B{pd_row + 1}", loss.el_ineligible, fmt=CNY))
    _kv(sh, "预期损失 EL = PD × LGD* × EAD（视同合格）",
        Formula(f"=B{pd_row}*B{pd_row + 3}*B{pd_row + 1}", loss.el_eligible, fmt=CNY))
    reg = case.registration
    sh.blank()
    _kv(sh, "登记证书 certificate", f"{reg.certificate_number or '—'} ({reg.certificate_issuer or '—'})")
    _kv(sh, "质押登记 registry", f"{reg.registry.value} {reg.pledge_registration_number or ''}".strip())
    for w in result.warnings:
        _kv(sh, "提示 warning", w)
    for name, zh, en, value in (("max_loan", "最高可贷额度（底稿 MIN）= 引擎", "maximum loan (workpaper MIN) = engine",
                                 ml.amount),
                                ("liquidation_value", "清算价值（底稿）= 引擎", "liquidation value (workpaper) = engine",
                                 liq.liquidation_value),
                                ("collateral_value", "押品价值（底稿）= 引擎", "collateral value (workpaper) = engine",
                                 col.collateral_value)):
        book.check(SECTION, f"{result.case_id} {zh}", f"{result.case_id}: {en}", Formula(f"={name}", value),
                   Styled(value))


def _schedule(book: Book, result: PledgeAssessment) -> None:
    sc = book.sheet(SCHEDULE, {c: 16 for c in "ABCDEFGHI"}, freeze="A2", landscape=True,
                    formats={k: CNY for k in range(3, 10)})
    sc.header(["期次 period", "还款日 due", "期初本金 opening", "利息 interest", "本金 principal",
               "本息合计 payment", "费用 fee", "当期支付 outflow", "期末本金 closing"])
    s = result.schedule
    for row in s.rows:
        i = sc.row + 1
        opening: Formula | float = row.opening_balance if i == 2 else Formula(f"=I{i - 1}", row.opening_balance)
        sc.append([row.period, Styled(row.due_date, fmt=DATE) if row.due_date else row.month, opening, row.interest,
                   row.principal, Formula(f"=D{i}+E{i}", row.payment), row.fee, Formula(f"=F{i}+G{i}", row.total_outflow),
                   Formula(f"=C{i}-E{i}", row.closing_balance)])
    last = max(sc.row, 2)
    tot = sc.row + 1
    sums = {"D": s.total_interest, "E": sum(r.principal for r in s.rows), "F": sum(r.payment for r in s.rows),
            "G": sum(r.fee for r in s.rows), "H": sum(r.total_outflow for r in s.rows)}
    sc.append(["合计 total", None, None, *[Formula(f"=SUM({c}2:{c}{last})", v, bold=True) for c, v in sums.items()]])
    up = sc.append(["前端费用 upfront fees", None, None, None, None, None, Styled(s.upfront_fees, fmt=CNY)])
    sc.append(["费用合计 total fees", None, None, None, None, None, Formula(f"=G{tot}+G{up}", s.total_fees, bold=True)])
    sc.append(["综合融资成本 all-in annual cost", None, Styled(s.all_in_annual_cost, fmt=RATIO)])
    book.check(SECTION, f"{result.case_id} 本金合计 = 贷款金额", f"{result.case_id}: principal repaid = loan amount",
               Formula(f"={sc.ref(5, tot)}", sums["E"]), Styled(s.amount), expect_difference=sums["E"] - s.amount)
    if s.rows:
        book.check(SECTION, f"{result.case_id} 末期期末本金 = 0", f"{result.case_id}: closing balance at maturity = 0",
                   Formula(f"={sc.ref(9, last)}", s.rows[-1].closing_balance), Styled(0.0),
                   expect_difference=s.rows[-1].closing_balance)


def _path(book: Book, result: PledgeAssessment) -> None:
    pa = book.sheet(PATH, {c: 16 for c in "ABCDEFGHIJ"}, freeze="A2", landscape=True,
                    formats={3: CNY, 4: CNY, 5: CNY, 8: CNY, 9: CNY, 10: CNY})
    pa.header(["期次 period", "月 month", "敞口 exposure", "押品价值 V", "清算价值 L", "抵质押率 LTV = 敞口/L",
               "覆盖率 coverage = V/敞口", "模拟 P5", "模拟 P50", "模拟 P95"])
    for p in result.path:
        i = pa.row + 1
        ltv: Formula | str = Formula(f"=C{i}/E{i}", p.ltv, "ratio", FACTOR) if p.ltv is not None and p.liquidation_value > 0 \
            else "—"
        cov: Formula | Styled = Formula(f"=D{i}/C{i}", p.coverage, "ratio", FACTOR) if p.exposure > 0 \
            else Styled(p.coverage, fmt=FACTOR)
        pa.append([p.period, p.month, p.exposure, p.collateral_value, p.liquidation_value, ltv, cov, p.value_p5,
                   p.value_p50, p.value_p95])
    n = pa.row
    if n >= 2:
        chart = LineChart()
        chart.title = "抵质押率与覆盖率 LTV and coverage"
        chart.y_axis.title = "ratio"
        chart.x_axis.title = "month"
        chart.add_data(Reference(pa.ws, min_col=6, max_col=7, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(pa.ws, min_col=2, min_row=2, max_row=n))
        chart.height, chart.width = 9, 18
        pa.ws.add_chart(chart, "L2")  # type: ignore[misc]  # the stubs type add_chart for Worksheet only


def _covenants(book: Book, result: PledgeAssessment) -> None:
    cv = book.sheet(COVENANTS, {c: 22 for c in "ABCDEF"}, freeze="A2")
    cv.header(["期次 period", "月 month", "条款 covenant", "观测值 observed", "限值 limit", "措施 trigger"])
    for b in result.breaches:
        cv.append([b.period, b.month, b.covenant.value, Styled(b.observed, fmt=FACTOR) if b.observed is not None
                   else "无穷 unbounded", Styled(b.limit, fmt=FACTOR), b.trigger.value])
    if not result.breaches:
        cv.append(["无触发 no breach on the base path"])
    cv.blank()
    cv.append([Styled("反向压力测试 reverse stress: 押品价值下跌多少触发各条款", bold=True)])
    cv.header(["条款 covenant", "限值 limit", "价值下跌 drop", "触发期次 period", "触发时押品价值 value at breach",
               "基准情形已触发 breached at base"])
    for s in result.reverse_stress:
        cv.append([s.covenant.value, Styled(s.limit, fmt=FACTOR), Styled(s.drop, fmt=RATIO), s.period,
                   Styled(s.value_at_breach, fmt=CNY), "是 yes" if s.breached_at_base else "否 no"])
