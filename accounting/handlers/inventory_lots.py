"""Lots of data inventory and the cost issued on a sale by the policy's formula (CAS 1 art. 14).

A purchase, a processing run that yields units, and an opening balance each add a lot; a processing cost
without new units is spread over the units on hand (conversion of what is held). A sale issues cost by
moving weighted average (total cost × units sold / units on hand), first in first out, or specific
identification (the lots the sale names). Amounts CNY, rounded half-up to the fen.
"""

from __future__ import annotations

from decimal import Decimal

from accounting.enums import InventoryCostFormula
from accounting.errors import InvalidEvent
from accounting.handlers.state import Lot
from accounting.money import ZERO, prorate


def with_cost(lots: tuple[Lot, ...], lot_id: str, qty: Decimal, cost: Decimal) -> tuple[Lot, ...]:
    """The lots after adding ``cost`` for ``qty`` new units (a new lot), or spread over the units on hand."""
    if qty > 0:
        return (*lots, Lot(lot_id=lot_id, qty=qty, cost=cost))
    held = sum((lot.qty for lot in lots), ZERO)
    if cost == 0 or held == 0:
        return lots
    out, left = [], cost
    for i, lot in enumerate(lots):
        share = left if i == len(lots) - 1 else prorate(cost, lot.qty, held)
        left -= share
        out.append(Lot(lot.lot_id, lot.qty, lot.cost + share))
    return tuple(out)


def issue(lots: tuple[Lot, ...], qty: Decimal, total_cost: Decimal, formula: InventoryCostFormula,
          lot_ids: tuple[str, ...] = ()) -> tuple[Decimal, tuple[Lot, ...], str]:
    """Cost of ``qty`` units sold, the lots left, and how it was computed (for the rationale)."""
    held = sum((lot.qty for lot in lots), ZERO)
    if formula == InventoryCostFormula.WEIGHTED_AVERAGE:
        issued = prorate(total_cost, qty, held)
        factor = (held - qty) / held if held else ZERO
        left = tuple(Lot(lot.lot_id, lot.qty * factor, lot.cost - prorate(lot.cost, qty, held)) for lot in lots)
        return issued, tuple(lot for lot in left if lot.qty > 0), (
            f"移动加权平均法 moving weighted average: {total_cost} × {qty} / {held}")
    if formula == InventoryCostFormula.SPECIFIC_IDENTIFICATION:
        if not lot_ids:
            raise InvalidEvent("specific identification: name the lots sold (lot_ids)", field="lot_ids")
        unknown = [i for i in lot_ids if i not in {lot.lot_id for lot in lots}]
        if unknown:
            raise InvalidEvent(f"no lot {unknown} on hand; lots: {[lot.lot_id for lot in lots]}", field="lot_ids")
        order = [next(lot for lot in lots if lot.lot_id == i) for i in lot_ids]
        order += [lot for lot in lots if lot.lot_id not in lot_ids]
        how = "个别计价法 specific identification"
    else:
        order = list(lots)
        how = "先进先出法 first in, first out"
    remaining, issued, taken = qty, ZERO, {}
    for lot in order:
        if remaining <= 0:
            break
        if formula == InventoryCostFormula.SPECIFIC_IDENTIFICATION and lot.lot_id not in lot_ids:
            break
        take = min(remaining, lot.qty)
        cost = prorate(lot.cost, take, lot.qty)
        taken[lot.lot_id] = (take, cost)
        issued += cost
        remaining -= take
    if remaining > 0:
        raise InvalidEvent(f"the lots named hold {qty - remaining} units, {qty} sold", field="lot_ids")
    left = tuple(Lot(lot.lot_id, lot.qty - taken.get(lot.lot_id, (ZERO, ZERO))[0],
                     lot.cost - taken.get(lot.lot_id, (ZERO, ZERO))[1]) for lot in lots)
    detail = "; ".join(f"{k}: {t} units {c}" for k, (t, c) in taken.items())
    return issued, tuple(lot for lot in left if lot.qty > 0), f"{how} — {detail}"
