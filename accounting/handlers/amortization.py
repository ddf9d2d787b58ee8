"""Amortization: month-end straight-line runs, amortization events, changes of estimate.

The arithmetic (monthly amount, rounding, last month) is :mod:`accounting.amortization`; here the
entries are built and the state advanced (CAS 6 art. 17; change of estimate CAS 28 art. 9-10).
"""

from __future__ import annotations

from dataclasses import replace

from accounting.amortization import (
    is_month_end,
    month_charge,
    month_end,
    month_index,
    monthly_amount,
    months_within_term,
    units_amount,
)
from accounting.enums import AccountRole, AmortizationMethod, Classification, EntryType, Movement
from accounting.errors import AmortizationBeforeReady, InvalidEvent, UsefulLifeError
from accounting.events import Amortization, ChangeOfEstimate
from accounting.facts import DataResource
from accounting.handlers import contract_costs
from accounting.handlers.state import AssetState, EstimateChange, Outcome, Tx
from accounting.measurement import amortization_role
from accounting.money import ZERO


def _amortization_account(r: DataResource) -> AccountRole | str:
    """Where the charge goes: the resource's account, else the default by purpose."""
    return r.amortization_account or amortization_role(r)


def first_due(s: AssetState) -> int | None:
    """Next month (index) of straight-line amortization, or None before ready or once the life is booked."""
    if s.ready is None or s.life_months is None or s.months_booked >= s.life_months:
        return None
    return s.last_month + 1 if s.last_month is not None else month_index(s.ready)


def amortize_month(tx: Tx, s: AssetState, m: int) -> AssetState:
    """Book month ``m`` of straight-line amortization (docs/accounting.md §Amortization and rounding)."""
    assert s.life_months is not None
    left = s.life_months - s.months_booked
    cost, acc, imp = tx.carrying()
    remaining = cost - s.residual - acc - imp
    rate = s.rate if s.rate is not None else monthly_amount(remaining, left)
    charge = month_charge(rate, remaining, left)
    shadow_remaining = cost - s.residual - s.shadow_acc
    shadow_rate = s.shadow_rate if s.shadow_rate is not None else monthly_amount(shadow_remaining, left)
    shadow_charge = month_charge(shadow_rate, shadow_remaining, left)
    d = tx.draft()
    d.dr(_amortization_account(s.resource), charge)
    d.cr(AccountRole.ACCUMULATED_AMORTIZATION, charge, Movement.INCREASE_CHARGE)
    tx.add(d, month_end(m), EntryType.AMORTIZATION,
           f"month {s.months_booked + 1} of {s.life_months}: monthly amount {rate} "
           f"(remaining {remaining} / {left} months, half-up to the fen; last month takes the remainder) "
           "— CAS 6 art. 17; docs/accounting.md §Amortization and rounding", period=f"{month_end(m):%Y-%m}")
    grant_rate, released = s.grant_rate, ZERO
    if s.grant_deferred > 0:  # gross method: 递延收益 released over the same months (CAS 16 art. 8)
        grant_rate = grant_rate if grant_rate is not None else monthly_amount(s.grant_deferred, left)
        released = month_charge(grant_rate, s.grant_deferred, left)
        g = tx.draft()
        g.dr(AccountRole.DEFERRED_INCOME, released)
        g.cr(AccountRole.OTHER_INCOME, released)
        tx.add(g, month_end(m), EntryType.GRANT_RELEASE,
               f"递延收益按资产剩余使用寿命分期计入其他收益 — deferred grant income {s.grant_deferred} / {left} months "
               f"(CAS 16 art. 8)", period=f"{month_end(m):%Y-%m}")
    return replace(s, months_booked=s.months_booked + 1, last_month=m, rate=rate,
                   shadow_acc=s.shadow_acc + shadow_charge, shadow_rate=shadow_rate,
                   grant_deferred=s.grant_deferred - released, grant_rate=grant_rate)


def amortization(tx: Tx, s: AssetState, ev: Amortization) -> Outcome:
    """An amortization event: units of usage for the units given, or straight-line through the month end."""
    if s.cls == Classification.CONTRACT_COST:
        return contract_costs.amortize(tx, s, ev)
    if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        raise InvalidEvent(f"amortization applies to data intangibles; the resource is {s.cls.value}",
                           field="kind")
    if s.ready is None or s.ready > ev.date:
        raise AmortizationBeforeReady(
            f"amortization on {ev.date} refused: the asset is not yet available for use"
            + (f" (ready on {s.ready})" if s.ready else " (no ready_for_use booked)"), field="date")
    if s.life_months is None and s.resource.amortization_method == AmortizationMethod.STRAIGHT_LINE:
        raise InvalidEvent("indefinite useful life: not amortized, tested for impairment yearly "
                           "(CAS 6 art. 19)", field="kind")
    cost, acc, imp = tx.carrying()
    if s.resource.amortization_method == AmortizationMethod.UNITS_OF_USAGE:
        if ev.units is None:
            raise InvalidEvent("units-of-usage amortization needs units", field="units")
        total = s.resource.expected_total_units
        assert total is not None
        remaining = cost - s.residual - acc - imp
        charge = units_amount(remaining, ev.units, total - s.units_used)
        shadow_charge = units_amount(cost - s.residual - s.shadow_acc, ev.units, total - s.units_used)
        d = tx.draft()
        d.dr(_amortization_account(s.resource), charge)
        d.cr(AccountRole.ACCUMULATED_AMORTIZATION, charge, Movement.INCREASE_CHARGE)
        tx.add(d, ev.date, EntryType.AMORTIZATION,
               f"units of usage: {remaining} × {ev.units} / {total - s.units_used} remaining units "
               "(CAS 6 art. 17: pattern of benefits)", period=f"{ev.date:%Y-%m}")
        new = replace(s, units_used=s.units_used + ev.units, shadow_acc=s.shadow_acc + shadow_charge)
        return new, f"amortized {charge}", [f"Units of usage: {ev.units} units."], {"amortization": charge}
    if ev.units is not None:
        raise InvalidEvent("units given for a straight-line asset", field="units")
    target = month_index(ev.date) if is_month_end(ev.date) else month_index(ev.date) - 1
    state = s
    total = ZERO
    while True:
        first = first_due(state)
        if first is None or first > target:
            break
        before = len(tx.entries)
        state = amortize_month(tx, state, first)
        if len(tx.entries) > before:
            total += tx.entries[-1].total_debit
    return state, f"amortized {total} through {month_end(target):%Y-%m}", [
        "Straight-line, month-end booking (docs/accounting.md §Amortization and rounding)."
    ], {"amortization": total}


def change_of_estimate(tx: Tx, s: AssetState, ev: ChangeOfEstimate) -> Outcome:
    """New useful life and/or residual value, applied prospectively (CAS 28 art. 9-10; CAS 6 art. 19)."""
    if s.ready is None or s.life_months is None:
        raise InvalidEvent("change of estimate applies to a finite-life intangible that is ready for use",
                           field="kind")
    if s.resource.amortization_method != AmortizationMethod.STRAIGHT_LINE and ev.useful_life_months:
        raise InvalidEvent("life change on a units-of-usage asset is not supported", field="useful_life_months")
    new_life = ev.useful_life_months or s.life_months
    if new_life <= s.months_booked:
        raise UsefulLifeError(f"new life {new_life} months is not more than the {s.months_booked} months "
                              "already amortized", field="useful_life_months")
    term_end = s.resource.rights_term_end()
    if term_end is not None:
        cap = months_within_term(s.ready, term_end)
        if new_life > cap:
            raise UsefulLifeError(f"new life {new_life} months exceeds the rights term ending {term_end} "
                                  f"({cap} months from {s.ready})", field="useful_life_months")
    cost, acc, imp = tx.carrying()
    new_residual = ev.residual_value if ev.residual_value is not None else s.residual
    if ev.residual_value is not None and new_residual > cost - acc - imp:
        raise InvalidEvent(f"residual value {new_residual} exceeds the carrying amount {cost - acc - imp}",
                           field="residual_value")
    ch = EstimateChange(date=ev.date, event_id=tx.event_id, reason=ev.reason, old_life=s.life_months,
                        new_life=new_life, old_residual=s.residual, new_residual=new_residual,
                        months_booked=s.months_booked,
                        old_remaining_amortizable=cost - s.residual - acc - imp,
                        new_remaining_amortizable=cost - new_residual - acc - imp)
    new = replace(s, life_months=new_life, residual=new_residual, rate=None, shadow_rate=None,
                  estimate_changes=(*s.estimate_changes, ch),
                  life_basis=s.life_basis + f"; changed on {ev.date} to {new_life} months ({ev.reason})")
    why = [f"Change in accounting estimate, prospective (CAS 28 art. 9-10; CAS 6 art. 19): life "
           f"{s.life_months} → {new_life} months, residual {s.residual} → {new_residual}; the monthly amount "
           "is recomputed on the carrying amount over the months left."]
    return new, "estimate changed", why, {}
