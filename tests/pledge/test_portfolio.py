"""A loan book simulated in one batch (pledge/portfolio.py): each loan's figures equal pledge.assess on
its own case to the bit; a deterministic book by hand; slicing does not change anything; bad books."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pledge import AssetNotHeld, PledgeCase, assess, case_from_dict
from pledge.models import BankPolicy
from pledge.portfolio import PortfolioMismatch, simulate_portfolio
from tests.pledge.conftest import make_case

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples" / "pledges"
POLICY = Path(__file__).resolve().parents[2] / "data" / "bank_policy.json"
N_PATHS = 1500


def book() -> list[PledgeCase]:
    """The four sample loans plus eleven variations of the test case (grids, dynamics, amounts): 15 loans."""
    policy = BankPolicy.model_validate_json(POLICY.read_text(encoding="utf-8"))
    cases = []
    for path in sorted(EXAMPLES.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["simulation"]["n_paths"] = N_PATHS
        cases.append(case_from_dict(raw, policy))
    for k in range(11):
        cases.append(make_case(
            case_id=f"V-{k}", term_sheet__loan_id=f"LV-{k}", collateral__asset_id=f"DA-V{k}",
            term_sheet__amount=1_000_000.0 + 250_000.0 * k,
            term_sheet__term_months=12 if k % 2 else 24,
            term_sheet__frequency="quarterly" if k % 3 == 0 else "monthly",
            term_sheet__repayment="level_payment" if k % 4 else "interest_only_bullet",
            term_sheet__beyond_life_reason="test",
            borrower__annual_cash_flow=[5_000_000.0, 5_000_000.0],
            collateral__dynamics={"decay": ["none", "straight_line", "exponential"][k % 3], "decay_rate": 0.1,
                                  "volatility": 0.1 * (k % 4), "jump_intensity": 0.2 if k % 5 == 1 else 0.0,
                                  "jump_size": 0.5},
            simulation__seed=100 + k, simulation__n_paths=N_PATHS,
        ))
    return cases


def test_each_loan_equals_assess_alone_to_the_bit() -> None:
    cases = book()
    result = simulate_portfolio(cases)
    assert result.n_loans == 15 and result.n_paths == N_PATHS
    for case, loan in zip(cases, result.loans, strict=True):
        alone = assess(case)
        sim = alone.simulation
        assert loan.loan_id == case.term_sheet.loan_id
        assert (loan.prob_shortfall, loan.prob_shortfall_final, loan.expected_shortfall, loan.conditional_shortfall) \
            == (sim.prob_shortfall, sim.prob_shortfall_final, sim.expected_shortfall, sim.conditional_shortfall)
        assert loan.collateral_value == alone.collateral.collateral_value
        assert loan.liquidation_value == alone.collateral.liquidation.liquidation_value
        assert (loan.el_ineligible, loan.el_eligible) == (alone.loss.el_ineligible, alone.loss.el_eligible)
    # the book's mean shortfall is the sum of the loans' (the same paths, added path by path)
    assert result.expected_total_shortfall == pytest.approx(sum(x.expected_shortfall for x in result.loans),
                                                            rel=1e-12)
    assert result.prob_any_shortfall >= max(x.prob_shortfall for x in result.loans)
    assert result.total_shortfall_p99 >= result.total_shortfall_p95 >= 0.0


def test_slices_of_the_book_do_not_change_any_figure() -> None:
    cases = book()
    assert simulate_portfolio(cases, max_cells=N_PATHS * 25) == simulate_portfolio(cases)  # 1 loan a slice


def test_a_deterministic_book_by_hand() -> None:
    """No volatility, jumps or decay: every path is the base path.

    Collateral V = 10,000,000 × (1 − 20 %) = 8,000,000; L = (8,000,000 × 0.6 × 0.95 − 100,000) / 1.05
    = 4,460,000 / 1.05 = 4,247,619.047619. Loan A 2,000,000 (bullet): exposure 2,000,000 ≤ L, no gap.
    Loan B 5,000,000 (bullet): gap 5,000,000 − 4,247,619.047619 = 752,380.952381 on every path.
    EL ineligible = 2 % × 40 % × EAD: 16,000 + 40,000 = 56,000. As if eligible: E_S = min(C × 0.6, E)
    = E for both (C = 10,000,000) → LGD* = 25 %: 10,000 + 25,000 = 35,000.
    """
    a = make_case()
    b = make_case(case_id="T-2", term_sheet__loan_id="L-2", term_sheet__amount=5_000_000.0,
                  collateral__asset_id="DA-2", registration__pledge_registration_number="REG-2")
    result = simulate_portfolio([a, b])
    la, lb = result.loans
    assert la.liquidation_value == pytest.approx(4_460_000 / 1.05, rel=1e-12)
    assert (la.prob_shortfall, la.expected_shortfall) == (0.0, 0.0)
    gap = 5_000_000 - 4_460_000 / 1.05
    assert lb.prob_shortfall == 1.0 and lb.prob_shortfall_final == 1.0
    assert lb.expected_shortfall == pytest.approx(gap, rel=1e-12)
    assert lb.conditional_shortfall == pytest.approx(gap, rel=1e-12)
    assert result.prob_any_shortfall == 1.0
    assert result.expected_total_shortfall == pytest.approx(gap, rel=1e-12)
    assert result.total_shortfall_p95 == pytest.approx(gap, rel=1e-12)
    assert result.total_exposure == 7_000_000.0
    assert result.total_collateral_value == 16_000_000.0
    assert result.el_total_ineligible == pytest.approx(56_000.0, abs=1e-6)
    assert result.el_total_eligible == pytest.approx(35_000.0, abs=1e-6)


def test_books_that_cannot_be_simulated_together_are_refused() -> None:
    a = make_case()
    with pytest.raises(PortfolioMismatch, match="at least one loan"):
        simulate_portfolio([])
    other_paths = make_case(case_id="T-2", term_sheet__loan_id="L-2", collateral__asset_id="DA-2",
                            simulation__n_paths=500)
    with pytest.raises(PortfolioMismatch, match="case T-2 has 500, case T-1 has 2000") as exc:
        simulate_portfolio([a, other_paths])
    assert exc.value.field == "simulation.n_paths"
    twice = make_case(case_id="T-3", collateral__asset_id="DA-3")
    with pytest.raises(PortfolioMismatch, match="loan L-1 appears twice"):
        simulate_portfolio([a, twice])
    not_held = make_case(case_id="T-4", term_sheet__loan_id="L-4", collateral__asset_id="DA-4",
                         holding__holds_asset=False)
    with pytest.raises(AssetNotHeld):
        simulate_portfolio([a, not_held])


def test_any_cut_of_the_book_into_parts_gives_the_same_figures() -> None:
    from pledge.portfolio import book_parts, check_book, combine_parts, simulate_loans

    cases = book()
    whole = simulate_portfolio(cases, loans_per_part=len(cases))
    assert simulate_portfolio(cases, loans_per_part=1) == whole
    parts = [simulate_loans(p) for p in book_parts(cases, 4)]  # 4 + 4 + 4 + 3 loans
    assert [len(p.loans) for p in parts] == [4, 4, 4, 3] and parts[0].gaps.shape == (4, N_PATHS)
    assert combine_parts(parts, check_book(cases)) == whole
