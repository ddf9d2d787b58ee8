"""The other mandatory disclosures (财会〔2023〕11号 三（二）) and the appraisal text.

Every figure is read from the journal and the engine's state; nothing is recomputed separately,
except the counterfactual "old estimate" schedule of a change in estimate, which calls the same
amortization functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from pydantic import Field

from accounting.amortization import month_charge, monthly_amount, straight_line_schedule
from accounting.case import Policy
from accounting.classify import RecognitionDecision
from accounting.engine import EventOutcome
from accounting.enums import (
    AccountRole,
    AmortizationMethod,
    Classification,
    EntryType,
    EventKind,
    Movement,
    ResourceNature,
    RestrictionKind,
    label,
)
from accounting.events import ValuationReference
from accounting.handlers.state import AssetState
from accounting.journal import JournalEntry, entries_by_asset
from accounting.money import ZERO
from accounting.period import PeriodBooks
from accounting.statements import data_balances
from base.models import FrozenModel


class LifeAndMethodNote(FrozenModel):
    asset_id: str
    name: str
    finite: bool
    useful_life_months: int | None
    method_zh: str
    method_en: str
    residual_value: Decimal
    available_for_use: date | None
    remaining_months: int | None
    carrying_amount: Decimal
    basis: str


class EstimateChangeNote(FrozenModel):
    asset_id: str
    date: date
    reason: str
    old_useful_life_months: int
    new_useful_life_months: int
    old_residual_value: Decimal
    new_residual_value: Decimal
    old_monthly_amount: Decimal
    new_monthly_amount: Decimal
    effect_on_period_amortization: Decimal
    effect_on_next_twelve_months: Decimal
    effect_on_future_periods: Decimal
    basis: str = ("会计估计变更，未来适用法，披露对当期和未来期间的影响数 (CAS 28 art. 9-10, 12): effect = amortization "
                  "under the new estimate − under the old, for the period booked, the next twelve months and all "
                  "periods after the period end")


class MaterialItem(FrozenModel):
    asset_id: str
    name: str
    content: str
    line_zh: str
    carrying_amount: Decimal
    remaining_amortization_months: int | None = None
    net_realizable_value: Decimal | None = None


class RestrictedItem(FrozenModel):
    asset_id: str
    name: str
    line_zh: str
    restriction: RestrictionKind = RestrictionKind.PLEDGE
    restriction_zh: str = "质押"
    pledgee: str
    pledged_on: date
    released_on: date | None
    pledged_at_period_end: bool
    secured_amount: Decimal | None
    registration: str
    carrying_amount: Decimal
    period_amortization: Decimal


class RDItem(FrozenModel):
    asset_id: str
    name: str
    expensed: Decimal
    capitalized: Decimal


class RDNote(FrozenModel):
    items: tuple[RDItem, ...]
    total_expensed: Decimal
    total_capitalized: Decimal


class ImpairmentNote(FrozenModel):
    asset_id: str
    date: date
    carrying_before: Decimal
    recoverable_amount: Decimal
    loss: Decimal
    unreversed_recovery: Decimal
    basis: str


class InventoryItem(FrozenModel):
    asset_id: str
    name: str
    cost: Decimal
    provision: Decimal
    carrying_amount: Decimal
    net_realizable_value: Decimal | None
    pledged: bool


class InventoryNote(FrozenModel):
    cost_formula: str
    nrv_basis: str
    provision_method: str
    provided: Decimal
    reversed: Decimal
    written_off: Decimal
    items: tuple[InventoryItem, ...]
    pledged_carrying_amount: Decimal


class LapseNote(FrozenModel):
    asset_id: str
    date: date
    reason: str
    carrying_written_off: Decimal


class HeldForSaleItem(FrozenModel):
    """A data intangible classified as held for sale (CAS 42 art. 6-13), CNY."""

    asset_id: str
    name: str
    classified_on: date
    carrying_before: Decimal
    fair_value_less_costs_to_sell: Decimal
    write_down: Decimal
    carrying_amount: Decimal = Field(description="持有待售资产 net of its provision at the period end (0 once sold)")
    disposed_on: date | None = None
    basis: str


class AppraisalDisclosure(FrozenModel):
    asset_id: str
    event_id: str
    used_in: str
    material_effect: bool
    text_zh: str
    text_en: str


class ContractCostNote(FrozenModel):
    """合同履约成本 of one contract (CAS 14 art. 26-31): balances at the period end, the period's movements (CNY)."""

    asset_id: str
    name: str
    contract_id: str
    cost: Decimal
    provision: Decimal
    carrying_amount: Decimal
    amortized: Decimal
    impairment_loss: Decimal
    reversal: Decimal
    units_delivered: Decimal
    service_units: Decimal


class VoluntaryEntry(FrozenModel):
    """One of the eight voluntary items (财会〔2023〕11号 三 (二)); ``disclosed`` False: nothing recorded."""

    number: int
    title_zh: str
    title_en: str
    text: str
    disclosed: bool


class VoluntaryItem(FrozenModel):
    """A data resource's voluntary disclosure, recognized or not: its eight items as recorded."""

    asset_id: str
    name: str
    classification: Classification
    recognized: bool
    reason: str
    items: tuple[VoluntaryEntry, ...]


class OtherDisclosures(FrozenModel):
    life_and_method: tuple[LifeAndMethodNote, ...]
    estimate_changes: tuple[EstimateChangeNote, ...]
    material_items: tuple[MaterialItem, ...]
    restricted_items: tuple[RestrictedItem, ...]
    rd: RDNote
    impairments: tuple[ImpairmentNote, ...]
    inventory: InventoryNote
    lapses: tuple[LapseNote, ...]
    held_for_sale: tuple[HeldForSaleItem, ...] = ()
    contract_costs: tuple[ContractCostNote, ...] = ()
    appraisal: tuple[AppraisalDisclosure, ...]
    voluntary: tuple[VoluntaryItem, ...]


def _in(d: date, start: date, end: date) -> bool:
    return start <= d <= end


def _line_zh(cls: Classification) -> str:
    return {Classification.INVENTORY: "存货—其中：数据资源",
            Classification.INTANGIBLE_ASSET: "无形资产—其中：数据资源",
            Classification.INTERNAL_RD: "无形资产/开发支出—其中：数据资源"}.get(cls, "未确认")


def _amortization_of(entries: Sequence[JournalEntry], asset_id: str, start: date, end: date,
                     after: date | None = None) -> tuple[Decimal, int]:
    total, months = ZERO, 0
    for e in entries:
        if (e.asset_id == asset_id and e.entry_type == EntryType.AMORTIZATION and _in(e.date, start, end)
                and (after is None or e.date > after)):
            total += e.total_debit
            months += 1
    return total, months


def build_notes(books: PeriodBooks, states: Mapping[str, AssetState], outcomes: Sequence[EventOutcome],
                decisions: Sequence[RecognitionDecision], policy: Policy) -> OtherDisclosures:
    """All other mandatory disclosures for the period."""
    entries, chart, period_start, as_of = books.entries, books.chart, books.period_start, books.as_of
    life: list[LifeAndMethodNote] = []
    changes: list[EstimateChangeNote] = []
    material: list[MaterialItem] = []
    restricted: list[RestrictedItem] = []
    rd_items: list[RDItem] = []
    inv_items: list[InventoryItem] = []
    bal_code = {r: chart.code(r) for r in AccountRole}
    entries_of = entries_by_asset(entries)  # every line carries its entry's asset (EntryDraft)

    for asset_id, s in states.items():
        r = s.resource
        own = entries_of.get(asset_id, [])
        carrying = data_balances(own, chart, as_of, asset_id)
        total_carrying = carrying["inventory"] + carrying["intangible"] + carrying["development"]
        remaining = None
        if s.cls in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD) and s.ready is not None \
                and s.derecognized is None:
            remaining = None if s.life_months is None else s.life_months - s.months_booked
            method = r.amortization_method
            life.append(LifeAndMethodNote(
                asset_id=asset_id, name=r.name, finite=s.life_months is not None,
                useful_life_months=s.life_months, method_zh=label(method.value, "zh"),
                method_en=label(method.value, "en"), residual_value=s.residual, available_for_use=s.ready,
                remaining_months=remaining if method == AmortizationMethod.STRAIGHT_LINE else None,
                carrying_amount=carrying["intangible"], basis=s.life_basis))
        for ch in s.estimate_changes:
            if not _in(ch.date, period_start, as_of):
                continue
            old_left = ch.old_life - ch.months_booked
            new_left = ch.new_life - ch.months_booked
            old_rate = monthly_amount(ch.old_remaining_amortizable, old_left) if old_left > 0 else ZERO
            booked, k = _amortization_of(own, asset_id, period_start, as_of, after=ch.date)
            old_total, rem = ZERO, ch.old_remaining_amortizable
            for i in range(min(k, old_left)):
                amt = month_charge(old_rate, rem, old_left - i)
                old_total += amt
                rem -= amt
            old_future = straight_line_schedule(ch.old_remaining_amortizable, max(old_left, 0))[k:]
            new_future = straight_line_schedule(ch.new_remaining_amortizable, max(new_left, 0))[k:]
            changes.append(EstimateChangeNote(
                asset_id=asset_id, date=ch.date, reason=ch.reason, old_useful_life_months=ch.old_life,
                new_useful_life_months=ch.new_life, old_residual_value=ch.old_residual,
                new_residual_value=ch.new_residual, old_monthly_amount=old_rate,
                new_monthly_amount=monthly_amount(ch.new_remaining_amortizable, new_left),
                effect_on_period_amortization=booked - old_total,
                effect_on_next_twelve_months=sum(new_future[:12], ZERO) - sum(old_future[:12], ZERO),
                effect_on_future_periods=sum(new_future, ZERO) - sum(old_future, ZERO)))
        is_material = r.material if r.material is not None else total_carrying >= policy.materiality_threshold
        if is_material and s.derecognized is None and s.cls in (
                Classification.INVENTORY, Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            material.append(MaterialItem(
                asset_id=asset_id, name=r.name, content=r.description, line_zh=_line_zh(s.cls),
                carrying_amount=total_carrying, remaining_amortization_months=remaining,
                net_realizable_value=s.last_nrv if s.cls == Classification.INVENTORY else None))
        pledged_now = False
        for p in s.pledges:
            if p.since > as_of or (p.released is not None and p.released < period_start):
                continue
            at_end = p.released is None or p.released > as_of
            pledged_now = pledged_now or at_end
            amort, _ = _amortization_of(own, asset_id, period_start, as_of)
            restricted.append(RestrictedItem(
                asset_id=asset_id, name=r.name, line_zh=_line_zh(s.cls), restriction=p.restriction,
                restriction_zh=label(p.restriction.value, "zh"), pledgee=p.pledgee, pledged_on=p.since,
                released_on=p.released if not at_end else None, pledged_at_period_end=at_end,
                secured_amount=p.secured_amount, registration=p.registration, carrying_amount=total_carrying,
                period_amortization=amort))
        exp = cap = ZERO
        for e in own:
            if e.asset_id != asset_id or not _in(e.date, period_start, as_of):
                continue
            for ln in e.lines:
                if ln.account_code == bal_code[AccountRole.RD_EXPENSE]:
                    exp += ln.debit - ln.credit
                if ln.account_code == bal_code[AccountRole.RD_CAPITALIZED] and e.entry_type == EntryType.RD_CAPITALIZED:
                    cap += ln.debit - ln.credit
        if exp or cap:
            rd_items.append(RDItem(asset_id=asset_id, name=r.name, expensed=exp, capitalized=cap))
        if s.cls == Classification.INVENTORY:
            prov = ZERO
            c_cost = ZERO
            for e in own:
                if e.date > as_of:
                    continue
                for ln in e.lines:
                    if ln.asset_id != asset_id:
                        continue
                    if ln.account_code == bal_code[AccountRole.INVENTORY_PROVISION]:
                        prov += ln.credit - ln.debit
                    if ln.account_code == bal_code[AccountRole.DATA_INVENTORY]:
                        c_cost += ln.debit - ln.credit
            inv_items.append(InventoryItem(asset_id=asset_id, name=r.name, cost=c_cost, provision=prov,
                                           carrying_amount=carrying["inventory"], net_realizable_value=s.last_nrv,
                                           pledged=pledged_now))

    impairments: list[ImpairmentNote] = []
    lapses: list[LapseNote] = []
    appraisal: list[AppraisalDisclosure] = []
    provided = reversed_ = ZERO
    # 转销: the provision leaving with units sold or lapsed, read from the books (a periodic weighted
    # average issues it at the month end, apart from the sale event)
    prov_code = chart.code(AccountRole.INVENTORY_PROVISION)
    written_off = sum((ln.debit for e in entries if _in(e.date, period_start, as_of) for ln in e.lines
                       if ln.account_code == prov_code and ln.movement == Movement.DECREASE_WRITE_OFF), ZERO)
    for o in outcomes:
        if not _in(o.date, period_start, as_of):
            continue
        if o.kind == EventKind.IMPAIRMENT_TEST:
            impairments.append(ImpairmentNote(
                asset_id=o.asset_id, date=o.date, carrying_before=o.figures["carrying_before"],
                recoverable_amount=o.figures["recoverable_amount"], loss=o.figures["loss"],
                unreversed_recovery=o.figures["unreversed_recovery"], basis=" ".join(o.rationale)))
        if o.kind == EventKind.NRV_TEST:
            provided += o.figures["write_down"]
            reversed_ += o.figures["reversal"]
        if o.kind == EventKind.LAPSE:
            lapses.append(LapseNote(asset_id=o.asset_id, date=o.date, reason=o.rationale[0],
                                    carrying_written_off=o.figures.get("carrying", ZERO)))
        if o.valuation is not None and o.kind in (EventKind.IMPAIRMENT_TEST, EventKind.NRV_TEST,
                                                  EventKind.CLASSIFIED_HELD_FOR_SALE, *ARRIVAL_KINDS):
            appraisal.append(_appraisal(o, o.valuation, states[o.asset_id].resource.name))

    voluntary = [_voluntary(states[d.asset_id], d, lapses) for d in decisions
                 if states[d.asset_id].resource.nature == ResourceNature.DATA_RESOURCE]
    pledged_inv = sum((i.carrying_amount for i in inv_items if i.pledged), ZERO)
    held = _held_for_sale(books, states, outcomes)
    contract_costs = tuple(_contract_cost(books, s, entries_of.get(a, []), outcomes) for a, s in states.items()
                           if s.cls == Classification.CONTRACT_COST)
    return OtherDisclosures(
        life_and_method=tuple(life), estimate_changes=tuple(changes), material_items=tuple(material),
        restricted_items=tuple(restricted),
        rd=RDNote(items=tuple(rd_items), total_expensed=sum((i.expensed for i in rd_items), ZERO),
                  total_capitalized=sum((i.capitalized for i in rd_items), ZERO)),
        impairments=tuple(impairments),
        inventory=InventoryNote(
            cost_formula=f"{label(policy.inventory_cost_formula.value, 'zh')} "
                         f"{label(policy.inventory_cost_formula.value, 'en')} (CAS 1 art. 14)",
            nrv_basis=policy.nrv_basis,
            provision_method="item by item: provision = max(0, cost − NRV) at each test; reversal up to the "
                             "provision previously made (CAS 1 art. 15-19)",
            provided=provided, reversed=reversed_, written_off=written_off, items=tuple(inv_items),
            pledged_carrying_amount=pledged_inv),
        lapses=tuple(lapses), held_for_sale=held, appraisal=tuple(appraisal), voluntary=tuple(voluntary),
        contract_costs=contract_costs)


def _held_for_sale(books: PeriodBooks, states: Mapping[str, AssetState],
                   outcomes: Sequence[EventOutcome]) -> tuple[HeldForSaleItem, ...]:
    """Held-for-sale data assets still held at the period end or sold within the period (CAS 42)."""
    entries, chart, period_start, as_of = books.entries, books.chart, books.period_start, books.as_of
    classified = [o for o in outcomes if o.kind == EventKind.CLASSIFIED_HELD_FOR_SALE and o.date <= as_of]
    if not classified:
        return ()
    codes = {chart.code(AccountRole.HELD_FOR_SALE_ASSET), chart.code(AccountRole.HELD_FOR_SALE_IMPAIRMENT)}
    ids = {o.asset_id for o in classified}
    net: dict[str, Decimal] = {a: ZERO for a in ids}
    for e in entries:
        if e.date <= as_of and e.asset_id in ids:
            net[e.asset_id] += sum((ln.debit - ln.credit for ln in e.lines if ln.account_code in codes), ZERO)
    items = []
    for o in classified:
        s = states[o.asset_id]
        gone = s.derecognized if s.derecognized is not None and s.derecognized <= as_of else None
        if gone is not None and gone < period_start:
            continue
        items.append(HeldForSaleItem(
            asset_id=o.asset_id, name=s.resource.name, classified_on=o.date,
            carrying_before=o.figures["carrying_before"],
            fair_value_less_costs_to_sell=o.figures["fair_value_less_costs_to_sell"],
            write_down=o.figures["write_down"], carrying_amount=net[o.asset_id], disposed_on=gone,
            basis=" ".join(o.rationale)))
    return tuple(items)


ARRIVAL_KINDS = (EventKind.CONTRIBUTION, EventKind.BUSINESS_COMBINATION, EventKind.GOVERNMENT_GRANT)


def _appraisal(o: EventOutcome, v: ValuationReference, name: str) -> AppraisalDisclosure:
    """Appraisal disclosure text (财会〔2023〕11号 三（二）) from the valuation actually used in a test or in
    measuring a resource that arrived otherwise (contribution, business combination, grant at fair value)."""
    used_zh, used_en = {
        EventKind.IMPAIRMENT_TEST: ("减值测试（可收回金额）", "impairment test (recoverable amount)"),
        EventKind.CLASSIFIED_HELD_FOR_SALE: ("持有待售计量（公允价值减出售费用）",
                                             "held-for-sale measurement (fair value less costs to sell)"),
        EventKind.CONTRIBUTION: ("作价出资（约定价值的公允性核对）", "capital contribution (fair-value check of the "
                                 "agreed value)"),
        EventKind.BUSINESS_COMBINATION: ("企业合并（购买日公允价值）", "business combination (fair value)"),
        EventKind.GOVERNMENT_GRANT: ("政府补助（公允价值）", "government grant (fair value)"),
    }.get(o.kind, ("可变现净值测试", "net realizable value test"))
    effect = o.figures.get("loss", ZERO) + o.figures.get("write_down", ZERO) + o.figures.get("reversal", ZERO) \
        + o.figures.get("unreversed_recovery", ZERO)
    if o.kind in ARRIVAL_KINDS and o.figures.get("cost", ZERO) != o.figures.get("agreed_value", ZERO):
        effect = o.figures.get("cost", ZERO)  # the resource was measured at the appraised fair value
    params_zh = "；".join(f"{p.name}={p.value}（来源：{p.source}；分析比较：{p.analysis}；计算：{p.calculation}）"
                         for p in v.key_parameters) or "无"
    params_en = "; ".join(f"{p.name} = {p.value} (source: {p.source}; analysis and comparison: {p.analysis}; "
                          f"calculation: {p.calculation})" for p in v.key_parameters) or "none"
    zh = (f"{name}于{o.date}进行{used_zh}时采用了资产评估结果：评估报告{v.report_id or '（未编号）'}，评估机构"
          f"{v.appraiser or '（未列明）'}，评估基准日{v.valuation_date}，评估目的{v.purpose}，价值类型{v.value_type}，"
          f"评估结论{v.value}元。信息来源：{'；'.join(v.information_sources) or '未列明'}。"
          f"评估假设：{'；'.join(v.assumptions) or '未列明'}。限制条件：{'；'.join(v.limiting_conditions) or '未列明'}。"
          f"评估方法：{'、'.join(v.methods)}，最终采用{v.concluded_method or v.methods[0]}；方法选择理由："
          f"{v.method_choice or '未列明'}。重要参数：{params_zh}。")
    en = (f"{name}: the {used_en} of {o.date} used appraisal report {v.report_id or '(no id)'} by "
          f"{v.appraiser or '(not stated)'}, valuation date {v.valuation_date}, purpose {v.purpose}, value type "
          f"{v.value_type}, concluded value CNY {v.value}. Information sources: "
          f"{'; '.join(v.information_sources) or 'not stated'}. Assumptions: {'; '.join(v.assumptions) or 'not stated'}. "
          f"Limiting conditions: {'; '.join(v.limiting_conditions) or 'not stated'}. Methods: {', '.join(v.methods)}; "
          f"concluded by {v.concluded_method or v.methods[0]}; reason for the choice: {v.method_choice or 'not stated'}. "
          f"Important parameters: {params_en}. Effect on the statements: CNY {effect}.")
    return AppraisalDisclosure(asset_id=o.asset_id, event_id=o.event_id, used_in=used_en,
                               material_effect=effect != 0, text_zh=zh, text_en=en)


VOLUNTARY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("use_cases", "应用场景、业务模式、创造价值的方式及行业前景", "use cases, business model, value creation and outlook"),
    ("raw_data", "原始数据的类型、规模、来源、权属、质量", "type, scale, source, rights and quality of the raw data"),
    ("processing", "加工维护、安全保护及人才、技术投入", "processing, maintenance, security, people and technology"),
    ("operation", "运营、服务计算、作价出资、流通交易", "operation, service computation, capital contribution, trading"),
    ("major_transactions", "对重大交易事项的影响及风险", "effects on major transactions, and the risks"),
    ("lapse", "相关权利失效的原因、影响及风险", "lapse of rights: cause, effect and risks"),
    ("restrictions", "转让、许可或应用的地域、领域及法律限制", "territorial, field and legal restrictions"),
    ("other", "企业认为有必要披露的其他信息", "other information the entity judges necessary"),
)
"""The eight voluntary items of 财会〔2023〕11号 三 (二) (其他披露要求), in order."""

RECOGNIZED = (Classification.INVENTORY, Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD)


def _voluntary(s: AssetState, d: RecognitionDecision, lapses: Sequence[LapseNote]) -> VoluntaryItem:
    """The eight items as the entity recorded them; the lapse item of a recognized resource also gives the
    carrying amount written off in the period (its cost, amortization and provision are in Table A/B)."""
    facts = s.resource.voluntary
    entries = []
    for k, (key, zh, en) in enumerate(VOLUNTARY_ITEMS, start=1):
        text = getattr(facts, key).strip()
        if key == "lapse" and d.classification in RECOGNIZED:
            written = [n for n in lapses if n.asset_id == d.asset_id]
            if written:
                booked = "; ".join(f"{n.date} 失效终止确认，账面价值 {n.carrying_written_off:,} 计入营业外支出 written off to "
                                   f"营业外支出 (CAS 6 art. 21)" for n in written)
                text = f"{text} {booked}".strip()
        entries.append(VoluntaryEntry(number=k, title_zh=zh, title_en=en, text=text or "未披露 not disclosed",
                                      disclosed=bool(text)))
    return VoluntaryItem(asset_id=d.asset_id, name=d.name, classification=d.classification,
                         recognized=d.classification in RECOGNIZED,
                         reason="" if d.classification in RECOGNIZED else " ".join(d.rationale), items=tuple(entries))


def _contract_cost(books: PeriodBooks, s: AssetState, own: Sequence[JournalEntry],
                   outcomes: Sequence[EventOutcome]) -> ContractCostNote:
    """One contract's 合同履约成本: balances at the period end (from the asset's own entries ``own``) and the
    period's amortization, loss and reversal."""
    contract = s.resource.contract
    assert contract is not None
    cost_code = books.chart.code(AccountRole.CONTRACT_COST)
    provision_code = books.chart.code(AccountRole.CONTRACT_COST_IMPAIRMENT)
    cost = provision = ZERO
    for e in own:
        for ln in e.lines:
            if ln.asset_id != s.resource.asset_id:
                continue
            if ln.account_code == cost_code:
                cost += ln.debit - ln.credit
            elif ln.account_code == provision_code:
                provision += ln.credit - ln.debit
    mine = [o for o in outcomes if o.asset_id == s.resource.asset_id and _in(o.date, books.period_start, books.as_of)]
    return ContractCostNote(
        asset_id=s.resource.asset_id, name=s.resource.name, contract_id=contract.contract_id, cost=cost,
        provision=provision, carrying_amount=cost - provision,
        amortized=sum((o.figures.get("amortization", ZERO) for o in mine), ZERO),
        impairment_loss=sum((o.figures.get("loss", ZERO) for o in mine if o.kind == EventKind.IMPAIRMENT_TEST), ZERO),
        reversal=sum((o.figures.get("reversal", ZERO) for o in mine if o.kind == EventKind.IMPAIRMENT_TEST), ZERO),
        units_delivered=s.units_used, service_units=contract.service_units)
