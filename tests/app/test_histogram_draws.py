"""The dashboard's histogram reads the Monte Carlo draws the engine kept on the valuation: nothing re-runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app import services
from register import Role, User
from tests.valuation.test_prepare_once import example
from valuation import cost, income, market
from valuation.market import grid


def test_histogram_draws_are_read_not_simulated(monkeypatch: pytest.MonkeyPatch, users: dict[Role, User]) -> None:
    case = example("parking_city_investment")
    result = services.value_engagement(users[Role.APPRAISER], case)
    v = result.valuations[0]

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the histogram must not simulate")

    for target, name in (
        (cost, "simulate_cost"),
        (income, "simulate_income"),
        (market, "simulate_market"),
        (cost.method, "simulate"),
        (income.method, "simulate"),
        (market.method, "simulate"),
        (grid, "simulate"),
    ):
        monkeypatch.setattr(target, name, refuse)
    draws = services.simulated_values(
        users[Role.APPRAISER], result, "PARK-001"
    )
    assert draws is v.draws
    r = v.conclusion.value_range
    assert r is not None
    assert tuple(np.percentile(draws, [5, 50, 95])) == pytest.approx((r.p5, r.p50, r.p95), rel=1e-12)
