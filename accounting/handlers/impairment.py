"""Tests of value: impairment of data intangibles and 开发支出 (CAS 8), NRV of data inventory (CAS 1)."""

from __future__ import annotations

from dataclasses import replace

from accounting.enums import AccountRole, Classification, EntryType, Framework, Movement
from accounting.errors import InvalidEvent
from accounting.events import ImpairmentTest, NRVTest
from accounting.handlers import contract_costs
from accounting.handlers.state import AssetState, Outcome, Tx
from accounting.money import ZERO


def impairment_test(tx: Tx, s: AssetState, ev: ImpairmentTest) -> Outcome:
    """CAS 8 test of a data intangible, or of 开发支出 not yet ready for use (tested every year,
    our convention: docs/accounting.md §Impairment and NRV): loss = carrying amount − recoverable amount,
    never reversed under CAS (art. 17); the IFRS view reverses up to the amount had no loss been recognized
    (IAS 36.117)."""
    if s.cls == Classification.CONTRACT_COST:
        return contract_costs.impairment(tx, s, ev)
    if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        raise InvalidEvent(f"impairment_test applies to data intangibles (use nrv_test for inventory); "
                           f"the resource is {s.cls.value}", field="kind")
    if s.cls == Classification.INTERNAL_RD and s.ready is None:
        # cost = spending capitalized, provision in 研发支出—开发支出减值准备 (moves to 1703 when ready)
        cost, imp = tx.development()
        carrying, cap, provision = cost - imp, cost, AccountRole.RD_IMPAIRMENT
        etype, what = EntryType.DEVELOPMENT_IMPAIRMENT, "Development expenditure not yet ready for use: carrying amount"
        after = "the provision moves to 无形资产减值准备 when the asset is ready for use"
    else:
        cost, acc, imp = tx.carrying()
        carrying, cap, provision = cost - acc - imp, cost - s.shadow_acc, AccountRole.INTANGIBLE_IMPAIRMENT
        etype, what = EntryType.IMPAIRMENT, "Carrying amount"
        after = "later amortization on the new carrying amount over the months left"
    ra = ev.recoverable_amount
    figs = {"carrying_before": carrying, "recoverable_amount": ra, "loss": ZERO, "reversal": ZERO,
            "unreversed_recovery": ZERO}
    why = [f"{what} {carrying} vs recoverable amount {ra} (higher of fair value less costs of "
           "disposal and value in use; CAS 8 art. 6)" + (f" — {ev.basis}" if ev.basis else "") + "."]
    state = s
    if carrying > ra:
        loss = carrying - ra
        d = tx.draft()
        d.dr(AccountRole.IMPAIRMENT_LOSS, loss)
        d.cr(provision, loss, Movement.INCREASE_CHARGE)
        tx.add(d, ev.date, etype, f"impairment loss {loss} = {carrying} − {ra} (CAS 8 art. 15); {after}")
        figs["loss"] = loss
        why.append(f"Impairment loss {loss} recognized (CAS 8 art. 15); amortization is recomputed on the "
                   "new carrying amount over the remaining life.")
        state = replace(s, rate=None)
    elif ra > carrying and imp > 0:
        recovery = min(min(ra, cap) - carrying, imp)
        if recovery > 0:
            if tx.context.framework == Framework.IFRS:
                d = tx.draft()
                d.dr(provision, recovery, Movement.DECREASE_REVERSAL)
                d.cr(AccountRole.IMPAIRMENT_LOSS, recovery)
                tx.add(d, ev.date, EntryType.IMPAIRMENT_REVERSAL,
                       "IAS 36.114-117: reversal up to the carrying amount had no impairment been recognized")
                figs["reversal"] = recovery
                state = replace(s, rate=None)
                why.append(f"IFRS: impairment reversal {recovery} (IAS 36.117 cap).")
            else:
                figs["unreversed_recovery"] = recovery
                why.append(f"Value recovered by {recovery} but an impairment loss on an intangible is never "
                           "reversed (CAS 8 art. 17); IAS 36.117 would reverse it (see the IFRS view).")
    else:
        why.append("No impairment.")
    treat = f"impairment loss {figs['loss']}" if figs["loss"] else "no impairment loss"
    return state, treat, why, figs


def nrv_test(tx: Tx, s: AssetState, ev: NRVTest) -> Outcome:
    """Lower of cost and NRV (CAS 1 art. 15-19): write down, or reverse up to the provision held."""
    if s.cls != Classification.INVENTORY:
        raise InvalidEvent(f"nrv_test applies to data inventory; the resource is {s.cls.value}", field="kind")
    nrv = ev.net_realizable_value()
    cost = tx.bal(AccountRole.DATA_INVENTORY)
    prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
    required = max(ZERO, cost - nrv)
    diff = required - prov
    figs = {"cost": cost, "nrv": nrv, "provision_before": prov, "provision_after": required,
            "write_down": ZERO, "reversal": ZERO}
    why = [f"Lower of cost {cost} and NRV {nrv} (CAS 1 art. 15; NRV = selling price − costs to complete − "
           f"selling costs − related taxes). Provision required {required}, held {prov}."]
    d = tx.draft()
    if diff > 0:
        d.dr(AccountRole.IMPAIRMENT_LOSS, diff)
        d.cr(AccountRole.INVENTORY_PROVISION, diff, Movement.INCREASE_CHARGE)
        tx.add(d, ev.date, EntryType.INVENTORY_WRITE_DOWN, f"write-down {diff} to NRV (CAS 1 art. 15-16)")
        figs["write_down"] = diff
        why.append(f"Write-down {diff}.")
    elif diff < 0:
        d.dr(AccountRole.INVENTORY_PROVISION, -diff, Movement.DECREASE_REVERSAL)
        d.cr(AccountRole.IMPAIRMENT_LOSS, -diff)
        tx.add(d, ev.date, EntryType.INVENTORY_WRITE_DOWN_REVERSAL,
               f"reversal {-diff}, limited to the amount previously written down (CAS 1 art. 19)")
        figs["reversal"] = -diff
        why.append(f"Reversal {-diff}, capped at the provision previously made (CAS 1 art. 19).")
    return replace(s, last_nrv=nrv), f"provision {prov} → {required}", why, figs
