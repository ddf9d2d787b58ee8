"""Leaving the books: lapse (CAS 6 art. 21), disposal (art. 22), classification as held for sale (CAS 42)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from accounting.citations import DISCLOSURE
from accounting.enums import AccountRole, Classification, EntryType, Movement
from accounting.errors import InvalidEvent
from accounting.events import ClassifiedHeldForSale, Disposal, Lapse
from accounting.handlers.state import AssetState, Outcome, Tx, settle
from accounting.money import ZERO

Lines = list[tuple[AccountRole, Decimal, Movement | None]]


def _removal(tx: Tx, movement: Movement) -> tuple[Decimal, Decimal, Decimal, Decimal, Lines, Lines]:
    """Everything a derecognized data intangible carries: intangible, 开发支出 or 持有待售资产 balances.

    Returns carrying amount, cost, accumulated amortization and provisions (CNY), then the debit
    lines (amortization and provisions) and credit lines (costs) that clear them.
    """
    cost, acc, imp = tx.carrying()
    dev, dev_imp = tx.development()
    held, held_imp = tx.held()
    debits: Lines = [(AccountRole.ACCUMULATED_AMORTIZATION, acc, movement),
                     (AccountRole.INTANGIBLE_IMPAIRMENT, imp, movement),
                     (AccountRole.RD_IMPAIRMENT, dev_imp, None), (AccountRole.HELD_FOR_SALE_IMPAIRMENT, held_imp, None)]
    credits: Lines = [(AccountRole.DATA_INTANGIBLE, cost, movement), (AccountRole.RD_CAPITALIZED, dev, None),
                      (AccountRole.HELD_FOR_SALE_ASSET, held, None)]
    provisions = imp + dev_imp + held_imp
    return cost + dev + held - acc - provisions, cost + dev + held, acc, provisions, debits, credits


def _release_grant(tx: Tx, s: AssetState, on: date, to: AccountRole, why: list[str]) -> Decimal:
    """The 递延收益 of an asset-related grant not yet released, released at once to the period's profit or
    loss when the asset leaves before its life ends (CAS 16 art. 8, gross method); the amount released."""
    left = s.grant_deferred
    if left <= 0:
        return ZERO
    d = tx.draft()
    d.dr(AccountRole.DEFERRED_INCOME, left)
    d.cr(to, left)
    text = (f"尚未分配的递延收益 {left} 于资产终止确认当期一次性转入损益 — the deferred grant income not yet released, "
            f"{left}, goes to profit or loss when the asset is derecognized before its life ends (CAS 16 art. 8)")
    tx.add(d, on, EntryType.GRANT_RELEASE, text)
    why.append(text)
    return left


def lapse(tx: Tx, s: AssetState, ev: Lapse) -> Outcome:
    """Lapse: derecognized, carrying amount to 营业外支出 (CAS 6 art. 21)."""
    why = [f"Lapse ({ev.reason}): no future economic benefit expected; derecognized, carrying amount to "
           f"营业外支出 (CAS 6 art. 21; {DISCLOSURE} asks for the lapse to be disclosed)."]
    figs: dict[str, Decimal] = {}
    if s.cls in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        carrying, cost, acc, provisions, debits, credits = _removal(tx, Movement.DECREASE_LAPSE)
        d = tx.draft()
        for role, amount, mv in debits:
            d.dr(role, amount, mv)
        d.dr(AccountRole.NON_OPERATING_EXPENSE, carrying)
        for role, amount, mv in credits:
            d.cr(role, amount, mv)
        tx.add(d, ev.date, EntryType.LAPSE, why[0])
        figs = {"cost": cost, "accumulated_amortization": acc, "impairment": provisions, "carrying": carrying}
    elif s.cls == Classification.INVENTORY:
        cost = tx.bal(AccountRole.DATA_INVENTORY)
        prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
        d = tx.draft()
        d.dr(AccountRole.INVENTORY_PROVISION, prov, Movement.DECREASE_WRITE_OFF)
        d.dr(AccountRole.NON_OPERATING_EXPENSE, cost - prov)
        d.cr(AccountRole.DATA_INVENTORY, cost, Movement.DECREASE_LAPSE)
        tx.add(d, ev.date, EntryType.LAPSE, why[0])
        figs = {"cost": cost, "provision": prov, "carrying": cost - prov}
    else:
        figs = {"carrying": ZERO}
    released = _release_grant(tx, s, ev.date, AccountRole.NON_OPERATING_INCOME, why)
    if released:
        figs["grant_released"] = released
    new = replace(s, derecognized=ev.date, qty=Decimal("0"), lots=(), grant_deferred=ZERO)
    return new, f"derecognized (lapse), loss {figs.get('carrying', ZERO)}", why, figs


def disposal(tx: Tx, s: AssetState, ev: Disposal) -> Outcome:
    """Disposal of a data intangible: proceeds − carrying amount to 资产处置损益 (CAS 6 art. 22)."""
    if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        raise InvalidEvent(f"disposal applies to data intangibles (use sale for inventory); the resource "
                           f"is {s.cls.value}", field="kind")
    carrying, _, _, _, debits, credits = _removal(tx, Movement.DECREASE_DISPOSAL)
    vat = tx.vat(ev.vat_rate, ev.proceeds)
    gain = ev.proceeds - carrying
    d = tx.draft(field="settled_to")
    d.dr(settle(ev.settled_to), ev.proceeds + vat)
    for role, amount, mv in debits:
        d.dr(role, amount, mv)
    for role, amount, mv in credits:
        d.cr(role, amount, mv)
    d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
    d.cr(AccountRole.DISPOSAL_GAIN, gain)
    why = [f"Disposal for {ev.proceeds}: carrying amount {carrying}; difference {gain} to 资产处置损益 "
           "(CAS 6 art. 22). Not amortized in the month of disposal (当月减少当月不摊销)."]
    tx.add(d, ev.date, EntryType.DISPOSAL, why[0])
    figs = {"proceeds": ev.proceeds, "carrying": carrying, "gain": gain}
    released = _release_grant(tx, s, ev.date, AccountRole.DISPOSAL_GAIN, why)
    if released:
        figs["grant_released"] = released
    new = replace(s, derecognized=ev.date, grant_deferred=ZERO)
    return new, f"disposed, gain {gain}", why, figs


def held_for_sale(tx: Tx, s: AssetState, ev: ClassifiedHeldForSale) -> Outcome:
    """CAS 42: move the carrying amount to 持有待售资产, stop amortization, write down to FV − costs to sell.

    Classified in month m: month m is not amortized (当月减少当月不摊销, as for a disposal).
    """
    if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        raise InvalidEvent(f"classified_held_for_sale applies to data intangibles (data inventory held for sale "
                           f"in ordinary activities stays under CAS 1); the resource is {s.cls.value}",
                           field="kind")
    if s.ready is None:
        raise InvalidEvent("classified_held_for_sale before the asset is ready for use: book ready_for_use "
                           "first (or a lapse if the project is abandoned)", field="kind")
    cost, acc, imp = tx.carrying()
    carrying = cost - acc - imp
    fv = ev.fair_value_less_costs_to_sell
    d = tx.draft()
    d.dr(AccountRole.HELD_FOR_SALE_ASSET, carrying)
    d.dr(AccountRole.ACCUMULATED_AMORTIZATION, acc, Movement.DECREASE_OTHER)
    d.dr(AccountRole.INTANGIBLE_IMPAIRMENT, imp, Movement.DECREASE_OTHER)
    d.cr(AccountRole.DATA_INTANGIBLE, cost, Movement.DECREASE_OTHER)
    tx.add(d, ev.date, EntryType.HELD_FOR_SALE_TRANSFER,
           f"classified as held for sale (CAS 42 art. 6-7: {ev.basis}); carrying amount {carrying} = cost {cost} "
           f"− accumulated amortization {acc} − impairment {imp} moved to 持有待售资产; not amortized from this "
           "month (CAS 42 art. 13)")
    write_down = max(ZERO, carrying - fv)
    why = [f"Held for sale from {ev.date}: {ev.basis}. Carrying amount {carrying} moved out of 无形资产 to "
           "持有待售资产 (Table A 其他减少); amortization stops (CAS 42 art. 13).",
           f"Measured at the lower of carrying amount {carrying} and fair value less costs to sell {fv} "
           f"(CAS 42 art. 10): write-down {write_down}."]
    if write_down > 0:
        d2 = tx.draft()
        d2.dr(AccountRole.IMPAIRMENT_LOSS, write_down)
        d2.cr(AccountRole.HELD_FOR_SALE_IMPAIRMENT, write_down)
        tx.add(d2, ev.date, EntryType.HELD_FOR_SALE_IMPAIRMENT,
               f"write-down {write_down} = {carrying} − {fv} to fair value less costs to sell (CAS 42 art. 10)")
    new = replace(s, held_for_sale=ev.date)
    return new, f"held for sale, write-down {write_down}", why, {
        "carrying_before": carrying, "fair_value_less_costs_to_sell": fv, "write_down": write_down,
        "carrying_after": carrying - write_down}
