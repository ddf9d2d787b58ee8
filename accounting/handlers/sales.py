"""Revenue: sale of data inventory with its cost and provision (CAS 1, CAS 14), licence revenue (CAS 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from accounting.amortization import month_index
from accounting.enums import AccountRole, Classification, EntryType, InventoryCostFormula, Movement
from accounting.errors import InvalidEvent, OversoldInventory
from accounting.events import LicenceRevenue, Sale
from accounting.handlers.inventory_lots import issue
from accounting.handlers.state import AssetState, Outcome, Tx, settle
from accounting.money import ZERO, prorate


def sale(tx: Tx, s: AssetState, ev: Sale) -> Outcome:
    """Sale of data inventory: revenue and output VAT (CAS 14), cost issued by moving weighted average
    (CAS 1 art. 14), write-down provision released pro rata (art. 20)."""
    if s.cls != Classification.INVENTORY:
        raise InvalidEvent(f"sale applies to data inventory; the resource is {s.cls.value} (use disposal "
                           "to derecognize an intangible, licence_revenue for licence fees)", field="kind")
    if ev.quantity > s.qty:
        raise OversoldInventory(f"sale of {ev.quantity} units but only {s.qty} on hand", field="quantity")
    if tx.context.policy.inventory_cost_formula == InventoryCostFormula.PERIODIC_WEIGHTED_AVERAGE:
        return _sale_periodic(tx, s, ev)
    cost = tx.bal(AccountRole.DATA_INVENTORY)
    prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
    issued, lots, how = issue(s.lots, ev.quantity, cost, tx.context.policy.inventory_cost_formula, ev.lot_ids)
    released = prorate(prov, ev.quantity, s.qty)
    vat = _revenue(tx, ev)
    d2 = tx.draft()
    d2.dr(AccountRole.COST_OF_SALES, issued)
    d2.cr(AccountRole.DATA_INVENTORY, issued, Movement.DECREASE_SALE)
    tx.add(d2, ev.date, EntryType.SALE_COST,
           f"cost issued by {how} (CAS 1 art. 14)")
    d3 = tx.draft()
    d3.dr(AccountRole.INVENTORY_PROVISION, released, Movement.DECREASE_WRITE_OFF)
    d3.cr(AccountRole.COST_OF_SALES, released)
    tx.add(d3, ev.date, EntryType.PROVISION_RELEASE,
           f"provision released with the units sold: {prov} × {ev.quantity} / {s.qty} (CAS 1 art. 20)")
    why = [f"Sold {ev.quantity} of {s.qty} units for {ev.price} (+ VAT {vat}); cost {issued} issued by {how}; "
           f"write-down provision {released} released to cost of sales (转销)."]
    new = replace(s, qty=s.qty - ev.quantity, lots=lots)
    return new, f"sold {ev.quantity}", why, {"revenue": ev.price, "vat": vat, "cost_issued": issued,
                                             "provision_released": released}


def _revenue(tx: Tx, ev: Sale) -> Decimal:
    vat = tx.vat(ev.vat_rate, ev.price)
    d = tx.draft(field="settled_to")
    d.dr(settle(ev.settled_to), ev.price + vat)
    d.cr(AccountRole.REVENUE, ev.price)
    d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
    tx.add(d, ev.date, EntryType.SALE_REVENUE, "revenue on transfer of control (CAS 14); output VAT")
    return vat


def _sale_periodic(tx: Tx, s: AssetState, ev: Sale) -> Outcome:
    """月末一次加权平均法: revenue now; the cost of the month's units sold is issued at the month end at
    (cost at the month's start + cost added in the month) / (units at the start + units added), see
    :func:`issue_month`."""
    vat = _revenue(tx, ev)
    m = month_index(ev.date)
    why = [f"Sold {ev.quantity} of {s.qty} units for {ev.price} (+ VAT {vat}); cost issued at the month end by "
           f"月末一次加权平均法 periodic weighted average (CAS 1 art. 14), with the provision released pro rata."]
    new = replace(s, qty=s.qty - ev.quantity, unissued=s.unissued + ev.quantity, unissued_month=m)
    return new, f"sold {ev.quantity}", why, {"revenue": ev.price, "vat": vat, "cost_issued": ZERO,
                                             "provision_released": ZERO}


def issue_month(tx: Tx, s: AssetState, on: date) -> AssetState:
    """Issue, on ``on`` (the month end, or the day another event of the asset needs its balance), the cost of
    the units sold since the last issue at the period's weighted average: cost on hand / (units on hand +
    units sold), the write-down provision released in the same proportion (CAS 1 art. 14, 20)."""
    if s.unissued <= 0:
        return s
    cost = tx.bal(AccountRole.DATA_INVENTORY)
    prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
    pool = s.qty + s.unissued
    issued, lots, _ = issue(s.lots, s.unissued, cost, InventoryCostFormula.WEIGHTED_AVERAGE)
    released = prorate(prov, s.unissued, pool)
    d = tx.draft()
    d.dr(AccountRole.COST_OF_SALES, issued)
    d.cr(AccountRole.DATA_INVENTORY, issued, Movement.DECREASE_SALE)
    tx.add(d, on, EntryType.SALE_COST,
           f"月末一次加权平均法 periodic weighted average: {cost} × {s.unissued} / {pool} units "
           f"(the period's units sold, CAS 1 art. 14)", period=f"{on:%Y-%m}")
    d3 = tx.draft()
    d3.dr(AccountRole.INVENTORY_PROVISION, released, Movement.DECREASE_WRITE_OFF)
    d3.cr(AccountRole.COST_OF_SALES, released)
    tx.add(d3, on, EntryType.PROVISION_RELEASE,
           f"provision released with the units sold: {prov} × {s.unissued} / {pool} (CAS 1 art. 20)")
    return replace(s, lots=lots, unissued=Decimal("0"), unissued_month=None)


def licence_revenue(tx: Tx, s: AssetState, ev: LicenceRevenue) -> Outcome:
    """Licence of a data product the entity keeps control of: revenue and output VAT (CAS 14)."""
    vat = tx.vat(ev.vat_rate, ev.amount)
    d = tx.draft(field="settled_to")
    d.dr(settle(ev.settled_to), ev.amount + vat)
    d.cr(ev.revenue_account or AccountRole.REVENUE, ev.amount)
    d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
    tx.add(d, ev.date, EntryType.LICENCE_REVENUE, "licence revenue, the entity keeps control (CAS 14)")
    return s, f"licence revenue {ev.amount}", ["Licence of a data product the entity keeps control of: "
                                               "revenue under CAS 14."], {"revenue": ev.amount, "vat": vat}
