"""A loan book's collateral simulated in one batch (质押贷款组合; pledge practice, "Uncertainty").

:func:`simulate_portfolio` takes the :class:`PledgeCase` of every loan of a book and simulates all the
collateral paths together — :func:`pledge.simulation.simulate_values_batch`, vectorized over loans that
share a monitoring grid, in slices that bound memory — then reads, per loan, the figures
:func:`pledge.assess` reports for the requested loan (probability of a shortfall at any date and at
maturity, expected and conditional shortfall, EL both ways), and for the book:

- the total exposure, collateral value and liquidation value at drawdown;
- the book's shortfall per path: S_p = Σ_l max_k (E_lk − L_lkp)⁺, the sum over loans (in book order)
  of each loan's largest gap on path p; its mean (= Σ expected shortfalls), P95 and P99, and P(S > 0),
  the chance that at least one loan falls short;
- EL = Σ PD × LGD × EAD, ineligible and as-if-eligible.

Convention: each loan's paths come from its own seed and asset id (valuation/random.py), so loans are
simulated as independent; path p of the book is path p of every loan. A loan's figures equal those of
:func:`pledge.assess` on its case alone, to the bit. All loans must use the same number of paths.

A book is cut into parts (:func:`book_parts`) that :func:`simulate_loans` values one by one, here or on
an executor's workers (``dataval portfolio --engine dask``), and :func:`combine_parts` adds up; the
figures do not depend on the cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import Field

from base.models import FrozenModel
from pledge.collateral import collateral_value, liquidation_value_of
from pledge.errors import PledgeError
from pledge.loss import expected_loss
from pledge.models import PledgeCase
from pledge.register import check_pledgeable
from pledge.schedule import build_schedule
from pledge.simulation import simulate_values_batch, start_values
from pledge.sizing import shortfall_probability

MAX_CELLS = 4_000_000  # loans × paths × dates simulated at once (32 MB per array)
LOANS_PER_PART = 256  # loans simulated and reduced before the next part (memory: their gap vectors)


class PortfolioMismatch(PledgeError):
    """The loans of a book cannot be simulated together (e.g. different numbers of paths)."""

    rule = "portfolio_mismatch"


class LoanSimulation(FrozenModel):
    """One loan of the book: its requested amount, collateral and simulated shortfall (CNY)."""

    case_id: str
    loan_id: str
    asset_id: str
    amount: float = Field(title="贷款金额", description="CNY")
    collateral_value: float = Field(title="押品价值", description="CNY, after the method haircut")
    liquidation_value: float = Field(title="清算价值", description="CNY, at drawdown")
    prob_shortfall: float = Field(title="押品不足概率")
    prob_shortfall_final: float = Field(title="到期押品不足概率")
    expected_shortfall: float = Field(title="预期不足额", description="CNY")
    conditional_shortfall: float = Field(title="条件不足额", description="CNY, given a shortfall")
    el_ineligible: float = Field(title="预期损失（押品不合格）", description="CNY")
    el_eligible: float = Field(title="预期损失（视同合格押品）", description="CNY")


class PortfolioSimulation(FrozenModel):
    """The book: per-loan figures and the distribution of the book's total shortfall (CNY)."""

    n_loans: int
    n_paths: int
    loans: tuple[LoanSimulation, ...]
    total_exposure: float = Field(title="贷款总额", description="CNY at drawdown")
    total_collateral_value: float = Field(title="押品价值合计", description="CNY")
    total_liquidation_value: float = Field(title="清算价值合计", description="CNY")
    prob_any_shortfall: float = Field(title="任一贷款押品不足概率")
    expected_total_shortfall: float = Field(title="组合预期不足额", description="CNY")
    total_shortfall_p95: float = Field(title="组合不足额P95", description="CNY")
    total_shortfall_p99: float = Field(title="组合不足额P99", description="CNY")
    el_total_ineligible: float = Field(title="组合预期损失（押品不合格）", description="CNY")
    el_total_eligible: float = Field(title="组合预期损失（视同合格押品）", description="CNY")


def _grid(case: PledgeCase) -> tuple[int, int]:
    """(months per period, periods): loans with the same pair share a monitoring grid."""
    return case.term_sheet.frequency.months, case.term_sheet.periods


@dataclass(frozen=True)
class LoanBookPart:
    """Consecutive loans of a book, simulated: their figures and each one's largest gap per path.

    ``gaps`` (len(loans), n_paths), CNY: max over monitoring dates of (exposure − liquidation value)⁺.
    """

    loans: tuple[LoanSimulation, ...]
    gaps: np.ndarray


def check_book(cases: Sequence[PledgeCase]) -> int:
    """The number of paths of the book, after the checks of :func:`simulate_portfolio`."""
    if not cases:
        raise PortfolioMismatch("a loan book needs at least one loan", field="cases")
    n_paths = cases[0].simulation.n_paths
    seen: dict[str, str] = {}
    for c in cases:
        if c.simulation.n_paths != n_paths:
            raise PortfolioMismatch(
                f"every loan of a book is simulated on the same number of paths; case {c.case_id} has "
                f"{c.simulation.n_paths}, case {cases[0].case_id} has {n_paths}",
                asset_id=c.collateral.asset_id, field="simulation.n_paths",
            )
        if c.term_sheet.loan_id in seen:
            raise PortfolioMismatch(
                f"loan {c.term_sheet.loan_id} appears twice (cases {seen[c.term_sheet.loan_id]} and {c.case_id})",
                asset_id=c.collateral.asset_id, field="term_sheet.loan_id",
            )
        seen[c.term_sheet.loan_id] = c.case_id
        own = c.registration.pledge_registration_number
        check_pledgeable(c.collateral.asset_id, c.holding.holds_asset,
                         [p for p in c.holding.existing_pledges if p != own])
    return n_paths


def simulate_loans(cases: Sequence[PledgeCase], *, max_cells: int = MAX_CELLS) -> LoanBookPart:
    """Simulate the collateral of ``cases`` together (loans sharing a grid in one array, sliced to
    ``max_cells``) and read each loan's figures. The unit of work an executor ships; call
    :func:`check_book` on the whole book first."""
    n_paths = cases[0].simulation.n_paths if cases else 0
    gaps = np.zeros((len(cases), n_paths))
    loans: list[LoanSimulation | None] = [None] * len(cases)
    groups: dict[tuple[int, int], list[int]] = {}
    for i, c in enumerate(cases):
        groups.setdefault(_grid(c), []).append(i)
    for (step, periods), members in groups.items():
        times = np.arange(periods + 1) * step / 12.0
        per_slice = max(1, max_cells // (n_paths * times.size))
        for s in range(0, len(members), per_slice):
            idx = members[s : s + per_slice]
            part = [cases[i] for i in idx]
            colls = [collateral_value(c.collateral, c.policy) for c in part]
            v0 = np.stack([
                start_values(c.collateral, cv.method_haircut, seed=c.simulation.seed, n_paths=n_paths)
                for c, cv in zip(part, colls, strict=True)
            ])
            paths = simulate_values_batch(
                v0,
                [c.collateral.dynamics for c in part],
                times,
                [c.collateral.remaining_life_months / 12.0 for c in part],
                seeds=[c.simulation.seed for c in part],
                asset_ids=[c.collateral.asset_id for c in part],
                n_paths=n_paths,
            )
            for j, (i, c, cv) in enumerate(zip(idx, part, colls, strict=True)):
                loans[i], gaps[i] = _loan_figures(c, cv.collateral_value, cv.liquidation.liquidation_value, paths[j])
    return LoanBookPart(tuple(x for x in loans if x is not None), gaps)


def combine_parts(parts: Iterable[LoanBookPart], n_paths: int) -> PortfolioSimulation:
    """The book from its consecutive parts: the book's shortfall per path adds the loans' gaps in loan
    order, so any cut of the book into parts gives the same figures."""
    total = np.zeros(n_paths)
    any_short = np.zeros(n_paths, dtype=bool)
    loans: list[LoanSimulation] = []
    for part in parts:
        loans.extend(part.loans)
        for gap in part.gaps:
            total += gap
            any_short |= gap > 0
    return PortfolioSimulation(
        n_loans=len(loans),
        n_paths=n_paths,
        loans=tuple(loans),
        total_exposure=float(sum(x.amount for x in loans)),
        total_collateral_value=float(sum(x.collateral_value for x in loans)),
        total_liquidation_value=float(sum(x.liquidation_value for x in loans)),
        prob_any_shortfall=float(np.mean(any_short)),
        expected_total_shortfall=float(total.mean()),
        total_shortfall_p95=float(np.percentile(total, 95.0)),
        total_shortfall_p99=float(np.percentile(total, 99.0)),
        el_total_ineligible=float(sum(x.el_ineligible for x in loans)),
        el_total_eligible=float(sum(x.el_eligible for x in loans)),
    )


def book_parts(cases: Sequence[PledgeCase], loans_per_part: int) -> Iterator[Sequence[PledgeCase]]:
    """Consecutive slices of ``loans_per_part`` loans (the last may be shorter)."""
    for s in range(0, len(cases), max(1, loans_per_part)):
        yield cases[s : s + max(1, loans_per_part)]


def simulate_portfolio(
    cases: Sequence[PledgeCase], *, max_cells: int = MAX_CELLS, loans_per_part: int = LOANS_PER_PART
) -> PortfolioSimulation:
    """Simulate the collateral of every loan in batches and read the loan and book figures.

    Raises :class:`pledge.errors.AssetNotHeld` / :class:`~pledge.errors.AlreadyPledged` for a loan
    whose collateral cannot be pledged (as :func:`pledge.assess` does), :class:`PortfolioMismatch`
    for an empty book, loans with different numbers of paths, or a loan id used twice. Memory holds
    one part (``loans_per_part`` loans' gap vectors); the figures do not depend on either bound.
    """
    n_paths = check_book(cases)
    return combine_parts((simulate_loans(p, max_cells=max_cells) for p in book_parts(cases, loans_per_part)),
                         n_paths)


def _loan_figures(case: PledgeCase, v: float, liq0: float, paths: np.ndarray) -> tuple[LoanSimulation, np.ndarray]:
    """One loan's figures from its simulated paths (n_paths, dates), as :func:`pledge.assess` computes them."""
    ts, policy = case.term_sheet, case.policy
    schedule = build_schedule(ts)
    exposure = np.array([schedule.amount] + [r.opening_balance for r in schedule.rows])
    liq_paths = liquidation_value_of(paths, policy)
    gap = np.max(np.maximum(exposure[None, :] - liq_paths, 0.0), axis=1)
    hit = gap > 0
    loss = expected_loss(case.borrower.pd_annual, ts.amount, case.collateral.concluded_value, policy.basel)
    return LoanSimulation(
        case_id=case.case_id,
        loan_id=ts.loan_id,
        asset_id=case.collateral.asset_id,
        amount=ts.amount,
        collateral_value=v,
        liquidation_value=liq0,
        prob_shortfall=shortfall_probability(ts.amount, liq_paths, exposure / ts.amount),
        prob_shortfall_final=float(np.mean(liq_paths[:, -1] < exposure[-1])),
        expected_shortfall=float(gap.mean()),
        conditional_shortfall=float(gap[hit].mean()) if hit.any() else 0.0,
        el_ineligible=loss.el_ineligible,
        el_eligible=loss.el_eligible,
    ), gap
