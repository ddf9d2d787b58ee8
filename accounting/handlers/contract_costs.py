"""合同履约成本: costs of fulfilling a customer contract with data that is not an intangible (CAS 14).

Recognized when the three conditions of CAS 14 art. 26 hold (see the classifier); amortized on the same
basis as the service is delivered (art. 29: the units delivered over the units the contract delivers);
impaired when the carrying amount exceeds the consideration still expected less the costs still to be
incurred (art. 30), and that loss reversed when the conditions improve, up to the carrying amount had no
impairment been recognized (art. 31).
"""

from __future__ import annotations

from dataclasses import replace

from accounting.enums import AccountRole, EntryType
from accounting.errors import InvalidEvent
from accounting.events import Amortization, ImpairmentTest
from accounting.handlers.state import AssetState, Outcome, Tx
from accounting.money import ZERO, prorate


def amortize(tx: Tx, s: AssetState, ev: Amortization) -> Outcome:
    """Amortize as the service is delivered: cost × units delivered / units still to deliver (art. 29)."""
    contract = s.resource.contract
    assert contract is not None
    if ev.units is None or ev.units <= 0:
        raise InvalidEvent("contract-cost amortization needs the units of service delivered (CAS 14 art. 29)",
                           field="units")
    left = contract.service_units - s.units_used
    if ev.units > left:
        raise InvalidEvent(f"{ev.units} units delivered but only {left} of the contract's {contract.service_units} "
                           "are left", field="units")
    cost = tx.bal(AccountRole.CONTRACT_COST)
    provision = -tx.bal(AccountRole.CONTRACT_COST_IMPAIRMENT)
    charge = prorate(cost, ev.units, left)
    released = prorate(provision, ev.units, left)
    d = tx.draft(field="units")
    d.dr(AccountRole.COST_OF_SALES, charge)
    d.cr(AccountRole.CONTRACT_COST, charge)
    d.dr(AccountRole.CONTRACT_COST_IMPAIRMENT, released)
    d.cr(AccountRole.COST_OF_SALES, released)
    why = (f"合同履约成本摊销 {charge} = {cost} × {ev.units} / {left} units still to deliver (CAS 14 art. 29: on the "
           f"basis the service is delivered)" + (f"; provision {released} released with it" if released else ""))
    tx.add(d, ev.date, EntryType.CONTRACT_COST_AMORTIZATION, why, period=f"{ev.date:%Y-%m}")
    return replace(s, units_used=s.units_used + ev.units), f"amortized {charge}", [why], {
        "amortization": charge, "provision_released": released}


def impairment(tx: Tx, s: AssetState, ev: ImpairmentTest) -> Outcome:
    """Impairment (art. 30) or its reversal (art. 31). ``recoverable_amount`` is the consideration still
    expected less the costs still to be incurred to provide the service (CNY)."""
    cost = tx.bal(AccountRole.CONTRACT_COST)
    provision = -tx.bal(AccountRole.CONTRACT_COST_IMPAIRMENT)
    carrying = cost - provision
    limit = ev.recoverable_amount
    figs = {"carrying_before": carrying, "recoverable_amount": limit, "loss": ZERO, "reversal": ZERO,
            "unreversed_recovery": ZERO}
    why = [f"合同履约成本账面价值 {carrying}，剩余对价减去将发生成本 {limit} — carrying amount {carrying} vs the consideration "
           f"still expected less the costs still to incur {limit} (CAS 14 art. 30)" + (f"; {ev.basis}" if ev.basis else "")]
    d = tx.draft()
    if carrying > limit:
        loss = carrying - limit
        d.dr(AccountRole.IMPAIRMENT_LOSS, loss)
        d.cr(AccountRole.CONTRACT_COST_IMPAIRMENT, loss)
        tx.add(d, ev.date, EntryType.CONTRACT_COST_IMPAIRMENT, f"impairment loss {loss} = {carrying} − {limit} "
               "(CAS 14 art. 30)")
        figs["loss"] = loss
        why.append(f"计提减值 {loss} impairment loss recognized (art. 30).")
    elif limit > carrying and provision > 0:
        reversal = min(limit - carrying, provision)
        d.dr(AccountRole.CONTRACT_COST_IMPAIRMENT, reversal)
        d.cr(AccountRole.IMPAIRMENT_LOSS, reversal)
        tx.add(d, ev.date, EntryType.CONTRACT_COST_REVERSAL, f"reversal {reversal}: up to the carrying amount had "
               "no impairment been recognized (CAS 14 art. 31)")
        figs["reversal"] = reversal
        why.append(f"转回减值 {reversal} reversed, within the provision made (art. 31).")
    else:
        why.append("No impairment.")
    treat = (f"impairment loss {figs['loss']}" if figs["loss"] else
             f"reversal {figs['reversal']}" if figs["reversal"] else "no impairment loss")
    return s, treat, why, figs
