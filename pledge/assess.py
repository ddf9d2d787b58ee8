"""The one entry point: :func:`assess` a :class:`PledgeCase` into a :class:`PledgeAssessment`."""

from __future__ import annotations

import numpy as np

from pledge.collateral import collateral_value, decay_factor, liquidation_value_of
from pledge.loss import expected_loss
from pledge.models import PledgeCase
from pledge.monitoring import breaches, ltv_of, reverse_stress
from pledge.register import check_pledgeable
from pledge.results import (
    ConstraintResult,
    LoanConstraint,
    MaxLoan,
    PathPoint,
    PledgeAssessment,
    PledgeRestriction,
    RepaymentSchedule,
    ShortfallSimulation,
    labelled,
)
from pledge.schedule import add_months, build_schedule, unit_schedule
from pledge.simulation import simulate_values, start_values
from pledge.sizing import (
    constraint,
    dscr_limit,
    pick_binding,
    shortfall_limit,
    shortfall_probability,
)
from valuation.uncertainty import REPORT_PERCENTILES


def assess(case: PledgeCase) -> PledgeAssessment:
    """Assess a pledge loan: collateral, maximum loan, schedule, paths, simulation, loss, stress.

    Raises :class:`pledge.errors.AssetNotHeld` / :class:`pledge.errors.AlreadyPledged` (register
    link) before any figure is computed; an existing pledge with this case's own registration number
    is the loan being monitored, not a second pledge.
    """
    ts, policy, col = case.term_sheet, case.policy, case.collateral
    own = case.registration.pledge_registration_number
    others = [p for p in case.holding.existing_pledges if p != own]  # this very pledge is not a second one
    check_pledgeable(col.asset_id, case.holding.holds_asset, others)

    coll = collateral_value(col, policy)
    v, liq0 = coll.collateral_value, coll.liquidation.liquidation_value

    # Monitoring dates 0..n and the exposure on them, for the requested loan and per CNY lent.
    schedule = build_schedule(ts)
    step = ts.frequency.months
    months = np.arange(ts.periods + 1) * step
    times = months / 12.0
    exposure = np.array([schedule.amount] + [r.opening_balance for r in schedule.rows])
    unit_exposure = np.concatenate([[1.0], unit_schedule(ts)[0]])

    life_years = col.remaining_life_months / 12.0
    base_values = v * decay_factor(times, col.dynamics, life_years)

    sim = case.simulation
    v0 = start_values(col, coll.method_haircut, seed=sim.seed, n_paths=sim.n_paths)
    paths = simulate_values(
        v0, col.dynamics, times, life_years, seed=sim.seed, asset_id=col.asset_id, n_paths=sim.n_paths
    )
    liq_paths = liquidation_value_of(paths, policy)

    # The four limits.
    dscr_amount, dscr_detail = dscr_limit(ts, case.borrower, policy.dscr_floor)
    limits = (
        constraint(
            LoanConstraint.POLICY_PLEDGE_RATE,
            coll.pledge_rate * v,
            "p × V",
            f"{coll.pledge_rate:.4f} × {v:,.2f}",
        ),
        constraint(
            LoanConstraint.LIQUIDATION_LTV,
            policy.ltv_limit * liq0,
            "LTV_limit × L",
            f"{policy.ltv_limit:.4f} × {liq0:,.2f}",
        ),
        constraint(LoanConstraint.DSCR, dscr_amount, "min_y CF_y / (DSCR_floor × s_y)", dscr_detail),
        constraint(
            LoanConstraint.SHORTFALL_PROBABILITY,
            shortfall_limit(liq_paths, unit_exposure, policy.shortfall_target),
            "max A: P(∃k L_k < A·b_k) ≤ α",
            f"α = {policy.shortfall_target}, {sim.n_paths} paths, seed {sim.seed}",
        ),
    )
    binding = pick_binding(limits)
    max_loan = MaxLoan(
        amount=binding.amount,
        binding=binding.constraint,
        constraints=limits,
        requested=ts.amount,
        within_limit=ts.amount <= binding.amount,
        headroom=binding.amount - ts.amount,
        reason=_no_loan_reason(limits),
    )

    # Simulation figures for the requested loan.
    gap = np.max(np.maximum(exposure[None, :] - liq_paths, 0.0), axis=1)
    p = shortfall_probability(ts.amount, liq_paths, exposure / ts.amount)
    hit = gap > 0
    simulation = ShortfallSimulation(
        n_paths=sim.n_paths,
        seed=sim.seed,
        prob_shortfall=p,
        prob_shortfall_std_error=float(np.sqrt(p * (1.0 - p) / sim.n_paths)),
        prob_shortfall_final=float(np.mean(liq_paths[:, -1] < exposure[-1])),
        expected_shortfall=float(gap.mean()),
        conditional_shortfall=float(gap[hit].mean()) if hit.any() else 0.0,
    )

    base_liq = liquidation_value_of(base_values, policy)
    ltv = ltv_of(exposure, base_liq)
    bands = np.percentile(paths, REPORT_PERCENTILES, axis=0)
    path = tuple(
        PathPoint(
            period=k,
            month=int(months[k]),
            exposure=float(exposure[k]),
            collateral_value=float(base_values[k]),
            liquidation_value=float(base_liq[k]),
            ltv=None if np.isinf(ltv[k]) else float(ltv[k]),
            coverage=float(base_values[k] / exposure[k]),
            value_p5=float(bands[0, k]),
            value_p50=float(bands[1, k]),
            value_p95=float(bands[2, k]),
        )
        for k in range(months.size)
    )

    restriction = PledgeRestriction(
        asset_id=col.asset_id,
        pledgee=ts.lender,
        loan_id=ts.loan_id,
        amount=ts.amount,
        registry=case.registration.registry,
        pledge_registration_number=case.registration.pledge_registration_number,
        start=ts.drawdown_date,
        end=add_months(ts.drawdown_date, ts.term_months),
    )

    return PledgeAssessment(
        case_id=case.case_id,
        asset_id=col.asset_id,
        collateral=coll,
        max_loan=max_loan,
        schedule=schedule,
        path=path,
        breaches=breaches(months, exposure, base_values, policy),
        simulation=simulation,
        loss=expected_loss(case.borrower.pd_annual, ts.amount, col.concluded_value, policy.basel),
        reverse_stress=reverse_stress(exposure, base_values, policy),
        restriction=restriction,
        warnings=_warnings(case, max_loan, schedule),
    )


def _no_loan_reason(limits: tuple[ConstraintResult, ...]) -> str:
    """Why the maximum loan is 0 (Chinese first), naming every limit that is 0; "" when a loan is possible."""
    zero = [c for c in limits if c.amount < 0.01]
    if not zero:
        return ""
    named = "; ".join(f"{labelled(c.constraint)} = 0 ({c.formula}: {c.detail})" for c in zero)
    return f"押品不足以支持任何贷款 no loan is possible, maximum loan 0: {named}"


def _warnings(case: PledgeCase, max_loan: MaxLoan, schedule: RepaymentSchedule | None = None) -> tuple[str, ...]:
    out = []
    if max_loan.reason:
        out.append(max_loan.reason)
    if schedule is not None and schedule.all_in_annual_cost is None:
        out.append(
            f"综合融资成本无法计算 all-in cost not defined: fees at drawdown {schedule.upfront_fees:,.2f} CNY "
            f"leave nothing of the loan {schedule.amount:,.2f} CNY (or the rate is beyond any bracket)"
        )
    if not max_loan.within_limit:
        out.append(
            f"申请金额超过最高可贷额度 requested {max_loan.requested:,.2f} CNY exceeds the maximum loan "
            f"{max_loan.amount:,.2f} CNY (起约束作用 binding: {labelled(max_loan.binding)})"
        )
    if not case.registration.certificate_number:
        out.append("缺少数据产权登记证书 no data property registration certificate: proof of rights missing")
    if not case.registration.pledge_registration_number:
        out.append(
            "尚未办理质押登记（缺质押登记编号）pledge not registered yet: register before drawdown to block "
            "a second pledge"
        )
    ts, col = case.term_sheet, case.collateral
    if ts.term_months > col.remaining_life_months:
        out.append(
            f"贷款期限超过剩余经济寿命 loan term {ts.term_months} months exceeds the remaining life "
            f"{col.remaining_life_months} months; 说明 reason stated: {ts.beyond_life_reason}"
        )
    return tuple(out)
