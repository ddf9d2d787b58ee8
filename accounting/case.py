"""The book case: the company's data resources (facts), their events, and its accounting policy."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from accounting.chart import ChartOfAccounts
from accounting.enums import GrantMethod, InventoryCostFormula
from accounting.events import Event, EventReversal
from accounting.facts import DataResource
from accounting.money import Amount
from base.models import FrozenModel
from base.ranges import InputDate


class PeriodClose(FrozenModel):
    """Books closed ``through`` a date, on ``closed_on``: later-recorded events dated ≤ through are refused."""

    through: InputDate
    closed_on: InputDate

    @model_validator(mode="after")
    def _order(self) -> PeriodClose:
        if self.closed_on < self.through:
            raise ValueError(f"closed_on {self.closed_on} is before the period end {self.through}")
        return self


class Policy(FrozenModel):
    """Accounting policy of the company.

    ``vat_rate``: output VAT on data services and products (convention: 6 %, a general taxpayer's rate).
    ``materiality_threshold``: carrying amount (CNY) from which a single data asset is disclosed
    as material. ``auto_amortize``: book straight-line amortization at every month end up to
    ``as_of``; when False only ``amortization`` events book it. ``chart``: the loaded chart of
    accounts (the shell may pass it to :func:`accounting.book` instead).
    """

    fiscal_year_start_month: int = Field(1, ge=1, le=12)
    period_closes: tuple[PeriodClose, ...] = ()
    vat_rate: Decimal = Field(Decimal("0.06"), ge=0, le=1)
    materiality_threshold: Amount = Decimal("1000000.00")
    auto_amortize: bool = True
    inventory_cost_formula: InventoryCostFormula = Field(
        InventoryCostFormula.WEIGHTED_AVERAGE,
        description="cost of data inventory issued: moving or periodic (monthly) weighted average, FIFO or "
                    "specific identification (CAS 1 art. 14)",
    )
    nrv_basis: str = "estimated selling price less costs to complete, selling costs and related taxes"
    grant_method: GrantMethod = Field(GrantMethod.GROSS, description="asset-related government grants: gross "
                                                                      "(deferred income) or net (CAS 16 art. 8)")
    chart: ChartOfAccounts | None = None


class BookCase(FrozenModel):
    """Everything :func:`accounting.book` needs: company, resources, events, policy."""

    case_id: str = Field(min_length=1, max_length=64)
    company: str = ""
    description: str = ""
    resources: tuple[DataResource, ...] = Field(min_length=1)
    events: tuple[Event, ...] = ()
    policy: Policy = Policy()

    @model_validator(mode="after")
    def _ids_unique(self) -> BookCase:
        ids = [r.asset_id for r in self.resources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate asset_id: {dupes}")
        eids = [e.event_id for e in self.events if e.event_id]
        dupes = sorted({i for i in eids if eids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate event_id: {dupes}")
        by_id = {e.event_id: e for e in self.events if e.event_id}
        reversed_ids: set[str] = set()
        for i, e in enumerate(self.events):
            if not isinstance(e, EventReversal):
                continue
            target = by_id.get(e.reverses)
            if target is None or isinstance(target, EventReversal):
                raise ValueError(f"events[{i}] {e.event_id or ''}: 冲销的事项 {e.reverses!r} 不存在或本身是冲销事项 "
                                 f"(the event reversed must be a recorded event)")
            if target.asset_id != e.asset_id:
                raise ValueError(f"events[{i}] {e.event_id or ''}: 冲销事项与被冲销事项 {e.reverses!r} 不属于同一资产 "
                                 f"({e.asset_id} vs {target.asset_id})")
            if e.reverses in reversed_ids:
                raise ValueError(f"events[{i}] {e.event_id or ''}: 事项 {e.reverses!r} 已被冲销 (already reversed)")
            reversed_ids.add(e.reverses)
        return self
