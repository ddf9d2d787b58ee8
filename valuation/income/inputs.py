"""Inputs of the income method as they appear in a case file under the key "income"
(docs/valuation.md §Income method).

P = Σ_{k=1..n} F_k / (1 + i)^{t_k} (+ a terminal value for an indefinite life only).

The cash flow of period k is built the same way for the four forms (one kernel, valuation/income/kernel.py)::

    F_k = B_k × S_k × (1 − d)^(k−1) × τ × c_k

- B_k, the base of the form: revenue_k (direct), R_k (split), E_k (excess earnings), the increment
  (incremental); CNY in period k, from forecast rows, a projection B_1 × (1 + g)^(k−1), or an ETS
  forecast of a yearly history;
- S_k, the data's share of the base: the margin 1 − costs_k / revenue_k (direct), K_k (split),
  1 − Σ charges_k / E_k (excess earnings), 1 (incremental). With a share, uncertainty on S is
  uncertainty on the margin / split rate / contributory share, and costs or charges given as amounts
  move with the base in the simulation (convention);
- (1 − d)^(k−1), the explicit decay of the data's contribution (for split: K_k = K_1 × (1 − d)^(k−1));
- τ = 1 − T when pre-tax flows are converted to after-tax with the tax rate T, else 1;
- c_k the covered fraction of period k (1, or less when the horizon ends inside it).

Structure and ranges are checked by pydantic; the rules between fields are checked when the model is
built (:func:`check_income_inputs`), and the rules that need the asset or the valuation date (horizon,
forecast length, terminal value against term caps) when the asset is valued.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError, model_validator

from base.errors import DatavalError
from base.messages import describe, dotted
from base.models import FrozenModel
from valuation.errors import BasisMismatch
from valuation.models import Money, SignedMoney
from valuation.uncertainty import Spread

from .errors import HistoryTooShort, InvalidIncomeInput, TerminalValueNotAllowed

MIN_HISTORY_POINTS = 5
MAX_PERIODS = 100
DEFAULT_TV_MARGIN = 0.02

Amount = SignedMoney  # CNY, may be negative (a loss), |amount| ≤ the floor's money range
NonNegativeAmount = Money  # CNY, not negative, within the floor's money range


class IncomeForm(StrEnum):
    """How the data's cash flow F_t is estimated (docs/valuation.md §Income method)."""

    DIRECT = "direct"  # 直接收益: revenue of the data itself less its own costs
    SPLIT = "split"  # 分成收益: F = R × K
    EXCESS_EARNINGS = "excess_earnings"  # 超额收益: F = E − Σ contributory charges
    INCREMENTAL = "incremental"  # 增量收益: F = with − without


class SplitBase(StrEnum):
    """What the split rate K of the split form multiplies (分成基数): it must be named.

    revenue: 销售收入分成, K a royalty-type rate (typically a few per cent); profit: 利润分成, K on the
    business's profit (EBIT or the case's defined profit, given as input), where the 25 %–33 % rule of
    thumb belongs. 销售收入分成率 = 利润分成率 × 销售利润率.
    """

    REVENUE = "revenue"  # 销售收入分成
    PROFIT = "profit"  # 利润分成


# Convention (ours, not the guidance's): a split rate above this on revenue is refused unless the case
# gives ``split_rate_reason``: a profit-split rate applied to revenue overstates the value by 1 / margin.
MAX_REVENUE_SPLIT_RATE = 0.15
MIN_TAB_PERIOD_CN = 10  # 企业所得税法实施条例 第六十七条: 无形资产的摊销年限不得低于10年


class TaxBasis(StrEnum):
    """Basis of a cash flow or of a discount rate."""

    AFTER_TAX = "after_tax"  # 税后
    PRE_TAX = "pre_tax"  # 税前


class Timing(StrEnum):
    """When a period's cash flow is received: at its end or in its middle."""

    END = "end"  # 期末
    MID = "mid"  # 期中


class RiskPremiumName(StrEnum):
    """Risk premiums the guidance names for a build-up rate; others may be added by name."""

    MANAGEMENT = "management"  # 管理风险
    CIRCULATION = "circulation"  # 流通风险
    DATA_SECURITY = "data_security"  # 数据安全风险
    REGULATORY = "regulatory"  # 监管风险


class ChargeComponent(StrEnum):
    """A contributory asset charge is a return on the asset or a return of it (recovery)."""

    RETURN_ON = "return_on"  # 投资回报
    RETURN_OF = "return_of"  # 投资回收


LABELS_ZH: dict[str, str] = {
    "direct": "直接收益法",
    "split": "收益分成法",
    "excess_earnings": "超额收益法",
    "incremental": "增量收益法",
    "after_tax": "税后",
    "pre_tax": "税前",
    "end": "期末折现",
    "mid": "期中折现",
    "management": "管理风险",
    "circulation": "流通风险",
    "data_security": "数据安全风险",
    "regulatory": "监管风险",
    "return_on": "投资回报",
    "return_of": "投资回收",
    "revenue": "销售收入分成",
    "profit": "利润分成",
}


class ForecastRow(FrozenModel):
    """One forecast period (period 1 starts at the valuation date; amounts in CNY for the period).

    Which fields a row uses depends on the form:
    direct ``revenue`` and ``costs`` (or the input's ``margin``); split the base the input's
    ``split_base`` names — ``revenue`` (R_k) or ``profit`` (EBIT_k or the case's defined profit) — the
    other one optional (both give the margin profit / revenue, shown in the explanation), and optionally
    ``split_rate`` (K_k, on every row or none); excess_earnings ``earnings`` (E_k);
    incremental ``with_data`` and ``without_data``, or ``increment``. A partial first period's row
    holds the stub amount as it is (not an annual figure).
    """

    period: int = Field(ge=1, le=MAX_PERIODS)
    revenue: NonNegativeAmount | None = None
    profit: Amount | None = Field(None, description="split on profit: EBIT or the defined profit, CNY")
    costs: NonNegativeAmount | None = None
    split_rate: float | None = Field(None, ge=0, le=1, allow_inf_nan=False, description="K_k, ratio")
    earnings: Amount | None = None
    with_data: Amount | None = None
    without_data: Amount | None = None
    increment: Amount | None = None
    evidence: str = ""


class Projection(FrozenModel):
    """Base projected from its first-year figure: B_k = base_y1 × (1 + growth)^(k−1) × length_k.

    ``base_y1`` is an annual amount (CNY a year); a partial first period of f years gets base_y1 × f.
    This is the flat form the batch table uses.
    """

    base_y1: Amount = Field(description="R_1 / revenue_1 / E_1 / increment_1, CNY a year")
    growth: float = Field(0.0, gt=-1, le=1, allow_inf_nan=False, description="annual growth rate")
    evidence: str = ""


class HistoryPoint(FrozenModel):
    """One past year of the base (revenue, or earnings for excess earnings), CNY."""

    year: int = Field(ge=1900, le=2200)
    amount: Amount


class RevenueHistory(FrozenModel):
    """Yearly history of the base, oldest first, the last year ending at (or just before) the valuation date.

    The base is forecast with statsmodels ETSModel (additive error, additive damped trend); forecast step k
    is period k, and a partial first period of f years takes f × step 1. At least 5 points.
    """

    points: tuple[HistoryPoint, ...] = Field(min_length=1)
    evidence: str = ""


class ContributoryCharge(FrozenModel):
    """One contributory asset charge of the excess-earnings form, CNY per period.

    Either ``amounts`` per period, or ``rate`` × ``bases`` per period (e.g. 8 % return on working
    capital). ``name`` is the contributory asset: 营运资金, 固定资产, 人力资源, 其他无形资产, ...
    """

    name: str = Field(min_length=1, max_length=100)
    component: ChargeComponent = ChargeComponent.RETURN_ON
    amounts: tuple[NonNegativeAmount, ...] | None = None
    rate: float | None = Field(None, ge=0, le=1, allow_inf_nan=False, description="annual rate")
    bases: tuple[NonNegativeAmount, ...] | None = None
    evidence: str = ""


class RiskPremium(FrozenModel):
    """One premium of a build-up rate: a name of :class:`RiskPremiumName` or any other name."""

    name: str = Field(min_length=1, max_length=100)
    rate: float = Field(ge=0, le=0.5, allow_inf_nan=False, description="annual rate")
    evidence: str = ""


class CapmWacc(FrozenModel):
    """WACC built from its parts, the cost of equity by CAPM (annual rates, ratios).

    β_L = β_U × (1 + (1 − T) × D/E) (Hamada relevering at the target capital structure);
    Ke = rf + β_L × ERP + size premium + specific premium;
    E/V = 1 / (1 + D/E), D/V = (D/E) / (1 + D/E);  WACC = E/V × Ke + D/V × Kd × (1 − T).
    """

    risk_free: float = Field(ge=0, le=0.3, allow_inf_nan=False, description="rf")
    beta_unlevered: float = Field(gt=0, le=5, allow_inf_nan=False, description="β_U of comparable companies")
    debt_to_equity: float = Field(ge=0, le=10, allow_inf_nan=False, description="target D/E")
    tax_rate: float = Field(ge=0, lt=1, allow_inf_nan=False, description="T, income tax rate")
    equity_risk_premium: float = Field(gt=0, le=0.3, allow_inf_nan=False, description="ERP")
    size_premium: float = Field(0.0, ge=0, le=0.3, allow_inf_nan=False)
    specific_premium: float = Field(0.0, ge=0, le=0.3, allow_inf_nan=False)
    cost_of_debt: float = Field(ge=0, le=0.3, allow_inf_nan=False, description="Kd, pre-tax")
    evidence: str = Field("", description="sources of rf, β_U (peers), D/E, ERP, Kd, premiums")

    @property
    def beta_levered(self) -> float:
        return self.beta_unlevered * (1.0 + (1.0 - self.tax_rate) * self.debt_to_equity)

    @property
    def cost_of_equity(self) -> float:
        return (
            self.risk_free
            + self.beta_levered * self.equity_risk_premium
            + self.size_premium
            + self.specific_premium
        )

    @property
    def equity_weight(self) -> float:
        return 1.0 / (1.0 + self.debt_to_equity)

    @property
    def debt_weight(self) -> float:
        return self.debt_to_equity / (1.0 + self.debt_to_equity)

    def wacc(self) -> float:
        return self.equity_weight * self.cost_of_equity + self.debt_weight * self.cost_of_debt * (
            1.0 - self.tax_rate
        )


class DiscountRateSpec(FrozenModel):
    """Discount rate i, annual, by one of three approaches (docs/valuation.md §Income method),
    with its tax basis.

    build-up: i = risk_free + p_1 + p_2 + ... (premiums named management 管理风险, circulation 流通风险,
    data_security 数据安全风险, regulatory 监管风险, or others by name);
    WACC: i = wacc + asset_premium;
    WACC from its parts: i = capm.wacc() + asset_premium (:class:`CapmWacc`: CAPM cost of equity with a
    relevered beta, after-tax cost of debt).
    """

    risk_free: float | None = Field(None, ge=0, le=0.3, allow_inf_nan=False)
    premiums: tuple[RiskPremium, ...] = ()
    wacc: float | None = Field(None, gt=0, le=0.5, allow_inf_nan=False)
    capm: CapmWacc | None = None
    asset_premium: float | None = Field(None, ge=0, le=0.5, allow_inf_nan=False)
    basis: TaxBasis = TaxBasis.AFTER_TAX
    evidence: str = ""

    @property
    def is_build_up(self) -> bool:
        return self.risk_free is not None

    def rate(self) -> float:
        """i, annual rate: rf + Σ premiums in the order given, or wacc + asset premium."""
        if self.risk_free is not None:
            total = self.risk_free
            for p in self.premiums:
                total += p.rate
            return total
        wacc = self.capm.wacc() if self.capm is not None else float(self.wacc or 0.0)
        return wacc + float(self.asset_premium or 0.0)


class TaxAmortizationBenefit(FrozenModel):
    """Tax amortization benefit (TAB), optional, for a fair value (transactions, IFRS 13) only.

    A buyer of the asset amortizes its price for income tax over ``period_years`` n; the saved tax
    adds to the value: TAB = PV × (1 / (1 − T × AF / n) − 1), AF = Σ_{t=1..n} (1 + i)^(−t) the annuity
    factor of the amortization period at the discount rate i (end of year), T ``tax_rate``. n is the
    period the tax law allows: in China not less than 10 years for an intangible (企业所得税法实施条例
    第六十七条); ``basis_text`` states the law and why the value type admits a TAB. Never for a value in use.
    """

    period_years: int = Field(ge=1, le=MAX_PERIODS, description="n, tax amortization period, years")
    tax_rate: float = Field(gt=0, lt=1, allow_inf_nan=False, description="T, income tax rate")
    basis_text: str = Field(min_length=1, description="the law behind n, and why a TAB applies")


class TermCap(FrozenModel):
    """A legal, contractual or authorization term that caps the horizon (besides the asset's own)."""

    basis: str = Field(min_length=1, description="the agreement or law, e.g. 公共数据授权运营协议 2023-07")
    end: date


class TerminalValue(FrozenModel):
    """Terminal value TV_n = F_n × (1 + g) / (i − g), only for an indefinite economic life.

    ``margin``: i − g must be at least this (annual rate). Convention: 0.02 unless the case states
    another, so that a rate barely above growth cannot blow the value up.
    """

    growth: float = Field(gt=-1, lt=1, allow_inf_nan=False, description="perpetual growth g, annual")
    margin: float = Field(DEFAULT_TV_MARGIN, ge=0, le=0.5, allow_inf_nan=False)
    evidence: str = ""


def _lognormal_base() -> Spread:
    return Spread(dist="lognormal", shift="multiply", sd=0.15)


def _triangular_share() -> Spread:
    return Spread(dist="triangular", shift="multiply", low=0.8, high=1.2)


def _normal_rate() -> Spread:
    return Spread(dist="normal", shift="add", sd=0.01)


def _triangular_decay() -> Spread:
    return Spread(dist="triangular", shift="add", low=-0.05, high=0.05)


class IncomeUncertainty(FrozenModel):
    """Spread of each key input (None = held at its base). Convention, overridable per asset:

    - ``base`` (revenue / R / E / increment path, every period together): lognormal, median 1,
      sigma 0.15, multiplicative. With a history the ETS prediction interval replaces it: the path is
      mean_k + z × sd_k with one common normal shock z per draw (forecast errors of a trend model move
      together), sd_k = (upper_k − lower_k) / (2 × 1.6449) from the 90 % interval, floored at 0;
    - ``share`` (split rate K / margin / contributory share, every period together): triangular(0.8,
      1, 1.2), multiplicative; not used by the incremental form (its share is 1);
    - ``discount_rate``: normal, additive, sd 0.01 (1 pp); a draw is floored at 0, and at g + margin
      when there is a terminal value;
    - ``decay``: triangular(−0.05, 0, +0.05), additive; draws are clipped to [−0.5, 0.95] (a negative
      draw means the contribution holds up better than the base assumption).

    Streams: base STREAM_BASE + 0, share + 1, discount rate + 2, decay + 3 (STREAM_BASE = 200).
    """

    base: Spread | None = Field(default_factory=_lognormal_base)
    share: Spread | None = Field(default_factory=_triangular_share)
    discount_rate: Spread | None = Field(default_factory=_normal_rate)
    decay: Spread | None = Field(default_factory=_triangular_decay)


class IncomeInputs(FrozenModel):
    """Per-asset inputs of the income method P = Σ F_t / (1 + i)^t (docs/valuation.md §Income method),
    case-file key "income".

    The base comes from exactly one of ``forecast`` (rows per period), ``projection`` (B_1 and growth)
    or ``history`` (ETS forecast). The data's share: direct ``costs`` on rows or ``margin``; split
    ``split_rate`` on rows (K_k) or ``split_rate`` here (K_1, decayed by ``decay``); excess earnings
    ``contributory_charges`` or ``contributory_rate`` (charges as a share of E_k).

    Horizon n = min(economic_life, asset.rights_term_end, every ``term_caps`` end), years from the
    valuation date (y + m/12 + d/365). ``economic_life=None`` is an indefinite life: with no term cap it
    needs a ``terminal`` value and ``explicit_periods`` (unless forecast rows set them); with a term cap
    the life is finite and a terminal value is refused. Periods beyond n are dropped; a period across n
    is prorated. A forecast shorter than n is refused (no extension rule).

    ``cash_flow_basis`` states whether the amounts are after or before income tax; pre-tax flows are
    converted with ``tax_rate`` (F × (1 − T)) when the rate is after-tax. The rate's basis must match.

    Split form: ``split_base`` (required) names what K multiplies, revenue or profit; on revenue a K
    above 15 % needs ``split_rate_reason``. ``profit_margin`` (销售利润率) may be given to show the
    conversion K_revenue = K_profit × margin when the rows do not give both revenue and profit.
    ``tax_amortization_benefit`` (off by default) adds a TAB for a fair value, never for a value in use.
    """

    form: IncomeForm
    forecast: tuple[ForecastRow, ...] = ()
    projection: Projection | None = None
    history: RevenueHistory | None = None
    explicit_periods: int | None = Field(None, ge=1, le=MAX_PERIODS)
    margin: float | None = Field(None, ge=0, le=1, allow_inf_nan=False, description="direct, ratio")
    split_rate: float | None = Field(None, gt=0, le=1, allow_inf_nan=False, description="split K_1")
    split_base: SplitBase | None = Field(None, description="split: what K multiplies, revenue or profit")
    split_rate_reason: str = Field("", description="split on revenue: why a K above 15 % holds")
    profit_margin: float | None = Field(
        None, gt=0, le=1, allow_inf_nan=False, description="split: 销售利润率 profit / revenue, shown only"
    )
    contributory_rate: float | None = Field(None, ge=0, lt=1, allow_inf_nan=False)
    contributory_charges: tuple[ContributoryCharge, ...] = ()
    decay: float = Field(0.0, ge=0, lt=1, allow_inf_nan=False, description="annual decay d")
    economic_life: float | None = Field(gt=0, le=MAX_PERIODS, allow_inf_nan=False, description="years")
    term_caps: tuple[TermCap, ...] = ()
    timing: Timing = Timing.END
    first_period_years: float = Field(1.0, gt=0, le=1, allow_inf_nan=False, description="f, years")
    cash_flow_basis: TaxBasis = TaxBasis.AFTER_TAX
    tax_rate: float | None = Field(None, ge=0, lt=1, allow_inf_nan=False)
    discount_rate: DiscountRateSpec
    terminal: TerminalValue | None = None
    tax_amortization_benefit: TaxAmortizationBenefit | None = None
    uncertainty: IncomeUncertainty = Field(default_factory=IncomeUncertainty)
    evidence: str = Field("", description="source of the forecast: business plan, contracts, history ...")

    @model_validator(mode="after")
    def _rules_between_fields(self) -> IncomeInputs:
        check_income_inputs(self)
        return self


# Fields of a forecast row each form may use.
_ROW_FIELDS: dict[IncomeForm, frozenset[str]] = {
    IncomeForm.DIRECT: frozenset({"revenue", "costs"}),
    IncomeForm.SPLIT: frozenset({"revenue", "profit", "split_rate"}),
    IncomeForm.EXCESS_EARNINGS: frozenset({"earnings"}),
    IncomeForm.INCREMENTAL: frozenset({"with_data", "without_data", "increment"}),
}
_ROW_NUMBER_FIELDS = ("revenue", "profit", "costs", "split_rate", "earnings", "with_data", "without_data", "increment")


def _bad(field: str, message: str) -> InvalidIncomeInput:
    return InvalidIncomeInput(message, field=f"income.{field}")


def check_income_inputs(inputs: IncomeInputs) -> None:
    """Rules between fields that need neither the asset nor the valuation date.

    Raises :class:`InvalidIncomeInput`, :class:`HistoryTooShort`, :class:`BasisMismatch` or
    :class:`TerminalValueNotAllowed` naming the field (``income.…``); the asset is named by the caller.
    """
    form = inputs.form
    sources = [
        name
        for name, given in (
            ("forecast", bool(inputs.forecast)),
            ("projection", inputs.projection is not None),
            ("history", inputs.history is not None),
        )
        if given
    ]
    if len(sources) != 1:
        raise _bad(
            "forecast",
            f"expected exactly one of forecast rows, projection or history for the base, got "
            f"{sources or 'none'}",
        )
    _check_rows(inputs)
    _check_top_level_shares(inputs, sources[0])
    if inputs.history is not None:
        _check_history(inputs)
    revenue_form = revenue_base(inputs)
    if inputs.projection is not None and revenue_form and inputs.projection.base_y1 < 0:
        raise _bad(
            "projection.base_y1",
            f"expected revenue >= 0 CNY for form {form.value}, got {inputs.projection.base_y1}",
        )
    if inputs.forecast and inputs.explicit_periods is not None:
        raise _bad(
            "explicit_periods",
            "explicit_periods is set by the forecast rows themselves; give it only with a projection "
            f"or a history, got {inputs.explicit_periods}",
        )
    _check_rate(inputs)
    _check_basis(inputs)
    if inputs.terminal is not None and inputs.economic_life is not None:
        raise TerminalValueNotAllowed(
            f"a terminal value is only allowed for an indefinite economic life (economic_life null), "
            f"got economic_life {inputs.economic_life:g} years",
            field="income.terminal",
        )


def _check_rows(inputs: IncomeInputs) -> None:
    form = inputs.form
    allowed = _ROW_FIELDS[form]
    for k, row in enumerate(inputs.forecast):
        if row.period != k + 1:
            raise _bad(
                f"forecast[{k}].period",
                f"expected periods 1, 2, 3 ... in order, row {k} should be period {k + 1}, got {row.period}",
            )
        for name in _ROW_NUMBER_FIELDS:
            if name not in allowed and getattr(row, name) is not None:
                raise _bad(
                    f"forecast[{k}].{name}",
                    f"'{name}' is not used by form {form.value} (expected only {sorted(allowed)}), "
                    f"got {getattr(row, name)}",
                )
        where = f"forecast[{k}]"
        if form is IncomeForm.DIRECT and row.revenue is None:
            raise _bad(f"{where}.revenue", f"expected the period's revenue (CNY) for form {form.value}")
        if form is IncomeForm.SPLIT and inputs.split_base is not None:
            named = inputs.split_base.value
            if getattr(row, named) is None:
                raise _bad(
                    f"{where}.{named}",
                    f"split_base is {named!r}: expected the period's {named} (CNY) on every forecast row",
                )
        if form is IncomeForm.EXCESS_EARNINGS and row.earnings is None:
            raise _bad(f"{where}.earnings", "expected the period's business earnings E (CNY)")
        if form is IncomeForm.INCREMENTAL:
            pair = (row.with_data is not None, row.without_data is not None)
            if row.increment is not None and any(pair):
                raise _bad(
                    f"{where}.increment",
                    "expected either the increment or with_data and without_data, got both",
                )
            if row.increment is None and pair != (True, True):
                missing = "with_data" if not pair[0] else "without_data"
                raise _bad(f"{where}.{missing}", "expected with_data and without_data (or the increment)")
    if form is IncomeForm.SPLIT and inputs.forecast:
        given = [row.split_rate is not None for row in inputs.forecast]
        if any(given) and not all(given):
            k = given.index(False)
            raise _bad(f"forecast[{k}].split_rate", "expected K_k on every row or on none, got a gap")


def _check_top_level_shares(inputs: IncomeInputs, source: str) -> None:
    form = inputs.form
    rows = inputs.forecast
    owners = {
        "margin": IncomeForm.DIRECT,
        "split_rate": IncomeForm.SPLIT,
        "contributory_rate": IncomeForm.EXCESS_EARNINGS,
        "contributory_charges": IncomeForm.EXCESS_EARNINGS,
        "split_base": IncomeForm.SPLIT,
        "profit_margin": IncomeForm.SPLIT,
    }
    for name, owner in owners.items():
        value = getattr(inputs, name)
        if owner is not form and value not in (None, ()):
            raise _bad(name, f"'{name}' is only used by form {owner.value}, got it with form {form.value}")
    if form is IncomeForm.DIRECT:
        costs_given = any(r.costs is not None for r in rows)
        if inputs.margin is not None and costs_given:
            raise _bad("margin", "expected either costs on the forecast rows or a margin, got both")
        if inputs.margin is None and source != "forecast":
            raise _bad(
                "margin", f"expected the margin (share of revenue left after own costs) with a {source}"
            )
        for k, r in enumerate(rows):
            if inputs.margin is None and r.costs is None:
                raise _bad(f"forecast[{k}].costs", "expected the period's own costs (CNY), or give a margin")
            if r.costs is not None and r.revenue == 0 and r.costs > 0:
                raise _bad(
                    f"forecast[{k}].revenue",
                    f"expected revenue > 0 in a period with own costs (the margin is costs / revenue), "
                    f"got revenue 0 and costs {r.costs}",
                )
    elif form is IncomeForm.SPLIT:
        _check_split_base_named(inputs)
        k_on_rows = any(r.split_rate is not None for r in rows)
        if inputs.split_rate is not None and k_on_rows:
            raise _bad("split_rate", "expected K_1 here or K_k on the forecast rows, got both")
        if inputs.split_rate is None and not k_on_rows:
            raise _bad("split_rate", "expected the split rate K_1 (or K_k on each forecast row)")
        if k_on_rows and inputs.decay > 0:
            raise _bad(
                "decay",
                f"the forecast rows give K_k per period, which already includes any decay; expected decay 0, "
                f"got {inputs.decay}",
            )
        _check_revenue_split_rate(inputs)
    elif form is IncomeForm.EXCESS_EARNINGS:
        charges = inputs.contributory_charges
        if inputs.contributory_rate is not None and charges:
            raise _bad("contributory_rate", "expected contributory charges or a contributory rate, got both")
        if inputs.contributory_rate is None and not charges:
            raise _bad("contributory_charges", "expected contributory asset charges or a contributory rate")
        for j, c in enumerate(charges):
            by_rate = c.rate is not None or c.bases is not None
            if (c.amounts is not None) == by_rate:
                raise _bad(
                    f"contributory_charges[{j}].amounts",
                    "expected either amounts per period, or a rate with bases per period",
                )
            if by_rate and (c.rate is None or c.bases is None):
                missing = "rate" if c.rate is None else "bases"
                raise _bad(f"contributory_charges[{j}].{missing}", "expected both rate and bases per period")
    elif source == "history":
        raise _bad("history", "the incremental form takes forecast rows or a projection, not a history")


def split_base_unnamed(field: str = "split_base") -> str:
    """Why a split without its base is refused (case file and batch alike; ``field`` names the input)."""
    return (f"分成基数未指明：请给出 {field}（\"revenue\" 销售收入分成，或 \"profit\" 利润分成）; the split "
            f"form needs {field} naming what the split rate K multiplies, revenue or profit")


def _check_split_base_named(inputs: IncomeInputs) -> None:
    """The split's base must be named (revenue or profit)."""
    if inputs.split_base is None:
        raise _bad("split_base", split_base_unnamed())


def _check_revenue_split_rate(inputs: IncomeInputs) -> None:
    """On revenue a K above 15 % needs a stated reason (a profit-split rate on revenue overstates the value)."""
    if inputs.split_base is not SplitBase.REVENUE or inputs.split_rate_reason.strip():
        return
    rates: list[tuple[str, float | None]] = [("split_rate", inputs.split_rate)]
    rates += [(f"forecast[{k}].split_rate", r.split_rate) for k, r in enumerate(inputs.forecast)]
    for field, k in rates:
        if k is not None and k > MAX_REVENUE_SPLIT_RATE:
            raise _bad(field, revenue_split_rate_message(k))


def revenue_split_rate_message(k: float, *, reason: str = "split_rate_reason", base: str = "split_base") -> str:
    """Why a split rate K above 15 % on revenue without a reason is refused; ``reason`` and ``base`` name
    the fields (a case file's, or a batch table's columns)."""
    return (
        f"以销售收入为分成基数时分成率 K = {k:.2%} 超过 {MAX_REVENUE_SPLIT_RATE:.0%}，且未在 "
        f"{reason} 中说明理由：25%–33% 属利润分成率，应乘以利润（{base} \"profit\"），"
        "销售收入分成率 = 利润分成率 × 销售利润率; a split rate K above "
        f"{MAX_REVENUE_SPLIT_RATE:g} on revenue ({base} 'revenue') needs {reason}, "
        f"got K = {k:g} and no reason"
    )


def _check_history(inputs: IncomeInputs) -> None:
    history = inputs.history
    assert history is not None
    points = history.points
    if len(points) < MIN_HISTORY_POINTS:
        raise HistoryTooShort(
            f"the ETS forecast needs at least {MIN_HISTORY_POINTS} yearly points, got {len(points)}",
            field="income.history.points",
        )
    for k in range(1, len(points)):
        if points[k].year != points[k - 1].year + 1:
            raise _bad(
                f"history.points[{k}].year",
                f"expected consecutive years in order, {points[k - 1].year} then {points[k - 1].year + 1}, "
                f"got {points[k].year}",
            )
    if revenue_base(inputs):
        for k, p in enumerate(points):
            if p.amount < 0:
                raise _bad(f"history.points[{k}].amount", f"expected revenue >= 0 CNY, got {p.amount}")


def revenue_base(inputs: IncomeInputs) -> bool:
    """Whether the base B_k is revenue (direct, or split on revenue): it is then ≥ 0 and floored at 0."""
    return inputs.form is IncomeForm.DIRECT or (
        inputs.form is IncomeForm.SPLIT and inputs.split_base is not SplitBase.PROFIT
    )


def _check_rate(inputs: IncomeInputs) -> None:
    spec = inputs.discount_rate
    given = [n for n, v in (("risk_free", spec.risk_free), ("wacc", spec.wacc), ("capm", spec.capm)) if v is not None]
    if len(given) != 1:
        raise _bad(
            "discount_rate",
            "expected one of a build-up (risk_free + premiums), a WACC (wacc + asset_premium) or a WACC "
            f"from its parts (capm + asset_premium), got {given or 'none'}",
        )
    if spec.risk_free is not None and spec.asset_premium is not None:
        raise _bad("discount_rate.asset_premium", "asset_premium goes with wacc, not with a build-up rate")
    if spec.risk_free is None and spec.premiums:
        raise _bad("discount_rate.premiums", "named premiums go with a build-up rate, not with wacc")
    names = [p.name for p in spec.premiums]
    for k, name in enumerate(names):
        if name in names[:k]:
            raise _bad(f"discount_rate.premiums[{k}].name", f"premium {name!r} is listed twice")
    if not spec.rate() > 0:
        raise _bad("discount_rate", f"expected a discount rate above 0, got {spec.rate()}")


def _check_basis(inputs: IncomeInputs) -> None:
    flows, rate = inputs.cash_flow_basis, inputs.discount_rate.basis
    if flows is TaxBasis.AFTER_TAX and rate is TaxBasis.PRE_TAX:
        raise BasisMismatch(
            "after-tax cash flows cannot be discounted at a pre-tax rate; expected an after-tax rate "
            "(or pre-tax flows), got cash_flow_basis after_tax with a pre_tax rate",
            field="income.discount_rate.basis",
        )
    if flows is TaxBasis.PRE_TAX and rate is TaxBasis.AFTER_TAX and inputs.tax_rate is None:
        raise BasisMismatch(
            "pre-tax cash flows with an after-tax rate need tax_rate to convert them (F × (1 − T)); "
            "got no tax_rate",
            field="income.tax_rate",
        )
    if inputs.tax_rate is not None and not (flows is TaxBasis.PRE_TAX and rate is TaxBasis.AFTER_TAX):
        raise _bad(
            "tax_rate",
            f"tax_rate converts pre-tax flows to after-tax; it is not used with {flows.value} flows and a "
            f"{rate.value} rate, got {inputs.tax_rate}",
        )


def tax_factor(inputs: IncomeInputs) -> float:
    """τ = 1 − T when pre-tax flows are converted to after-tax, else 1 (ratio)."""
    if inputs.cash_flow_basis is TaxBasis.PRE_TAX and inputs.discount_rate.basis is TaxBasis.AFTER_TAX:
        return 1.0 - float(inputs.tax_rate or 0.0)
    return 1.0


def parse_income_inputs(raw: Mapping[str, Any] | IncomeInputs, *, asset_id: str) -> IncomeInputs:
    """Validate the "income" part of a case (JSON-like mapping) for one asset.

    Raises :class:`InvalidIncomeInput` naming the asset and the first bad field as a dotted path
    (e.g. ``income.forecast[2].revenue``), the message listing every problem; the rules between fields
    raise their own errors (:class:`BasisMismatch` ...) with the asset named.
    """
    if isinstance(raw, IncomeInputs):
        return raw
    try:
        return IncomeInputs.model_validate(raw)
    except ValidationError as exc:
        problems = [(dotted(("income", *e["loc"])), describe(dict(e))) for e in exc.errors()]
        message = "; ".join(f"{path}: {text}" for path, text in problems)
        raise InvalidIncomeInput(message, asset_id=asset_id, field=problems[0][0]) from None
    except DatavalError as exc:  # a rule between fields, raised by check_income_inputs
        raise exc.with_asset(asset_id) from None
