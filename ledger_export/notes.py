"""附注 Notes: disclosure Tables A and B with live subtotals, totals and carrying amounts, every engine tie
on the 校验 sheet, and the other mandatory disclosures of 财会〔2023〕11号 三（二）.

In Tables A and B the leaf rows (期初, each 其中 row, 期末) are the engine's figures from the ledger;
本期增加 / 本期减少 are SUMs of their 其中 rows, 合计 is the SUM of the three columns and 账面价值 is
原值 − 累计摊销 − 减值准备 (or − 跌价准备). Each tie the engine checked is repeated on the 校验 sheet
with the workbook's own live figures: 期末 = 期初 + 增加 − 减少 per block and column, the live
subtotals, totals and carrying amounts against the engine's, and the carrying amount against the
balance-sheet "其中：数据资源" line.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from accounting.enums import label
from ledger_export.accounts import TRIAL_BALANCE, BookRefs, lit
from ledger_export.style import CNY, DATE, RATIO
from ledger_export.workbook import Book, CellInput, Formula, Sheet, Styled, quote

if TYPE_CHECKING:
    from accounting import BookResult
    from accounting.tables import DisclosureTable

TABLE_A = "附注表A Table A"
TABLE_B = "附注表B Table B"
OTHER_NOTES = "附注 Notes"
ZERO = Decimal("0.00")
YES, NO = "是 yes", "否 no"
_COLS = "CDEF"


def write_table(book: Book, table: DisclosureTable, which: str, refs: BookRefs) -> None:
    """Table A (``which="A"``) or B on its own sheet; ties registered for the 校验 sheet."""
    title = TABLE_A if which == "A" else TABLE_B
    sh = book.sheet(title, {"A": 24, "B": 34, "C": 18, "D": 18, "E": 18, "F": 18}, freeze="C4",
                    title_rows="3:3", formats={3: CNY, 4: CNY, 5: CNY, 6: CNY})
    sh.title_row(f"{table.title_zh} {table.title_en}")
    sh.append([f"期间 period {table.period_start} — {table.as_of}", "单位：人民币元 CNY"])
    sh.header(["项目", "item", *[f"{z} {e}" for z, e in zip(table.columns_zh, table.columns_en, strict=True)]])
    rows = list(table.rows)
    first = sh.row + 1
    pos = {r.key: first + i for i, r in enumerate(rows)}
    blocks = [r.key for r in rows if r.values is None and r.key != "carrying"]
    values = {r.key: r.values for r in rows if r.values is not None}
    for r in rows:
        row_no = pos[r.key]
        if r.values is None:
            sh.append([Styled(r.label_zh, bold=True, fill="section"), Styled(r.label_en, bold=True, fill="section")])
            continue
        label = "    " * (r.level - 1) + r.label_zh
        cells: list[CellInput] = []
        for c in range(3):
            letter = _COLS[c]
            if r.key.endswith((".increase", ".decrease")):
                subs = [pos[k] for k in pos if k.startswith(r.key + ".")]
                cells.append(Formula(f"=SUM({letter}{min(subs)}:{letter}{max(subs)})", r.values[c]))
            elif r.key.startswith("carrying."):
                when = r.key.split(".")[1]
                minus = "".join(f"-{letter}{pos[f'{b}.{when}']}" for b in blocks[1:])
                cells.append(Formula(f"={letter}{pos[f'{blocks[0]}.{when}']}{minus}", r.values[c]))
            else:
                cells.append(r.values[c])
        cells.append(Formula(f"=SUM(C{row_no}:E{row_no})", r.values[3], bold=True))
        sh.append([label, "    " * (r.level - 1) + r.label_en, *cells])
    _table_checks(book, sh, table, which, pos, blocks, values, refs)


def _table_checks(book: Book, sh: Sheet, table: DisclosureTable, which: str, pos: dict[str, int], blocks: list[str],
                  values: dict[str, tuple[Decimal, ...]], refs: BookRefs) -> None:
    ties = {t.name: t for t in table.ties}
    used: set[str] = set()
    section = f"附注表{which} Table {which}"

    def cell(key: str, c: int) -> str:
        return sh.ref(3 + c, pos[key])

    def add(name: str, zh: str, en: str, left: str, right: str | Styled, left_expect: Decimal,
            right_expect: Decimal) -> None:
        t = ties.get(name)
        if t is not None:
            used.add(name)
        book.check(section, zh, en, Formula(f"={left}", left_expect), right if isinstance(right, Styled)
                   else Formula(f"={right}", right_expect), expect_difference=left_expect - right_expect,
                   engine_ok=None if t is None else t.ok, engine_name=name if t is not None else "")

    col_name = [*table.columns_zh]
    for b in blocks:
        for c in range(4):
            o, i, d, cl = (values[f"{b}.{k}"][c] for k in ("opening", "increase", "decrease", "closing"))
            add(f"{which}.{b}[{c}]: closing = opening + increase − decrease",
                f"{b} {col_name[c]}: 期末 = 期初 + 增加 − 减少", f"{b} [{table.columns_en[c]}]: closing = "
                "opening + increase − decrease", cell(f"{b}.closing", c),
                f"{cell(f'{b}.opening', c)}+{cell(f'{b}.increase', c)}-{cell(f'{b}.decrease', c)}", cl, o + i - d)
    for key, v in values.items():
        add(f"{which}.{key}: 合计 = sum of columns", f"{key}: 合计 = 各列之和（引擎合计）",
            f"{key}: total = sum of columns (engine total)", cell(key, 3), Styled(v[3], fmt=CNY), sum(v[:3], ZERO),
            v[3])
    for b in blocks:
        for side in ("increase", "decrease"):
            subs = [k for k in values if k.startswith(f"{b}.{side}.")]
            for c in range(4):
                add(f"{which}.{b}.{side}[{c}] = sum of 其中 rows", f"{b}.{side} {col_name[c]}: 其中各行之和（引擎小计）",
                    f"{b}.{side} [{table.columns_en[c]}]: sum of 其中 rows (engine subtotal)",
                    cell(f"{b}.{side}", c), Styled(values[f"{b}.{side}"][c], fmt=CNY),
                    sum((values[k][c] for k in subs), ZERO), values[f"{b}.{side}"][c])
    for when in ("closing", "opening"):
        for c in range(4):
            computed = values[f"{blocks[0]}.{when}"][c] - sum((values[f"{b}.{when}"][c] for b in blocks[1:]), ZERO)
            add(f"{which}.carrying.{when}[{c}] = cost − provisions",
                f"账面价值 {when} {col_name[c]} = 原值 − 准备（引擎账面价值）",
                f"carrying {when} [{table.columns_en[c]}] = cost − provisions (engine carrying amount)",
                cell(f"carrying.{when}", c), Styled(values[f"carrying.{when}"][c], fmt=CNY), computed,
                values[f"carrying.{when}"][c])
    line = "intangible" if which == "A" else "inventory"
    if refs.bs is not None and line in refs.bs_row:
        name = f"{which}.carrying.closing = balance-sheet 其中：数据资源"
        t = ties.get(name)
        bs_value = t.expected if t is not None else values["carrying.closing"][3]
        add(name, "账面价值期末合计 = 资产负债表 其中：数据资源", "carrying amount closing = balance-sheet data line",
            refs.bs.ref(5, refs.bs_row[line]), cell("carrying.closing", 3), bs_value, values["carrying.closing"][3])
    for t in table.ties:  # anything the engine checked that the workbook has no live formula for
        if t.name not in used:
            book.check(section, t.name, "engine tie (values)", Styled(t.expected, fmt=CNY), Styled(t.actual, fmt=CNY),
                       expect_difference=t.expected - t.actual, engine_ok=t.ok, engine_name=t.name)


# ---------------------------------------------------------------------------------------------- other notes
def _table(sh: Sheet, headers: Sequence[str], rows: Sequence[Sequence[CellInput]]) -> tuple[int, int]:
    sh.header(headers)
    first = sh.row + 1
    for r in rows:
        sh.append(list(r))
    return first, sh.row


def _yn(b: bool) -> str:
    return YES if b else NO


def _total(sh: Sheet, first: int, last: int, columns: dict[int, Decimal], label: str = "合计 total") -> int:
    cells: list[CellInput] = [label]
    for j in range(2, max(columns) + 1):
        if j in columns:
            letter = _COLS_ALL[j - 1]
            f = f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0"
            cells.append(Formula(f, columns[j], bold=True, fmt=CNY))
        else:
            cells.append(None)
    return sh.append(cells)


_COLS_ALL = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def write_other_notes(book: Book, result: BookResult, refs: BookRefs) -> None:
    """附注 Notes: every other mandatory disclosure, the P&L effects, the IFRS view and the decisions."""
    n = result.disclosures
    sh = book.sheet(OTHER_NOTES, {"A": 18, "B": 30, "C": 18, "D": 18, "E": 18, "F": 18, "G": 18, "H": 18,
                                  "I": 18, "J": 18, "K": 18, "L": 40}, freeze="A2", title_rows=None, landscape=True)
    sh.title_row(f"数据资源附注 Notes on data resources · {result.company} · {result.period_start} — {result.as_of}")

    sh.blank()
    sh.section("一、入表判断 Recognition decisions", 8)
    _table(sh, ["资产 asset", "名称 name", "分类 classification", "列报 line", "形成方式 formation",
                "资本化开始 capitalization from", "依据 rationale", "条款 citations", "缺少事实 missing facts"],
           [[d.asset_id, d.name, d.label_zh, f"{d.label_zh} {d.label_en}",
             label(d.formation.value) if d.formation else "", d.capitalization_start,
             " ".join(d.rationale_zh or d.rationale), "; ".join(d.citations),
             "；".join(d.missing_facts_zh or d.missing_facts)] for d in result.decisions])

    sh.blank()
    sh.section("二、使用寿命和摊销方法 Useful life and amortization method", 8)
    f, l_ = _table(sh, ["资产 asset", "名称 name", "有限寿命 finite", "寿命（月）life (months)", "方法 method",
                        "残值 residual", "可使用日 available", "剩余月数 remaining", "账面价值 carrying",
                        "依据 basis"],
                   [[x.asset_id, x.name, _yn(x.finite), x.useful_life_months, f"{x.method_zh} {x.method_en}",
                     Styled(x.residual_value, fmt=CNY), Styled(x.available_for_use, fmt=DATE), x.remaining_months,
                     Styled(x.carrying_amount, fmt=CNY), x.basis] for x in n.life_and_method])

    sh.blank()
    sh.section("三、会计估计变更 Changes in estimates (CAS 28)", 8)
    _table(sh, ["资产 asset", "日期 date", "原寿命 old life", "新寿命 new life", "原残值 old residual",
                "新残值 new residual", "原月摊销 old monthly", "新月摊销 new monthly", "对本期摊销影响 effect",
                "对未来12个月影响 next 12 months", "对以后期间影响 future periods", "原因 reason"],
           [[x.asset_id, Styled(x.date, fmt=DATE), x.old_useful_life_months, x.new_useful_life_months,
             Styled(x.old_residual_value, fmt=CNY), Styled(x.new_residual_value, fmt=CNY),
             Styled(x.old_monthly_amount, fmt=CNY), Styled(x.new_monthly_amount, fmt=CNY),
             Styled(x.effect_on_period_amortization, fmt=CNY), Styled(x.effect_on_next_twelve_months, fmt=CNY),
             Styled(x.effect_on_future_periods, fmt=CNY), x.reason] for x in n.estimate_changes])

    sh.blank()
    sh.section("四、重要的单项数据资源 Material items", 8)
    _table(sh, ["资产 asset", "名称 name", "内容 content", "列报 line", "账面价值 carrying",
                "剩余摊销期（月）remaining months", "可变现净值 NRV"],
           [[x.asset_id, x.name, x.content, x.line_zh, Styled(x.carrying_amount, fmt=CNY),
             x.remaining_amortization_months,
             Styled(x.net_realizable_value, fmt=CNY) if x.net_realizable_value is not None else None]
            for x in n.material_items])

    sh.blank()
    sh.section("五、所有权或使用权受到限制的数据资源 Restricted or pledged data resources", 8)
    f, l_ = _table(sh, ["资产 asset", "名称 name", "列报 line", "受限原因 restriction", "权利人 in favour of",
                        "受限日 restricted on",
                        "解除日 released", "期末仍受限 at period end", "担保金额 secured", "登记 registration",
                        "账面价值 carrying", "本期摊销 period amortization"],
                   [[x.asset_id, x.name, x.line_zh, x.restriction_zh, x.pledgee, Styled(x.pledged_on, fmt=DATE),
                     Styled(x.released_on, fmt=DATE) if x.released_on else None, _yn(x.pledged_at_period_end),
                     Styled(x.secured_amount, fmt=CNY) if x.secured_amount is not None else None, x.registration,
                     Styled(x.carrying_amount, fmt=CNY), Styled(x.period_amortization, fmt=CNY)]
                    for x in n.restricted_items])
    if n.restricted_items:
        _total(sh, f, l_, {11: sum((x.carrying_amount for x in n.restricted_items), ZERO),
                           12: sum((x.period_amortization for x in n.restricted_items), ZERO)})

    sh.blank()
    sh.section("六、数据资源研发支出 R&D spending on data: expensed and capitalized", 8)
    f, l_ = _table(sh, ["资产 asset", "名称 name", "费用化 expensed", "资本化 capitalized"],
                   [[x.asset_id, x.name, Styled(x.expensed, fmt=CNY), Styled(x.capitalized, fmt=CNY)]
                    for x in n.rd.items])
    _total(sh, f, l_, {3: n.rd.total_expensed, 4: n.rd.total_capitalized})

    sh.blank()
    sh.section("七、减值 Impairment (CAS 8; never reversed under CAS 8 art. 17)", 8)
    f, l_ = _table(sh, ["资产 asset", "日期 date", "减值前账面价值 carrying before", "可收回金额 recoverable",
                        "减值损失 loss", "未转回的回升 unreversed recovery", "依据 basis"],
                   [[x.asset_id, Styled(x.date, fmt=DATE), Styled(x.carrying_before, fmt=CNY),
                     Styled(x.recoverable_amount, fmt=CNY), Styled(x.loss, fmt=CNY),
                     Styled(x.unreversed_recovery, fmt=CNY), x.basis] for x in n.impairments])
    if n.impairments:
        _total(sh, f, l_, {5: sum((x.loss for x in n.impairments), ZERO)})
        seen: dict[str, int] = {}
        for i, imp in enumerate(n.impairments):  # named, so the valuation workpapers can be tied to them
            k = seen[imp.asset_id] = seen.get(imp.asset_id, 0) + 1
            book.define(f"{book.prefix(imp.asset_id)}_recoverable" + (f"_{k}" if k > 1 else ""), sh, 4, f + i)

    sh.blank()
    inv = n.inventory
    sh.section("八、存货 Data inventory (CAS 1)", 8)
    sh.kv("发出计价方法 cost formula", inv.cost_formula)
    sh.kv("可变现净值确定依据 NRV basis", inv.nrv_basis)
    sh.kv("跌价准备计提方法 provision method", inv.provision_method)
    sh.kv("本期计提 provided", Styled(inv.provided, fmt=CNY))
    sh.kv("本期转回 reversed", Styled(inv.reversed, fmt=CNY))
    sh.kv("本期转销 written off", Styled(inv.written_off, fmt=CNY))
    sh.header(["资产 asset", "名称 name", "成本 cost", "跌价准备 provision", "账面价值 carrying", "可变现净值 NRV",
               "质押 pledged"])
    f = sh.row + 1
    for x in inv.items:
        r = sh.row + 1
        sh.append([x.asset_id, x.name, Styled(x.cost, fmt=CNY), Styled(x.provision, fmt=CNY),
                   Formula(f"=C{r}-D{r}", x.carrying_amount, fmt=CNY),
                   Styled(x.net_realizable_value, fmt=CNY) if x.net_realizable_value is not None else None,
                   _yn(x.pledged)])
    l_ = sh.row
    if inv.items:
        _total(sh, f, l_, {3: sum((x.cost for x in inv.items), ZERO), 4: sum((x.provision for x in inv.items), ZERO),
                           5: sum((x.carrying_amount for x in inv.items), ZERO)})
    r = sh.append(["受限存货账面价值 pledged carrying amount", None, None, None,
                   Formula(f"=SUMIFS(E{f}:E{max(l_, f)},G{f}:G{max(l_, f)},{lit(YES)})" if inv.items else "=0",
                           inv.pledged_carrying_amount, bold=True, fmt=CNY)])

    sh.blank()
    sh.section("九、失效且终止确认 Lapse of rights and derecognition", 8)
    _table(sh, ["资产 asset", "日期 date", "转销账面价值 carrying written off", "原因 reason"],
           [[x.asset_id, Styled(x.date, fmt=DATE), Styled(x.carrying_written_off, fmt=CNY), x.reason]
            for x in n.lapses])

    sh.blank()
    sh.section("十、持有待售 Held for sale (CAS 42)", 8)
    _table(sh, ["资产 asset", "名称 name", "划分日 classified on", "划分前账面价值 carrying before",
                "公允价值减出售费用 fair value less costs to sell", "减值 write-down", "期末账面价值 carrying at period end",
                "处置日 disposed on", "依据 basis"],
           [[x.asset_id, x.name, Styled(x.classified_on, fmt=DATE), Styled(x.carrying_before, fmt=CNY),
             Styled(x.fair_value_less_costs_to_sell, fmt=CNY), Styled(x.write_down, fmt=CNY),
             Styled(x.carrying_amount, fmt=CNY), Styled(x.disposed_on, fmt=DATE) if x.disposed_on else None,
             Styled(x.basis, wrap=True)] for x in n.held_for_sale])

    if n.contract_costs:
        sh.blank()
        sh.section("合同履约成本（数据服务，CAS 14）Contract fulfilment costs", 8)
        _table(sh, ["资产 asset", "名称 name", "合同 contract", "成本 cost", "减值准备 provision", "账面价值 carrying",
                    "本期摊销 amortized", "本期减值 loss", "本期转回 reversed", "已交付 delivered", "合同总量 units"],
               [[x.asset_id, x.name, x.contract_id, Styled(x.cost, fmt=CNY), Styled(x.provision, fmt=CNY),
                 Styled(x.carrying_amount, fmt=CNY), Styled(x.amortized, fmt=CNY), Styled(x.impairment_loss, fmt=CNY),
                 Styled(x.reversal, fmt=CNY), x.units_delivered, x.service_units] for x in n.contract_costs])

    sh.blank()
    sh.section("十一、评估信息披露 Appraisal disclosure", 8)
    _table(sh, ["资产 asset", "事项 event", "用于 used in", "重大影响 material", "披露 text (中文)", "disclosure (English)"],
           [[x.asset_id, x.event_id, x.used_in, _yn(x.material_effect), Styled(x.text_zh, wrap=True),
             Styled(x.text_en, wrap=True)] for x in n.appraisal])

    sh.blank()
    sh.section("十二、自愿披露（已确认及未确认的数据资源）Voluntary disclosure (recognized and unrecognized)", 8)
    _table(sh, ["资产 asset", "名称 name", "是否确认 recognized", "项目 item", "披露内容 disclosure", "未确认原因 reason"],
           [[x.asset_id, x.name, _yn(x.recognized), f"({e.number}) {e.title_zh} {e.title_en}", Styled(e.text, wrap=True),
             Styled(x.reason, wrap=True) if e.number == 1 else None] for x in n.voluntary for e in x.items])

    sh.blank()
    _pnl(book, sh, result, refs)
    sh.blank()
    _ifrs(sh, result)
    if result.rejected:
        sh.blank()
        sh.section("十五、被拒绝的事项 Rejected events (nothing of them was posted)", 8)
        _table(sh, ["事项 event", "资产 asset", "类型 kind", "日期 date", "规则 rule", "说明 message"],
               [[x.event_id, x.asset_id, x.kind.value, Styled(x.date, fmt=DATE), x.rule, x.message]
                for x in result.rejected])
    sh.blank()
    sh.section("十六、事项处理 Events and their treatment", 8)
    _table(sh, ["事项 event", "资产 asset", "类型 kind", "日期 date", "处理 treatment", "分录 entries", "依据 rationale"],
           [[o.event_id, o.asset_id, o.kind.value, Styled(o.date, fmt=DATE), o.treatment, ", ".join(o.entry_ids),
             " ".join(o.rationale)] for o in result.events])


def _pnl(book: Book, sh: Sheet, result: BookResult, refs: BookRefs) -> None:
    p = result.pnl_effects
    sh.section("十三、对本期损益的影响 Effects on profit or loss of the period", 8)
    f, l_ = _table(sh, ["项目 item", "item", "金额 amount", "对利润影响 profit effect"],
                   [[x.label_zh, x.label_en, Styled(x.amount, fmt=CNY), Styled(x.profit_effect, fmt=CNY)]
                    for x in p.lines])
    t = _total(sh, f, l_, {4: p.total_profit_effect}, "利润影响合计 total profit effect")
    if refs.tb is None:
        return
    tb = quote(TRIAL_BALANCE)
    rows = result.trial_balance.rows
    first, last = min(refs.tb_row.values(), default=3), max(refs.tb_row.values(), default=3)
    tb_pl = sum((r.period_credit - r.period_debit for r in rows if r.category.value == "profit_loss"), ZERO)
    cat = f"{tb}!$D${first}:$D${last}"
    ok = next((c.ok for c in result.checks if c.name == "P&L effects = P&L movements in the trial balance"), None)
    book.check("附注 notes", "损益影响合计 = 科目余额表损益类本期（贷 − 借）",
               "P&L effects = P&L movements in the trial balance (credit − debit)",
               Formula(f"={sh.ref(4, t)}", p.total_profit_effect),
               Formula(f'=SUMIFS({tb}!$H${first}:$H${last},{cat},"profit_loss")-SUMIFS({tb}!$G${first}:$G${last},'
                       f'{cat},"profit_loss")', tb_pl),
               expect_difference=p.total_profit_effect - tb_pl, engine_ok=ok,
               engine_name="P&L effects = P&L movements in the trial balance")


def _ifrs(sh: Sheet, result: BookResult) -> None:
    v = result.ifrs_view
    sh.section("十四、与国际财务报告准则的差异 Differences from IFRS", 8)
    sh.header(["资产 asset", "项目 item", "项目", "item", "CAS", "IFRS", "差异 IFRS − CAS", "依据 references",
               "说明 explanation"])
    for d in v.differences:
        r = sh.row + 1
        sh.append([d.asset_id, d.item, d.label_zh, d.label_en, Styled(d.cas, fmt=CNY), Styled(d.ifrs, fmt=CNY),
                   Formula(f"=F{r}-E{r}", d.difference, fmt=CNY), d.references, d.explanation])
    for note in v.notes:
        sh.append(["说明 note", note])


__all__ = ["OTHER_NOTES", "RATIO", "TABLE_A", "TABLE_B", "write_other_notes", "write_table"]
