"""Lifecycle events of data resources, a discriminated union on ``kind``.

Amounts are CNY excluding VAT unless a field says otherwise. ``counter_account`` / ``settled_to``
are account codes of the chart (default: the cash account). ``recorded_on`` is when the event was
entered in the books; it decides whether a back-dated event falls in a closed period.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from accounting.enums import (
    AccountedThen,
    CostCategory,
    EventKind,
    RDPhase,
    RecoverableBasis,
    RestrictionKind,
)
from accounting.money import Amount, Quantity
from base.models import FrozenModel
from base.money import MAX_AMOUNT
from base.ranges import InputDate


class CostLine(FrozenModel):
    """One cost line: category, amount excluding VAT, the VAT on it and whether it is deductible."""

    category: CostCategory
    amount: Amount
    vat: Amount = Decimal("0.00")
    vat_deductible: bool = True
    counter_account: str | None = Field(None, description="credit account code; default cash")
    description: str = ""


class ValuationReference(FrozenModel):
    """The appraisal behind a recoverable amount or NRV, for the appraisal disclosure (财会〔2023〕11号 三（二）).

    Accounting receives only these numbers and words; it never runs or imports the valuation.
    """

    report_id: str = ""
    appraiser: str = ""
    valuation_date: dt.date
    purpose: str = "financial_reporting"
    value_type: str = "value_in_use"
    methods: tuple[str, ...] = Field(min_length=1)
    concluded_method: str = ""
    value: Amount
    information_sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    limiting_conditions: tuple[str, ...] = ()
    method_choice: str = ""
    key_parameters: tuple[KeyParameter, ...] = ()


class ValuationLink(FrozenModel):
    """Where a recoverable amount or an NRV comes from: a valuation saved in the register, or a result file
    of ``dataval value -o result.json``, and the asset in it (default: the event's asset).

    The shell resolves the link before booking (``bridges.appraisal``): it fills the amount and the
    appraisal reference from the valuation, so nothing is typed twice. ``basis`` says which measure of
    CAS 8 art. 5 the appraisal is; a value in use must be pre-tax (art. 12-13): an after-tax income value
    is refused unless ``convert_to_pre_tax`` (the pre-tax rate is then solved and disclosed), with
    ``tax_rate`` to gross after-tax flows up. ``costs_of_disposal`` are deducted from a fair value.
    """

    result_file: str | None = Field(None, description="a result file of dataval value -o (path relative to "
                                                      "the books file)")
    register_valuation: int | None = Field(None, ge=1, description="a valuation saved in the register")
    asset_id: str | None = Field(None, max_length=64)
    basis: RecoverableBasis | None = None
    costs_of_disposal: Amount = Decimal("0.00")
    convert_to_pre_tax: bool = False
    tax_rate: Decimal | None = Field(None, ge=0, lt=1, description="income-tax rate T for the conversion")

    @model_validator(mode="after")
    def _one_source(self) -> ValuationLink:
        if (self.result_file is None) == (self.register_valuation is None):
            raise ValueError("name exactly one valuation: result_file or register_valuation")
        return self


class KeyParameter(FrozenModel):
    """An important parameter: value, source, analysis and comparison, calculation."""

    name: str
    value: str
    source: str = ""
    analysis: str = ""
    calculation: str = ""


class _EventBase(FrozenModel):
    event_id: str = Field("", max_length=64)
    asset_id: str = Field(min_length=1, max_length=64)
    date: InputDate = Field(description="the event's date, 1990-01-01 … 2100-12-31")
    recorded_on: InputDate | None = None
    memo: str = ""


ACCOUNTED_THEN = Field(None, description="spending before 2024-01-01: how the entity accounted for it then "
                                          "(expensed | capitalized); required for such spending")


class Purchase(_EventBase):
    """Acquire the resource (or part of it): cost lines; ``quantity`` units for inventory."""

    kind: Literal[EventKind.PURCHASE] = EventKind.PURCHASE
    cost_lines: tuple[CostLine, ...] = Field(min_length=1)
    quantity: Quantity = Decimal("1")
    accounted_then: AccountedThen | None = ACCOUNTED_THEN


class RDSpend(_EventBase):
    """R&D spending. ``phase`` None: taken from the resource's development_start.

    ``capitalize`` True asserts capitalization (refused unless all five criteria are proven).
    """

    kind: Literal[EventKind.RD_SPEND] = EventKind.RD_SPEND
    phase: RDPhase | None = None
    cost_lines: tuple[CostLine, ...] = Field(min_length=1)
    capitalize: bool | None = None
    accounted_then: AccountedThen | None = ACCOUNTED_THEN


class Processing(_EventBase):
    """Processing and other attributable costs (采集、脱敏、清洗、标注、整合、分析、可视化 ...)."""

    kind: Literal[EventKind.PROCESSING] = EventKind.PROCESSING
    cost_lines: tuple[CostLine, ...] = Field(min_length=1)
    quantity: Decimal = Field(Decimal("0"), ge=0, le=MAX_AMOUNT, description="units produced (inventory)")
    accounted_then: AccountedThen | None = ACCOUNTED_THEN


class CriteriaMet(_EventBase):
    """Declares that all five CAS 6 art. 9 criteria are met from this date."""

    kind: Literal[EventKind.CRITERIA_MET] = EventKind.CRITERIA_MET


class ReadyForUse(_EventBase):
    """The asset is available for its intended use (amortization starts this month)."""

    kind: Literal[EventKind.READY_FOR_USE] = EventKind.READY_FOR_USE


class Amortization(_EventBase):
    """Book amortization through the end of this event's month; ``units`` for units of usage."""

    kind: Literal[EventKind.AMORTIZATION] = EventKind.AMORTIZATION
    units: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT)


class ImpairmentTest(_EventBase):
    """CAS 8 test: recoverable amount (higher of FVLCD and value in use) arrives as a number."""

    kind: Literal[EventKind.IMPAIRMENT_TEST] = EventKind.IMPAIRMENT_TEST
    recoverable_amount: Amount
    basis: str = Field("", description="how the recoverable amount was determined")
    valuation: ValuationReference | None = None
    from_valuation: ValuationLink | None = None


class NRVTest(_EventBase):
    """CAS 1 lower of cost and NRV. Give ``nrv`` or the selling price and the deductions."""

    kind: Literal[EventKind.NRV_TEST] = EventKind.NRV_TEST
    nrv: Amount | None = None
    estimated_selling_price: Amount | None = None
    costs_to_complete: Amount = Decimal("0.00")
    selling_costs: Amount = Decimal("0.00")
    related_taxes: Amount = Decimal("0.00")
    basis: str = ""
    valuation: ValuationReference | None = None
    from_valuation: ValuationLink | None = None

    @model_validator(mode="after")
    def _nrv_given(self) -> NRVTest:
        if self.nrv is None and self.estimated_selling_price is None:
            raise ValueError("give nrv or estimated_selling_price")
        return self

    def net_realizable_value(self) -> Decimal:
        """NRV = selling price − costs to complete − selling costs − related taxes (CAS 1 art. 15)."""
        if self.nrv is not None:
            return self.nrv
        assert self.estimated_selling_price is not None
        return max(Decimal("0.00"), self.estimated_selling_price - self.costs_to_complete
                   - self.selling_costs - self.related_taxes)


class Sale(_EventBase):
    """Sale of data inventory (``quantity`` units at ``price`` excl. VAT); on an intangible: a disposal."""

    kind: Literal[EventKind.SALE] = EventKind.SALE
    quantity: Quantity = Decimal("1")
    lot_ids: tuple[str, ...] = Field((), description="specific identification: the lots sold, in order")
    price: Amount
    vat_rate: Decimal | None = Field(None, ge=0, le=1, description="default: policy.vat_rate")
    settled_to: str | None = None


class LicenceRevenue(_EventBase):
    """Licence fee for a data product the entity keeps control of (CAS 14 revenue)."""

    kind: Literal[EventKind.LICENCE_REVENUE] = EventKind.LICENCE_REVENUE
    amount: Amount
    vat_rate: Decimal | None = Field(None, ge=0, le=1)
    settled_to: str | None = None
    revenue_account: str | None = None


class Lapse(_EventBase):
    """Rights lapse, data obsolete, compliance ban: derecognize, loss to 营业外支出."""

    kind: Literal[EventKind.LAPSE] = EventKind.LAPSE
    reason: str = Field(min_length=1)


class Disposal(_EventBase):
    """Disposal of a data intangible for ``proceeds`` (excl. VAT); difference to 资产处置损益."""

    kind: Literal[EventKind.DISPOSAL] = EventKind.DISPOSAL
    proceeds: Amount = Decimal("0.00")
    vat_rate: Decimal | None = Field(None, ge=0, le=1)
    settled_to: str | None = None


class Pledge(_EventBase):
    """The resource is pledged (质押) or otherwise restricted from this date: ``restriction`` says why
    (court seizure, contractual lock-up, export control ...); ``pledgee`` is the party in whose favour
    (the creditor, the court, the counterparty or the authority)."""

    kind: Literal[EventKind.PLEDGE] = EventKind.PLEDGE
    restriction: RestrictionKind = RestrictionKind.PLEDGE
    pledgee: str = Field(min_length=1)
    secured_amount: Amount | None = None
    registration: str = ""


class PledgeRelease(_EventBase):
    """The pledge is released."""

    kind: Literal[EventKind.PLEDGE_RELEASE] = EventKind.PLEDGE_RELEASE


class ChangeOfEstimate(_EventBase):
    """CAS 28 change in estimate, prospective: new total life (months from ready) and/or residual."""

    kind: Literal[EventKind.CHANGE_OF_ESTIMATE] = EventKind.CHANGE_OF_ESTIMATE
    useful_life_months: int | None = Field(None, ge=1, le=1200)
    residual_value: Amount | None = None
    reason: str = Field(min_length=1)


class ClassifiedHeldForSale(_EventBase):
    """A data intangible is classified as held for sale (CAS 42 art. 6-7): amortization stops (art. 13)
    and it is measured at the lower of its carrying amount and fair value less costs to sell (art. 10)."""

    kind: Literal[EventKind.CLASSIFIED_HELD_FOR_SALE] = EventKind.CLASSIFIED_HELD_FOR_SALE
    fair_value_less_costs_to_sell: Amount
    expected_disposal_by: dt.date | None = Field(None, description="normally within one year (CAS 42 art. 7)")
    basis: str = Field(min_length=1, description="why the sale is highly probable: decision taken, buyer "
                                                 "commitment, expected within one year (CAS 42 art. 7)")
    valuation: ValuationReference | None = None


class OpeningBalance(_EventBase):
    """期初余额: the resource's balances as the entity carried them at the close of ``date`` (CAS 6 / CAS 1
    applied before this book starts; 财会〔2023〕11号 part 四), so a book can start from any period.

    ``cost`` is 账面原值 (无形资产, 存货, or 开发支出 while still in development); ``accumulated_amortization``
    and ``provision`` (减值准备 / 存货跌价准备) are carried as they stood; an intangible in use gives the
    months of life left (``remaining_life_months``) and when it became available for use.
    """

    kind: Literal[EventKind.OPENING_BALANCE] = EventKind.OPENING_BALANCE
    cost: Amount
    accumulated_amortization: Amount = Decimal("0.00")
    provision: Amount = Decimal("0.00")
    remaining_life_months: int | None = Field(None, ge=1, le=1200)
    ready_for_use_on: dt.date | None = Field(None, description="available for use since; None = still in "
                                                                "development (开发支出) or inventory")
    quantity: Quantity = Decimal("1")
    source: str = Field(min_length=1, description="where the figures come from (e.g. audited 2024 balance "
                                                  "sheet, general ledger 1701.01)")

    @model_validator(mode="after")
    def _carrying_not_negative(self) -> OpeningBalance:
        if self.accumulated_amortization + self.provision > self.cost:
            raise ValueError(f"accumulated amortization {self.accumulated_amortization} + provision "
                             f"{self.provision} exceed the cost {self.cost}")
        if self.ready_for_use_on is not None and self.ready_for_use_on > self.date:
            raise ValueError(f"ready_for_use_on {self.ready_for_use_on} is after the balance date {self.date}")
        return self


class Contribution(_EventBase):
    """作价出资: an investor contributes the data resource. Cost = the value agreed in the investment contract,
    unless it is not fair, then fair value (CAS 6 art. 14; inventory CAS 1 art. 11); 实收资本 takes the
    investor's share of registered capital and 资本公积—资本溢价 the excess."""

    kind: Literal[EventKind.CONTRIBUTION] = EventKind.CONTRIBUTION
    investor: str = Field(min_length=1)
    agreed_value: Amount
    agreed_value_fair: bool = True
    fair_value: Amount | None = None
    unfair_reason: str = Field("", description="why the agreed value is not fair (e.g. the appraisal)")
    share_capital: Amount = Field(description="the investor's share of registered capital (实收资本/股本)")
    quantity: Quantity = Decimal("1")
    valuation: ValuationReference | None = None
    from_valuation: ValuationLink | None = Field(None, description="the capital-contribution appraisal (作价出资评估): "
                                                 "its concluded market value is the fair value checked")
    deviation_reason: str = Field("", description="why the agreed value is fair although it differs from the fair "
                                  "value by more than 10 %")

    @model_validator(mode="after")
    def _fair_value_when_needed(self) -> Contribution:
        if not self.agreed_value_fair and (self.fair_value is None or not self.unfair_reason.strip()):
            raise ValueError("an agreed value that is not fair needs the fair value and the reason (CAS 6 art. 14)")
        return self


class BusinessCombination(_EventBase):
    """Acquired in a business combination (CAS 20): not under common control at fair value at the acquisition
    date, identifiable apart from goodwill; under common control at the carrying amount in the ultimate
    controller's consolidated statements, the difference from the consideration to 资本公积."""

    kind: Literal[EventKind.BUSINESS_COMBINATION] = EventKind.BUSINESS_COMBINATION
    acquiree: str = Field(min_length=1)
    common_control: bool
    fair_value: Amount | None = None
    carrying_amount: Amount | None = None
    consideration: Amount | None = Field(None, description="common control: the consideration for the data resource")
    settled_to: str | None = None
    quantity: Quantity = Decimal("1")
    valuation: ValuationReference | None = None

    @model_validator(mode="after")
    def _measure_given(self) -> BusinessCombination:
        if not self.common_control and self.fair_value is None:
            raise ValueError("not under common control: give the fair value at the acquisition date (CAS 20 art. 14)")
        if self.common_control and (self.carrying_amount is None or self.consideration is None):
            raise ValueError("under common control: give the carrying amount and the consideration (CAS 20 art. 6)")
        return self


class GovernmentGrant(_EventBase):
    """A non-monetary government grant of data or of a data right, received free (CAS 16 art. 7-8): at fair
    value, or a nominal CNY 1 when fair value cannot be measured reliably. Public data under authorized
    operation with fees or obligations is no grant: book it as a purchase."""

    kind: Literal[EventKind.GOVERNMENT_GRANT] = EventKind.GOVERNMENT_GRANT
    grantor: str = Field(min_length=1)
    free: bool = Field(description="received without fees or obligations in return")
    fair_value: Amount | None = Field(None, description="None: fair value not reliable, nominal CNY 1")
    basis: str = Field(min_length=1, description="evidence of the fair value, or why it cannot be measured")
    daily_activities: bool = Field(True, description="tied to daily activities: 其他收益, else 营业外收入 (art. 11)")
    valuation: ValuationReference | None = None


class NonMonetaryExchange(_EventBase):
    """非货币性资产交换 (CAS 7): the data resource ``asset_id`` is received for another non-monetary asset — a
    data resource of these books (``given_asset_id``, derecognized by this event) or any other asset
    (``given_account`` credited with ``given_carrying_amount``). Fair value basis when the exchange has
    commercial substance and a fair value is reliable (the asset given's, or the one received's when that is
    more reliable), else the carrying amount with no gain; boot (补价) paid or received in both."""

    kind: Literal[EventKind.EXCHANGE] = EventKind.EXCHANGE
    counterparty: str = Field(min_length=1)
    given_asset_id: str | None = Field(None, max_length=64, description="a data resource of these books given")
    given_description: str = Field("", description="what was given, when it is not a data resource of these books")
    given_account: str | None = Field(None, description="its account, credited with its carrying amount")
    given_carrying_amount: Amount | None = None
    given_fair_value: Amount | None = None
    received_fair_value: Amount | None = Field(None, description="when the received asset's fair value is the "
                                               "more reliable (CAS 7 art. 3)")
    commercial_substance: bool = Field(description="具有商业实质 (CAS 7 art. 4)")
    boot_paid: Amount = Decimal("0.00")
    boot_received: Amount = Decimal("0.00")
    related_taxes: Amount = Field(Decimal("0.00"), description="taxes paid for the asset received, capitalized")
    settled_to: str | None = None
    basis: str = Field(min_length=1, description="evidence: the contract, the fair values' source, the substance")
    valuation: ValuationReference | None = None

    @model_validator(mode="after")
    def _one_asset_given(self) -> NonMonetaryExchange:
        mine = self.given_asset_id is not None
        other = self.given_account is not None or self.given_carrying_amount is not None
        if mine == other or (other and (self.given_account is None or self.given_carrying_amount is None)):
            raise ValueError("name the asset given: given_asset_id (a data resource of these books), or "
                             "given_account with given_carrying_amount (any other asset)")
        if self.given_asset_id == self.asset_id:
            raise ValueError("the asset given and the asset received are the same")
        if self.boot_paid > 0 and self.boot_received > 0:
            raise ValueError("boot is paid or received, not both")
        return self


class EventReversal(_EventBase):
    """事项冲销: cancels a recorded event of the same asset (recorded events are never edited). The engine
    books as if the reversed event had not happened; entries it had already posted are reversed by
    reversal entries when the register posts again (in an open period only)."""

    kind: Literal[EventKind.EVENT_REVERSAL] = EventKind.EVENT_REVERSAL
    reverses: str = Field(min_length=1, max_length=80, description="the event_id of the event cancelled")
    reason: str = Field(min_length=1, description="why it is cancelled (e.g. wrong amount; re-entered as …)")


Event = Annotated[
    Purchase | RDSpend | Processing | CriteriaMet | ReadyForUse | Amortization | ImpairmentTest
    | NRVTest | Sale | LicenceRevenue | Lapse | Disposal | Pledge | PledgeRelease | ChangeOfEstimate
    | ClassifiedHeldForSale | OpeningBalance | Contribution | BusinessCombination | GovernmentGrant
    | NonMonetaryExchange | EventReversal,
    Field(discriminator="kind"),
]

EVENT_NAMES: dict[EventKind, tuple[str, str]] = {
    EventKind.OPENING_BALANCE: ("期初余额", "opening balance"),
    EventKind.PURCHASE: ("外购", "purchase"),
    EventKind.PROCESSING: ("加工", "processing"),
    EventKind.RD_SPEND: ("研发支出", "R&D spending"),
    EventKind.CRITERIA_MET: ("满足资本化条件", "capitalization criteria met"),
    EventKind.READY_FOR_USE: ("达到预定用途", "ready for use"),
    EventKind.AMORTIZATION: ("摊销（工作量法）", "amortization (units of usage)"),
    EventKind.IMPAIRMENT_TEST: ("减值测试", "impairment test"),
    EventKind.NRV_TEST: ("可变现净值测试", "net realisable value test"),
    EventKind.SALE: ("出售", "sale"),
    EventKind.LICENCE_REVENUE: ("授权使用收入", "licence revenue"),
    EventKind.CHANGE_OF_ESTIMATE: ("会计估计变更", "change of estimate"),
    EventKind.PLEDGE: ("质押及其他受限", "pledge or other restriction"),
    EventKind.PLEDGE_RELEASE: ("解除质押/受限", "pledge or restriction released"),
    EventKind.CLASSIFIED_HELD_FOR_SALE: ("划分为持有待售", "classified as held for sale"),
    EventKind.LAPSE: ("权利失效", "rights lapse"),
    EventKind.DISPOSAL: ("处置", "disposal"),
    EventKind.CONTRIBUTION: ("接受作价出资", "contribution by an investor"),
    EventKind.BUSINESS_COMBINATION: ("企业合并取得", "business combination"),
    EventKind.GOVERNMENT_GRANT: ("政府补助取得", "government grant"),
    EventKind.EXCHANGE: ("非货币性资产交换换入", "received in a non-monetary exchange"),
    EventKind.EVENT_REVERSAL: ("事项冲销", "event reversal"),
}


def effective_events(events: tuple[Event, ...]) -> tuple[Event, ...]:
    """The events that are booked: without the reversal events and the events they cancel."""
    cancelled = {e.reverses for e in events if isinstance(e, EventReversal)}
    return tuple(e for e in events if not isinstance(e, EventReversal) and e.event_id not in cancelled)

ValuationReference.model_rebuild()
