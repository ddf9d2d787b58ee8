"""Horizon n = min(economic life, every legal / contractual / authorization term)
(docs/valuation.md §Income method).

A term is counted in years from the valuation date to its end, y + m/12 + d/365
(:func:`valuation.income.kernel.year_fractions`, the figures of ``dateutil.relativedelta``). When the
life and a term end together the term is named as binding: the law or contract is the harder limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from valuation.errors import HorizonError
from valuation.models import DataAsset

from . import kernel
from .errors import TerminalValueNotAllowed
from .inputs import IncomeInputs
from .result import HorizonCap


@dataclass(frozen=True)
class Horizon:
    """The caps, n in years (``inf`` when indefinite), and which cap bound it and why."""

    caps: tuple[HorizonCap, ...]
    years: float
    binding: str
    reason: str

    @property
    def indefinite(self) -> bool:
        return math.isinf(self.years)


def decide_horizon(asset: DataAsset, inputs: IncomeInputs, valuation_date: date) -> Horizon:
    """Collect the caps, check them against the valuation date and the terminal value, and take the min."""
    terms: list[tuple[str, str, str, date, str]] = []  # name, label, basis, end, field
    if asset.rights_term_end is not None:
        terms.append(
            ("rights_term_end", "权利期限", asset.term_basis, asset.rights_term_end, "asset.rights_term_end")
        )
    for k, cap in enumerate(inputs.term_caps):
        terms.append((f"term_caps[{k}]", "授权/合同期限", cap.basis, cap.end, f"income.term_caps[{k}].end"))
    ends = np.array([t[3] for t in terms], dtype="datetime64[D]")
    years = kernel.year_fractions(np.datetime64(valuation_date, "D"), ends) if terms else np.array([])
    caps: list[HorizonCap] = []
    for (name, label, basis, end, field), y in zip(terms, years, strict=True):
        if not end > valuation_date:
            raise HorizonError(
                f"the term ({basis or name}) ends on {end}, on or before the valuation date "
                f"{valuation_date}; expected an end after the valuation date (a lapsed right has no "
                "income horizon)",
                field=field,
            )
        caps.append(HorizonCap(name=name, label_zh=label, basis=basis, end=end, years=float(y)))
    life = inputs.economic_life
    caps.append(HorizonCap(name="economic_life", label_zh="经济寿命", basis="", end=None, years=life))

    finite = [c for c in caps if c.years is not None]
    if not finite:
        if inputs.terminal is None:
            raise TerminalValueNotAllowed(
                "an indefinite economic life (economic_life null) with no term cap needs a terminal value; "
                "expected 'terminal' (growth and margin) or a finite economic_life",
                field="income.terminal",
            )
        return Horizon(
            caps=tuple(caps),
            years=math.inf,
            binding="terminal_value",
            reason="indefinite economic life and no legal, contractual or authorization term: "
            "explicit periods followed by a terminal value",
        )
    binding = min(finite, key=lambda c: (c.years, c.name == "economic_life"))
    assert binding.years is not None
    if inputs.terminal is not None:
        raise TerminalValueNotAllowed(
            f"a terminal value needs an indefinite life, but the term {binding.basis or binding.name} "
            f"(ends {binding.end}) makes the life finite ({binding.years:.4f} years); remove 'terminal'",
            field="income.terminal",
        )
    others = ", ".join(
        f"{c.label_zh} {c.name} {'indefinite' if c.years is None else f'{c.years:.4f} years'}"
        for c in caps
        if c is not binding
    )
    if binding.name == "economic_life":
        what = f"the economic life of {binding.years:g} years"
    else:
        what = (
            f"{binding.label_zh} ({binding.basis or binding.name}) ending {binding.end}, "
            f"{binding.years:.4f} years after {valuation_date}"
        )
    reason = f"n = {binding.years:.4f} years: {what} is the shortest limit" + (
        f" (others: {others})" if others else ""
    )
    return Horizon(caps=tuple(caps), years=float(binding.years), binding=binding.name, reason=reason)
