"""Internal R&D: research or development phase and the five criteria (CAS 6 art. 8-10), ready for use
(art. 13), and the start of the useful life.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from accounting.classify import PROVISIONS_EFFECTIVE
from accounting.enums import AccountRole, Classification, EntryType, Framework, Movement, RDPhase
from accounting.errors import CapitalizationCriteriaNotMet, InvalidEvent, UsefulLifeError
from accounting.events import CriteriaMet, Processing, Purchase, RDSpend, ReadyForUse
from accounting.handlers.state import AssetState, Outcome, Tx
from accounting.measurement import useful_life


def rd_target(s: AssetState, ev: Purchase | RDSpend | Processing,
               flag: bool | None) -> tuple[tuple[AccountRole, Movement | None] | None, list[str]]:
    """Where development spending is capitalized (研发支出—资本化支出), or None to expense it, and why:
    research expensed (CAS 6 art. 8), development capitalized once the five criteria are met (art. 9-10),
    spending after ready for use expensed (art. 12)."""
    r = s.resource
    why: list[str] = []
    phase = ev.phase if isinstance(ev, RDSpend) else None
    if phase is None:
        if r.development_start is None:
            raise InvalidEvent("R&D phase not given and the resource has no development_start",
                               field="phase")
        phase = RDPhase.DEVELOPMENT if ev.date >= r.development_start else RDPhase.RESEARCH
    if phase == RDPhase.RESEARCH:
        if flag:
            raise CapitalizationCriteriaNotMet("research-phase spending cannot be capitalized (CAS 6 art. 8)",
                                               field="capitalize")
        why.append("Research phase: expensed as incurred (CAS 6 art. 8).")
        return None, why
    if s.ready is not None:
        if flag:
            raise InvalidEvent(f"capitalization after the asset was ready for use on {s.ready}",
                               field="capitalize")
        why.append(f"Spending after ready for use on {s.ready}: expensed (CAS 6 art. 12).")
        return None, why
    if not r.phases_separable:
        if flag:
            raise CapitalizationCriteriaNotMet(
                "research and development cannot be separated: all spending is expensed (CAS 6 application guidance)",
                field="phases_separable")
        why.append("Research and development cannot be separated: expensed (CAS 6 application guidance).")
        return None, why
    unproven = r.criteria.unproven(on=ev.date)
    if unproven:
        if flag:
            raise CapitalizationCriteriaNotMet(
                f"capitalization asked for on {ev.date} but these criteria lack evidence or a date met on or "
                f"before it: {', '.join(unproven)}", field="criteria")
        why.append(f"Development phase, but on {ev.date} not all five criteria were met with evidence "
                   f"({', '.join(unproven)}): expensed (CAS 6 art. 9-10).")
        return None, why
    if flag is False:
        why.append("The entity chose not to capitalize this spending (capitalize=false): expensed.")
        return None, why
    why.append(f"Development phase with all five CAS 6 art. 9 criteria met since "
               f"{r.criteria.date_all_met()}: capitalized to 研发支出—资本化支出 (开发支出—其中：数据资源).")
    return (AccountRole.RD_CAPITALIZED, None), why


def criteria_met(tx: Tx, s: AssetState, ev: CriteriaMet) -> Outcome:
    """The five CAS 6 art. 9 criteria declared met: refused unless each is evidenced by the date; no entry."""
    r = s.resource
    if s.cls != Classification.INTERNAL_RD:
        raise InvalidEvent(f"criteria_met applies to internal R&D; the resource is {s.cls.value}",
                           field="kind")
    if not r.phases_separable:
        raise CapitalizationCriteriaNotMet("research and development cannot be separated (CAS 6 application guidance)",
                                           field="phases_separable")
    unproven = r.criteria.unproven(on=ev.date)
    if unproven:
        raise CapitalizationCriteriaNotMet(
            f"criteria declared met on {ev.date} but these lack evidence or a date met on or before it: "
            f"{', '.join(unproven)}", field="criteria")
    start = r.criteria.date_all_met()
    why = [f"All five CAS 6 art. 9 criteria evidenced; first all met on {start}: development spending is "
           "capitalized from that date."]
    if tx.context.framework == Framework.CAS and start is not None and start < PROVISIONS_EFFECTIVE:
        why.append(f"Capitalization under the provisions begins no earlier than {PROVISIONS_EFFECTIVE} "
                   "(prospective).")
    return s, f"capitalization from {start}", why, {}


def make_ready(s: AssetState, on: date) -> AssetState:
    """The state from ``on``, the available-for-use date: useful life (months) and its basis; rates reset."""
    try:
        life, basis = useful_life(s.resource, on)
    except ValueError as exc:
        raise UsefulLifeError(str(exc), field="useful_life") from exc
    return replace(s, ready=on, life_months=life, life_basis=basis, rate=None, shadow_rate=None)


def ready_for_use(tx: Tx, s: AssetState, ev: ReadyForUse) -> Outcome:
    """Ready for intended use (CAS 6 art. 13): 开发支出 and its provision move to 无形资产; amortization starts."""
    if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        raise InvalidEvent(f"ready_for_use applies to data intangibles; the resource is {s.cls.value}",
                           field="kind")
    if s.ready is not None:
        raise InvalidEvent(f"already ready for use on {s.ready}", field="date")
    new = make_ready(s, ev.date)
    why = [f"Available for use on {ev.date}: amortization starts this month (CAS 6 art. 17; "
           f"当月增加当月摊销). Useful life: {new.life_basis}."]
    dev, dev_imp = tx.development()
    if s.cls == Classification.INTERNAL_RD:
        if dev > 0:
            d = tx.draft()
            d.dr(AccountRole.DATA_INTANGIBLE, dev, Movement.INCREASE_INTERNAL_RD)
            d.dr(AccountRole.RD_IMPAIRMENT, dev_imp)
            d.cr(AccountRole.RD_CAPITALIZED, dev)
            d.cr(AccountRole.INTANGIBLE_IMPAIRMENT, dev_imp, Movement.INCREASE_INTERNAL_RD)
            tx.add(d, ev.date, EntryType.TRANSFER_TO_INTANGIBLE,
                   "Development expenditure transferred to 无形资产 when ready for intended use (CAS 6 art. 13)"
                   + ("; its impairment provision moves with it to 无形资产减值准备 (never reversed, CAS 8 "
                      "art. 17)." if dev_imp else "."))
            why.append(f"开发支出 {dev} transferred to 无形资产—数据资源"
                       + (f", with its impairment provision {dev_imp}: carrying amount {dev - dev_imp}, "
                          "amortized over the useful life." if dev_imp else "."))
        else:
            why.append("Nothing was capitalized (all spending expensed): no intangible asset is recognized.")
    return new, f"ready for use; life {new.life_months or 'indefinite'} months", why, {"transferred": dev}
