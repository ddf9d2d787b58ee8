"""Books of a period as sheets: 凭证 journal, 明细账 subsidiary ledger, 总账 general ledger, 科目余额表 trial
balance and the 资产负债表 "其中：数据资源" lines, each figure traceable by formula to the one before.

- 凭证 Journal: every line of every entry to ``as_of`` (prior-period entries marked 期初), streamed;
  totals by SUM and SUMIFS.
- 总账 General ledger: per account, the opening balance from the trial balance, then one row per month
  of the period whose debit and credit are SUMIFS over the journal, a running balance, and the
  period total.
- 明细账 Subledger: per account and asset, the opening balance, each line of the period with a running
  balance (余额 = 上行余额 + 借 − 贷), and the period total with the closing balance.
- 科目余额表 Trial balance: opening from the engine; period movements referenced from the general
  ledger; closing = MAX(±(opening + Dr − Cr), 0); totals by SUM.
- 资产负债表摘录: each data line is the sum of its accounts' closing balances in the trial balance.

Balances in the ledgers are debit-positive (借方为正, 贷方为负). Profit-and-loss accounts of earlier
fiscal years are in retained earnings in the trial balance (the engine's convention), while the
subsidiary ledger accumulates each account from its first entry.
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ledger_export.style import CNY, DATE
from ledger_export.workbook import Book, Formula, Sheet, Styled, quote

if TYPE_CHECKING:
    from accounting import BookResult
    from accounting.statements import LedgerBalance

JOURNAL = "凭证 Journal"
GENERAL_LEDGER = "总账 General ledger"
SUBLEDGER = "明细账 Subledger"
TRIAL_BALANCE = "科目余额表 Trial balance"
BALANCE_SHEET = "资产负债表摘录 Balance sheet"
ZERO = Decimal("0.00")
IN_PERIOD, PRIOR = "本期", "期初"
ROW_TOTAL = "合计 total"
_SLOTS = 4096  # lines per entry the subledger index allows
_CLOSING_TIED = {"asset", "liability", "cost"}  # categories whose ledger closing equals the TB closing


@dataclass
class BookRefs:
    """Where the accounting figures landed, for later sheets and checks."""

    journal: Sheet | None = None
    journal_rows: tuple[int, int] = (2, 2)
    gl_total_row: dict[str, int] = field(default_factory=dict)
    tb: Sheet | None = None
    tb_row: dict[str, int] = field(default_factory=dict)
    tb_total_row: int = 0
    bs: Sheet | None = None
    bs_row: dict[str, int] = field(default_factory=dict)


def lit(text: str) -> str:
    """A text literal for a formula (quotes doubled; wildcards escaped for SUMIFS criteria)."""
    escaped = re.sub(r"([*?~])", r"~\1", text).replace('"', '""')
    return f'"{escaped}"'


def _month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _check_ok(result: BookResult, name: str) -> bool | None:
    for c in result.checks:
        if c.name == name:
            return bool(c.ok)
    return None


# ---------------------------------------------------------------------------------------------- journal
def write_journal(book: Book, result: BookResult, refs: BookRefs) -> None:
    """凭证 Journal: one row per line, totals and the period totals as live formulas."""
    sh = book.sheet(JOURNAL, {"A": 10, "B": 11, "C": 9, "D": 6, "E": 14, "F": 10, "G": 18, "H": 36, "I": 36,
                              "J": 10, "K": 26, "L": 16, "M": 16, "N": 18, "O": 24, "P": 60},
                    freeze="C2", landscape=True, formats={2: DATE, 12: CNY, 13: CNY})
    refs.journal = sh
    sh.header(["凭证号 entry", "日期 date", "月份 month", "期间 period", "资产 asset", "事项 event", "类型 type",
               "摘要", "description", "科目代码 code", "科目名称 account", "借方 debit", "贷方 credit",
               "变动 movement", "备注 memo", "依据 rationale"])
    start = result.period_start
    total_dr = total_cr = period_dr = period_cr = ZERO
    append = sh.append
    for e in result.journal:
        in_period = e.date >= start
        flag = IN_PERIOD if in_period else PRIOR
        month = _month(e.date)
        kind = e.entry_type.value
        for k, ln in enumerate(e.lines):
            append([e.entry_id, e.date, month, flag, e.asset_id, e.event_id, kind, e.description_zh,
                    e.description_en, ln.account_code, ln.account_zh, ln.debit or None, ln.credit or None,
                    ln.movement.value if ln.movement is not None else None, ln.memo or None,
                    (e.rationale or None) if k == 0 else None])
            total_dr += ln.debit
            total_cr += ln.credit
            if in_period:
                period_dr += ln.debit
                period_cr += ln.credit
    last = max(sh.row, 2)
    refs.journal_rows = (2, last)
    sh.blank()
    lr, mr, dr = sh.area(12, 2, last, external=False), sh.area(13, 2, last, external=False), \
        sh.area(4, 2, last, external=False)
    t = sh.append(["合计 total", None, None, None, None, None, None, "全部凭证（截至资产负债表日）",
                   "all entries to the balance-sheet date", None, None,
                   Formula(f"=SUM({lr})", total_dr, bold=True), Formula(f"=SUM({mr})", total_cr, bold=True)])
    p = sh.append(["本期合计", None, None, IN_PERIOD, None, None, None, "本期凭证", "entries of the period", None,
                   None, Formula(f'=SUMIFS({lr},{dr},"{IN_PERIOD}")', period_dr, bold=True),
                   Formula(f'=SUMIFS({mr},{dr},"{IN_PERIOD}")', period_cr, bold=True)])
    book.define("journal_total_debit", sh, 12, t)
    book.define("journal_total_credit", sh, 13, t)
    book.define("journal_period_debit", sh, 12, p)
    book.define("journal_period_credit", sh, 13, p)
    book.check("凭证 journal", "凭证借方合计 = 贷方合计", "journal: total debits = total credits",
               Formula(f"={sh.ref(12, t)}", total_dr), Formula(f"={sh.ref(13, t)}", total_cr),
               expect_difference=total_dr - total_cr, engine_ok=_check_ok(result, "every entry balances"),
               engine_name="every entry balances")


# ---------------------------------------------------------------------------------------------- general ledger
def write_general_ledger(book: Book, result: BookResult, refs: BookRefs) -> None:
    """总账: opening, monthly SUMIFS over the journal, running balance, period total per account."""
    assert refs.journal is not None
    j = refs.journal
    first, last = refs.journal_rows
    amt_dr, amt_cr = j.area(12, first, last), j.area(13, first, last)
    code_col, month_col, flag_col = j.area(10, first, last), j.area(3, first, last), j.area(4, first, last)
    monthly: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(lambda: [ZERO, ZERO]))
    for e in result.journal:
        if e.date < result.period_start:
            continue
        m = _month(e.date)
        for ln in e.lines:
            cell = monthly[ln.account_code][m]
            cell[0] += ln.debit
            cell[1] += ln.credit
    sh = book.sheet(GENERAL_LEDGER, {"A": 10, "B": 28, "C": 30, "D": 9, "E": 22, "F": 16, "G": 16, "H": 18,
                                     "I": 10}, freeze="D2", landscape=True, formats={6: CNY, 7: CNY, 8: CNY})
    sh.header(["科目代码 code", "科目名称 account", "account", "月份 month", "摘要 summary", "借方 debit",
               "贷方 credit", "余额 balance (借+/贷−)", "行类型 row"])
    for row in result.trial_balance.rows:
        opening = row.opening_debit - row.opening_credit
        r0 = sh.append([row.code, row.name_zh, row.name_en, None, "期初余额 opening", None, None,
                        Styled(opening, fmt=CNY), "期初 opening"])
        prev, bal = r0, opening
        for m, (dr, cr) in sorted(monthly.get(row.code, {}).items()):
            bal += dr - cr
            r = sh.row + 1
            crit = f"{code_col},$A{r},{month_col},$D{r},{flag_col},\"{IN_PERIOD}\""
            sh.append([row.code, row.name_zh, row.name_en, m, "本月合计 month",
                       Formula(f"=SUMIFS({amt_dr},{crit})", dr), Formula(f"=SUMIFS({amt_cr},{crit})", cr),
                       Formula(f"=H{prev}+F{r}-G{r}", bal), "月 month"])
            prev = r
        t = sh.row + 1
        closing = row.closing_debit - row.closing_credit
        if prev > r0:
            dr_f: Formula | Styled = Formula(f"=SUM(F{r0 + 1}:F{prev})", row.period_debit, bold=True)
            cr_f: Formula | Styled = Formula(f"=SUM(G{r0 + 1}:G{prev})", row.period_credit, bold=True)
        else:
            dr_f = Styled(row.period_debit, fmt=CNY, bold=True)
            cr_f = Styled(row.period_credit, fmt=CNY, bold=True)
        sh.append([row.code, row.name_zh, row.name_en, None, "本期合计 period total", dr_f, cr_f,
                   Formula(f"=H{r0}+F{t}-G{t}", closing, bold=True), ROW_TOTAL])
        refs.gl_total_row[row.code] = t


# ---------------------------------------------------------------------------------------------- subledger
def write_subledger(book: Book, result: BookResult, refs: BookRefs) -> None:
    """明细账 by account and asset: opening, lines with running balance, period total and closing."""
    # where each period line is, by account and asset: entry index × 4096 + line index, 8 bytes a line
    lines: dict[tuple[str, str | None], array[int]] = defaultdict(lambda: array("q"))
    journal = result.journal
    for i, e in enumerate(journal):
        if e.date < result.period_start:
            continue
        if len(e.lines) >= _SLOTS:
            raise ValueError(f"entry {e.entry_id} has {len(e.lines)} lines; the subledger allows {_SLOTS - 1}")
        for k, ln in enumerate(e.lines):
            lines[(ln.account_code, ln.asset_id)].append(i * _SLOTS + k)
    sh = book.sheet(SUBLEDGER, {"A": 10, "B": 28, "C": 14, "D": 11, "E": 10, "F": 40, "G": 16, "H": 16,
                                "I": 18, "J": 10}, freeze="D2", landscape=True,
                    formats={4: DATE, 7: CNY, 8: CNY, 9: CNY})
    sh.header(["科目代码 code", "科目名称 account", "资产 asset", "日期 date", "凭证号 entry", "摘要 summary",
               "借方 debit", "贷方 credit", "余额 balance (借+/贷−)", "行类型 row"])
    append = sh.append
    for lb in result.ledger:
        opening = lb.balance - lb.period_debit + lb.period_credit
        asset = lb.asset_id or ""
        r0 = append([lb.code, lb.name_zh, asset, None, None, "期初余额（自首笔分录累计）opening", None, None,
                     Styled(opening, fmt=CNY), "期初 opening"])
        prev, bal = r0, opening
        for pos in lines.get((lb.code, lb.asset_id), ()):
            e = journal[pos // _SLOTS]
            ln = e.lines[pos % _SLOTS]
            bal += ln.debit - ln.credit
            r = sh.row + 1
            append([lb.code, lb.name_zh, asset, e.date, e.entry_id, e.description_zh, ln.debit or None,
                    ln.credit or None, Formula(f"=I{prev}+G{r}-H{r}", bal), "明细 line"])
            prev = r
        t = sh.row + 1
        if prev > r0:
            dr_f: Formula | Styled = Formula(f"=SUM(G{r0 + 1}:G{prev})", lb.period_debit, bold=True)
            cr_f: Formula | Styled = Formula(f"=SUM(H{r0 + 1}:H{prev})", lb.period_credit, bold=True)
        else:
            dr_f = Styled(lb.period_debit, fmt=CNY, bold=True)
            cr_f = Styled(lb.period_credit, fmt=CNY, bold=True)
        append([lb.code, lb.name_zh, asset, None, None, "本期合计及期末余额 period total, closing", dr_f, cr_f,
                Formula(f"=I{r0}+G{t}-H{t}", lb.balance, bold=True), ROW_TOTAL])
    last = max(sh.row, 2)
    refs_sub = (sh, last)
    _subledger_checks(book, result, refs, refs_sub)


def _subledger_checks(book: Book, result: BookResult, refs: BookRefs, sub: tuple[Sheet, int]) -> None:
    sh, last = sub
    gl_title = GENERAL_LEDGER
    by_code: dict[str, list[LedgerBalance]] = defaultdict(list)
    for lb in result.ledger:
        by_code[lb.code].append(lb)
    for row in result.trial_balance.rows:
        t = refs.gl_total_row.get(row.code)
        if t is None or row.code not in by_code:
            continue
        crit = f"{sh.area(1, 2, last)},{lit(row.code)},{sh.area(10, 2, last)},{lit(ROW_TOTAL)}"
        sub_dr = sum((lb.period_debit for lb in by_code[row.code]), ZERO)
        sub_cr = sum((lb.period_credit for lb in by_code[row.code]), ZERO)
        book.check("明细账 subledger", f"{row.code} 明细账本期借方 = 总账本期借方",
                   f"{row.code}: subledger period debits = general ledger",
                   Formula(f"=SUMIFS({sh.area(7, 2, last)},{crit})", sub_dr),
                   Formula(f"={quote(gl_title)}!$F${t}", row.period_debit), expect_difference=sub_dr - row.period_debit)
        book.check("明细账 subledger", f"{row.code} 明细账本期贷方 = 总账本期贷方",
                   f"{row.code}: subledger period credits = general ledger",
                   Formula(f"=SUMIFS({sh.area(8, 2, last)},{crit})", sub_cr),
                   Formula(f"={quote(gl_title)}!$G${t}", row.period_credit), expect_difference=sub_cr - row.period_credit)
        if row.category.value in _CLOSING_TIED:
            sub_bal = sum((lb.balance for lb in by_code[row.code]), ZERO)
            closing = row.closing_debit - row.closing_credit
            book.check("明细账 subledger", f"{row.code} 明细账期末余额 = 总账期末余额",
                       f"{row.code}: subledger closing balance = general ledger",
                       Formula(f"=SUMIFS({sh.area(9, 2, last)},{crit})", sub_bal),
                       Formula(f"={quote(gl_title)}!$H${t}", closing), expect_difference=sub_bal - closing)


# ---------------------------------------------------------------------------------------------- trial balance
def write_trial_balance(book: Book, result: BookResult, refs: BookRefs) -> None:
    """科目余额表: opening (engine), period (from the general ledger), closing and totals as formulas."""
    tb = result.trial_balance
    sh = book.sheet(TRIAL_BALANCE, {"A": 10, "B": 28, "C": 30, "D": 12, **{c: 16 for c in "EFGHIJ"}},
                    freeze="D3", landscape=True, formats={k: CNY for k in range(5, 11)}, title_rows="1:2")
    refs.tb = sh
    sh.header(["科目代码 code", "科目名称 account", "account", "类别 category", "期初余额", "", "本期发生额", "",
               "期末余额", ""])
    sh.header(["", "", "", "", "借方 debit", "贷方 credit", "借方 debit", "贷方 credit", "借方 debit",
               "贷方 credit"])
    gl = quote(GENERAL_LEDGER)
    first = sh.row + 1
    for row in tb.rows:
        r = sh.row + 1
        t = refs.gl_total_row[row.code]
        sh.append([row.code, row.name_zh, row.name_en, row.category.value, row.opening_debit, row.opening_credit,
                   Formula(f"={gl}!$F${t}", row.period_debit), Formula(f"={gl}!$G${t}", row.period_credit),
                   Formula(f"=MAX(E{r}-F{r}+G{r}-H{r},0)", row.closing_debit),
                   Formula(f"=MAX(F{r}-E{r}+H{r}-G{r},0)", row.closing_credit)])
        refs.tb_row[row.code] = r
    last = sh.row  # < first when nothing is booked yet: the totals are then 0
    totals = (tb.total_opening_debit, tb.total_opening_credit, tb.total_period_debit, tb.total_period_credit,
              tb.total_closing_debit, tb.total_closing_credit)
    t = sh.append(["合计 total", None, None, None,
                   *[Formula(f"=SUM({c}{first}:{c}{last})" if last >= first else "=0", v, bold=True)
                     for c, v in zip("EFGHIJ", totals, strict=True)]])
    refs.tb_total_row = t
    for c, name in zip("EFGHIJ", ("opening_debit", "opening_credit", "period_debit", "period_credit",
                                  "closing_debit", "closing_credit"), strict=True):
        book.define(f"tb_{name}", sh, "EFGHIJ".index(c) + 5, t)
    ok = _check_ok(result, "trial balance: debits = credits")
    for label_zh, label_en, a, b, va, vb in (
            ("期初借方合计 = 期初贷方合计", "opening debits = opening credits", 5, 6, totals[0], totals[1]),
            ("本期借方合计 = 本期贷方合计", "period debits = period credits", 7, 8, totals[2], totals[3]),
            ("期末借方合计 = 期末贷方合计", "closing debits = closing credits", 9, 10, totals[4], totals[5])):
        book.check("科目余额表 trial balance", label_zh, label_en, Formula(f"={sh.ref(a, t)}", va),
                   Formula(f"={sh.ref(b, t)}", vb), expect_difference=va - vb, engine_ok=ok,
                   engine_name="trial balance: debits = credits")
    if refs.journal is not None:
        pd = sum((ln.debit for e in result.journal if e.date >= result.period_start for ln in e.lines), ZERO)
        book.check("科目余额表 trial balance", "凭证本期借方 = 科目余额表本期借方",
                   "journal period debits = trial balance period debits",
                   Formula("=journal_period_debit", pd), Formula(f"={sh.ref(7, t)}", totals[2]),
                   expect_difference=pd - totals[2])


# ---------------------------------------------------------------------------------------------- balance sheet
_SPLIT = re.compile(r"\s+[−+\-]\s+")


def write_balance_sheet(book: Book, result: BookResult, refs: BookRefs) -> None:
    """资产负债表摘录: the three lines with 其中：数据资源, each from its accounts in the trial balance."""
    assert refs.tb is not None
    tb = refs.tb
    sh = book.sheet(BALANCE_SHEET, {"A": 16, "B": 28, "C": 22, "D": 26, "E": 20, "F": 20, "G": 40},
                    freeze="A2", formats={5: CNY, 6: CNY}, landscape=True)
    refs.bs = sh
    sh.header(["项目 line", "line", "其中 of which", "", "期末余额 closing", "期初余额 opening",
               "计算 accounts (借方余额为正)"])
    for line in result.balance_sheet:
        codes = [c for c in _SPLIT.split(line.formula.strip()) if c in refs.tb_row]
        close = "+".join(f"({tb.ref(9, refs.tb_row[c])}-{tb.ref(10, refs.tb_row[c])})" for c in codes) or "0"
        open_ = "+".join(f"({tb.ref(5, refs.tb_row[c])}-{tb.ref(6, refs.tb_row[c])})" for c in codes) or "0"
        sh.append([line.line_zh, line.line_en, None, None, None, None, None])
        r = sh.append(["", "", line.of_which_zh, line.of_which_en,
                       Formula(f"={close}", line.data_closing, bold=True), Formula(f"={open_}", line.data_opening),
                       line.formula])
        refs.bs_row[line.key] = r
        book.define(f"bs_{line.key}_data", sh, 5, r)
    sh.blank()
    sh.append(["说明 note", "仅列示数据资源部分；报表项目的其他部分不在本引擎范围内。Only the data-resource part of each "
               "line is shown; the rest of the line is outside this engine."])
