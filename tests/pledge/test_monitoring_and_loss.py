"""Paths, covenant breaches and triggers, the reverse stress test, and Basel EL.

Base case: V = 8,000,000; exposure 2,000,000 throughout (bullet); g = (1 − 0.40)(1 − 0.05) = 0.57,
F = 100,000, disc = 1/1.05.
"""

from __future__ import annotations

import pytest

from pledge import BaselLgd, CovenantKind, PledgeCase, TriggerKind, assess, expected_loss
from tests.pledge.conftest import make_case


def decaying_case(**changes: object) -> PledgeCase:
    """The base case with the collateral amortized straight-line over 24 months."""
    return make_case(
        collateral__dynamics={"decay": "straight_line"}, collateral__remaining_life_months=24, **changes
    )


def test_reverse_stress_by_hand() -> None:
    a = assess(make_case())
    drops = {r.covenant: r for r in a.reverse_stress}
    # LTV covenant ℓ: δ = 1 − (E/(ℓ·disc) + F) / (V·g)
    # ℓ = 0.9: 1 − (2,000,000 × 1.05 / 0.9 + 100,000) / (8,000,000 × 0.57)
    #        = 1 − (2,333,333.33 + 100,000) / 4,560,000 = 1 − 0.533626 = 0.466374
    assert drops[CovenantKind.LTV_MAX].drop == pytest.approx(0.4663742690, abs=1e-9)
    # ℓ = 0.8: 1 − (2,625,000 + 100,000) / 4,560,000 = 0.402412
    assert drops[CovenantKind.LTV_WARNING].drop == pytest.approx(0.4024122807, abs=1e-9)
    # shortfall (ℓ = 1): 1 − (2,100,000 + 100,000) / 4,560,000 = 0.517544
    assert drops[CovenantKind.SHORTFALL].drop == pytest.approx(0.5175438596, abs=1e-9)
    # coverage ≥ 2: 1 − 2 × 2,000,000 / 8,000,000 = 0.5
    assert drops[CovenantKind.COVERAGE_MIN].drop == pytest.approx(0.5)
    # check: at a 46.6374 % drop V = 4,269,005.85, L = (4,269,005.85 × 0.57 − 100,000)/1.05 = 2,222,222.22
    # and LTV = 2,000,000 / 2,222,222.22 = 0.9 exactly
    r = drops[CovenantKind.LTV_MAX]
    assert r.value_at_breach == pytest.approx(4_269_005.848, abs=1e-3)
    assert r.period == 0 and not r.breached_at_base


def test_breaches_fire_triggers_on_a_decaying_path() -> None:
    """Straight line over 24 months: V_k = 8,000,000 (1 − k/24), L_k = (0.57 V_k − 100,000)/1.05.

    LTV > 0.8 ⇔ L_k < 2,500,000 ⇔ V_k < 4,780,701.75 ⇔ k > 9.66 → months 10, 11, 12;
    LTV > 0.9 ⇔ L_k < 2,222,222.22 ⇔ V_k < 4,269,005.85 ⇔ k > 11.19 → month 12 (margin call, not a
    warning); coverage V_k/2,000,000 < 2 ⇔ k > 12 → never (month 12: coverage exactly 2.0).
    """
    a = assess(decaying_case())
    got = [(b.month, b.covenant, b.trigger) for b in a.breaches]
    assert got == [
        (10, CovenantKind.LTV_WARNING, TriggerKind.REVALUATION),
        (11, CovenantKind.LTV_WARNING, TriggerKind.REVALUATION),
        (12, CovenantKind.LTV_MAX, TriggerKind.MARGIN_CALL),
    ]
    p12 = a.path[12]
    # V_12 = 4,000,000; L_12 = 2,076,190.48; LTV = 2,000,000 / 2,076,190.48 = 0.963303
    assert p12.collateral_value == pytest.approx(4_000_000.0)
    assert p12.ltv == pytest.approx(0.9633027523, abs=1e-9)
    assert p12.coverage == pytest.approx(2.0)
    # already breached at base: the reverse stress says so with a zero drop
    ltv_max = next(r for r in a.reverse_stress if r.covenant is CovenantKind.LTV_MAX)
    assert ltv_max.breached_at_base and ltv_max.drop == 0.0 and ltv_max.period == 12


def test_coverage_breach_fires_top_up() -> None:
    # coverage floor 5: 8,000,000 / 2,000,000 = 4 < 5 at every date
    a = assess(make_case(policy__covenants={"ltv_warning": 0.8, "ltv_max": 0.9, "coverage_min": 5.0}))
    assert {(b.covenant, b.trigger) for b in a.breaches} == {(CovenantKind.COVERAGE_MIN, TriggerKind.TOP_UP)}
    assert len(a.breaches) == 13  # drawdown and 12 due dates


def test_path_exposure_follows_the_schedule() -> None:
    a = assess(make_case(term_sheet__repayment="equal_principal"))
    # exposure at date k is the principal before the k-th payment: 2,000,000 − (k − 1) × 166,666.67
    assert [p.exposure for p in a.path[:3]] == [2_000_000.0, 2_000_000.0, 1_833_333.33]
    assert a.path[-1].exposure == a.schedule.rows[-1].opening_balance


def test_basel_lgd_star_by_hand() -> None:
    basel = BaselLgd()
    # E = 2,000,000, C = 2,000,000: E_S = min(2,000,000 × 0.6, 2,000,000) = 1,200,000; E_U = 800,000
    # LGD* = (0.40 × 800,000 + 0.25 × 1,200,000) / 2,000,000 = (320,000 + 300,000) / 2,000,000 = 0.31
    el = expected_loss(0.02, 2_000_000.0, 2_000_000.0, basel)
    assert (el.secured_part, el.unsecured_part) == pytest.approx((1_200_000.0, 800_000.0))
    assert el.lgd_eligible == pytest.approx(0.31)
    assert el.el_eligible == pytest.approx(12_400.0)  # 0.02 × 0.31 × 2,000,000
    assert el.lgd_ineligible == 0.40 and el.el_ineligible == pytest.approx(16_000.0)  # 0.02 × 0.4 × 2m
    # ample collateral: E_S capped at E(1 + H_E) = E, LGD* = LGD_S = 0.25
    assert expected_loss(0.02, 2e6, 10e6, basel).lgd_eligible == pytest.approx(0.25)
    # exposure haircut 10 %: E(1 + H_E) = 2,200,000; E_S = 1,200,000, E_U = 1,000,000
    # LGD* = (0.4 × 1,000,000 + 0.25 × 1,200,000) / 2,200,000 = 700,000 / 2,200,000 = 0.318182
    hair = expected_loss(0.02, 2e6, 2e6, BaselLgd(exposure_haircut=0.10))
    assert hair.lgd_eligible == pytest.approx(0.3181818182, abs=1e-9)


def test_assessment_uses_concluded_value_as_basel_c() -> None:
    a = assess(make_case())
    # C = 10,000,000 concluded: E_S = min(6,000,000, 2,000,000) → LGD* = 0.25; EL = 0.02 × 0.25 × 2m
    assert a.loss.el_eligible == pytest.approx(10_000.0)
    assert a.loss.el_ineligible == pytest.approx(16_000.0)


def test_simulated_shortfall_figures_without_randomness() -> None:
    # straight line over 24 months, no volatility: L_12 = 2,076,190.48 > 2,000,000 → never short
    a = assess(decaying_case())
    assert a.simulation.prob_shortfall == 0.0 and a.simulation.expected_shortfall == 0.0
    # loan of 2,200,000: short at month 12 on every path by 2,200,000 − 2,076,190.48 = 123,809.52,
    # and at month 11 (V = 4,333,333.33, L = 2,257,142.86) not yet
    b = assess(
        decaying_case(term_sheet__amount=2_200_000.0)
    )
    assert b.simulation.prob_shortfall == 1.0 and b.simulation.prob_shortfall_final == 1.0
    assert b.simulation.expected_shortfall == pytest.approx(123_809.5238, abs=1e-3)
    assert b.simulation.conditional_shortfall == pytest.approx(123_809.5238, abs=1e-3)
