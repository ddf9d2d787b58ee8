"""Trial balance, balance-sheet data lines and P&L effects for a period (财会〔2023〕11号 三（一）).

Prior fiscal years' profit and loss is carried in retained earnings (the chart's
``retained_earnings`` account); P&L accounts show the current fiscal year up to the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from accounting.chart import ChartOfAccounts
from accounting.enums import AccountCategory, AccountRole, EntryType
from accounting.journal import JournalEntry
from accounting.money import ZERO
from accounting.period import PeriodBooks
from base.models import FrozenModel


class TrialBalanceRow(FrozenModel):
    """One account: opening, period movements and closing, split debit / credit (CNY)."""

    code: str
    name_zh: str
    name_en: str
    category: AccountCategory
    opening_debit: Decimal
    opening_credit: Decimal
    period_debit: Decimal
    period_credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal


class TrialBalance(FrozenModel):
    """试算平衡表 at ``as_of`` for the period from ``period_start``; every pair of totals ties."""

    period_start: date
    as_of: date
    rows: tuple[TrialBalanceRow, ...]
    total_opening_debit: Decimal
    total_opening_credit: Decimal
    total_period_debit: Decimal
    total_period_credit: Decimal
    total_closing_debit: Decimal
    total_closing_credit: Decimal
    balanced: bool


class LedgerBalance(FrozenModel):
    """General-ledger balance of one account for one asset (``asset_id`` None: no asset) at ``as_of``.

    ``balance`` is debit-positive (CNY); ``period_debit`` / ``period_credit`` are the period's movements.
    """

    code: str
    name_zh: str
    name_en: str
    asset_id: str | None
    period_debit: Decimal
    period_credit: Decimal
    balance: Decimal


def ledger_balances(books: PeriodBooks) -> tuple[LedgerBalance, ...]:
    """Balances by account and asset (the subsidiary ledger behind the trial balance)."""
    accounts = {a.code: a for a in books.chart.accounts}
    bal: dict[tuple[str, str | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for e in books.entries:
        if e.date > books.as_of:
            continue
        for ln in e.lines:
            row = bal[(ln.account_code, ln.asset_id)]
            row[2] += ln.debit - ln.credit
            if e.date >= books.period_start:
                row[0] += ln.debit
                row[1] += ln.credit
    return tuple(
        LedgerBalance(code=code, name_zh=accounts[code].name_zh, name_en=accounts[code].name_en, asset_id=asset,
                      period_debit=v[0], period_credit=v[1], balance=v[2])
        for (code, asset), v in sorted(bal.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    )


class BalanceSheetLine(FrozenModel):
    """A balance-sheet line with its "其中：数据资源" amount (CNY), closing and opening, and the accounts."""

    key: str
    line_zh: str
    line_en: str
    of_which_zh: str = "其中：数据资源"
    of_which_en: str = "of which: data resources"
    data_closing: Decimal
    data_opening: Decimal
    formula: str


class PnLEffect(FrozenModel):
    """One P&L effect of the period: amount on its natural side and its effect on profit (CNY)."""

    key: str
    label_zh: str
    label_en: str
    amount: Decimal
    profit_effect: Decimal


class PnLEffects(FrozenModel):
    period_start: date
    as_of: date
    lines: tuple[PnLEffect, ...]
    total_profit_effect: Decimal


def fiscal_year_start(d: date, start_month: int) -> date:
    """First day of the fiscal year containing ``d``."""
    year = d.year if d.month >= start_month else d.year - 1
    return date(year, start_month, 1)


def trial_balance(books: PeriodBooks, fy_start_month: int = 1) -> TrialBalance:
    """Trial balance from the posted entries (dated ≤ ``as_of``); P&L of fiscal years before the
    period's goes to retained earnings (fiscal year from month ``fy_start_month``)."""
    entries, chart, period_start, as_of = books.entries, books.chart, books.period_start, books.as_of
    fy = fiscal_year_start(period_start, fy_start_month)
    accounts = {a.code: a for a in chart.accounts}
    retained = chart.code(AccountRole.RETAINED_EARNINGS)
    opening: dict[str, Decimal] = defaultdict(lambda: ZERO)
    p_dr: dict[str, Decimal] = defaultdict(lambda: ZERO)
    p_cr: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if e.date > as_of:
            continue
        for ln in e.lines:
            code = ln.account_code
            if e.date >= period_start:
                p_dr[code] += ln.debit
                p_cr[code] += ln.credit
                continue
            if accounts[code].category == AccountCategory.PROFIT_LOSS and e.date < fy:
                code = retained
            opening[code] += ln.debit - ln.credit
    codes = sorted(set(opening) | set(p_dr) | set(p_cr))
    rows = []
    for code in codes:
        a = accounts[code]
        ob = opening[code]
        cb = ob + p_dr[code] - p_cr[code]
        rows.append(TrialBalanceRow(
            code=code, name_zh=a.name_zh, name_en=a.name_en, category=a.category,
            opening_debit=max(ob, ZERO), opening_credit=max(-ob, ZERO), period_debit=p_dr[code],
            period_credit=p_cr[code], closing_debit=max(cb, ZERO), closing_credit=max(-cb, ZERO),
        ))

    def tot(f: str) -> Decimal:
        return sum((getattr(r, f) for r in rows), ZERO)

    t = {f: tot(f) for f in ("opening_debit", "opening_credit", "period_debit", "period_credit",
                             "closing_debit", "closing_credit")}
    balanced = (t["opening_debit"] == t["opening_credit"] and t["period_debit"] == t["period_credit"]
                and t["closing_debit"] == t["closing_credit"])
    return TrialBalance(period_start=period_start, as_of=as_of, rows=tuple(rows),
                        total_opening_debit=t["opening_debit"], total_opening_credit=t["opening_credit"],
                        total_period_debit=t["period_debit"], total_period_credit=t["period_credit"],
                        total_closing_debit=t["closing_debit"], total_closing_credit=t["closing_credit"],
                        balanced=balanced)


def data_balances(entries: Sequence[JournalEntry], chart: ChartOfAccounts, through: date,
                  asset_id: str | None = None) -> dict[str, Decimal]:
    """Carrying amounts (CNY) of the three data lines from the ledger at ``through``."""
    bal: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if e.date > through:
            continue
        for ln in e.lines:
            if asset_id is None or ln.asset_id == asset_id:
                bal[ln.account_code] += ln.debit - ln.credit
    c = chart.code
    return {
        "inventory": bal[c(AccountRole.DATA_INVENTORY)] + bal[c(AccountRole.INVENTORY_PROVISION)],
        "intangible": (bal[c(AccountRole.DATA_INTANGIBLE)] + bal[c(AccountRole.ACCUMULATED_AMORTIZATION)]
                       + bal[c(AccountRole.INTANGIBLE_IMPAIRMENT)]),
        "development": bal[c(AccountRole.RD_CAPITALIZED)] + bal[c(AccountRole.RD_IMPAIRMENT)],
    }


def balance_sheet_lines(books: PeriodBooks) -> tuple[BalanceSheetLine, ...]:
    """存货 / 无形资产 / 开发支出, each with 其中：数据资源 (财会〔2023〕11号 三（一）)."""
    close = data_balances(books.entries, books.chart, books.as_of)
    open_ = data_balances(books.entries, books.chart, books.period_start - timedelta(days=1))
    c = books.chart.code
    spec = [
        ("inventory", "存货", "Inventories", f"{c(AccountRole.DATA_INVENTORY)} − {c(AccountRole.INVENTORY_PROVISION)}"),
        ("intangible", "无形资产", "Intangible assets",
         f"{c(AccountRole.DATA_INTANGIBLE)} − {c(AccountRole.ACCUMULATED_AMORTIZATION)} − "
         f"{c(AccountRole.INTANGIBLE_IMPAIRMENT)}"),
        ("development", "开发支出", "Development expenditure",
         f"{c(AccountRole.RD_CAPITALIZED)} − {c(AccountRole.RD_IMPAIRMENT)}"),
    ]
    return tuple(BalanceSheetLine(key=k, line_zh=zh, line_en=en, data_closing=close[k], data_opening=open_[k],
                                  formula=f) for k, zh, en, f in spec)


_PNL: tuple[tuple[str, str, str], ...] = (
    ("rd_expense", "研发费用", "R&D expense"),
    ("amortization_admin", "摊销—计入管理费用", "Amortization in administrative expenses"),
    ("amortization_cost_of_sales", "摊销—计入营业成本", "Amortization in cost of sales"),
    ("amortization_other", "摊销—计入其他科目", "Amortization in other accounts"),
    ("impairment_intangible", "资产减值损失—无形资产及开发支出（数据资源）",
     "Impairment loss — data intangibles and development expenditure"),
    ("impairment_held_for_sale", "资产减值损失—持有待售资产（数据资源）", "Impairment loss — data held for sale"),
    ("impairment_reversal_intangible", "无形资产减值转回（仅IFRS）", "Impairment reversal — intangibles (IFRS only)"),
    ("inventory_write_down", "资产减值损失—存货跌价（计提）", "Inventory write-down"),
    ("inventory_write_down_reversal", "资产减值损失—存货跌价（转回）", "Inventory write-down reversed"),
    ("revenue", "营业收入", "Revenue"),
    ("cost_of_sales_inventory", "营业成本—数据产品销售（已扣除转销的跌价准备）",
     "Cost of sales of data inventory (net of provision released)"),
    ("contract_cost_amortization", "营业成本—合同履约成本摊销", "Cost of sales — contract fulfilment costs amortized"),
    ("impairment_contract_cost", "资产减值损失—合同履约成本（净额）", "Impairment — contract fulfilment costs (net of reversals)"),
    ("selling_expense", "销售费用", "Selling expenses"),
    ("government_grants", "其他收益/营业外收入—政府补助（数据资源）", "Government grants (data resources)"),
    ("expensed_spending", "其他费用化支出", "Other spending expensed"),
    ("write_off", "营业外支出—失效终止确认", "Non-operating expense — lapse write-offs"),
    ("disposal", "资产处置收益", "Gain (loss) on disposal"),
)


def pnl_effects(books: PeriodBooks) -> PnLEffects:
    """The period's P&L effects of data resources, by nature (研发费用, amortization, impairment ...)."""
    entries, chart, period_start, as_of = books.entries, books.chart, books.period_start, books.as_of
    accounts = {a.code: a for a in chart.accounts}
    rd_code = chart.code(AccountRole.RD_EXPENSE)
    admin = chart.code(AccountRole.ADMIN_EXPENSE)
    cos = chart.code(AccountRole.COST_OF_SALES)
    selling = chart.code(AccountRole.SELLING_EXPENSE)
    effect: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if not (period_start <= e.date <= as_of):
            continue
        for ln in e.lines:
            a = accounts[ln.account_code]
            if a.category != AccountCategory.PROFIT_LOSS:
                continue
            pe = ln.credit - ln.debit
            t = e.entry_type
            if ln.account_code == rd_code:
                key = "rd_expense"
            elif ln.account_code == selling:
                key = "selling_expense"
            elif t == EntryType.AMORTIZATION:
                key = ("amortization_admin" if ln.account_code == admin else
                       "amortization_cost_of_sales" if ln.account_code == cos else "amortization_other")
            elif t in (EntryType.IMPAIRMENT, EntryType.DEVELOPMENT_IMPAIRMENT):
                key = "impairment_intangible"
            elif t == EntryType.HELD_FOR_SALE_IMPAIRMENT:
                key = "impairment_held_for_sale"
            elif t == EntryType.IMPAIRMENT_REVERSAL:
                key = "impairment_reversal_intangible"
            elif t == EntryType.INVENTORY_WRITE_DOWN:
                key = "inventory_write_down"
            elif t == EntryType.INVENTORY_WRITE_DOWN_REVERSAL:
                key = "inventory_write_down_reversal"
            elif t in (EntryType.SALE_REVENUE, EntryType.LICENCE_REVENUE):
                key = "revenue"
            elif t in (EntryType.SALE_COST, EntryType.PROVISION_RELEASE):
                key = "cost_of_sales_inventory"
            elif t == EntryType.CONTRACT_COST_AMORTIZATION:
                key = "contract_cost_amortization"
            elif t in (EntryType.CONTRACT_COST_IMPAIRMENT, EntryType.CONTRACT_COST_REVERSAL):
                key = "impairment_contract_cost"
            elif t in (EntryType.GRANT_RELEASE, EntryType.GOVERNMENT_GRANT):
                key = "government_grants"
            elif t == EntryType.LAPSE:
                key = "write_off"
            elif t == EntryType.DISPOSAL:
                key = "disposal"
            else:
                key = "expensed_spending"
            effect[key] += pe
    lines = []
    for key, zh, en in _PNL:
        pe = effect.get(key, ZERO)
        natural_credit = key in ("revenue", "disposal", "impairment_reversal_intangible",
                                 "inventory_write_down_reversal", "government_grants")
        lines.append(PnLEffect(key=key, label_zh=zh, label_en=en, amount=pe if natural_credit else -pe,
                               profit_effect=pe))
    return PnLEffects(period_start=period_start, as_of=as_of, lines=tuple(lines),
                      total_profit_effect=sum((ln.profit_effect for ln in lines), ZERO))
