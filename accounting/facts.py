"""Facts about one data resource, validated at the edge.

Every fact the classifier needs is optional so that a missing one is *reported* (asked, never
guessed): ``None`` means "not answered".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from accounting.enums import (
    AmortizationMethod,
    BusinessModel,
    DataRight,
    Formation,
    HoldingPurpose,
    ResourceNature,
    RightSource,
)
from accounting.money import Amount
from base.models import FrozenModel


class RightHeld(FrozenModel):
    """A data right the entity holds, its source and any term limit (数据二十条 three rights)."""

    right: DataRight
    source: RightSource
    term_end: date | None = Field(None, description="last day the right may be exercised")
    basis: str = Field("", description="the agreement, licence or law behind the right and its term")


class Criterion(FrozenModel):
    """One CAS 6 art. 9 criterion: whether it holds, the evidence, the date first met."""

    met: bool
    evidence: str = ""
    date_met: date | None = None

    def proven(self) -> bool:
        """Met, with evidence and a date."""
        return self.met and bool(self.evidence.strip()) and self.date_met is not None


CRITERIA_NAMES: dict[str, tuple[str, str]] = {
    "technical_feasibility": ("完成该无形资产以使其能够使用或出售在技术上具有可行性",
                              "technically feasible to complete for use or sale"),
    "intention": ("具有完成该无形资产并使用或出售的意图", "intention to complete and use or sell"),
    "benefit_demonstrated": ("能够证明其产生经济利益的方式（存在市场或内部使用有用性）",
                             "how it generates benefits is demonstrated (market or usefulness)"),
    "adequate_resources": ("有足够的技术、财务和其他资源支持完成开发并使用或出售",
                           "adequate technical, financial and other resources"),
    "reliable_measurement": ("归属于开发阶段的支出能够可靠计量",
                             "development expenditure measurable reliably"),
}


class FiveCriteria(FrozenModel):
    """The five capitalization criteria of CAS 6 art. 9 (IAS 38.57 (a)-(f) has the same substance)."""

    technical_feasibility: Criterion | None = None
    intention: Criterion | None = None
    benefit_demonstrated: Criterion | None = None
    adequate_resources: Criterion | None = None
    reliable_measurement: Criterion | None = None

    def unproven(self, on: date | None = None) -> list[str]:
        """Names of criteria not met with evidence (and, if ``on`` is given, not met by that date)."""
        out = []
        for name in CRITERIA_NAMES:
            c: Criterion | None = getattr(self, name)
            if c is None or not c.proven() or (on is not None and c.date_met is not None and c.date_met > on):
                out.append(name)
        return out

    def date_all_met(self) -> date | None:
        """The date all five are first met (the latest of the five dates), or None."""
        if self.unproven():
            return None
        # Every criterion is proven here, so every date_met is set.
        dates: list[date] = [getattr(self, n).date_met for n in CRITERIA_NAMES]
        return max(dates)


class Renewal(FrozenModel):
    """续期 a renewal of the rights, counted in the useful life only with evidence that it will be renewed
    without significant cost (CAS 6 art. 17 and its application guidance); otherwise the term caps the life."""

    months: int = Field(ge=1, le=1200, description="months the renewal adds to the term")
    evidence: str = Field(min_length=1, description="e.g. renewal clause, past renewals, regulator's practice")
    without_significant_cost: bool = Field(description="the renewal costs nothing significant")


class ContractFacts(FrozenModel):
    """A customer contract the data resource is used to fulfil, and the three conditions of CAS 14 art. 26
    under which its costs are 合同履约成本 (each with its evidence)."""

    contract_id: str = Field(min_length=1)
    directly_related: bool = Field(description="与一份当前或预期取得的合同直接相关")
    generates_resources: bool = Field(description="增加了企业未来用于履行履约义务的资源")
    expected_recovered: bool = Field(description="该成本预期能够收回")
    evidence: str = Field(min_length=1)
    service_units: Decimal = Field(gt=0, description="units of service the contract delivers (amortization, art. 29)")

    def conditions_met(self) -> bool:
        return self.directly_related and self.generates_resources and self.expected_recovered


class VoluntaryFacts(FrozenModel):
    """What the entity records for the voluntary disclosure of a data resource (财会〔2023〕11号 三 (二)
    其他披露要求), one text per item; an item left empty is shown as not disclosed, never invented."""

    use_cases: str = Field("", description="(1) 应用场景、业务模式、对企业创造价值的方式，及相关宏观经济和行业领域前景")
    raw_data: str = Field("", description="(2) 原始数据的类型、规模、来源、权属、质量")
    processing: str = Field("", description="(3) 加工维护和安全保护情况，及相关人才、关键技术等的持有和投入情况")
    operation: str = Field("", description="(4) 应用情况：产品或服务运营、服务计算、作价出资、流通交易")
    major_transactions: str = Field("", description="(5) 对重大交易事项的影响及风险（经营、投融资、质押融资、关联方及承诺、"
                                                    "或有、债务重组、资产置换等）")
    lapse: str = Field("", description="(6) 相关权利失效的原因、影响及风险")
    restrictions: str = Field("", description="(7) 转让、许可或应用的地域、领域及法律限制")
    other: str = Field("", description="(8) 企业认为有必要披露的其他数据资源相关信息")


class UsefulLifeFactors(FrozenModel):
    """Useful-life factors the provisions name (财会〔2023〕11号 二; CAS 6 art. 17)."""

    estimated_months: int | None = Field(None, ge=1, le=1200, description="management's estimate")
    indefinite: bool = False
    indefinite_reasons: str = ""
    business_model: str = ""
    rights_restrictions: str = ""
    update_frequency: str = ""
    iteration: str = ""
    competitors: str = ""
    renewal: Renewal | None = None

    @model_validator(mode="after")
    def _finite_or_not(self) -> UsefulLifeFactors:
        if self.indefinite and self.estimated_months is not None:
            raise ValueError("an indefinite life has no estimated_months")
        if self.indefinite and not self.indefinite_reasons.strip():
            raise ValueError("an indefinite life needs indefinite_reasons (disclosed, CAS 6 art. 17)")
        return self


class DataResource(FrozenModel):
    """One data resource: what it is for, how it was formed, control, rights, criteria, life.

    Amounts in CNY. ``expense_account`` and ``amortization_account`` are account codes of the chart
    used instead of the defaults (管理费用, or 主营业务成本 when the data serves customers).
    """

    asset_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    nature: ResourceNature = ResourceNature.DATA_RESOURCE
    purpose: HoldingPurpose | None = None
    formation: Formation | None = None
    business_model: BusinessModel | None = None
    # control and the intangible definition (CAS 6 art. 3)
    controlled: bool | None = None
    control_evidence: str = ""
    registration_certificate: str | None = None
    rights: tuple[RightHeld, ...] = ()
    separable: bool | None = None
    contractual_or_legal_rights: bool | None = None
    # recognition (CAS 6 art. 4; CAS 1 art. 4)
    benefits_probable: bool | None = None
    benefits_evidence: str = ""
    cost_reliably_measurable: bool | None = None
    # internal R&D (CAS 6 art. 7-10)
    research_start: date | None = None
    development_start: date | None = None
    phases_separable: bool = True
    criteria: FiveCriteria = FiveCriteria()
    # subsequent measurement (CAS 6 art. 17-21)
    useful_life: UsefulLifeFactors | None = None
    amortization_method: AmortizationMethod = AmortizationMethod.STRAIGHT_LINE
    expected_total_units: Decimal | None = Field(None, gt=0, description="units of usage over the life")
    residual_value: Amount = Decimal("0.00")
    amortization_account: str | None = None
    expense_account: str | None = None
    material: bool | None = Field(None, description="force (True/False) the material-item disclosure")
    voluntary: VoluntaryFacts = VoluntaryFacts()
    contract: ContractFacts | None = Field(None, description="the customer contract the data fulfils (CAS 14)")

    @model_validator(mode="after")
    def _consistent(self) -> DataResource:
        if (self.research_start and self.development_start
                and self.development_start < self.research_start):
            raise ValueError(
                f"development_start {self.development_start} is before research_start {self.research_start}"
            )
        if self.amortization_method == AmortizationMethod.UNITS_OF_USAGE and self.expected_total_units is None:
            raise ValueError("units_of_usage amortization needs expected_total_units")
        return self

    def rights_term_end(self) -> date | None:
        """The earliest term end among the rights held (the cap on useful life), or None."""
        ends = [r.term_end for r in self.rights if r.term_end is not None]
        return min(ends) if ends else None
