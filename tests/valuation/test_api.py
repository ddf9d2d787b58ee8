"""The curated ``valuation`` API: every name resolves, and a light import stays light."""

from __future__ import annotations

import subprocess
import sys

import valuation


def test_every_curated_name_resolves_to_its_module_object() -> None:
    from valuation.engine import value_case
    from valuation.runner import run_batch

    for name in valuation.__all__:
        assert getattr(valuation, name) is not None, name
    assert valuation.value_case is value_case
    assert valuation.run_batch is run_batch


def test_the_methods_are_their_own_packages() -> None:
    from valuation import cost, income, market

    assert callable(cost.value_cost) and callable(income.value_income) and callable(market.value_market)


def test_importing_the_models_does_not_load_the_methods() -> None:
    """``import valuation.models`` (as the pledge package and the command line do) loads no method."""
    code = ("import sys, valuation.models; "
            "print(sorted(m for m in ('valuation.engine', 'valuation.cost', 'statsmodels') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
