"""Costs of purchase, processing and R&D spending: capitalized or expensed, line by line.

Cost = price, non-deductible taxes and directly attributable costs (CAS 1 art. 5-8 for inventory; CAS 6
art. 12 and 财会〔2023〕11号 §2 for intangibles); nothing dated before 2024-01-01 is capitalized under CAS
(the provisions apply prospectively).
"""

from __future__ import annotations

from dataclasses import replace

from accounting.classify import PROVISIONS, PROVISIONS_EFFECTIVE
from accounting.enums import AccountRole, Classification, EntryType, Formation, Framework, Movement
from accounting.errors import ClassificationUndecided, InvalidEvent, ProspectiveTransition
from accounting.events import Processing, Purchase, RDSpend
from accounting.facts import DataResource
from accounting.handlers.development import make_ready, rd_target
from accounting.handlers.state import AssetState, Outcome, Tx, settle
from accounting.measurement import capitalizable, expense_role
from accounting.money import ZERO


def _expense_account(r: DataResource) -> AccountRole | str:
    """Where expensed spending goes: the resource's account, else the default by purpose."""
    return r.expense_account or expense_role(r)


def costs(tx: Tx, s: AssetState, ev: Purchase | RDSpend | Processing) -> Outcome:
    """Purchase, processing or R&D spending: each cost line capitalized or expensed, input VAT apart."""
    r, cls = s.resource, s.cls
    why: list[str] = []
    if cls == Classification.UNDECIDED:
        raise ClassificationUndecided(
            f"cannot book {ev.kind.value}: classification needs facts: {', '.join(s.decision.missing_facts)}",
            field="resources")
    cas = tx.context.framework == Framework.CAS
    pre = ev.date < PROVISIONS_EFFECTIVE
    capitalize_flag = ev.capitalize if isinstance(ev, RDSpend) else None
    state = s
    # Where capitalized lines go, and why; None = expense.
    target: tuple[AccountRole, Movement | None] | None
    rd = False
    if cls == Classification.INVENTORY:
        mv = Movement.INCREASE_PURCHASE if isinstance(ev, Purchase) else Movement.INCREASE_PROCESSING
        if isinstance(ev, Purchase) and r.formation == Formation.OTHER:
            mv = Movement.INCREASE_OTHER
        target = (AccountRole.DATA_INVENTORY, mv)
        why.append("Data inventory: cost = purchase price, taxes, insurance and attributable purchase costs, "
                   "plus processing costs (CAS 1 art. 5-8; 财会〔2023〕11号 §2 (二)).")
    elif cls == Classification.INTANGIBLE_ASSET:
        if isinstance(ev, RDSpend):
            raise InvalidEvent("R&D spending on a purchased data intangible: book it as processing "
                               "(before ready) or treat the project as a separate self-developed resource",
                               field="kind")
        if isinstance(ev, Processing) and s.ready is not None and ev.date >= s.ready:
            target = None
            why.append(f"Spending after the asset was ready for use on {s.ready} does not bring it to its "
                       "intended use: expensed (CAS 6 art. 12; subsequent expenditure).")
        else:
            mv = Movement.INCREASE_OTHER if r.formation == Formation.OTHER else Movement.INCREASE_PURCHASE
            target = (AccountRole.DATA_INTANGIBLE, mv)
            why.append("Purchased data intangible: cost = price, non-deductible taxes, directly attributable "
                       "processing, rights verification, quality assessment, registration and security "
                       f"fees (CAS 6 art. 12; {PROVISIONS} §2 (一)).")
    elif cls == Classification.INTERNAL_RD:
        rd = True
        target, why = rd_target(s, ev, capitalize_flag)
    else:
        target = None
        why.extend(s.decision.rationale[-1:])
    if target is not None and pre and cas:
        if capitalize_flag:
            raise ProspectiveTransition(
                f"capitalization asked for spending on {ev.date}, before {PROVISIONS_EFFECTIVE}",
                field="capitalize")
        target = None
        why.append(f"Dated {ev.date}, before {PROVISIONS_EFFECTIVE}: expensed and never re-capitalized "
                   f"({PROVISIONS}, prospective application 未来适用法).")
    elif target is not None and pre:
        why.append("IFRS view: IAS 38 has no 2024 transition; the spending is capitalized (IAS 38.57, 66).")

    d = tx.draft(field="cost_lines")
    expensed_total = ZERO
    capitalized_total = ZERO
    expense_acc: AccountRole | str = AccountRole.RD_EXPENSED if rd else _expense_account(r)
    for i, line in enumerate(ev.cost_lines):
        cost = line.amount + (ZERO if line.vat_deductible else line.vat)
        ok, reason = capitalizable(line.category, cls) if target is not None else (False, "")
        if target is not None and ok:
            d.dr(target[0], cost, target[1], memo=line.category.value)
            capitalized_total += cost
        else:
            if target is not None:
                why.append(f"cost line {i + 1}: {reason}")
            d.dr(expense_acc, cost, memo=line.category.value)
            expensed_total += cost
        if line.vat_deductible:
            d.dr(AccountRole.VAT_INPUT, line.vat, memo="进项税额 input VAT")
        d.cr(settle(line.counter_account), line.amount + line.vat)
    if rd:
        etype = EntryType.RD_CAPITALIZED if capitalized_total > 0 else EntryType.RD_EXPENSED
    elif isinstance(ev, Purchase):
        etype = EntryType.PURCHASE
    else:
        etype = EntryType.COST_CAPITALIZED if capitalized_total > 0 else EntryType.COST_EXPENSED
    tx.add(d, ev.date, etype, " ".join(why))
    if rd and expensed_total > 0:
        d2 = tx.draft()
        d2.dr(AccountRole.RD_EXPENSE, expensed_total)
        d2.cr(AccountRole.RD_EXPENSED, expensed_total)
        tx.add(d2, ev.date, EntryType.RD_EXPENSED_TRANSFER,
               "Expensed R&D is closed to 管理费用—研发费用 (CAS 6 art. 8, 10).")
    if cls == Classification.INVENTORY:
        add_qty = ev.quantity if isinstance(ev, Purchase | Processing) else ZERO
        state = replace(state, qty=state.qty + add_qty)
    if cls == Classification.INTANGIBLE_ASSET and target is not None:
        if state.ready is None and r.asset_id not in tx.context.planned_ready:
            state = make_ready(state, ev.date)
            why.append(f"No ready_for_use event: a purchased data intangible is taken as available for use "
                       f"on purchase ({ev.date}); amortization starts this month.")
        elif state.ready is not None and capitalized_total > 0:
            state = replace(state, rate=None, shadow_rate=None)
    treatment = (f"capitalized {capitalized_total}" if capitalized_total else "") + \
        (", " if capitalized_total and expensed_total else "") + \
        (f"expensed {expensed_total}" if expensed_total else "")
    return state, treatment or "no amount", why, {"capitalized": capitalized_total, "expensed": expensed_total}
