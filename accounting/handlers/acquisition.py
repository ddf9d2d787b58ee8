"""Costs of purchase, processing and R&D spending: capitalized or expensed, line by line.

Cost = price, non-deductible taxes and directly attributable costs (CAS 1 art. 5-8 for inventory; CAS 6
art. 12 and 财会〔2023〕11号 for intangibles). Spending before 2024-01-01 is booked as the entity states it
accounted for it then (CAS 6 / CAS 1 applied): expensed stays expensed, capitalized is carried; it is
never silently expensed (财会〔2023〕11号 part 四, 未来适用法).
"""

from __future__ import annotations

from dataclasses import replace

from accounting.citations import INTANGIBLE_MEASUREMENT, INVENTORY_MEASUREMENT, PROVISIONS
from accounting.classify import PROVISIONS_EFFECTIVE
from accounting.enums import (
    AccountedThen,
    AccountRole,
    Classification,
    CostCategory,
    EntryType,
    Formation,
    Framework,
    Movement,
)
from accounting.errors import ClassificationUndecided, InvalidEvent, ProspectiveTransition
from accounting.events import Processing, Purchase, RDSpend
from accounting.facts import DataResource
from accounting.handlers.development import make_ready, rd_target
from accounting.handlers.inventory_lots import with_cost
from accounting.handlers.state import AssetState, Outcome, Tx, settle
from accounting.measurement import capitalizable, expense_role, line_expense_role
from accounting.money import ZERO


def _expense_account(r: DataResource) -> AccountRole | str:
    """Where expensed spending goes: the resource's account, else the default by purpose."""
    return r.expense_account or expense_role(r)


def _transition(ev: Purchase | RDSpend | Processing, target: tuple[AccountRole, Movement | None] | None,
                stated: AccountedThen | None, capitalize_flag: bool | None,
                ) -> tuple[tuple[AccountRole, Movement | None] | None, str]:
    """Spending dated before 2024-01-01 under CAS: booked as the entity accounted for it then.

    Expensed then: stays expensed, never re-capitalized. Capitalized then: carried, where the recorded
    facts support capitalization under CAS 6 / CAS 1 (else the statement is refused). Not stated, for
    spending the rules would capitalize: refused — never silently expensed (财会〔2023〕11号 part 四).
    """
    when = f"dated {ev.date}, before {PROVISIONS_EFFECTIVE}"
    if stated == AccountedThen.EXPENSED:
        if capitalize_flag:
            raise ProspectiveTransition(
                f"capitalization asked for spending {when} that the entity expensed then: what was expensed is "
                f"never re-capitalized ({PROVISIONS} 四、未来适用法)", field="capitalize")
        return None, (f"支出发生于 {PROVISIONS_EFFECTIVE} 之前，当时已费用化，不再资本化 — {when}: expensed then, "
                      f"stays expensed ({PROVISIONS} 四、未来适用法).")
    if stated == AccountedThen.CAPITALIZED:
        if target is None:
            raise ProspectiveTransition(
                f"spending {when} is stated as capitalized then, but the recorded facts do not support "
                "capitalization under CAS 6 / CAS 1 (check the classification, the R&D phase and the five "
                "criteria of CAS 6 art. 9 with their dates)", field="accounted_then")
        return target, (f"支出发生于 {PROVISIONS_EFFECTIVE} 之前，当时已按 CAS 6 / CAS 1 资本化，按原账面结转 — "
                        f"{when}: capitalized then, carried ({PROVISIONS} 四、未来适用法).")
    if target is None:
        return None, f"{when}: expensed under CAS 6 / CAS 1 as well (nothing to capitalize)."
    raise ProspectiveTransition(
        f"spending {when}: state how it was accounted for then — accounted_then: expensed | capitalized. "
        f"What was expensed stays expensed, what was capitalized is carried; it is never silently expensed "
        f"({PROVISIONS} 四、未来适用法)", field="accounted_then")


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
    if cls == Classification.INVENTORY and isinstance(ev, RDSpend):
        rd = True
        target = None
        why.append("研究开发性质的支出不构成存货成本，费用化 research and development spending on a data product "
                   "held for sale is expensed, never inventory cost (CAS 1 art. 5-9: only purchase, conversion and "
                   "other costs of bringing inventory to its present condition; CAS 6 art. 8).")
    elif cls == Classification.INVENTORY:
        mv = Movement.INCREASE_PURCHASE if isinstance(ev, Purchase) else Movement.INCREASE_PROCESSING
        if isinstance(ev, Purchase) and r.formation == Formation.OTHER:
            mv = Movement.INCREASE_OTHER
        target = (AccountRole.DATA_INVENTORY, mv)
        why.append("Data inventory: cost = purchase price, taxes, insurance and attributable purchase costs, "
                   f"plus processing costs (CAS 1 art. 5-8; {INVENTORY_MEASUREMENT}).")
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
                       f"fees (CAS 6 art. 12; {INTANGIBLE_MEASUREMENT}).")
    elif cls == Classification.CONTRACT_COST:
        target = (AccountRole.CONTRACT_COST, None)
        why.append("合同履约成本 contract fulfilment cost (CAS 14 art. 26).")
    elif cls == Classification.INTERNAL_RD:
        rd = True
        target, why = rd_target(s, ev, capitalize_flag)
    else:
        target = None
        why.extend(s.decision.rationale[-1:])
    stated = ev.accounted_then
    if pre and cas:
        target, note = _transition(ev, target, stated, capitalize_flag)
        why.append(note)
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
            acc = expense_acc if rd and line.category != CostCategory.SELLING else \
                line_expense_role(line.category, expense_acc)
            d.dr(acc, cost, memo=line.category.value)
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
        state = replace(state, qty=state.qty + add_qty,
                        lots=with_cost(state.lots, tx.event_id, add_qty, capitalized_total))
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
