"""Opening balances: a book that starts from the balances the entity already carries.

CAS 6 and CAS 1 applied before 2024, and the interim provisions apply prospectively (财会〔2023〕11号
part 四, 未来适用法): data intangibles and data inventory capitalized before a book starts here are
carried as the entity carried them — cost, accumulated amortization, impairment or write-down
provision, remaining life — not re-measured. The other side of the entry is 利润分配—未分配利润, standing
for the rest of the opening balance sheet, which these books do not hold.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from accounting.amortization import is_month_end, month_index, months_within_term
from accounting.enums import AccountRole, AmortizationMethod, Classification, EntryType, Movement
from accounting.errors import InvalidEvent
from accounting.events import OpeningBalance
from accounting.handlers.state import AssetState, Lot, Outcome, Tx
from accounting.money import ZERO

_DATA_ROLES = (AccountRole.DATA_INTANGIBLE, AccountRole.ACCUMULATED_AMORTIZATION, AccountRole.INTANGIBLE_IMPAIRMENT,
               AccountRole.RD_CAPITALIZED, AccountRole.RD_IMPAIRMENT, AccountRole.DATA_INVENTORY,
               AccountRole.INVENTORY_PROVISION)

CARRIED = ("期初余额按企业原账面结转，不重新计量（财会〔2023〕11号 四、未来适用法；此前适用 CAS 6 / CAS 1）。"
           " Carried as the entity carried it, not re-measured (财会〔2023〕11号 part 四; CAS 6 / CAS 1 applied "
           "before). The other side is 利润分配—未分配利润 (4104), standing for the rest of the opening balance "
           "sheet.")


def opening_balance(tx: Tx, s: AssetState, ev: OpeningBalance) -> Outcome:
    """Book the balances carried at the close of ``ev.date`` and set the state to continue from there."""
    if s.ready is not None or s.qty != ZERO or any(tx.bal(role) != ZERO for role in _DATA_ROLES):
        raise InvalidEvent("an opening balance must be the asset's first event: it already has balances",
                           field="kind")
    if not is_month_end(ev.date):
        raise InvalidEvent(f"the balance date {ev.date} must be a month end: the close of the month before the "
                           "first period booked here", field="date")
    cls = s.cls
    why = [f"期初余额来源 source: {ev.source}.", CARRIED]
    d = tx.draft(field="cost")
    net = ev.cost - ev.accumulated_amortization - ev.provision
    if cls == Classification.INVENTORY:
        if ev.accumulated_amortization != ZERO:
            raise InvalidEvent("data inventory is not amortized: accumulated_amortization must be 0",
                               field="accumulated_amortization")
        d.dr(AccountRole.DATA_INVENTORY, ev.cost, Movement.INCREASE_OTHER)
        d.cr(AccountRole.INVENTORY_PROVISION, ev.provision, Movement.INCREASE_CHARGE)
        state = replace(s, qty=ev.quantity, lots=(Lot(lot_id=tx.event_id, qty=ev.quantity, cost=ev.cost),))
        why.append(f"存货—数据资源 cost {ev.cost}, 存货跌价准备 {ev.provision}, {ev.quantity} units (CAS 1).")
    elif cls == Classification.INTERNAL_RD and ev.ready_for_use_on is None:
        if ev.accumulated_amortization != ZERO:
            raise InvalidEvent("development expenditure not yet ready is not amortized: accumulated_amortization "
                               "must be 0", field="accumulated_amortization")
        d.dr(AccountRole.RD_CAPITALIZED, ev.cost)
        d.cr(AccountRole.RD_IMPAIRMENT, ev.provision)
        state = s
        why.append(f"开发支出—数据资源 {ev.cost} still in development (CAS 6 art. 9), provision {ev.provision}.")
    elif cls in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        ready = ev.ready_for_use_on or ev.date
        d.dr(AccountRole.DATA_INTANGIBLE, ev.cost, Movement.INCREASE_OTHER)
        d.cr(AccountRole.ACCUMULATED_AMORTIZATION, ev.accumulated_amortization, Movement.INCREASE_CHARGE)
        d.cr(AccountRole.INTANGIBLE_IMPAIRMENT, ev.provision, Movement.INCREASE_CHARGE)
        life, basis = _life_left(s, ev)
        # the months already amortized are in the carried balances; amortization goes on from the next month
        state = replace(s, ready=ready, life_months=life, life_basis=basis, months_booked=0,
                        last_month=month_index(ev.date), rate=None, shadow_acc=ev.accumulated_amortization,
                        shadow_rate=None)
        why.append(f"无形资产—数据资源 cost {ev.cost}, 累计摊销 {ev.accumulated_amortization}, 减值准备 "
                   f"{ev.provision}, in use since {ready}; {basis}.")
    else:
        raise InvalidEvent(f"no balance is carried for a resource classified as {cls.value}: it is not an asset "
                           "on the books", field="kind")
    d.cr(AccountRole.RETAINED_EARNINGS, net)
    tx.add(d, ev.date, EntryType.OPENING_BALANCE, " ".join(why))
    return state, f"opening balance carried: net {net}", why, {
        "cost": ev.cost, "accumulated_amortization": ev.accumulated_amortization, "provision": ev.provision,
        "carrying_amount": net}


def _life_left(s: AssetState, ev: OpeningBalance) -> tuple[int | None, str]:
    """Months of life left at the balance date: as the entity states it; None for an indefinite life."""
    r = s.resource
    if r.useful_life is not None and r.useful_life.indefinite:
        return None, "indefinite life, not amortized (CAS 6 art. 19)"
    if r.amortization_method == AmortizationMethod.UNITS_OF_USAGE:
        return None, "units-of-usage amortization: charged by the units of each amortization event"
    if ev.remaining_life_months is None:
        raise InvalidEvent("an intangible in use with a finite life needs remaining_life_months (months of "
                           "life left at the balance date)", field="remaining_life_months")
    term_end = r.rights_term_end()
    if term_end is not None:
        cap = months_within_term(ev.date + timedelta(days=1), term_end)
        if ev.remaining_life_months > cap:
            raise InvalidEvent(f"{ev.remaining_life_months} months of life left exceed the {cap} months left in "
                               f"the rights term ending {term_end} (life from rights never exceeds their term, "
                               "CAS 6 art. 17)", field="remaining_life_months")
    return ev.remaining_life_months, f"{ev.remaining_life_months} months of life left at {ev.date} (opening balance)"
