"""Results of a pledge assessment: frozen models whose ``model_dump(mode="json")`` a shell renders.

Money is float CNY (schedules hold fen-rounded amounts); ratios are decimals (0.7 = 70 %); a field's
``title`` is its Chinese label for the credit memo, ``description`` its unit.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from base.models import FrozenModel
from pledge.models import PaymentFrequency, Registry, RepaymentType
from valuation.models import Method


class LoanConstraint(StrEnum):
    """The four limits on the loan (docs/pledge.md §Maximum loan)."""

    POLICY_PLEDGE_RATE = "policy_pledge_rate"  # 质押率上限
    LIQUIDATION_LTV = "liquidation_ltv"  # 清算价值抵质押率上限
    DSCR = "dscr"  # 偿债覆盖率
    SHORTFALL_PROBABILITY = "shortfall_probability"  # 押品不足概率目标


class CovenantKind(StrEnum):
    """Maintenance covenants checked each period."""

    LTV_WARNING = "ltv_warning"  # 预警线
    LTV_MAX = "ltv_max"  # 平仓线
    COVERAGE_MIN = "coverage_min"  # 最低覆盖率
    SHORTFALL = "shortfall"  # 押品不足（清算价值 < 敞口）— reverse stress only


class TriggerKind(StrEnum):
    """What a covenant breach sets off."""

    REVALUATION = "revaluation"  # 重新评估
    MARGIN_CALL = "margin_call"  # 追加保证金/提前还款
    TOP_UP = "top_up"  # 补充质押物


TRIGGER_OF: dict[CovenantKind, TriggerKind] = {
    CovenantKind.LTV_WARNING: TriggerKind.REVALUATION,
    CovenantKind.LTV_MAX: TriggerKind.MARGIN_CALL,
    CovenantKind.COVERAGE_MIN: TriggerKind.TOP_UP,
}

LABELS: dict[str, tuple[str, str]] = {
    "policy_pledge_rate": ("质押率上限", "pledge-rate cap"),
    "liquidation_ltv": ("清算价值抵质押率上限", "liquidation LTV cap"),
    "dscr": ("偿债覆盖率", "DSCR"),
    "shortfall_probability": ("押品不足概率目标", "shortfall target"),
    "ltv_warning": ("预警线", "LTV warning line"),
    "ltv_max": ("平仓线", "LTV liquidation line"),
    "coverage_min": ("最低覆盖率", "minimum coverage"),
    "shortfall": ("押品不足", "collateral shortfall"),
    "revaluation": ("重新评估", "revaluation"),
    "margin_call": ("追加保证金", "margin call"),
    "top_up": ("补充质押物", "top-up of collateral"),
    "level_payment": ("等额本息", "level payment"),
    "equal_principal": ("等额本金", "equal principal"),
    "interest_only_bullet": ("按期付息、到期还本", "interest only, bullet repayment"),
    "max_loan": ("最高可贷额度", "maximum loan"),
    "pledge_rate": ("质押率", "pledge rate"),
    "ltv": ("抵质押率 LTV", "loan to value"),
    "coverage": ("覆盖率", "coverage"),
    "collateral_value": ("押品价值", "collateral value"),
    "liquidation_value": ("清算价值", "liquidation value"),
    "expected_loss": ("预期损失", "expected loss"),
    # the asset classes of the bundled bank policy (data/bank_policy.json); a bank's own classes show as written
    "enterprise_data_product": ("企业数据产品", "enterprise data product"),
    "public_data_operation": ("公共数据授权运营", "public data authorized operation"),
    "data_ip": ("数据知识产权", "data intellectual property"),
}
"""(中文, English) of the pledge engine's limits, covenants, triggers, repayment forms, figures and the
bundled policy's asset classes."""

LABELS_ZH: dict[str, str] = {code: zh for code, (zh, _) in LABELS.items()}
"""The Chinese of :data:`LABELS`, as the credit memo prints it."""


def labelled(code: object) -> str:
    """A pledge code as a reader sees it, ``中文 (English)``: ``ltv_max`` -> ``平仓线 (LTV liquidation line)``."""
    text = str(getattr(code, "value", code))
    zh, en = LABELS.get(text, (text, text.replace("_", " ")))
    return f"{zh} ({en})"


# ----------------------------------------------------------------------------------------- schedule


class ScheduleRow(FrozenModel):
    """One period of the repayment schedule, CNY rounded to the fen."""

    period: int
    month: int = Field(description="months from drawdown to the due date")
    due_date: date | None = Field(None, title="还款日")
    opening_balance: float = Field(title="期初本金")
    interest: float = Field(title="利息")
    principal: float = Field(title="本金")
    payment: float = Field(title="本息合计", description="interest + principal")
    fee: float = Field(title="费用")
    total_outflow: float = Field(title="当期支付合计", description="payment + fee")
    closing_balance: float = Field(title="期末本金")


class RepaymentSchedule(FrozenModel):
    """还款计划 (conventions in ``pledge/schedule.py``: fen rounding, last period absorbs remainder)."""

    amount: float = Field(title="贷款金额", description="CNY")
    repayment: RepaymentType = Field(title="还款方式")
    frequency: PaymentFrequency
    grace_periods: int
    period_rate: float = Field(title="期利率", description="annual rate × months / 12")
    level_payment: float | None = Field(None, title="每期还款额", description="level payment only")
    rows: tuple[ScheduleRow, ...]
    upfront_fees: float = Field(title="前端费用", description="CNY at drawdown")
    total_interest: float = Field(title="利息合计")
    total_fees: float = Field(title="费用合计")
    all_in_annual_cost: float | None = Field(
        title="综合融资成本",
        description="effective annual rate; None when not defined (the fees at drawdown take the whole loan)")


# ----------------------------------------------------------------------------------------- collateral


class LiquidationValue(FrozenModel):
    """清算价值 (docs/pledge.md §Collateral value): L = max(0, V·(1 − d)·(1 − c) − F) / (1 + ρ)^(T/12)."""

    collateral_value: float = Field(title="押品价值 V", description="CNY")
    liquidation_discount: float = Field(title="变现折扣 d")
    gross_proceeds: float = Field(title="变现收入", description="V·(1 − d), CNY")
    disposal_costs: float = Field(title="处置费用", description="c·V·(1 − d) + F, CNY")
    net_proceeds: float = Field(title="变现净额", description="CNY at sale, floored at 0")
    time_to_sell_months: int = Field(title="变现周期（月）")
    sale_discount_rate: float = Field(title="变现期折现率 ρ")
    discount_factor: float = Field(description="1 / (1 + ρ)^(T/12)")
    liquidation_value: float = Field(title="清算价值", description="CNY at drawdown")
    formula: str = "L = max(0, V(1-d)(1-c) - F) / (1+rho)^(T/12)"


class CollateralValue(FrozenModel):
    """押品价值: the appraisal with the policy's method haircut, and its liquidation value."""

    asset_id: str
    values_by_method: dict[Method, float] = Field(title="各方法评估值")
    concluded_value: float = Field(title="评估价值", description="CNY")
    weights: dict[Method, float] = Field(title="方法权重")
    method_haircut: float = Field(title="评估方法折扣", description="Σ w_m h_m")
    collateral_value: float = Field(title="押品价值", description="concluded × (1 − haircut), CNY")
    pledge_rate: float = Field(title="质押率", description="Σ w_m p(class, m)")
    liquidation: LiquidationValue


# ----------------------------------------------------------------------------------------- max loan


class ConstraintResult(FrozenModel):
    """One of the four limits, with how it was computed."""

    constraint: LoanConstraint
    label_zh: str
    amount: float = Field(description="CNY")
    formula: str
    detail: str = ""


class MaxLoan(FrozenModel):
    """最高可贷额度 = the lowest of the four limits, with the binding one named."""

    amount: float = Field(title="最高可贷额度", description="CNY")
    binding: LoanConstraint = Field(title="约束条件")
    constraints: tuple[ConstraintResult, ...]
    requested: float = Field(title="申请金额", description="CNY")
    within_limit: bool = Field(title="是否在额度内")
    headroom: float = Field(title="剩余额度", description="max loan − requested, CNY")
    reason: str = Field("", title="原因", description="why no loan is possible, when the maximum is 0")


# ----------------------------------------------------------------------------------------- paths


class PathPoint(FrozenModel):
    """One monitoring date: exposure, collateral on the base path (decay only), LTV and coverage.

    ``exposure`` is the principal outstanding just before that date's payment (the amount at
    drawdown for date 0). ``ltv`` = exposure / liquidation value (None when L = 0);
    ``coverage`` = collateral value / exposure. ``value_p5/p50/p95`` come from the simulation.
    """

    period: int
    month: int
    exposure: float = Field(title="敞口", description="CNY")
    collateral_value: float = Field(title="押品价值", description="CNY, base path")
    liquidation_value: float = Field(title="清算价值", description="CNY, base path")
    ltv: float | None = Field(title="抵质押率 LTV")
    coverage: float = Field(title="覆盖率")
    value_p5: float = Field(title="押品价值P5", description="CNY, simulated")
    value_p50: float = Field(title="押品价值P50", description="CNY, simulated")
    value_p95: float = Field(title="押品价值P95", description="CNY, simulated")


class CovenantBreach(FrozenModel):
    """A covenant breached at a monitoring date of the base path, and the trigger it fires."""

    period: int
    month: int
    covenant: CovenantKind = Field(title="触发条款")
    observed: float | None = Field(description="LTV or coverage observed (None: LTV unbounded, L = 0)")
    limit: float
    trigger: TriggerKind = Field(title="触发措施")


# ----------------------------------------------------------------------------------------- simulation


class ShortfallSimulation(FrozenModel):
    """Monte Carlo of the collateral path (GBM + decay + compound-Poisson jumps), requested loan.

    Shortfall at a date: liquidation value < exposure. ``prob_shortfall`` = P(shortfall at any
    monitoring date); ``prob_shortfall_final`` = P(shortfall at the last date); ``expected_shortfall``
    = E[max over dates of (exposure − L)⁺] (unconditional, CNY); ``conditional_shortfall`` the same
    given a shortfall occurs.
    """

    n_paths: int
    seed: int
    prob_shortfall: float = Field(title="押品不足概率")
    prob_shortfall_std_error: float = Field(description="√(p(1 − p)/n)")
    prob_shortfall_final: float = Field(title="到期押品不足概率")
    expected_shortfall: float = Field(title="预期不足额", description="CNY")
    conditional_shortfall: float = Field(title="条件不足额", description="CNY, given a shortfall")


# ----------------------------------------------------------------------------------------- loss


class LossEstimate(FrozenModel):
    """EL = PD × LGD × EAD with Basel CRE32 LGD* (CRE32.9-32.11), ineligible and as-if-eligible.

    LGD* = LGD_U·E_U/(E(1+H_E)) + LGD_S·E_S/(E(1+H_E)); E_S = min(C(1 − H_C), E(1 + H_E));
    E_U = E(1 + H_E) − E_S. E = EAD = the amount at drawdown; C = the concluded appraised value
    (current value of the collateral received, before the bank's own method haircut); PD one-year,
    so EL is the first year's expected loss, CNY.
    """

    pd: float = Field(title="违约概率 PD")
    ead: float = Field(title="违约风险暴露 EAD", description="CNY")
    collateral_c: float = Field(description="C, CNY")
    secured_part: float = Field(description="E_S, CNY")
    unsecured_part: float = Field(description="E_U, CNY")
    lgd_ineligible: float = Field(title="LGD（押品不合格）", description="= LGD_U")
    lgd_eligible: float = Field(title="LGD*（视同合格押品）")
    el_ineligible: float = Field(title="预期损失（押品不合格）", description="CNY")
    el_eligible: float = Field(title="预期损失（视同合格）", description="CNY")


class ReverseStress(FrozenModel):
    """Reverse stress: the drop in collateral value at drawdown (scaling the whole base path) at which
    a covenant is first breached. ``drop`` 0 with ``breached_at_base`` means breached already."""

    covenant: CovenantKind = Field(title="条款")
    limit: float
    drop: float = Field(title="价值下跌幅度", description="share of collateral value, [0, 1]")
    period: int | None = Field(description="first date breached at that drop (None: never)")
    value_at_breach: float = Field(title="触发时押品价值", description="collateral value at drawdown, CNY")
    breached_at_base: bool


# ----------------------------------------------------------------------------------------- register link


class PledgeRestriction(FrozenModel):
    """受限资产 flag for the register: the asset is pledged, so the accounting disclosures (财会〔2023〕11号 三（二）)
    list it with its carrying amount and the period's amortization (which accounting supplies)."""

    asset_id: str
    restricted: bool = True
    kind: str = "pledged"  # 质押
    pledgee: str = Field(title="质权人")
    loan_id: str
    amount: float = Field(title="担保金额", description="CNY")
    registry: Registry
    pledge_registration_number: str | None = Field(title="质押登记编号")
    start: date | None = None
    end: date | None = None


# ----------------------------------------------------------------------------------------- assessment


class PledgeAssessment(FrozenModel):
    """Everything a credit committee reads about one pledge case."""

    case_id: str
    asset_id: str
    collateral: CollateralValue
    max_loan: MaxLoan
    schedule: RepaymentSchedule
    path: tuple[PathPoint, ...]
    breaches: tuple[CovenantBreach, ...]
    simulation: ShortfallSimulation
    loss: LossEstimate
    reverse_stress: tuple[ReverseStress, ...]
    restriction: PledgeRestriction
    warnings: tuple[str, ...] = ()
