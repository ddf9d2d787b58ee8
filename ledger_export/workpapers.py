"""Valuation workpapers (评估工作底稿) rendered from the engine's results, with the arithmetic live.

One sheet per method, a block per asset, then the conclusion and the sensitivity and simulation summary:

- 成本法 Cost: the build-up lines, restated = historical × I(valuation month) / I(incurred month); the
  category totals by SUMIFS; 机会成本 = r × (前期 + 直接 + 间接) × years and 相关税费 = rate × base;
  C = Σ categories; δ_q = SUMPRODUCT(w, s); δ_life = remaining / (elapsed + remaining); δ; P = C × δ.
- 收益法 Income: a WACC built from its parts (β_L = β_U × (1 + (1 − T) × D/E), Ke = rf + β_L × ERP +
  size + specific, WACC = E/V × Ke + D/V × Kd × (1 − T)); i = Σ rate components; per period decay
  (1 − d)^(k−1), contribution B × S × decay × c, F = contribution × τ, DF = (1 + i)^(−t), PV = F × DF;
  P = Σ PV (+ TV × DF_n) (+ TAB = PV × (1 / (1 − T × AF / n) − 1), AF = (1 − (1 + i)^(−n)) / i).
- 市场法 Market: X5 = Π items; P' = Q × X1 × X2 × X3 × X4 × X5; P = Σ w P' (w normalized over the
  comparables kept).
- 评估结论 Conclusion: V_m from each method's sheet (defined names), V = Σ w_m V_m, differences and the
  spread between methods.
- 敏感性与模拟 Sensitivity: the tornado on V with swing = |V(high) − V(low)|, and the Monte Carlo ranges
  (values: the draws are the engine's).

Key inputs are yellow and named ``<asset>_<input>`` (e.g. ``PARK_001_i``, ``PARK_001_delta``);
results are named ``<asset>_P_cost``, ``<asset>_P_income``, ``<asset>_P_market`` and ``<asset>_V``.
Every figure the workbook recomputes is compared with the engine's on the 校验 sheet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ledger_export.cells import Plain
from ledger_export.style import CNY, DATE, FACTOR, FACTOR_LONG, INTEGER, RATIO, YEARS
from ledger_export.workbook import Book, Formula, Kind, Sheet, Styled

if TYPE_CHECKING:
    from valuation.cost import CostResult
    from valuation.engine import AssetValuation, CaseResult
    from valuation.income import IncomeResult, TabDetail
    from valuation.market import MarketResult
    from valuation.models import Figure
    from valuation.price_index import PriceIndex

COST = "成本法 Cost"
INCOME = "收益法 Income"
MARKET = "市场法 Market"
CONCLUSION = "评估结论 Conclusion"
SENSITIVITY = "敏感性与模拟 Sensitivity"
METHOD_ZH = {"cost": "成本法", "income": "收益法", "market": "市场法"}
QUALITY_ZH = {"accuracy": "准确性", "consistency": "一致性", "completeness": "完整性", "conformance": "规范性",
              "timeliness": "时效性", "accessibility": "可访问性"}
X5_ORDER = ("rights_type", "exclusivity", "region", "remaining_term", "delivery_form")
X5_ZH = {"rights_type": "权利类型", "exclusivity": "独占性", "region": "地区", "remaining_term": "剩余期限",
         "delivery_form": "交付方式"}
SECTION_COST = "成本法 cost"
SECTION_INCOME = "收益法 income"
SECTION_MARKET = "市场法 market"
SECTION_CONCLUSION = "评估结论 conclusion"


def contents(result: CaseResult) -> list[tuple[str, str]]:
    """The valuation sheets this result fills, with a line on each."""
    out = []
    vs = result.valuations
    if any(v.cost is not None for v in vs):
        out.append((COST, "成本法：成本明细、重置成本、价值调整系数 δ、P = C × δ"))
    if any(v.income is not None for v in vs):
        out.append((INCOME, "收益法：折现率构成、收益期、现金流折现表 DCF schedule"))
    if any(v.market is not None for v in vs):
        out.append((MARKET, "市场法：可比案例调整系数表 adjustment grid"))
    out.append((CONCLUSION, "评估结论：方法权重、差异分析、区间 V = Σ w·V"))
    out.append((SENSITIVITY, "敏感性（龙卷风图数据）与蒙特卡洛模拟 tornado and simulation"))
    return out


def write_valuation(book: Book, result: CaseResult, *, price_index: PriceIndex | None = None) -> None:
    """All valuation sheets of ``result`` (a CaseResult)."""
    vs = result.valuations
    if any(v.cost is not None for v in vs):
        sh = book.sheet(COST, {"A": 22, "B": 22, "C": 36, "D": 12, "E": 18, "F": 12, "G": 14, "H": 18, "I": 10,
                               "J": 48}, freeze="A2", title_rows=None, landscape=True)
        sh.title_row("成本法工作底稿 Cost approach workpaper · P = C × δ")
        for v in vs:
            if v.cost is not None:
                _cost(book, sh, v, v.cost, price_index)
    if any(v.income is not None for v in vs):
        sh = book.sheet(INCOME, {"A": 22, **{c: 13 for c in "BCDE"}, "F": 16, "G": 15, "H": 12, "I": 12, "J": 16,
                                 "K": 15, "L": 16, "M": 11, "N": 13, "O": 16, "P": 40}, freeze="A2",
                        title_rows=None, landscape=True)
        sh.title_row("收益法工作底稿 Income approach workpaper · P = Σ F_t / (1 + i)^t")
        for v in vs:
            if v.income is not None:
                _income(book, sh, v, v.income)
    if any(v.market is not None for v in vs):
        sh = book.sheet(MARKET, {"A": 22, "B": 14, "C": 18, "D": 12, "E": 12, **{c: 11 for c in "FGHIJKLMNOP"},
                                 "Q": 16, "R": 9, "S": 11, "T": 40}, freeze="A2", title_rows=None, landscape=True)
        sh.title_row("市场法工作底稿 Market approach workpaper · P = Σ w_k · Q_k × X1 × X2 × X3 × X4 × X5")
        for v in vs:
            if v.market is not None:
                _market(book, sh, v, v.market)
    _conclusion(book, result)
    _sensitivity(book, result)


# ---------------------------------------------------------------------------------------------- helpers
def _inp(value: Plain, fmt: str | None = None) -> Styled:
    """A key input cell (yellow)."""
    return Styled(value, fmt=fmt, fill="input")


def _asset_heading(sh: Sheet, v: AssetValuation, what: str, width: int = 10) -> None:
    sh.blank()
    sh.section(f"{v.asset.asset_id}  {v.asset.name} — {what}", width)


def _engine_check(book: Book, section: str, zh: str, en: str, name: str, value: float, ratio: bool = False) -> None:
    """The workbook's live figure (a defined name) against the engine's figure."""
    kind: Kind = "ratio" if ratio else "money"
    book.check(section, zh, en, Formula(f"={name}", value, kind), Styled(value),
               tolerance=1e-9 * max(1.0, abs(value)) if ratio else 0.005)


def _texts(sh: Sheet, label: str, lines: Iterable[str]) -> None:
    for line in lines:
        sh.append([label, line])


# ---------------------------------------------------------------------------------------------- cost
def _cost(book: Book, sh: Sheet, v: AssetValuation, r_: CostResult, price_index: PriceIndex | None) -> None:
    d = r_.detail
    p = book.prefix(v.asset.asset_id)
    _asset_heading(sh, v, "成本法 cost approach")
    sh.kv("评估基准日 valuation date", Styled(d.valuation_date, fmt=DATE))
    sh.kv("价格指数 price index", d.price_index)
    iv = sh.kv("基准日指数 I(valuation month)", _inp(d.valuation_index_level, FACTOR))
    book.define(f"{p}_I_val", sh, 2, iv)
    opp, tax = d.opportunity_rate, d.tax_rate
    if opp is not None:
        book.define(f"{p}_r_opp", sh, 2, sh.kv("机会成本率 r (annual)", _inp(opp.rate, RATIO), opp.evidence))
        book.define(f"{p}_hold_years", sh, 2, sh.kv("平均持有年限 holding years", _inp(opp.holding_years, YEARS)))
    if tax is not None:
        book.define(f"{p}_tax_rate", sh, 2, sh.kv("相关税费率 tax rate", _inp(tax.rate, RATIO), tax.evidence))

    sh.blank()
    sh.header(["类别 category", "类别代码 code", "项目 item", "发生日 incurred", "历史金额 historical (CNY)",
               "发生月指数 I(month)", "调整系数 factor", "重置成本 restated (CNY)", "是否重述 restated",
               "证据 evidence"])
    first = sh.row + 1
    for line in d.lines:
        r = sh.row + 1
        level: Styled | None = None
        if line.restated_flag and price_index is not None:
            level = Styled(price_index.level(line.incurred_on), fmt=FACTOR)
            factor: Formula | Styled = Formula(f"={p}_I_val/F{r}", line.index_factor, "ratio", FACTOR_LONG)
        else:
            factor = Styled(line.index_factor, fmt=FACTOR_LONG)
        sh.append([line.label_zh, line.category.value, line.item, Styled(line.incurred_on, fmt=DATE),
                   Styled(line.historical, fmt=CNY), level, factor,
                   Formula(f"=E{r}*G{r}", line.restated, fmt=CNY), "是 yes" if line.restated_flag else "否 no",
                   line.evidence])
    last = max(sh.row, first)
    sh.blank()
    sh.header(["类别 category", "类别代码 code", "来源 source", "", "历史金额 historical", "", "", "重置成本 restated",
               "", "公式 formula"])
    tfirst = sh.row + 1
    pos = {t.category.value: tfirst + i for i, t in enumerate(d.category_totals)}
    capital = [pos[c] for c in ("planning", "direct_construction", "direct_operation", "indirect")]
    for t in d.category_totals:
        r = sh.row + 1
        if t.source == "lines":
            crit = f"$B${first}:$B${last},$B{r}"
            hist: Formula | Styled = Formula(f"=SUMIFS($E${first}:$E${last},{crit})", t.historical, fmt=CNY)
            rest: Formula | Styled = Formula(f"=SUMIFS($H${first}:$H${last},{crit})", t.restated, fmt=CNY)
        elif t.source == "rate" and t.category.value == "opportunity" and opp is not None:
            base = "+".join(f"H{k}" for k in capital)
            rest = Formula(f"={p}_r_opp*({base})*{p}_hold_years", t.restated, fmt=CNY)
            hist = Formula(f"=H{r}", t.historical, fmt=CNY)
        elif t.source == "rate" and t.category.value == "taxes" and tax is not None:
            base = "+".join(f"H{pos[c.value]}" for c in tax.base_categories)
            rest = Formula(f"={p}_tax_rate*({base})", t.restated, fmt=CNY)
            hist = Formula(f"=H{r}", t.historical, fmt=CNY)
        else:
            hist, rest = Styled(t.historical, fmt=CNY), Styled(t.restated, fmt=CNY)
        sh.append([t.label_zh, t.category.value, t.source, None, hist, None, None, rest, None, t.formula])
    tlast = sh.row
    sh.append(["历史成本合计 Σ historical", None, None, None,
               Formula(f"=SUM(E{first}:E{last})", d.total_historical, fmt=CNY)])
    c_row = sh.append(["重置成本 C", None, "C = 前期 + 直接 + 间接 + 机会成本 + 相关税费", None, None, None, None,
                       Formula(f"=SUM(H{tfirst}:H{tlast})", d.total_cost, fmt=CNY, bold=True)])
    book.define(f"{p}_C", sh, 8, c_row)

    delta = d.delta
    factors: list[str] = []
    if delta.quality is not None:
        q = delta.quality
        sh.blank()
        sh.header(["质量维度 dimension (GB/T 36344)", "代码 code", "权重 w", "得分 s", "", "", "", "", "",
                   "依据 evidence"])
        qfirst = sh.row + 1
        for dim, w in q.weights.items():
            name = getattr(dim, "value", dim)
            sh.append([f"{QUALITY_ZH.get(name, name)} {name}", name, _inp(w, FACTOR), _inp(q.scores[dim], FACTOR),
                       None, None, None, None, None, q.scores_evidence if name == "accuracy" else None])
        qlast = sh.row
        r = sh.append(["质量调整系数 δ_q = Σ w·s", f"权重来源 {q.weights_source}", None, None, None, None, None,
                       Formula(f"=SUMPRODUCT(C{qfirst}:C{qlast},D{qfirst}:D{qlast})", q.delta_quality, "ratio",
                               FACTOR_LONG)])
        book.define(f"{p}_delta_q", sh, 8, r)
        factors.append(f"{p}_delta_q")
        if q.ahp is not None:
            a = q.ahp
            sh.append(["AHP 判断矩阵 judgement matrix"])
            for row in a.matrix:
                sh.append([None, *[Styled(x, fmt=FACTOR) for x in row]])
            lam = sh.append(["λmax", Styled(a.lambda_max, fmt=FACTOR_LONG)])
            n_row = sh.append(["n", a.n])
            ci = sh.append(["CI = (λmax − n)/(n − 1)",
                            Formula(f"=IF(B{n_row}>1,(B{lam}-B{n_row})/(B{n_row}-1),0)", a.ci, "ratio", FACTOR_LONG)])
            ri = sh.append(["RI (Saaty)", Styled(a.ri, fmt=FACTOR)])
            sh.append(["CR = CI/RI (< 0.10)", Formula(f"=IF(B{ri}>0,B{ci}/B{ri},0)", a.cr, "ratio", FACTOR_LONG)])
    if delta.life is not None:
        lf = delta.life
        sh.blank()
        el = sh.kv("已使用年限 elapsed (years)", _inp(lf.elapsed_years, YEARS),
                   f"自 from {lf.elapsed_from}" if lf.elapsed_from else None)
        st = sh.kv("剩余经济寿命 remaining (stated, years)", _inp(lf.remaining_years_stated, YEARS))
        if lf.term_years_left is not None:
            tl = sh.kv("权利剩余期限 rights term left (years)", Styled(lf.term_years_left, fmt=YEARS),
                       f"rights_term_end {v.asset.rights_term_end}")
            used = sh.kv("采用剩余年限 remaining used = MIN(stated, term)",
                         Formula(f"=MIN(B{st},MAX(B{tl},0))", lf.remaining_years_used, "ratio", YEARS))
        else:
            used = sh.kv("采用剩余年限 remaining used", Formula(f"=B{st}", lf.remaining_years_used, "ratio", YEARS))
        r = sh.kv("剩余寿命调整系数 δ_life = 剩余 / (已使用 + 剩余)",
                  Formula(f"=B{used}/(B{el}+B{used})", lf.delta_life, "ratio", FACTOR_LONG))
        book.define(f"{p}_delta_life", sh, 2, r)
        factors.append(f"{p}_delta_life")
    sh.blank()
    d_row = sh.kv(f"价值调整系数 δ ({delta.basis.value})",
                  Formula("=" + ("*".join(factors) or "1"), delta.delta, "ratio", FACTOR_LONG), delta.evidence or None)
    book.define(f"{p}_delta", sh, 2, d_row)
    p_row = sh.kv("成本法评估值 P = C × δ", Formula(f"={p}_C*{p}_delta", r_.value, fmt=CNY, bold=True))
    book.define(f"{p}_P_cost", sh, 2, p_row)
    _texts(sh, "假设 assumption", r_.assumptions)
    _texts(sh, "说明 note", r_.notes)
    aid = v.asset.asset_id
    _engine_check(book, SECTION_COST, f"{aid} 重置成本 C（底稿）= 引擎", f"{aid}: C (workpaper) = engine", f"{p}_C",
                  d.total_cost)
    _engine_check(book, SECTION_COST, f"{aid} δ（底稿）= 引擎", f"{aid}: δ (workpaper) = engine", f"{p}_delta",
                  delta.delta, ratio=True)
    _engine_check(book, SECTION_COST, f"{aid} 成本法 P（底稿）= 引擎", f"{aid}: cost P (workpaper) = engine",
                  f"{p}_P_cost", r_.value)


# ---------------------------------------------------------------------------------------------- income
def _income(book: Book, sh: Sheet, v: AssetValuation, r_: IncomeResult) -> None:
    d = r_.detail
    p = book.prefix(v.asset.asset_id)
    _asset_heading(sh, v, "收益法 income approach", 16)
    sh.kv("收益形式 form", d.form.value, r_.formula)
    sh.kv("收益来源 base source", d.base_source)
    sh.kv("折现时点 timing", d.timing.value, "mid: t − 0.5; end: t")
    sh.kv("首期年限 first period (years)", Styled(d.first_period_years, fmt=YEARS))
    sh.kv("现金流口径 cash-flow basis", d.cash_flow_basis.value)
    if d.tax_rate is not None:
        t_row = sh.kv("所得税率 T", _inp(d.tax_rate, RATIO))
        book.define(f"{p}_T", sh, 2, t_row)
    if d.tax_rate is not None and d.tax_factor != 1.0:
        tau = sh.kv("税后系数 τ = 1 − T", Formula(f"=1-{p}_T", d.tax_factor, "ratio", FACTOR))
    else:
        tau = sh.kv("税后系数 τ", _inp(d.tax_factor, FACTOR), "税后现金流，不再折算 flows already after tax")
    book.define(f"{p}_tau", sh, 2, tau)
    dr = sh.kv("衰减率 d (annual)", _inp(d.decay, RATIO))
    book.define(f"{p}_d", sh, 2, dr)
    if d.growth is not None:
        book.define(f"{p}_g", sh, 2, sh.kv("预测增长率 g", _inp(d.growth, RATIO)))

    wacc_row = _capm(book, sh, p, r_)
    sh.blank()
    sh.header(["折现率构成 rate component", "代码 code", "比率 rate", "依据 evidence"])
    rfirst = sh.row + 1
    for c in d.rate.components:
        if c.name == "wacc" and wacc_row is not None:  # the WACC built above, live
            sh.append([c.label_zh, c.name, Formula(f"=C{wacc_row}", c.rate, "ratio", RATIO), c.evidence])
        else:
            sh.append([c.label_zh, c.name, _inp(c.rate, RATIO), c.evidence])
    rlast = sh.row
    i_row = sh.append([f"折现率 i ({d.rate.approach}, {d.rate.basis.value})", d.rate.formula,
                       Formula(f"=SUM(C{rfirst}:C{max(rlast, rfirst)})", d.rate.rate, "ratio", RATIO, bold=True),
                       d.rate.evidence])
    book.define(f"{p}_i", sh, 3, i_row)

    h = d.horizon
    sh.blank()
    sh.header(["收益期限制 horizon cap", "代码 name", "截止 end", "年 years", "依据 basis"])
    for cap in h.caps:
        sh.append([cap.label_zh, cap.name, Styled(cap.end, fmt=DATE) if cap.end else None,
                   Styled(cap.years, fmt=YEARS) if cap.years is not None else "无限 indefinite", cap.basis])
    sh.kv("收益期 n (years)", Styled(h.horizon_years, fmt=YEARS) if h.horizon_years is not None else "无限 indefinite",
          f"约束 binding: {h.binding} — {h.reason}")

    sh.blank()
    g_label = "贡献资产扣减 charges" if d.form.value == "excess_earnings" else "成本 costs"
    sh.header(["期 k", "开始 start", "结束 end", "期长 length", "覆盖 c_k", "基数 B_k", g_label, "分成/利润率 S_k",
               "衰减 (1−d)^(k−1)", "贡献 B·S·衰减·c", "所得税 tax", "现金流 F_k", "时点 t_k", "折现系数 DF",
               "现值 PV = F × DF"])
    first = sh.row + 1
    for row in d.schedule:
        r = sh.row + 1
        other = row.charges if row.charges is not None else row.costs
        sh.append([row.period, Styled(row.start, fmt=YEARS), Styled(row.end, fmt=YEARS),
                   Styled(row.length, fmt=YEARS), Styled(row.covered_fraction, fmt=FACTOR),
                   Styled(row.base, fmt=CNY), Styled(other, fmt=CNY) if other is not None else None,
                   Styled(row.share, fmt=FACTOR),
                   Formula(f"=(1-{p}_d)^(A{r}-1)", row.decay_factor, "ratio", FACTOR_LONG),
                   Formula(f"=F{r}*H{r}*I{r}*E{r}", row.contribution, fmt=CNY),
                   Formula(f"=J{r}-L{r}", row.tax, fmt=CNY),
                   Formula(f"=J{r}*{p}_tau", row.cash_flow, fmt=CNY),
                   Styled(row.time, fmt=YEARS),
                   Formula(f"=(1+{p}_i)^(-M{r})", row.discount_factor, "ratio", FACTOR_LONG),
                   Formula(f"=L{r}*N{r}", row.present_value, fmt=CNY)])
    last = sh.row
    pv_row = sh.append(["合计 Σ", None, None, None, None, None, None, None, None, None, None, None, None, None,
                        Formula(f"=SUM(O{first}:O{max(last, first)})", d.pv_explicit, fmt=CNY, bold=True)])
    book.define(f"{p}_PV_explicit", sh, 15, pv_row)
    total = f"{p}_PV_explicit"
    if d.terminal is not None:
        tv = d.terminal
        sh.blank()
        g = sh.kv("永续增长率 g", _inp(tv.growth, RATIO), tv.evidence or None)
        sh.kv("最小差额 margin (i − g ≥)", Styled(tv.margin, fmt=RATIO))
        sh.kv("i − g", Formula(f"={p}_i-B{g}", tv.rate_minus_growth, "ratio", RATIO))
        fn = sh.kv("末期年现金流 F_n / length_n", Formula(f"=L{last}/D{last}", tv.last_cash_flow, fmt=CNY))
        tvn = sh.kv("终值 TV_n = F_n × (1 + g) / (i − g)",
                    Formula(f"=B{fn}*(1+B{g})/({p}_i-B{g})", tv.value_at_n, fmt=CNY))
        dfn = sh.kv("折现系数 DF_n", Formula(f"=N{last}", tv.discount_factor, "ratio", FACTOR_LONG))
        pv_tv = sh.kv("终值现值 TV_n × DF_n", Formula(f"=B{tvn}*B{dfn}", tv.present_value, fmt=CNY))
        book.define(f"{p}_PV_terminal", sh, 2, pv_tv)
        total += f"+{p}_PV_terminal"
    if d.tab is not None:
        total = _tab(book, sh, p, d.tab, total)
    p_row = sh.kv("收益法评估值 P" + (" (含税收摊销收益 with TAB)" if d.tab is not None else ""),
                  Formula(f"={total}", d.total, fmt=CNY, bold=True))
    book.define(f"{p}_P_income", sh, 2, p_row)
    if d.charges:
        sh.blank()
        sh.header(["贡献资产 contributory asset", "类别 component", "比率 rate", *[f"第{k}期" for k in
                                                                         range(1, len(d.charges[0].amounts) + 1)]])
        for ch in d.charges:
            sh.append([ch.name, f"{ch.label_zh} {ch.component.value}", Styled(ch.rate, fmt=RATIO) if ch.rate else None,
                       *[Styled(a, fmt=CNY) for a in ch.amounts]])
    if d.ets is not None:
        e = d.ets
        sh.blank()
        sh.append([Styled(f"时间序列预测 {e.model}", bold=True)])
        sh.append(["参数 params", ", ".join(f"{k} = {val:.6g}" for k, val in e.params.items()),
                   f"AIC {e.aic:.4g}", "收敛 converged" if e.converged else "未收敛 not converged"])
        sh.header(["年 year", "历史 history"])
        for y, hv in zip(e.history_years, e.history, strict=False):
            sh.append([y, Styled(hv, fmt=CNY)])
        sh.header(["步 step", "预测 mean", "下限 lower (90%)", "上限 upper (90%)", "sd"])
        for s in e.steps:
            sh.append([s.step, Styled(s.mean, fmt=CNY), Styled(s.lower, fmt=CNY), Styled(s.upper, fmt=CNY),
                       Styled(s.sd, fmt=CNY)])
    _texts(sh, "假设 assumption", r_.assumptions)
    _texts(sh, "说明 note", r_.notes)
    aid = v.asset.asset_id
    if wacc_row is not None:
        _engine_check(book, SECTION_INCOME, f"{aid} WACC（底稿）= 引擎", f"{aid}: WACC (workpaper) = engine",
                      f"{p}_WACC", _figure(r_, "capm_wacc").value, ratio=True)
    _engine_check(book, SECTION_INCOME, f"{aid} 折现率 i（底稿）= 引擎", f"{aid}: i (workpaper) = engine", f"{p}_i",
                  d.rate.rate, ratio=True)
    if d.tab is not None:
        _engine_check(book, SECTION_INCOME, f"{aid} 税收摊销收益 TAB（底稿）= 引擎", f"{aid}: TAB (workpaper) = engine",
                      f"{p}_TAB", d.tab.amount)
    _engine_check(book, SECTION_INCOME, f"{aid} Σ PV（底稿）= 引擎", f"{aid}: Σ PV (workpaper) = engine",
                  f"{p}_PV_explicit", d.pv_explicit)
    _engine_check(book, SECTION_INCOME, f"{aid} 收益法 P（底稿）= 引擎", f"{aid}: income P (workpaper) = engine",
                  f"{p}_P_income", r_.value)


# The inputs of a WACC built from its parts (the explanation's figures), in the order of the rows below.
CAPM_INPUTS = ("capm_risk_free", "capm_beta_unlevered", "capm_debt_to_equity", "capm_tax_rate", "capm_erp",
               "capm_size_premium", "capm_specific_premium", "capm_cost_of_debt")


def _figure(r_: IncomeResult, name: str) -> Figure:
    return next(f for f in r_.figures if f.name == name)


def _capm(book: Book, sh: Sheet, p: str, r_: IncomeResult) -> int | None:
    """The WACC built from its parts, when the rate was (docs/valuation.md §Income method): each input a
    yellow cell with its evidence, then β_L = β_U × (1 + (1 − T) × D/E), Ke = rf + β_L × ERP + size +
    specific, E/V = 1 / (1 + D/E), D/V = (D/E) / (1 + D/E), WACC = E/V × Ke + D/V × Kd × (1 − T), live.
    Returns the WACC's row (None when the rate is not built this way)."""
    names = {f.name for f in r_.figures}
    if "capm_wacc" not in names or not names.issuperset(CAPM_INPUTS):
        return None
    shared = _figure(r_, "capm_risk_free").evidence  # one source note for every part (CapmWacc.evidence)
    sh.blank()
    sh.header(["WACC 构成 (CAPM) part", "代码 code", "取值 value", "依据 / 公式 evidence / formula"])
    at: dict[str, int] = {}
    for name in CAPM_INPUTS:
        f = _figure(r_, name)
        fmt = FACTOR if f.unit == "ratio" else RATIO
        at[name] = sh.append([f.label_zh, name.removeprefix("capm_"), _inp(f.value, fmt), f.evidence or shared])
    rf, bu, de, t, erp, size, spec, kd = (f"C{at[n]}" for n in CAPM_INPUTS)

    def live(name: str, text: str, fmt: str, defined: str | None = None) -> int:
        f = _figure(r_, name)
        r = sh.append([f.label_zh, name.removeprefix("capm_"), Formula(text, f.value, "ratio", fmt), f.formula])
        if defined is not None:
            book.define(f"{p}_{defined}", sh, 3, r)
        return r

    bl = live("capm_beta_levered", f"={bu}*(1+(1-{t})*{de})", FACTOR_LONG, "beta_L")
    ke = live("capm_cost_of_equity", f"={rf}+C{bl}*{erp}+{size}+{spec}", RATIO, "Ke")
    ev = live("capm_equity_weight", f"=1/(1+{de})", FACTOR_LONG)
    dv = live("capm_debt_weight", f"={de}/(1+{de})", FACTOR_LONG)
    return live("capm_wacc", f"=C{ev}*C{ke}+C{dv}*{kd}*(1-{t})", RATIO, "WACC")


def _tab(book: Book, sh: Sheet, p: str, tab: TabDetail, total: str) -> str:
    """The tax amortization benefit (fair value only): AF = Σ_{t=1..n} (1 + i)^(−t) = (1 − (1 + i)^(−n)) / i,
    TAB = PV × (1 / (1 − T × AF / n) − 1), live on the PV before it and the discount rate i.
    Returns the formula text of the value with the TAB."""
    sh.blank()
    pv = sh.kv("税收摊销收益前价值 PV before TAB", Formula(f"={total}", tab.value_before, fmt=CNY))
    book.define(f"{p}_PV_before_TAB", sh, 2, pv)
    n = sh.kv("税法摊销年限 n (years)", _inp(tab.period_years, INTEGER), tab.basis_text)
    book.define(f"{p}_TAB_n", sh, 2, n)
    t = sh.kv("所得税税率 T (TAB)", _inp(tab.tax_rate, RATIO), tab.basis_text)
    book.define(f"{p}_TAB_T", sh, 2, t)
    af = sh.kv("年金系数 AF = Σ (1 + i)^(−t), t = 1..n",
               Formula(f"=(1-(1+{p}_i)^(-B{n}))/{p}_i", tab.annuity_factor, "ratio", FACTOR_LONG),
               "期末年金 end of year, at the discount rate i")
    book.define(f"{p}_AF", sh, 2, af)
    amount = sh.kv("税收摊销收益 TAB = PV × (1 / (1 − T × AF / n) − 1)",
                   Formula(f"=B{pv}*(1/(1-B{t}*B{af}/B{n})-1)", tab.amount, fmt=CNY),
                   "公允价值（市场参与者）适用；在用价值不适用 fair value only, never a value in use")
    book.define(f"{p}_TAB", sh, 2, amount)
    return f"{p}_PV_before_TAB+{p}_TAB"


# ---------------------------------------------------------------------------------------------- market
def _market(book: Book, sh: Sheet, v: AssetValuation, r_: MarketResult) -> None:
    d = r_.detail
    p = book.prefix(v.asset.asset_id)
    _asset_heading(sh, v, "市场法 market approach", 20)
    t = d.target
    sh.kv("目标质量 target quality", Styled(t.quality, fmt=FACTOR), t.quality_basis)
    sh.kv("目标记录数 records", t.records)
    sh.kv("权利类型 rights type", t.rights_type.value)
    sh.kv("领域 / 地区 field / region", f"{t.field} / {t.region} ({t.region_tier})")
    sh.kv("交付方式 / 独占 delivery / exclusive", f"{t.delivery_form.value} / {'是 yes' if t.exclusivity else '否 no'}")
    sh.kv("剩余期限 remaining term (years)",
          Styled(t.remaining_term_years, fmt=YEARS) if t.remaining_term_years is not None else "不限 not limited")
    sh.kv("可比来源 / 符合条件 source / pool", f"{d.source} / {d.pool_size}")
    sh.kv("加权方式 weighting", d.weighting.value)
    sh.blank()
    sh.header(["可比案例 comparable", "交易场所 venue", "交易日 date", "相似度 similarity", "成交价 Q_k", "X1 质量",
               "X2 供求", "X3 日期", "X4 规模", *[f"X5 {X5_ZH[k]}" for k in X5_ORDER], "X5 = Π", "P' = Q×X1…X5",
               "保留 kept", "权重 w_k", "剔除原因 removal"])
    first = sh.row + 1
    for g in d.grid:
        r = sh.row + 1
        items = {getattr(it.item, "value", it.item): it.value for it in g.x5_items}
        if set(items) == set(X5_ORDER):
            x5: Formula | Styled = Formula(f"=PRODUCT(J{r}:N{r})", g.x5.value, "ratio", FACTOR)
            cells: list[Styled | None] = [Styled(items[k], fmt=FACTOR) for k in X5_ORDER]
        else:
            x5 = Styled(g.x5.value, fmt=FACTOR)
            cells = [Styled(items[k], fmt=FACTOR) if k in items else None for k in X5_ORDER]
        sh.append([g.comp_id, g.venue, Styled(g.date, fmt=DATE), Styled(g.similarity, fmt=FACTOR),
                   Styled(g.price, fmt=CNY), Styled(g.x1.value, fmt=FACTOR), Styled(g.x2.value, fmt=FACTOR),
                   Styled(g.x3.value, fmt=FACTOR), Styled(g.x4.value, fmt=FACTOR), *cells, x5,
                   Formula(f"=E{r}*F{r}*G{r}*H{r}*I{r}*O{r}", g.adjusted_price, fmt=CNY),
                   "是 yes" if g.kept else "否 no", Styled(g.weight, fmt=FACTOR_LONG), g.removal_reason or None])
    last = max(sh.row, first)
    w_row = sh.append(["Σ w_k", *[None] * 16, Formula(f"=SUM(R{first}:R{last})", sum(g.weight for g in d.grid),
                                                       "ratio", FACTOR_LONG)])
    p_row = sh.append(["市场法评估值 P = Σ w_k × P'_k", *[None] * 14,
                       Formula(f"=SUMPRODUCT(P{first}:P{last},R{first}:R{last})", r_.value, fmt=CNY, bold=True)])
    book.define(f"{p}_P_market", sh, 16, p_row)
    book.define(f"{p}_market_weights", sh, 18, w_row)
    s = d.screening
    sh.blank()
    sh.kv("异常值筛选 screening", f"{s.rule.value}, k = {s.k:g}", s.description)
    sh.kv("筛选区间 fences (CNY)",
          f"{s.low_cny:,.2f} — {s.high_cny:,.2f}" if s.low_cny is not None and s.high_cny is not None else "—",
          f"剔除 removed: {', '.join(s.removed) or '无 none'}")
    sh.blank()
    sh.header(["可比案例 comparable", "系数 factor", "取值 value", "计算 formula", "依据 evidence"])
    for g in d.grid:
        for name, f in (("X1", g.x1), ("X2", g.x2), ("X3", g.x3), ("X4", g.x4)):
            sh.append([g.comp_id, name, Styled(f.value, fmt=FACTOR), f.formula, f.evidence])
        for it in g.x5_items:
            sh.append([g.comp_id, f"X5 {it.label_zh}", Styled(it.value, fmt=FACTOR), it.formula, it.evidence])
    if d.hedonic is not None:
        hd = d.hedonic
        sh.blank()
        sh.append([Styled("享乐回归交叉验证 hedonic cross-check (not part of the value)", bold=True)])
        sh.kv("模型 model", hd.formula, f"n = {hd.n}, R² = {hd.r_squared:.4f}, adj. R² = {hd.adj_r_squared:.4f}")
        sh.kv("预测 prediction (CNY)", Styled(hd.prediction, fmt=CNY),
              f"90% 区间 interval {hd.interval_low:,.2f} — {hd.interval_high:,.2f}; "
              f"{'市场法结果在区间内 inside' if hd.market_value_inside else '市场法结果在区间外 outside'}")
        sh.header(["项 term", "系数 estimate", "标准误 s.e.", "p 值 p-value"])
        for c in hd.coefficients:
            sh.append([c.term, Styled(c.estimate, fmt=FACTOR_LONG), Styled(c.std_error, fmt=FACTOR_LONG),
                       Styled(c.p_value, fmt=FACTOR)])
    if d.hedonic_note:
        sh.kv("享乐回归 hedonic", d.hedonic_note)
    _texts(sh, "假设 assumption", r_.assumptions)
    _texts(sh, "说明 note", r_.notes)
    aid = v.asset.asset_id
    book.check(SECTION_MARKET, f"{aid} 权重合计 Σ w = 1", f"{aid}: market weights sum to 1",
               Formula(f"={p}_market_weights", sum(g.weight for g in d.grid), "ratio"), Styled(1.0),
               expect_difference=sum(g.weight for g in d.grid) - 1.0, tolerance=1e-9)
    _engine_check(book, SECTION_MARKET, f"{aid} 市场法 P（底稿）= 引擎", f"{aid}: market P (workpaper) = engine",
                  f"{p}_P_market", r_.value)


# ---------------------------------------------------------------------------------------------- conclusion
def _conclusion(book: Book, result: CaseResult) -> None:
    sh = book.sheet(CONCLUSION, {"A": 22, "B": 18, "C": 12, "D": 18, "E": 14, "F": 60}, freeze="A2",
                    title_rows=None, landscape=True)
    eng = result.engagement
    sh.title_row("评估结论 Conclusion · V = Σ w_m × V_m")
    sh.kv("评估案例 case", eng.case_id)
    sh.kv("委托方 client", eng.client)
    sh.kv("评估目的 purpose", eng.purpose.value)
    sh.kv("价值类型 value type", eng.value_type.value)
    sh.kv("评估基准日 valuation date", Styled(eng.valuation_date, fmt=DATE))
    _texts(sh, "假设 assumption", eng.assumptions)
    _texts(sh, "限制条件 limiting condition", eng.limiting_conditions)
    _texts(sh, "信息来源 information source", eng.information_sources)
    for v in result.valuations:
        c = v.conclusion
        p = book.prefix(v.asset.asset_id)
        sh.blank()
        sh.section(f"{v.asset.asset_id}  {v.asset.name}", 6)
        a = v.asset
        sh.kv("资产名称 name", a.name)
        if a.description:
            sh.kv("描述 description", a.description)
        sh.kv("权利 rights", ", ".join(r.value for r in a.rights), f"来源 source: {a.source.value}")
        if a.rights_term_end is not None:
            sh.kv("权利期限 rights term end", Styled(a.rights_term_end, fmt=DATE), a.term_basis or None)
        if a.registration_certificate:
            sh.kv("登记证书 registration", a.registration_certificate)
        if a.records is not None:
            sh.kv("记录数 records", a.records)
        sh.header(["方法 method", "评估值 V_m (CNY)", "权重 w_m", "差异 V_m − V", "相对差异", "理由 reason"])
        first = sh.row + 1
        n = len(c.weights)
        v_row = first + n + 1
        diffs = {d.method: d for d in c.differences}
        for mw in c.weights:
            m = mw.method.value
            r = sh.row + 1
            dd = diffs[mw.method]
            sh.append([f"{METHOD_ZH[m]} {m}", Formula(f"={p}_P_{m}", dd.value, fmt=CNY), _inp(mw.weight, RATIO),
                       Formula(f"=B{r}-$B${v_row}", dd.difference, fmt=CNY),
                       Formula(f'=IF($B${v_row}=0,"",D{r}/$B${v_row})', dd.relative if dd.relative is not None else "",
                               "ratio" if dd.relative is not None else "text", RATIO),
                       mw.reason])
            book.define(f"{p}_w_{m}", sh, 3, r)
        last = sh.row
        w_total = sum(w.weight for w in c.weights)
        sh.append(["Σ w", None, Formula(f"=SUM(C{first}:C{last})", w_total, "ratio", RATIO)])
        sh.append(["评估结论 V = Σ w_m V_m", Formula(f"=SUMPRODUCT(B{first}:B{last},C{first}:C{last})", c.value,
                                                 fmt=CNY, bold=True)])
        book.define(f"{p}_V", sh, 2, v_row)
        weighted = [first + k for k, mw in enumerate(c.weights) if mw.weight > 0]
        if c.spread is not None and weighted:
            cells = ",".join(f"B{k}" for k in weighted)
            sh.append(["方法差异 spread = max/min − 1 (加权方法 weighted)",
                       Formula(f"=MAX({cells})/MIN({cells})-1", c.spread, "ratio", RATIO)])
        if c.value_range is not None:
            vr = c.value_range
            sh.append(["区间 range (Monte Carlo)", f"P5 {vr.p5:,.2f}", f"P50 {vr.p50:,.2f}", f"P95 {vr.p95:,.2f}",
                       f"{vr.n_draws:,} draws"])
        _texts(sh, "分析 analysis", c.analysis)
        aid = v.asset.asset_id
        book.check(SECTION_CONCLUSION, f"{aid} 方法权重合计 = 1", f"{aid}: method weights sum to 1",
                   Formula(f"=SUM({sh.area(3, first, last)})", w_total, "ratio"), Styled(1.0),
                   expect_difference=w_total - 1.0, tolerance=1e-9)
        _engine_check(book, SECTION_CONCLUSION, f"{aid} 评估结论 V（底稿）= 引擎", f"{aid}: V (workpaper) = engine",
                      f"{p}_V", c.value)
    if result.errors:
        sh.blank()
        sh.section("未能评估的资产 Assets not valued", 6)
        sh.header(["资产 asset", "规则 rule", "字段 field", "说明 message"])
        for e in result.errors:
            sh.append([e.asset_id, e.rule, e.field or "", e.message])


# ---------------------------------------------------------------------------------------------- sensitivity
def _sensitivity(book: Book, result: CaseResult) -> None:
    sh = book.sheet(SENSITIVITY, {"A": 22, "B": 26, "C": 16, "D": 16, "E": 16, "F": 18, "G": 18, "H": 18},
                    freeze="A2", title_rows=None, landscape=True)
    sh.title_row("敏感性分析与蒙特卡洛模拟 Sensitivity (tornado on V) and Monte Carlo summary")
    sh.kv("随机种子 seed", result.seed)
    sh.kv("模拟次数 draws per asset", result.n_draws)
    for v in result.valuations:
        c = v.conclusion
        sh.blank()
        sh.section(f"{v.asset.asset_id}  {v.asset.name}", 8)
        sh.header(["方法 method", "输入 input", "基准 base", "低值 low (P5)", "高值 high (P95)", "V（低值）",
                   "V（高值）", "摆幅 swing |ΔV|"])
        for b in c.tornado:
            r = sh.row + 1
            m = b.method.value
            sh.append([f"{METHOD_ZH[m]} {m}", f"{b.label_zh} {b.input_name}", Styled(b.base_input, fmt=FACTOR_LONG),
                       Styled(b.low_input, fmt=FACTOR_LONG), Styled(b.high_input, fmt=FACTOR_LONG),
                       Styled(b.value_at_low, fmt=CNY), Styled(b.value_at_high, fmt=CNY),
                       Formula(f"=ABS(G{r}-F{r})", b.swing, fmt=CNY)])
        sh.blank()
        sh.header(["模拟 simulation", "P5", "P50", "P95", "次数 draws", "P95 − P5"])
        ranges = [(f"{METHOD_ZH[m.value]} {m.value}", r) for m, r in c.method_ranges.items()]
        if c.value_range is not None:
            ranges.append(("评估结论 V", c.value_range))
        for label, vr in ranges:
            r = sh.row + 1
            sh.append([label, Styled(vr.p5, fmt=CNY), Styled(vr.p50, fmt=CNY), Styled(vr.p95, fmt=CNY), vr.n_draws,
                       Formula(f"=D{r}-B{r}", vr.p95 - vr.p5, fmt=CNY)])
        if not ranges:
            sh.append(["未运行模拟 no simulation (draws = 0)"])
