"""Disclosure Tables A and B (财会〔2023〕11号 三（二）), with every tie checked.

Opening and closing amounts come from ledger balances by asset; increases and decreases come from
the :class:`~accounting.enums.Movement` tag on each line of a data account. The ties therefore check
the ledger against itself: 期末 = 期初 + 增加 − 减少 in every block and column, each 本期增加 /
本期减少 equals its 其中 rows, 账面价值 = 原值 − 累计摊销 − 减值准备 (or − 跌价准备), 合计 = sum of columns,
and the 账面价值 合计 equals the balance-sheet "其中：数据资源" line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from accounting.enums import AccountRole, Formation, Movement
from accounting.money import ZERO
from accounting.period import PeriodBooks
from base.models import FrozenModel


class TableRow(FrozenModel):
    """A row: ``values`` per column (last = 合计), None for a section heading (CNY)."""

    key: str
    label_zh: str
    label_en: str
    level: int
    values: tuple[Decimal, ...] | None = None


class TieCheck(FrozenModel):
    name: str
    expected: Decimal
    actual: Decimal
    ok: bool


class DisclosureTable(FrozenModel):
    title_zh: str
    title_en: str
    columns_zh: tuple[str, ...]
    columns_en: tuple[str, ...]
    period_start: date
    as_of: date
    rows: tuple[TableRow, ...]
    ties: tuple[TieCheck, ...]
    all_ties_hold: bool

    def value(self, key: str, column: int = -1) -> Decimal:
        """The amount of row ``key`` in ``column`` (default 合计)."""
        for r in self.rows:
            if r.key == key and r.values is not None:
                return r.values[column]
        raise KeyError(key)


# (block key, role, natural sign, heading zh, heading en, increase rows, decrease rows)
# rows: (sub key, zh, en, movements)
_Sub = tuple[str, str, str, frozenset[Movement]]
_INC_A_COST: tuple[_Sub, ...] = (
    ("purchase", "其中：购入", "of which: purchased", frozenset({Movement.INCREASE_PURCHASE})),
    ("internal_rd", "内部研发", "internal R&D", frozenset({Movement.INCREASE_INTERNAL_RD})),
    ("other", "其他增加", "other increases", frozenset({Movement.INCREASE_OTHER, Movement.INCREASE_PROCESSING,
                                                    Movement.INCREASE_CHARGE})),
)
_DEC_A: tuple[_Sub, ...] = (
    ("disposal", "其中：处置", "of which: disposals", frozenset({Movement.DECREASE_DISPOSAL, Movement.DECREASE_SALE})),
    ("lapse", "失效且终止确认", "lapsed and derecognized", frozenset({Movement.DECREASE_LAPSE})),
    ("other", "其他减少", "other decreases", frozenset({Movement.DECREASE_OTHER, Movement.DECREASE_REVERSAL,
                                                   Movement.DECREASE_WRITE_OFF})),
)
_INC_CHARGE: tuple[_Sub, ...] = (
    ("charge", "其中：计提", "of which: charged", frozenset(m for m in Movement if m.name.startswith("INCREASE"))),
)
_INC_B_COST: tuple[_Sub, ...] = (
    ("purchase", "其中：购入", "of which: purchased", frozenset({Movement.INCREASE_PURCHASE})),
    ("processing", "采集加工", "collection and processing", frozenset({Movement.INCREASE_PROCESSING})),
    ("other", "其他", "other", frozenset({Movement.INCREASE_OTHER, Movement.INCREASE_INTERNAL_RD,
                                       Movement.INCREASE_CHARGE})),
)
_DEC_B_COST: tuple[_Sub, ...] = (
    ("sale", "其中：出售", "of which: sold", frozenset({Movement.DECREASE_SALE, Movement.DECREASE_DISPOSAL})),
    ("lapse", "失效且终止确认", "lapsed and derecognized", frozenset({Movement.DECREASE_LAPSE})),
    ("other", "其他", "other", frozenset({Movement.DECREASE_OTHER, Movement.DECREASE_REVERSAL,
                                       Movement.DECREASE_WRITE_OFF})),
)
_DEC_B_PROV: tuple[_Sub, ...] = (
    ("reversal", "其中：转回", "of which: reversed", frozenset({Movement.DECREASE_REVERSAL})),
    ("write_off", "转销", "written off (on sale or lapse)",
     frozenset({Movement.DECREASE_WRITE_OFF, Movement.DECREASE_SALE, Movement.DECREASE_LAPSE,
                Movement.DECREASE_DISPOSAL, Movement.DECREASE_OTHER})),
)

_Block = tuple[str, AccountRole, int, str, str, tuple[_Sub, ...], tuple[_Sub, ...]]
_TABLE_A: tuple[_Block, ...] = (
    ("cost", AccountRole.DATA_INTANGIBLE, 1, "一、账面原值", "I. Cost", _INC_A_COST, _DEC_A),
    ("amortization", AccountRole.ACCUMULATED_AMORTIZATION, -1, "二、累计摊销", "II. Accumulated amortization",
     _INC_CHARGE, _DEC_A),
    ("impairment", AccountRole.INTANGIBLE_IMPAIRMENT, -1, "三、减值准备", "III. Impairment provision",
     _INC_CHARGE, _DEC_A),
)
_TABLE_B: tuple[_Block, ...] = (
    ("cost", AccountRole.DATA_INVENTORY, 1, "一、账面原值", "I. Cost", _INC_B_COST, _DEC_B_COST),
    ("provision", AccountRole.INVENTORY_PROVISION, -1, "二、存货跌价准备", "II. Write-down provision",
     _INC_CHARGE, _DEC_B_PROV),
)

_COLUMNS = {Formation.PURCHASED: 0, Formation.SELF_DEVELOPED: 1, Formation.OTHER: 2}


def _column(formation: Formation | None) -> int:
    return _COLUMNS.get(formation, 2) if formation is not None else 2


def build_table(which: str, books: PeriodBooks, formations: Mapping[str, Formation | None],
                balance_sheet_data: Decimal) -> DisclosureTable:
    """Table ``"A"`` (intangibles) or ``"B"`` (inventory) for the period, a column per formation of the
    asset (``formations``); the 账面价值 合计 must tie to ``balance_sheet_data``, the balance-sheet
    其中：数据资源 amount (CNY)."""
    chart, period_start, as_of = books.chart, books.period_start, books.as_of
    blocks = _TABLE_A if which == "A" else _TABLE_B
    n = 3
    codes = {chart.code(b[1]): b for b in blocks}
    opening: dict[str, list[Decimal]] = {b[0]: [ZERO] * n for b in blocks}
    closing: dict[str, list[Decimal]] = {b[0]: [ZERO] * n for b in blocks}
    moves: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO] * n)
    day_before = period_start - timedelta(days=1)
    for e in books.entries:
        if e.date > as_of:
            continue
        for ln in e.lines:
            b = codes.get(ln.account_code)
            if b is None:
                continue
            key, _, sign = b[0], b[1], b[2]
            col = _column(formations.get(ln.asset_id or ""))
            amt = sign * (ln.debit - ln.credit)
            closing[key][col] += amt
            if e.date <= day_before:
                opening[key][col] += amt
                continue
            assert ln.movement is not None
            increasing = ln.movement.name.startswith("INCREASE")
            subs = b[5] if increasing else b[6]
            side = "increase" if increasing else "decrease"
            for sub_key, _, _, mvs in subs:
                if ln.movement in mvs:
                    moves[(key, side, sub_key)][col] += amt if increasing else -amt
                    break
            else:
                moves[(key, side, subs[-1][0])][col] += amt if increasing else -amt

    def with_total(vals: Sequence[Decimal]) -> tuple[Decimal, ...]:
        return (*vals, sum(vals, ZERO))

    rows: list[TableRow] = []
    ties: list[TieCheck] = []

    def tie(name: str, expected: Decimal, actual: Decimal) -> None:
        ties.append(TieCheck(name=name, expected=expected, actual=actual, ok=expected == actual))

    for key, _, _, zh, en, inc, dec in blocks:
        rows.append(TableRow(key=key, label_zh=zh, label_en=en, level=0))
        rows.append(TableRow(key=f"{key}.opening", label_zh="期初余额", label_en="Opening balance", level=1,
                             values=with_total(opening[key])))
        inc_tot = [sum((moves[(key, "increase", s[0])][c] for s in inc), ZERO) for c in range(n)]
        rows.append(TableRow(key=f"{key}.increase", label_zh="本期增加", label_en="Increase in the period",
                             level=1, values=with_total(inc_tot)))
        for s in inc:
            rows.append(TableRow(key=f"{key}.increase.{s[0]}", label_zh=s[1], label_en=s[2], level=2,
                                 values=with_total(moves[(key, "increase", s[0])])))
        dec_tot = [sum((moves[(key, "decrease", s[0])][c] for s in dec), ZERO) for c in range(n)]
        rows.append(TableRow(key=f"{key}.decrease", label_zh="本期减少", label_en="Decrease in the period",
                             level=1, values=with_total(dec_tot)))
        for s in dec:
            rows.append(TableRow(key=f"{key}.decrease.{s[0]}", label_zh=s[1], label_en=s[2], level=2,
                                 values=with_total(moves[(key, "decrease", s[0])])))
        rows.append(TableRow(key=f"{key}.closing", label_zh="期末余额", label_en="Closing balance", level=1,
                             values=with_total(closing[key])))
        for c in range(n + 1):
            o = with_total(opening[key])[c]
            i = with_total(inc_tot)[c]
            d = with_total(dec_tot)[c]
            tie(f"{which}.{key}[{c}]: closing = opening + increase − decrease", with_total(closing[key])[c],
                o + i - d)

    carrying_close = [closing[blocks[0][0]][c] - sum((closing[b[0]][c] for b in blocks[1:]), ZERO)
                      for c in range(n)]
    carrying_open = [opening[blocks[0][0]][c] - sum((opening[b[0]][c] for b in blocks[1:]), ZERO)
                     for c in range(n)]
    head = "四、账面价值" if which == "A" else "三、账面价值"
    rows.append(TableRow(key="carrying", label_zh=head, label_en=("IV" if which == "A" else "III")
                         + ". Carrying amount", level=0))
    rows.append(TableRow(key="carrying.closing", label_zh="期末", label_en="End of period", level=1,
                         values=with_total(carrying_close)))
    rows.append(TableRow(key="carrying.opening", label_zh="期初", label_en="Beginning of period", level=1,
                         values=with_total(carrying_open)))

    # independent checks on the assembled rows
    table = {r.key: r.values for r in rows if r.values is not None}
    for r in rows:
        if r.values is not None:
            tie(f"{which}.{r.key}: 合计 = sum of columns", r.values[-1], sum(r.values[:-1], ZERO))
    for key, *_ in blocks:
        for side in ("increase", "decrease"):
            sub_keys = [k for k in table if k.startswith(f"{key}.{side}.")]
            for c in range(n + 1):
                tie(f"{which}.{key}.{side}[{c}] = sum of 其中 rows", table[f"{key}.{side}"][c],
                    sum((table[k][c] for k in sub_keys), ZERO))
    for when in ("closing", "opening"):
        for c in range(n + 1):
            expected = table[f"{blocks[0][0]}.{when}"][c] - sum((table[f"{b[0]}.{when}"][c] for b in blocks[1:]),
                                                               ZERO)
            tie(f"{which}.carrying.{when}[{c}] = cost − provisions", expected, table[f"carrying.{when}"][c])
    tie(f"{which}.carrying.closing = balance-sheet 其中：数据资源", balance_sheet_data, table["carrying.closing"][-1])

    if which == "A":
        title = ("确认为无形资产的数据资源", "Data resources recognized as intangible assets")
        cols = (("外购", "自行开发", "其他方式取得", "合计"), ("Purchased", "Self-developed", "Other", "Total"))
    else:
        title = ("确认为存货的数据资源", "Data resources recognized as inventory")
        cols = (("外购", "自行加工", "其他方式取得", "合计"), ("Purchased", "Self-processed", "Other", "Total"))
    return DisclosureTable(title_zh=title[0], title_en=title[1], columns_zh=cols[0], columns_en=cols[1],
                           period_start=period_start, as_of=as_of, rows=tuple(rows), ties=tuple(ties),
                           all_ties_hold=all(t.ok for t in ties))
