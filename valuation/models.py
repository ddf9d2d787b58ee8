"""Shared vocabulary of an appraisal: the engagement, the data asset, quality, and result basics.

Terms follow the China Appraisal Society guidance 中评协〔2023〕17号《数据资产评估指导意见》
(docs/valuation.md). Money is CNY (float64 in valuation math; conversion to Decimal happens at
the boundary into accounting). Rates are annual decimals (0.08 = 8 %). Periods are years.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from base.models import FrozenModel
from base.money import MAX_AMOUNT_FLOAT, check_amount
from base.ranges import Count, InputDate, check_text, refuse_bool

_NUMBER = BeforeValidator(refuse_bool)

Money = Annotated[float, _NUMBER, Field(ge=0, allow_inf_nan=False, description=f"CNY, 0 … {MAX_AMOUNT_FLOAT:,.0f}"),
                  AfterValidator(check_amount)]
SignedMoney = Annotated[float, _NUMBER, Field(allow_inf_nan=False, description=f"CNY, |amount| ≤ {MAX_AMOUNT_FLOAT:,.0f}"),
                        AfterValidator(check_amount)]
PositiveMoney = Annotated[float, _NUMBER, Field(gt=0, allow_inf_nan=False, description=f"CNY, > 0, ≤ {MAX_AMOUNT_FLOAT:,.0f}"),
                          AfterValidator(check_amount)]
Rate = Annotated[float, _NUMBER, Field(ge=0, le=1, allow_inf_nan=False, description="annual decimal rate")]
Score = Annotated[float, _NUMBER, Field(ge=0, le=1, allow_inf_nan=False, description="score in [0, 1]")]
Text = Annotated[str, AfterValidator(check_text)]
"""An identifier or name: no Excel error value (``#VALUE!``) and no control character (NUL ...).
Free text (descriptions, evidence) stays plain ``str``: kept as given, made inert on export."""
Years = Annotated[float, _NUMBER, Field(ge=0, allow_inf_nan=False, description="years")]


class Purpose(StrEnum):
    """评估目的 purpose of the appraisal."""

    FINANCIAL_REPORTING = "financial_reporting"  # 以财务报告为目的
    TRANSACTION = "transaction"  # 交易
    PLEDGE = "pledge"  # 质押融资
    CAPITAL_CONTRIBUTION = "capital_contribution"  # 作价出资
    OTHER = "other"


class ValueType(StrEnum):
    """价值类型 value type."""

    MARKET_VALUE = "market_value"  # 市场价值
    INVESTMENT_VALUE = "investment_value"  # 投资价值
    VALUE_IN_USE = "value_in_use"  # 在用价值
    LIQUIDATION_VALUE = "liquidation_value"  # 清算价值


class DataRight(StrEnum):
    """The "three rights" split (数据二十条): which rights the entity holds or the appraisal covers."""

    HOLDING = "holding"  # 数据资源持有权
    PROCESSING_USE = "processing_use"  # 数据加工使用权
    PRODUCT_OPERATION = "product_operation"  # 数据产品经营权


class DataSource(StrEnum):
    """How the data was obtained."""

    OWN_COLLECTION = "own_collection"  # 自行采集
    PURCHASE = "purchase"  # 外购
    LICENCE = "licence"  # 授权许可
    AUTHORIZED_OPERATION = "authorized_operation"  # 公共数据授权运营


class Method(StrEnum):
    """评估方法 valuation approach."""

    COST = "cost"  # 成本法
    INCOME = "income"  # 收益法
    MARKET = "market"  # 市场法


class QualityDimension(StrEnum):
    """GB/T 36344-2018 data-quality dimensions, in the order used for vectors and AHP matrices."""

    ACCURACY = "accuracy"  # 准确性
    CONSISTENCY = "consistency"  # 一致性
    COMPLETENESS = "completeness"  # 完整性
    CONFORMANCE = "conformance"  # 规范性
    TIMELINESS = "timeliness"  # 时效性
    ACCESSIBILITY = "accessibility"  # 可访问性


QUALITY_DIMENSIONS: tuple[QualityDimension, ...] = tuple(QualityDimension)

LABELS_ZH: dict[str, str] = {
    "cost": "成本法",
    "income": "收益法",
    "market": "市场法",
    "accuracy": "准确性",
    "consistency": "一致性",
    "completeness": "完整性",
    "conformance": "规范性",
    "timeliness": "时效性",
    "accessibility": "可访问性",
    "financial_reporting": "以财务报告为目的",
    "transaction": "交易",
    "pledge": "质押融资",
    "capital_contribution": "作价出资",
    "market_value": "市场价值",
    "investment_value": "投资价值",
    "value_in_use": "在用价值",
    "liquidation_value": "清算价值",
    "holding": "数据资源持有权",
    "processing_use": "数据加工使用权",
    "product_operation": "数据产品经营权",
    "own_collection": "自行采集",
    "purchase": "外购",
    "licence": "授权许可",
    "authorized_operation": "公共数据授权运营",
}


LABELS_EN: dict[str, str] = {
    "cost": "cost approach",
    "income": "income approach",
    "market": "market approach",
}
"""English of the values whose code is not already the English words (the methods)."""


def english(value: str) -> str:
    """The English words of an enum value: ``value_in_use`` → ``value in use``, ``cost`` → ``cost approach``."""
    return LABELS_EN.get(value, value.replace("_", " "))


def bilingual(value: str, labels: Mapping[str, str] | None = None) -> str:
    """An enum value as a reader sees it: the Chinese label (from ``labels``, default :data:`LABELS_ZH`), then
    the English words (``value_in_use`` → ``在用价值 (value in use)``), never the raw code."""
    return f"{(labels or LABELS_ZH).get(value, value)} ({english(value)})"


class QualityScores(FrozenModel):
    """Scores in [0, 1] on the six GB/T 36344 dimensions, with where each came from."""

    accuracy: Score
    consistency: Score
    completeness: Score
    conformance: Score
    timeliness: Score
    accessibility: Score
    evidence: str = Field("", description="how the scores were obtained (profiling report, expert panel...)")

    def vector(self) -> tuple[float, ...]:
        """Scores in the order of :data:`QUALITY_DIMENSIONS`."""
        return tuple(getattr(self, d.value) for d in QUALITY_DIMENSIONS)


class DataAsset(FrozenModel):
    """The data asset appraised: identity, rights, source, term limits and descriptive attributes.

    ``rights_term_end`` is the end of any legal, contractual or authorization term that limits the
    rights (e.g. a 3-year public-data authorized-operation agreement); the income horizon and useful
    life are capped by it (docs/valuation.md §Income method).
    """

    asset_id: Text = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)  # free text: kept as given, made inert on export
    field: str = Field("general", description="field of application, e.g. transport, logistics, finance")
    region: str = Field("national", description="region of the data / market, e.g. Zhejiang")
    rights: tuple[DataRight, ...] = Field(min_length=1)
    source: DataSource
    rights_term_end: InputDate | None = None
    term_basis: str = Field("", description="the agreement or law behind rights_term_end")
    registration_certificate: str | None = Field(None, description="数据产权/数据知识产权登记证书 number")
    records: Count | None = Field(None, description="number of records")
    fields_count: Count | None = Field(None, description="number of fields (columns)")
    update_frequency: str | None = Field(None, description="daily / weekly / monthly / real-time ...")
    exclusivity: bool = False
    delivery_form: str | None = Field(None, description="API / file / data-service / sandbox ...")
    quality: QualityScores | None = None


class Engagement(FrozenModel):
    """The engagement facts every appraisal records (中评协〔2023〕17号; README.md, the case file)."""

    case_id: str = Field(min_length=1, max_length=64)
    client: str = Field(min_length=1)
    appraiser: str = ""
    purpose: Purpose
    value_type: ValueType
    valuation_date: InputDate
    report_date: InputDate | None = None
    assumptions: tuple[str, ...] = ()
    limiting_conditions: tuple[str, ...] = ()
    information_sources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _dates_in_order(self) -> Engagement:
        if self.report_date is not None and self.report_date < self.valuation_date:
            raise ValueError(
                f"report_date {self.report_date} is before valuation_date {self.valuation_date}"
            )
        return self


class Figure(FrozenModel):
    """One named intermediate figure of a calculation, with unit, formula and evidence."""

    name: str
    label_zh: str
    value: float
    unit: str = Field(description="CNY, rate, years, ratio, count")
    formula: str = ""
    evidence: str = ""


def _trimmed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, trailing zeros dropped down to two: 12.5000 → 12.50, 0.3750 → 0.375."""
    text = f"{value:,.{decimals}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"


def figure_text(figure: Figure) -> str:
    """A figure's value as a report prints it: CNY to the fen in 元, a rate in per cent and years with up
    to four decimals (at least two), a ratio with four, counts whole."""
    v = figure.value
    if figure.unit == "CNY":
        return f"{v:,.2f} 元"
    if figure.unit == "rate":
        return f"{_trimmed(v * 100, 4)}%"
    if figure.unit == "years":
        return f"{_trimmed(v, 4)} 年"
    if figure.unit in ("count", "records"):
        return f"{v:,.0f}"
    return f"{v:.4f}"


class MethodResult(FrozenModel):
    """Common part of a method's result; each method's result subclasses it with its own detail.

    ``value`` is the method's indicated value in CNY. ``figures`` are the intermediate figures in the
    order a reader follows them; ``formula`` states the method's formula (docs/valuation.md,
    one section per method).
    """

    method: Method
    asset_id: str
    value: float
    formula: str
    figures: tuple[Figure, ...] = ()
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class TornadoBar(FrozenModel):
    """Value at a low and a high setting of one key input, the rest held at base."""

    method: Method
    input_name: str
    label_zh: str
    base_input: float
    low_input: float
    high_input: float
    value_at_low: float
    value_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.value_at_high - self.value_at_low)
