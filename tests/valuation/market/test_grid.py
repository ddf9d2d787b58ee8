"""The adjustment grid by hand (docs/valuation.md §Market method): P = (1/m)·Σ Q_k·X1_k·X2_k·X3_k·X4_k·X5_k,
and weighted.

Target (conftest.make_asset): logistics, Zhejiang (tier_1, 1.11), processing_use (1.00),
non-exclusive (1.00), API (1.00), rights not limited (> 5 years band, 1.11), 4,000,000 records,
quality = mean(0.9, 0.8, 0.7, 0.8, 0.6, 1.0) = 0.8. Valuation month 2025-12, I = 135. β = 0.5.
X5 coefficients are those of data/market_adjustments.json.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from tests.valuation.market.conftest import adjustments, make_asset, make_comp, make_ctx
from valuation.market import MarketInputs, Weighting, X2Override, X5Item, X5Override, value_market

C1 = make_comp(
    "C1",
    venue="上海数据交易所",
    date=date(2024, 6, 15),
    rights_type="holding",
    region="Shanghai",
    exclusivity=True,
    delivery_form="file",
    term_years=3,
    records=1_000_000,
    quality=0.64,
    price=500_000,
)
C2 = make_comp(
    "C2",
    venue="贵阳大数据交易所",
    date=date(2025, 3, 1),
    field="transport",
    region="Guizhou",
    records=16_000_000,
    quality=0.8,
    price=300_000,
)
C3 = make_comp(
    "C3",
    venue="北京国际大数据交易所",
    date=date(2023, 9, 30),
    rights_type="product_operation",
    region="national",
    delivery_form="data_service",
    term_years=1,
    records=4_000_000,
    quality=0.5,
    price=200_000,
)

# Every coefficient by hand.
Q = (500_000, 300_000, 200_000)
X1 = (0.8 / 0.64, 0.8 / 0.8, 0.8 / 0.5)  # q_target / q_comp
X2 = (1.0, 1.0, 1.0)  # default: market in balance
X3 = (135 / 117, 135 / 126, 135 / 108)  # I(2025-12) / I(comparable month)
X4 = ((4e6 / 1e6) ** 0.5, (4e6 / 16e6) ** 0.5, (4e6 / 4e6) ** 0.5)  # (records_t / records_c)^β
X5_ITEMS = (
    # rights, exclusivity, region tier, remaining term, delivery: target coefficient / comparable coefficient
    (1.00 / 1.28, 1.00 / 1.35, 1.11 / 1.11, 1.11 / 1.00, 1.00 / 0.90),
    (1.00 / 1.00, 1.00 / 1.00, 1.11 / 0.90, 1.11 / 1.11, 1.00 / 1.00),
    (1.00 / 1.13, 1.00 / 1.00, 1.11 / 1.05, 1.11 / 0.86, 1.00 / 1.11),
)
X5 = tuple(math.prod(items) for items in X5_ITEMS)
ADJUSTED = tuple(
    q * x1 * x2 * x3 * x4 * x5 for q, x1, x2, x3, x4, x5 in zip(Q, X1, X2, X3, X4, X5, strict=True)
)


def run(**inputs: object):
    return value_market(
        make_asset(), MarketInputs(comparables=(C1, C2, C3), **inputs), make_ctx(), adjustments=adjustments()
    )


def test_three_comparable_grid_by_hand() -> None:
    result = run()
    grid = result.detail.grid
    assert [r.comp_id for r in grid] == ["C1", "C2", "C3"]
    for k, row in enumerate(grid):
        assert row.price == Q[k]
        assert row.x1.value == pytest.approx(X1[k], rel=1e-12)
        assert row.x2.value == pytest.approx(X2[k], rel=1e-12)
        assert row.x3.value == pytest.approx(X3[k], rel=1e-12)
        assert row.x4.value == pytest.approx(X4[k], rel=1e-12)
        assert [i.value for i in row.x5_items] == pytest.approx(X5_ITEMS[k], rel=1e-12)
        assert row.x5.value == pytest.approx(X5[k], rel=1e-12)
        assert row.adjusted_price == pytest.approx(ADJUSTED[k], abs=0.005)
        assert row.kept and row.weight == pytest.approx(1 / 3)
    expected = (ADJUSTED[0] + ADJUSTED[1] + ADJUSTED[2]) / 3  # (1/m)·Σ P'_k
    assert result.value == pytest.approx(expected, abs=0.005)
    assert result.detail.target.quality == pytest.approx(0.8, rel=1e-12)
    assert result.detail.target.region_tier == "tier_1"


def test_grid_carries_its_evidence() -> None:
    row = run().detail.grid[0]
    assert "0.64" in row.x1.formula and "GB/T 36344" in row.x1.evidence
    assert "I(2025-12) / I(2024-06)" in row.x3.formula and "test index" in row.x3.evidence
    assert "1,000,000" in row.x4.formula and "β = 0.5" in row.x4.evidence
    rights = row.x5_items[0]
    assert rights.item is X5Item.RIGHTS_TYPE and rights.label_zh == "权利类型"
    assert "processing_use / holding" in rights.formula and "1.28" in rights.formula
    assert "数据资源持有权" in rights.evidence  # the basis text of the table's holding row
    figures = {f.name: f for f in run().figures}
    assert figures["kept"].value == 3 and figures["value"].unit == "CNY"


def test_similarity_weighted_mean_by_hand() -> None:
    # Similarity components (field, rights, region, delivery, records, date, quality), weights
    # 0.25, 0.15, 0.10, 0.10, 0.15, 0.10, 0.15 (SimilarityWeights defaults).
    w = (0.25, 0.15, 0.10, 0.10, 0.15, 0.10, 0.15)
    s1 = (1, 0, 0.5, 0, 1 - math.log10(4) / 3, 1 - 18 / 48, 1 - 0.16)  # Shanghai: same tier; 18 months
    s2 = (0, 1, 0, 1, 1 - math.log10(4) / 3, 1 - 9 / 48, 1 - 0.0)  # Guizhou: other tier; 9 months
    s3 = (1, 0, 0, 0, 1.0, 1 - 27 / 48, 1 - 0.3)  # national tier ≠ tier_1; 27 months
    sims = [sum(a * b for a, b in zip(w, s, strict=True)) for s in (s1, s2, s3)]
    result = run(weighting=Weighting.SIMILARITY)
    assert [r.similarity for r in result.detail.grid] == pytest.approx(sims, rel=1e-12)
    expected = sum(s * p for s, p in zip(sims, ADJUSTED, strict=True)) / sum(sims)  # Σ w_k P'_k / Σ w_k
    assert result.value == pytest.approx(expected, abs=0.005)
    assert [r.weight for r in result.detail.grid] == pytest.approx([s / sum(sims) for s in sims])


def test_explicit_target_quality_and_quality_weights() -> None:
    explicit = run(target_quality=0.9)
    assert explicit.value == pytest.approx(
        sum(ADJUSTED) / 3 * 0.9 / 0.8, abs=0.005
    )  # X1 scales with q_target
    weighted = run(
        quality_weights={
            "accuracy": 0.5,
            "consistency": 0.1,
            "completeness": 0.1,
            "conformance": 0.1,
            "timeliness": 0.1,
            "accessibility": 0.1,
        }
    )
    q = 0.5 * 0.9 + 0.1 * (0.8 + 0.7 + 0.8 + 0.6 + 1.0)  # Σ w_j·s_j = 0.84
    assert weighted.detail.target.quality == pytest.approx(q, rel=1e-12)
    assert weighted.value == pytest.approx(sum(ADJUSTED) / 3 * q / 0.8, abs=0.005)


def test_beta_and_x2_enter_as_stated() -> None:
    result = run(beta=1.0, x2=1.1)
    x4 = (4.0, 0.25, 1.0)  # (records_t / records_c)^1
    adjusted = [q * x1 * 1.1 * x3 * b * x5 for q, x1, x3, b, x5 in zip(Q, X1, X3, x4, X5, strict=True)]
    assert result.value == pytest.approx(sum(adjusted) / 3, abs=0.005)


def test_per_comparable_overrides_replace_x2_and_x5_items_with_evidence() -> None:
    result = run(
        x2_overrides=(
            X2Override(comp_id="C2", value=1.2, evidence="2025 transport data scarce: venue report"),
        ),
        x5_overrides=(
            X5Override(comp_id="C1", item=X5Item.EXCLUSIVITY, value=0.9, evidence="expert panel 2025-11"),
        ),
    )
    c1, c2, _ = result.detail.grid
    assert c2.x2.value == 1.2 and "venue report" in c2.x2.evidence
    items = list(X5_ITEMS[0])
    items[1] = 0.9  # exclusivity item replaced
    assert c1.x5.value == pytest.approx(math.prod(items), rel=1e-12)
    assert "expert panel" in c1.x5_items[1].evidence
    p1 = Q[0] * X1[0] * X3[0] * X4[0] * math.prod(items)
    p2 = Q[1] * X1[1] * 1.2 * X3[1] * X4[1] * X5[1]
    assert result.value == pytest.approx((p1 + p2 + ADJUSTED[2]) / 3, abs=0.005)


def test_remaining_term_of_target_uses_the_band() -> None:
    # Term ends 2027-12-31: 730 days / 365.25 = 1.9986 years → band "over 1 up to 2 years", 0.95.
    asset = make_asset(rights_term_end=date(2027, 12, 31))
    result = value_market(
        asset, MarketInputs(comparables=(C1, C2, C3)), make_ctx(), adjustments=adjustments()
    )
    assert result.detail.target.remaining_term_years == pytest.approx(730 / 365.25)
    terms = [r.x5_items[3].value for r in result.detail.grid]
    assert terms == pytest.approx([0.95 / 1.00, 0.95 / 1.11, 0.95 / 0.86], rel=1e-12)
