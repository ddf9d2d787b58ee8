"""Inputs of a pledge assessment (数据资产质押融资, docs/pledge.md): term sheet, bank policy, borrower,
collateral, registration and holding facts, bundled in a :class:`PledgeCase`.

Units: money in CNY (float); rates are annual decimals (0.06 = 6 %); terms in months; times in the
simulation in years. Rules with a name (``pledge/errors.py``) are checked by the validators here, so a
bad case is refused when it is loaded, with the field named as a dotted path from the case root.

The bank policy is configuration a bank changes (``data/bank_policy.json``); the shell loads it and
passes it in, either inside the case or through :func:`case_from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from base import DEFAULT_SEED
from base.errors import InvalidInput
from base.models import FrozenModel
from base.ranges import InputDate, check_date, latest_term_end
from pledge.errors import (
    CashFlowTooShort,
    InvalidCollateral,
    LoanBeyondAssetLife,
    LtvAboveOne,
    PledgeError,
    PledgeRateAboveOne,
    PolicyRateMissing,
    RateOutOfRange,
    RatioOutOfRange,
    ScheduleMismatch,
    TermNotPositive,
)
from valuation.models import Method, Money, PositiveMoney, SignedMoney
from valuation.uncertainty import Spread


class RepaymentType(StrEnum):
    """还款方式 repayment type. A grace period (宽限期, interest only) may precede the amortizing types."""

    LEVEL_PAYMENT = "level_payment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_ONLY_BULLET = "interest_only_bullet"  # 按期付息、到期一次还本


class PaymentFrequency(StrEnum):
    """还款频率 payment frequency; the period rate is the annual rate × months / 12."""

    MONTHLY = "monthly"  # 按月
    QUARTERLY = "quarterly"  # 按季
    SEMIANNUAL = "semiannual"  # 按半年
    ANNUAL = "annual"  # 按年

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}[self.value]


class DecayPattern(StrEnum):
    """How the collateral value declines over time, before any randomness.

    ``straight_line``: D(t) = max(0, 1 − t / remaining life) — the amortization pattern over the
    remaining economic life; ``exponential``: D(t) = exp(−λ t) — timeliness decay at annual rate λ;
    ``none``: D(t) = 1.
    """

    NONE = "none"
    STRAIGHT_LINE = "straight_line"  # 直线摊销
    EXPONENTIAL = "exponential"  # 时效性衰减


class Registry(StrEnum):
    """质押登记机构 where the pledge is registered."""

    PBOC_MOVABLE_COLLATERAL = "pboc_movable_collateral"  # 中国人民银行动产融资统一登记公示系统
    DATA_EXCHANGE = "data_exchange"  # 数据交易所
    IP_OFFICE = "ip_office"  # 知识产权局（数据知识产权登记）
    OTHER = "other"


MAX_MONTHS = 1200
"""Longest term, life or selling period in months (100 years)."""

# ----------------------------------------------------------------------------------------- checks


def _rate(value: float, field: str) -> None:
    """Annual rate in [0, 1)."""
    if not 0.0 <= value < 1.0:
        raise RateOutOfRange(
            f"an annual rate must be in [0, 1) (0.06 = 6 %), got {value!r}", field=field
        )


def _ratio(value: float, field: str, err: type[PledgeError] = RatioOutOfRange, what: str = "ratio") -> None:
    """Ratio in [0, 1]."""
    if not 0.0 <= value <= 1.0:
        raise err(f"{what} must be in [0, 1] (0.3 = 30 %), got {value!r}", field=field)


# ----------------------------------------------------------------------------------------- term sheet


class TermSheet(FrozenModel):
    """贷款条件 the loan being considered.

    ``amount`` CNY requested; ``annual_rate`` nominal annual rate (period rate = rate × months/12);
    ``term_months`` months; ``grace_periods`` interest-only periods before amortization starts;
    fees: ``upfront_fee_rate`` × amount plus ``fixed_fees`` CNY at drawdown, ``periodic_fee_rate``
    annual on the opening balance each period. ``beyond_life_reason`` must be stated when the term
    runs past the collateral's remaining life.
    """

    loan_id: str = Field(min_length=1, max_length=64)
    lender: str = Field(min_length=1, title="贷款银行")
    amount: PositiveMoney = Field(title="申请金额", description="CNY, > 0, ≤ 10**15")
    annual_rate: float = Field(allow_inf_nan=False, title="年利率", description="annual decimal")
    term_months: int = Field(le=MAX_MONTHS, title="期限（月）", description="months, 1 … 1200")
    repayment: RepaymentType = Field(title="还款方式")
    frequency: PaymentFrequency = Field(PaymentFrequency.MONTHLY, title="还款频率")
    grace_periods: int = Field(0, ge=0, le=MAX_MONTHS, title="宽限期（期）", description="interest-only periods")
    upfront_fee_rate: float = Field(0.0, allow_inf_nan=False, title="前端费率", description="of amount")
    fixed_fees: Money = Field(0.0, title="固定费用", description="CNY at drawdown (appraisal, registration)")
    periodic_fee_rate: float = Field(0.0, allow_inf_nan=False, title="年费率", description="annual")
    drawdown_date: InputDate | None = Field(None, title="放款日")
    beyond_life_reason: str | None = Field(None, description="why the loan may outlive the collateral")

    @model_validator(mode="after")
    def _check(self) -> TermSheet:
        if self.term_months <= 0:
            raise TermNotPositive(
                f"loan term must be a positive number of months, got {self.term_months}",
                field="term_sheet.term_months",
            )
        _rate(self.annual_rate, "term_sheet.annual_rate")
        _rate(self.upfront_fee_rate, "term_sheet.upfront_fee_rate")
        _rate(self.periodic_fee_rate, "term_sheet.periodic_fee_rate")
        step = self.frequency.months
        if self.term_months % step:
            raise ScheduleMismatch(
                f"term of {self.term_months} months is not a whole number of {self.frequency.value} "
                f"periods ({step} months each)",
                field="term_sheet.term_months",
            )
        if self.grace_periods >= self.periods:
            raise ScheduleMismatch(
                f"grace period of {self.grace_periods} periods leaves no period to repay in a loan of "
                f"{self.periods} periods",
                field="term_sheet.grace_periods",
            )
        return self

    @property
    def periods(self) -> int:
        """Number of payment periods."""
        return self.term_months // self.frequency.months

    @property
    def period_rate(self) -> float:
        """Rate per payment period: annual rate × months per period / 12."""
        return self.annual_rate * self.frequency.months / 12.0


# ----------------------------------------------------------------------------------------- bank policy


class PledgeRateRow(FrozenModel):
    """质押率 one pledge rate of the policy: for an asset class and a valuation method."""

    asset_class: str = Field(min_length=1, description="e.g. enterprise_data_product, public_data_operation")
    method: Method
    rate: float = Field(allow_inf_nan=False, title="质押率", description="share of collateral value")


class Covenants(FrozenModel):
    """Maintenance covenants checked each period (docs/pledge.md §Paths over the term).

    ``ltv_warning`` 预警线 and ``ltv_max`` 平仓线 on exposure / liquidation value; ``coverage_min``
    最低覆盖率 on collateral value / exposure (a multiple, e.g. 1.5).
    """

    ltv_warning: float = Field(allow_inf_nan=False, title="预警线 LTV")
    ltv_max: float = Field(allow_inf_nan=False, title="平仓线 LTV")
    coverage_min: float = Field(ge=0, le=100, allow_inf_nan=False, title="最低覆盖率", description="multiple, 0 … 100")


class BaselLgd(FrozenModel):
    """Basel CRE32 foundation-IRB LGD parameters (CRE32.6, CRE32.9-32.11)."""

    lgd_unsecured: float = Field(0.40, title="无担保LGD", description="LGD_U, non-financial corporates")
    lgd_secured: float = Field(0.25, title="有担保LGD", description="LGD_S, other physical collateral")
    collateral_haircut: float = Field(0.40, title="押品折扣 H_C", description="other physical collateral")
    exposure_haircut: float = Field(0.0, title="敞口折扣 H_E", description="0 for a loan")


class BankPolicy(FrozenModel):
    """银行质押融资政策 the bank's policy: pledge rates, haircuts, liquidation, limits and targets.

    Liquidation value (docs/pledge.md §Collateral value):
    ``(V·(1 − liquidation_discount)·(1 − disposal_cost_rate)
    − disposal_cost_fixed) / (1 + sale_discount_rate)^(time_to_sell_months / 12)``, floored at 0.
    ``ltv_limit`` sizes the loan on liquidation value; ``dscr_floor`` sizes it on the borrower's cash
    flow; ``shortfall_target`` is the highest acceptable probability that the liquidation value falls
    below the exposure at any monitoring date of the term.
    """

    policy_id: str = Field(min_length=1)
    bank: str = Field(min_length=1)
    effective_date: date | None = None
    pledge_rates: tuple[PledgeRateRow, ...] = Field(min_length=1, title="质押率表")
    method_haircuts: dict[Method, float] = Field(title="评估方法折扣")
    liquidation_discount: float = Field(allow_inf_nan=False, title="变现折扣")
    disposal_cost_rate: float = Field(allow_inf_nan=False, title="处置费用率", description="of proceeds")
    disposal_cost_fixed: Money = Field(0.0, title="固定处置费用", description="CNY")
    time_to_sell_months: int = Field(le=MAX_MONTHS, title="变现周期（月）", description="months, 0 … 1200")
    sale_discount_rate: float = Field(allow_inf_nan=False, title="变现期折现率", description="annual")
    ltv_limit: float = Field(allow_inf_nan=False, title="抵质押率上限 LTV", description="on L")
    covenants: Covenants
    dscr_floor: float = Field(gt=0, le=100, allow_inf_nan=False, title="最低偿债覆盖率 DSCR", description="(0, 100]")
    shortfall_target: float = Field(allow_inf_nan=False, title="差额概率目标")
    basel: BaselLgd = BaselLgd()
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> BankPolicy:
        for i, row in enumerate(self.pledge_rates):
            _ratio(row.rate, f"policy.pledge_rates[{i}].rate", PledgeRateAboveOne, "pledge rate 质押率")
        for m, h in self.method_haircuts.items():
            _ratio(h, f"policy.method_haircuts.{m.value}", what="method haircut")
        _ratio(self.liquidation_discount, "policy.liquidation_discount", what="liquidation discount")
        _ratio(self.disposal_cost_rate, "policy.disposal_cost_rate", what="disposal cost rate")
        if self.time_to_sell_months < 0:
            raise TermNotPositive(
                f"time to sell must be >= 0 months, got {self.time_to_sell_months}",
                field="policy.time_to_sell_months",
            )
        _rate(self.sale_discount_rate, "policy.sale_discount_rate")
        _ratio(self.ltv_limit, "policy.ltv_limit", LtvAboveOne, "LTV limit 抵质押率")
        _ratio(self.covenants.ltv_warning, "policy.covenants.ltv_warning", LtvAboveOne, "LTV warning line")
        _ratio(self.covenants.ltv_max, "policy.covenants.ltv_max", LtvAboveOne, "LTV covenant")
        if self.covenants.ltv_warning > self.covenants.ltv_max:
            raise RatioOutOfRange(
                f"LTV warning line {self.covenants.ltv_warning} is above the LTV covenant "
                f"{self.covenants.ltv_max}; the warning must come first",
                field="policy.covenants.ltv_warning",
            )
        if not 0.0 <= self.shortfall_target < 1.0:
            raise RatioOutOfRange(
                f"shortfall probability target must be in [0, 1), got {self.shortfall_target!r}",
                field="policy.shortfall_target",
            )
        for name in ("lgd_unsecured", "lgd_secured", "collateral_haircut", "exposure_haircut"):
            _ratio(getattr(self.basel, name), f"policy.basel.{name}", what=name)
        return self

    def pledge_rate(self, asset_class: str, method: Method) -> float:
        """质押率 for an asset class and valuation method; raises PolicyRateMissing."""
        for row in self.pledge_rates:
            if row.asset_class == asset_class and row.method == method:
                return row.rate
        raise PolicyRateMissing(
            f"policy {self.policy_id} has no pledge rate for asset class {asset_class!r} and method "
            f"{method.value!r}",
            field="policy.pledge_rates",
        )

    def method_haircut(self, method: Method) -> float:
        """Haircut applied to a value appraised by ``method``; raises PolicyRateMissing."""
        if method not in self.method_haircuts:
            raise PolicyRateMissing(
                f"policy {self.policy_id} has no haircut for method {method.value!r}",
                field="policy.method_haircuts",
            )
        return self.method_haircuts[method]


# ----------------------------------------------------------------------------------------- borrower


class Borrower(FrozenModel):
    """借款人 the borrower's debt-service capacity and default probability.

    ``annual_cash_flow`` is the cash flow available for debt service (CFADS, CNY) of each loan year
    (12-month windows from drawdown); a last partial year counts pro rata. ``pd_annual`` is the
    bank's one-year probability of default.
    """

    name: str = Field(min_length=1, title="借款人")
    annual_cash_flow: tuple[SignedMoney, ...] = Field(min_length=1, max_length=100, title="可偿债现金流",
                                                      description="CNY/year, |CF| ≤ 10**15")
    pd_annual: float = Field(allow_inf_nan=False, title="违约概率 PD", description="one-year")

    @model_validator(mode="after")
    def _check(self) -> Borrower:
        _ratio(self.pd_annual, "borrower.pd_annual", what="probability of default")
        return self


# ----------------------------------------------------------------------------------------- collateral


class ValueDynamics(FrozenModel):
    """How the collateral value moves over the term (docs/pledge.md §Uncertainty).

    V(t) = V0 · D(t) · exp((μ − σ²/2) t + σ W(t)) · (1 − j)^N(t), N a Poisson process of intensity
    ``jump_intensity`` per year (compliance or legal events), each jump taking ``jump_size`` of the
    value. ``drift`` μ and ``volatility`` σ are annual; ``decay_rate`` λ is the annual rate of the
    exponential decay pattern.
    """

    decay: DecayPattern = Field(DecayPattern.STRAIGHT_LINE, title="价值衰减方式")
    decay_rate: float = Field(0.0, ge=0, le=5, allow_inf_nan=False, title="时效性衰减率", description="annual, 0 … 5")
    drift: float = Field(0.0, ge=-1, le=1, allow_inf_nan=False, title="漂移率", description="annual, −1 … 1")
    volatility: float = Field(0.0, ge=0, le=5, allow_inf_nan=False, title="波动率", description="annual, 0 … 5")
    jump_intensity: float = Field(0.0, ge=0, le=12, allow_inf_nan=False, title="跳跃强度",
                                  description="per year, 0 … 12")
    jump_size: float = Field(0.0, allow_inf_nan=False, title="跳跃幅度", description="share of value lost")

    @model_validator(mode="after")
    def _check(self) -> ValueDynamics:
        _ratio(self.jump_size, "collateral.dynamics.jump_size", what="jump size")
        return self


class Collateral(FrozenModel):
    """质押物 the pledged data asset and its appraisal.

    ``values_by_method`` CNY per valuation method; ``concluded_value`` CNY the appraisal's conclusion;
    ``conclusion_weights`` the weight of each method in the conclusion (defaults to 1 for a single
    method) — the policy's method haircut and pledge rate are blended with these weights.
    Optional uncertainty of the value at drawdown: ``simulated_values`` (the appraisal's Monte Carlo
    draws, CNY, resampled) or ``value_spread`` (a multiplicative spread around the concluded value).
    """

    asset_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, title="质押物名称")
    asset_class: str = Field(min_length=1, title="资产类别")
    values_by_method: dict[Method, Money] = Field(min_length=1, title="各方法评估值")
    concluded_value: PositiveMoney = Field(title="评估结论", description="CNY, > 0, ≤ 10**15")
    conclusion_weights: dict[Method, float] | None = Field(None, title="方法权重")
    valuation_date: InputDate | None = Field(None, title="评估基准日")
    remaining_life_months: int = Field(le=MAX_MONTHS, title="剩余经济寿命（月）", description="months, 1 … 1200")
    dynamics: ValueDynamics = ValueDynamics()
    simulated_values: tuple[Money, ...] | None = Field(None, description="appraisal MC draws, CNY, 0 … 10**15")
    value_spread: Spread | None = None

    @model_validator(mode="after")
    def _check(self) -> Collateral:
        if self.remaining_life_months <= 0:
            raise TermNotPositive(
                f"remaining economic life must be a positive number of months, got "
                f"{self.remaining_life_months}",
                asset_id=self.asset_id,
                field="collateral.remaining_life_months",
            )
        weights = self.weights
        unknown = set(weights) - set(self.values_by_method)
        if unknown:
            raise InvalidCollateral(
                f"conclusion weights name methods without an appraised value: "
                f"{sorted(m.value for m in unknown)}",
                asset_id=self.asset_id,
                field="collateral.conclusion_weights",
            )
        total = sum(weights.values())
        if abs(total - 1.0) > 1e-9 or any(w < 0 for w in weights.values()):
            raise InvalidCollateral(
                f"conclusion weights must be >= 0 and sum to 1, got {total:.6f}",
                asset_id=self.asset_id,
                field="collateral.conclusion_weights",
            )
        if self.simulated_values is not None and self.value_spread is not None:
            raise InvalidCollateral(
                "give either simulated_values or value_spread, not both",
                asset_id=self.asset_id,
                field="collateral.simulated_values",
            )
        if self.simulated_values is not None and (
            len(self.simulated_values) < 2 or min(self.simulated_values) < 0
        ):
            raise InvalidCollateral(
                "simulated_values must hold at least 2 draws, none negative",
                asset_id=self.asset_id,
                field="collateral.simulated_values",
            )
        return self

    @property
    def weights(self) -> dict[Method, float]:
        """Conclusion weights; a single appraised method weighs 1."""
        if self.conclusion_weights is not None:
            return dict(self.conclusion_weights)
        if len(self.values_by_method) == 1:
            return {next(iter(self.values_by_method)): 1.0}
        raise InvalidCollateral(
            "several methods were appraised: state conclusion_weights (the weight of each method in "
            "the concluded value)",
            asset_id=self.asset_id,
            field="collateral.conclusion_weights",
        )


# ----------------------------------------------------------------------------------------- registration


class Registration(FrozenModel):
    """登记信息 proof of rights and the pledge registration (docs/pledge.md)."""

    certificate_number: str | None = Field(None, title="数据产权登记证书编号")
    certificate_issuer: str = Field("", title="发证机构")
    registry: Registry = Field(Registry.PBOC_MOVABLE_COLLATERAL, title="质押登记机构")
    pledge_registration_number: str | None = Field(None, title="质押登记编号")


class Holding(FrozenModel):
    """What the asset register says: does the company hold the asset, and its active pledges."""

    holds_asset: bool = Field(title="企业持有该资产")
    existing_pledges: tuple[str, ...] = Field((), title="已有质押登记", description="registration numbers")


class SimulationSettings(FrozenModel):
    """Monte Carlo settings: ``seed`` and the asset id fix every draw (valuation/random.py)."""

    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63)
    n_paths: int = Field(20_000, ge=100, le=1_000_000)


# ----------------------------------------------------------------------------------------- case


class PledgeCase(FrozenModel):
    """One pledge case: everything :func:`pledge.assess` needs."""

    case_id: str = Field(min_length=1, max_length=64)
    term_sheet: TermSheet
    policy: BankPolicy
    borrower: Borrower
    collateral: Collateral
    registration: Registration = Registration()
    holding: Holding
    simulation: SimulationSettings = SimulationSettings()

    @model_validator(mode="after")
    def _check(self) -> PledgeCase:
        ts, col = self.term_sheet, self.collateral
        if ts.term_months > col.remaining_life_months and not (ts.beyond_life_reason or "").strip():
            raise LoanBeyondAssetLife(
                f"loan term of {ts.term_months} months runs past the collateral's remaining life of "
                f"{col.remaining_life_months} months; state term_sheet.beyond_life_reason or shorten "
                f"the term",
                asset_id=col.asset_id,
                field="term_sheet.term_months",
            )
        years = -(-ts.term_months // 12)
        if len(self.borrower.annual_cash_flow) < years:
            raise CashFlowTooShort(
                f"the loan runs {years} year(s) but cash flow is given for "
                f"{len(self.borrower.annual_cash_flow)}",
                field="borrower.annual_cash_flow",
            )
        for m in col.weights:
            self.policy.pledge_rate(col.asset_class, m)
            self.policy.method_haircut(m)
        if ts.drawdown_date is not None and col.valuation_date is not None:
            years, month0 = divmod(ts.drawdown_date.month - 1 + ts.term_months, 12)
            maturity = date(ts.drawdown_date.year + years, month0 + 1, 1)  # the maturity month (day 1)
            try:
                check_date(maturity, "term_sheet maturity 到期日 (drawdown_date + term_months)",
                           latest=latest_term_end(col.valuation_date))
            except ValueError as exc:
                raise ScheduleMismatch(str(exc), field="term_sheet.term_months") from None
        return self


def case_from_dict(data: Mapping[str, Any], policy: BankPolicy) -> PledgeCase:
    """Build a case from parsed JSON, using ``policy`` unless the case carries its own ``policy``.

    The CLI reads the case file and ``data/bank_policy.json`` and calls this; no file is touched here.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(f"质押案例须为 JSON 对象 a pledge case is a JSON object with term_sheet, collateral, borrower …, "
                           f"got {type(data).__name__}")
    merged = dict(data)
    merged.setdefault("policy", policy)
    return PledgeCase.model_validate(merged)
